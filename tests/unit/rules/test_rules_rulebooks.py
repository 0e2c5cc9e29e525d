"""The rulebook files: read into presets, refused when a key is unknown, and every rulebook's
numbers obeyed exactly by the rules (table + hypothesis, per rulebook)."""

import tomllib
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from election_app.rules import PRESETS, decide_round, motion_passed, passes, quorum_met, quorum_needed
from election_app.rules.presets import preset_from_mapping

RULEBOOKS = sorted(PRESETS.values(), key=lambda p: p.code)
FAST = settings(max_examples=60, deadline=None)


def test_each_file_reads_to_the_numbers_it_states():
    table = {  # code: (quorum, elect, base, motion, max rounds)
        "dieu_le_2020": ("2/3", "1/2", "returned", "1/2", None),
        "dieu_le_khoa_xiii": ("2/3", "1/2", "returned", "1/2", None),
        "doan_tncs": ("2/3", "1/2", "returned", "1/2", 2),
    }
    for code, (q, e, base, m, rounds) in table.items():
        p = PRESETS[code]
        assert (p.fraction("quorum"), p.fraction("elect"), p.elect_base, p.fraction("motion"), p.max_rounds) == \
            (q, e, base, m, rounds), code


def test_unknown_keys_are_refused():
    text = 'code = "x"\ntitle = "X"\n[election]\nnumerator = 1\n'
    with pytest.raises(ValueError, match=r"\[election\] numerator"):
        preset_from_mapping(tomllib.loads(text))
    with pytest.raises(ValueError, match="quorom"):
        preset_from_mapping({"code": "x", "title": "X", "quorom": {"num": 1}})


def test_a_bad_basis_line_is_refused():
    with pytest.raises(ValueError, match="Căn cứ"):
        preset_from_mapping({"code": "x", "title": "X", "documents": {"basis": ["Căn cứ {luat};"]}})


def test_the_law_follows_the_congress_date():
    p = PRESETS["dieu_le_2020"]
    assert p.law("2025-06-30") == "Luật Công đoàn năm 2012"
    assert p.law("2025-07-01") == p.law(None) == "Luật Công đoàn năm 2024"
    assert p.basis("2024-01-01")[0] == "Căn cứ Luật Công đoàn năm 2012;"


@pytest.mark.parametrize("preset", RULEBOOKS, ids=lambda p: p.code)
@FAST
@given(summoned=st.integers(0, 500), present=st.integers(0, 500))
def test_quorum_per_rulebook(preset, summoned, present):
    present = min(present, summoned)
    expected = summoned > 0 and Fraction(present) >= Fraction(preset.quorum_num, preset.quorum_den) * summoned
    assert quorum_met(present, summoned, preset) == expected      # nobody summoned: no congress
    if summoned:
        assert quorum_met(quorum_needed(summoned, preset), summoned, preset)
        assert not quorum_met(quorum_needed(summoned, preset) - 1, summoned, preset)


@pytest.mark.parametrize("preset", RULEBOOKS, ids=lambda p: p.code)
@FAST
@given(returned=st.integers(1, 300), valid_part=st.integers(0, 300), votes=st.lists(st.integers(0, 300), min_size=1, max_size=6),
       seats=st.integers(1, 4))
def test_election_per_rulebook(preset, returned, valid_part, votes, seats):
    valid = min(valid_part, returned)
    votes = {i: min(v, valid) for i, v in enumerate(votes)}
    base = returned if preset.elect_base == "returned" else valid
    threshold = Fraction(preset.elect_num, preset.elect_den) * base
    decision = decide_round(votes, seats, returned, preset, valid=valid)
    assert set(decision.passed) == {c for c, v in votes.items() if v > threshold}
    assert all(passes(votes[c], returned, preset, valid=valid) for c in decision.elected)
    assert len(decision.elected) <= seats


@pytest.mark.parametrize("preset", RULEBOOKS, ids=lambda p: p.code)
@FAST
@given(present=st.integers(1, 300), agree=st.integers(0, 300))
def test_motion_per_rulebook(preset, present, agree):
    agree = min(agree, present)
    base = present             # summoned = present here, whichever base the rulebook names
    assert motion_passed(agree, present, preset, summoned=present) == (Fraction(agree) > Fraction(preset.motion_num, preset.motion_den) * base)
