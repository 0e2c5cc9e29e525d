"""What a clerk types for one paper ballot (elections.entry), and the seal: pure, no app."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from election_app.elections.entry import DEFECT_KEYS, describe, format_reading, parse_reading
from election_app.elections.services import canonical_ballot, seal
from election_app.errors import ValidationFailed
from election_app.rules import DEFECT_REASONS

IDS = [11, 12, 13, 14, 15]   # candidate ids in ballot order: number 1 is id 11


@pytest.mark.parametrize("typed,kept,defect", [
    ("2 5", [11, 13, 14], None),
    ("5 2", [11, 13, 14], None),
    ("2,5", [11, 13, 14], None),
    (" 2  5 ", [11, 13, 14], None),
    ("25", None, None),                # 25 is not on a five-name ballot
    ("+", [11, 12, 13, 14, 15], None),
    ("*", [], None),
    ("1 2 3 4 5", [], None),
    ("d", [11, 12, 13, 14, 15], "no_seal"),
    ("3 D", [11, 12, 14, 15], "no_seal"),
    ("+ r", [11, 12, 13, 14, 15], "distinguishing_mark"),
    ("k", IDS, "not_issued"),
    ("t", IDS, "name_added"),
    ("m", IDS, "unclear_strike"),
])
def test_parse_reading(typed, kept, defect):
    if kept is None:
        with pytest.raises(ValidationFailed):
            parse_reading(typed, IDS)
        return
    assert parse_reading(typed, IDS) == (kept, defect)


@pytest.mark.parametrize("typed,needle", [
    ("", "Chưa nhập"),
    ("   ", "Chưa nhập"),
    ("0", "không có số 0"),
    ("6", "không có số 6"),
    ("2 2", "hai lần"),
    ("2 +", "không đi cùng"),
    ("+ *", "vừa"),
    ("x", "Phím «x»"),
    ("d r", "một lý do"),
    ("2-3", "Không hiểu"),
])
def test_parse_reading_refusals(typed, needle):
    with pytest.raises(ValidationFailed) as err:
        parse_reading(typed, IDS)
    assert needle in err.value.message


def test_every_defect_has_one_key():
    assert sorted(DEFECT_KEYS.values()) == sorted(DEFECT_REASONS)
    assert all(len(k) == 1 and k.isalpha() and not k.isdigit() for k in DEFECT_KEYS)


@given(struck=st.sets(st.integers(1, 5)), defect=st.sampled_from([None, *DEFECT_REASONS]))
def test_format_then_parse_round_trips(struck, defect):
    kept = [cid for i, cid in enumerate(IDS, start=1) if i not in struck]
    assert parse_reading(format_reading(kept, defect, IDS), IDS) == (kept, defect)


def test_describe_verdicts():
    assert describe([11, 12], None, IDS, 2)["label"] == "Hợp lệ"
    assert describe([11, 12, 13], None, IDS, 2)["reason"] == "too_many_kept"
    assert describe([], None, IDS, 2)["reason"] == "all_struck"
    assert describe([], None, [11], 1)["valid"] is True           # one name struck: a vote against
    assert describe([11], "no_seal", IDS, 2)["label"].startswith("Không hợp lệ: ")
    assert describe([11, 13, 14], None, IDS, 3)["struck"] == [2, 5]


BALLOTS = st.lists(st.fixed_dictionaries({
    "kept": st.lists(st.sampled_from(IDS), unique=True, max_size=5),
    "reason": st.sampled_from([None, "no_seal", "all_struck"])}), max_size=12)


@given(ballots=BALLOTS, data=st.data())
def test_seal_ignores_order_and_sees_content(ballots, data):
    shuffled = data.draw(st.permutations(ballots))
    reordered = [{"kept": list(reversed(b["kept"])), "reason": b["reason"]} for b in shuffled]
    assert seal(1, 1, ballots) == seal(1, 1, reordered)
    assert seal(1, 1, ballots) != seal(1, 2, ballots)
    assert seal(1, 1, ballots) != seal(1, 1, [*ballots, {"kept": [11], "reason": None}])


def test_canonical_ballot_is_stable_json():
    assert canonical_ballot([13, 11], None) == '{"invalid":null,"kept":[11,13]}'
    assert canonical_ballot([], "all_struck") == '{"invalid":"all_struck","kept":[]}'
