"""Issue 16: the threshold sentences of the motions page and an election's result page name
the base of the majority (rules/presets.py, in Vietnamese): an English page shows it in
English, a Vietnamese page in Vietnamese, and the translated table covers every base."""
from __future__ import annotations

from election_app.elections.services import create_election, open_round
from election_app.rules.presets import ELECT_BASE_WORDS, MOTION_BASE_WORDS
from election_app.templating import ELECT_BASE_WORDS_L, MOTION_BASE_WORDS_L
from tests.conftest import csrf_from


def test_translated_words_are_the_rulebook_words(app):
    with app.test_request_context():
        assert {k: str(v) for k, v in ELECT_BASE_WORDS_L.items()} == ELECT_BASE_WORDS
        assert {k: str(v) for k, v in MOTION_BASE_WORDS_L.items()} == MOTION_BASE_WORDS


def test_english_pages_show_the_base_in_english(client, login, session, congress, roll):
    election, _ = create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                  seats=1, candidates=[{"delegate_id": d.id} for d in roll[:2]])
    session.commit()
    open_round(session, election=election)
    session.commit()
    login("admin")
    motions, result = f"/congresses/{congress.id}/motions", f"/congresses/{congress.id}/elections/{election.id}/result"
    page = client.get(motions).get_data(as_text=True)
    assert "số đại biểu có mặt lúc biểu quyết" in page
    assert "tổng số phiếu thu về, kể cả phiếu không hợp lệ" in client.get(result).get_data(as_text=True)
    token = csrf_from(page)
    assert client.post("/lang/en", data={"csrf_token": token}).status_code == 302
    page = client.get(motions).get_data(as_text=True)
    assert "of the delegates present at the vote" in page and "số đại biểu có mặt" not in page
    page = client.get(result).get_data(as_text=True)
    assert "of the ballots returned, invalid ones included" in page and "phiếu thu về (kể cả" not in page
