"""RULES §4.1 end to end: the roll, the candidate list, the ballot paper and the round's
ballot numbers follow the congress's rulebook name order (letter by letter with the tone by
default; CLDR when a rulebook says so)."""
from __future__ import annotations

import subprocess

import pytest

from election_app.delegates.services import add_delegates, decide_credentials, list_delegates
from election_app.documents import jobs
from election_app.elections.services import create_election, list_candidates, open_round, round_candidates
from election_app.rules import presets
from election_app.rules.presets import RulePreset
from tests.conftest import TEST_SECRET

# Every pair differs between the two orders (RULES §4.1's own examples).
NAMES = ["Lê Văn Hòa", "Trần Văn Hoan", "Phạm Văn Thái", "Ngô Văn Thanh", "Đỗ Văn Dũng", "Vũ Văn Duy"]
LETTER_TONE = ["Vũ Văn Duy", "Đỗ Văn Dũng", "Trần Văn Hoan", "Lê Văn Hòa", "Ngô Văn Thanh", "Phạm Văn Thái"]
CLDR = ["Đỗ Văn Dũng", "Vũ Văn Duy", "Lê Văn Hòa", "Trần Văn Hoan", "Phạm Văn Thái", "Ngô Văn Thanh"]


@pytest.fixture
def people(session, congress):
    made = add_delegates(session, congress=congress, rows=[
        {"full_name": n, "birth_year": 1970 + i, "gender": "nam"} for i, n in enumerate(NAMES)])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return made


@pytest.fixture
def cldr_congress(monkeypatch, session, congress):
    other = RulePreset(code="thu_cldr", title="Bộ quy tắc thử (xếp tên CLDR)", name_order="cldr")
    monkeypatch.setitem(presets.PRESETS, other.code, other)
    congress.preset_code = other.code
    session.commit()
    return congress


def _ballot_order(session, congress, election) -> list[str]:
    cleaned = jobs.clean_params("ballot", {"election_id": election.id, "round": 1})
    pdf = jobs.produce(session, congress=congress, kind="ballot", params=cleaned, secret=TEST_SECRET).pdf
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                          capture_output=True).stdout.decode("utf-8")
    return sorted(NAMES, key=text.index)


def _check(session, congress, people, expected):
    assert [d.full_name for d in list_delegates(session, congress.id)] == expected
    election, _ = create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                  seats=4, candidates=[{"delegate_id": d.id} for d in people])
    session.commit()
    assert [c.full_name for c in list_candidates(session, election)] == expected
    r = open_round(session, election=election, secret=TEST_SECRET)
    session.commit()
    assert [(rc.ballot_number, c.full_name) for rc, c in round_candidates(session, r)] == list(enumerate(expected, 1))
    assert _ballot_order(session, congress, election) == expected


def test_default_rulebook_orders_letter_by_letter_with_the_tone(session, congress, people):
    _check(session, congress, people, LETTER_TONE)


def test_a_rulebook_may_keep_the_cldr_order(session, cldr_congress, people):
    _check(session, cldr_congress, people, CLDR)
