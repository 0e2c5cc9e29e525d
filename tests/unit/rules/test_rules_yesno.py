"""Agree/disagree ballots (phiếu đồng ý / không đồng ý): the verdict on one ballot, the
count of a round and its result under the rulebook's threshold (rules/yesno.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from election_app.rules import (
    DEFAULT_PRESET,
    DEFECT_REASONS,
    OTHER_DEFECT,
    BallotError,
    RulePreset,
    YesNoJudge,
    count_yes_no,
    decide_round,
    judge_yes_no_ballot,
    yes_no_allowed,
)

FAST = settings(max_examples=80, deadline=None)
VALID_BASE = RulePreset(code="valid_base", title="Thử: trên số phiếu hợp lệ", elect_base="valid")
THIRDS = RulePreset(code="thirds", title="Thử: hai phần ba", elect_num=2, elect_den=3)

ABC = ["a", "b", "c"]


# --- one ballot: per name agree / against / none / both -------------------------------

@pytest.mark.parametrize(
    ("agree", "against", "valid", "votes_for", "votes_against"),
    [
        ("abc", "", True, "abc", ""),        # agree to all
        ("", "abc", True, "", "abc"),        # disagree with all: valid (that is the vote against)
        ("", "", True, "", ""),              # nothing marked: valid, counts for nobody
        ("abc", "abc", True, "", ""),        # both boxes on every name: valid, for nobody
        ("ab", "bc", True, "a", "c"),        # b both marked: neither
        ("a", "b", True, "a", "b"),          # c blank: neither
        ("a", "", True, "a", ""),
    ],
)
def test_marks_per_name(agree, against, valid, votes_for, votes_against):
    verdict = judge_yes_no_ballot(set(agree), set(against), ABC, 3)
    assert verdict.valid is valid and verdict.reason is None
    assert verdict.kept == frozenset(votes_for)
    assert verdict.against == frozenset(votes_against)


@pytest.mark.parametrize("defect", [*DEFECT_REASONS, OTHER_DEFECT])
def test_a_physical_defect_makes_it_invalid_whatever_it_shows(defect):
    verdict = judge_yes_no_ballot({"a"}, {"b"}, ABC, 3, defect=defect)
    assert (verdict.valid, verdict.reason) == (False, defect)


def test_more_agreed_than_seats_is_invalid_like_keeping_too_many():
    # Only possible when the list has a surplus (a yes/no election refuses it; the rule is
    # kept for a list that changed): the same reason as a strike-out ballot keeping too many.
    assert judge_yes_no_ballot({"a", "b"}, set(), ABC, 1).reason == "too_many_kept"
    # both boxes on one of them: one name agreed, within the seat
    assert judge_yes_no_ballot({"a", "b"}, {"b"}, ABC, 1).valid


@pytest.mark.parametrize(
    ("agree", "against", "message"),
    [
        (["z"], [], "không có trong danh sách"),
        ([], ["z"], "không có trong danh sách"),
        (["a", "a"], [], "nhiều lần"),
        ([], ["b", "b"], "nhiều lần"),
    ],
)
def test_entries_that_cannot_be_a_ballot_raise(agree, against, message):
    with pytest.raises(BallotError, match=message):
        judge_yes_no_ballot(agree, against, ABC, 3)


def test_unknown_defect_code_raises():
    with pytest.raises(ValueError, match="không xác định"):
        judge_yes_no_ballot([], [], ABC, 3, defect="torn")


def test_one_name_confidence_vote():
    assert judge_yes_no_ballot(["a"], [], ["a"], 1).kept == {"a"}
    assert judge_yes_no_ballot([], ["a"], ["a"], 1).against == {"a"}
    blank = judge_yes_no_ballot([], [], ["a"], 1)
    assert blank.valid and not blank.kept and not blank.against


@pytest.mark.parametrize(("candidates", "seats", "allowed"),
                         [(1, 1, True), (5, 5, True), (6, 5, False), (2, 1, False), (4, 5, False)])
def test_allowed_only_without_surplus(candidates, seats, allowed):
    assert yes_no_allowed(candidates, seats) is allowed


# --- a round -------------------------------------------------------------------------

def _round(spec, candidates=ABC, seats=3):
    """[(agree letters, against letters | "!defect", times)] → RoundCount."""
    judge = YesNoJudge(candidates, seats)
    verdicts = []
    for agree, against, times in spec:
        for _ in range(times):
            if against.startswith("!"):
                verdicts.append(judge(set(agree), set(), against[1:]))
            else:
                verdicts.append(judge(set(agree), set(against)))
    return count_yes_no(verdicts, candidates)


@pytest.mark.parametrize(
    ("spec", "votes", "against", "elected", "outcome"),
    [
        # 10 returned: 6 agree passes, 5 does not (exactly the threshold fails)
        ([("abc", "", 5), ("ab", "c", 1), ("a", "bc", 3), ("", "", 1)],
         {"a": 9, "b": 6, "c": 5}, {"a": 0, "b": 3, "c": 4}, ["a", "b"], "insufficient"),
        # invalid ballots count in the base: 5 agree of 9 returned (4 invalid) passes
        ([("abc", "", 5), ("abc", "!no_seal", 4)],
         {"a": 5, "b": 5, "c": 5}, {"a": 0, "b": 0, "c": 0}, ["a", "b", "c"], "complete"),
        # blank and both-marked names count for neither but the ballots are returned
        ([("abc", "", 2), ("", "", 1), ("abc", "abc", 1)],
         {"a": 2, "b": 2, "c": 2}, {"a": 0, "b": 0, "c": 0}, [], "insufficient"),
    ],
)
def test_round_table(spec, votes, against, elected, outcome):
    count = _round(spec)
    assert count.votes == votes and count.against == against
    decision = decide_round(count.votes, 3, count.returned, DEFAULT_PRESET, valid=count.valid)
    assert sorted(decision.elected) == elected and decision.outcome == outcome


def test_chair_confidence_vote_threshold_from_the_rulebook():
    count = _round([("a", "", 4), ("", "a", 3)], candidates=["a"], seats=1)
    # default rulebook: 4 of 7 returned passes
    assert decide_round(count.votes, 1, count.returned, DEFAULT_PRESET).elected == ["a"]
    # a rulebook asking two thirds: 4 of 7 does not
    assert decide_round(count.votes, 1, count.returned, THIRDS).outcome == "insufficient"


def test_valid_base_rulebook_leaves_invalid_ballots_out():
    count = _round([("a", "", 3), ("", "a", 2), ("a", "!other", 3)], candidates=["a"], seats=1)
    assert (count.returned, count.valid) == (8, 5)
    assert decide_round(count.votes, 1, count.returned, DEFAULT_PRESET, valid=count.valid).elected == []
    assert decide_round(count.votes, 1, count.returned, VALID_BASE, valid=count.valid).elected == ["a"]


def test_tie_is_reported_never_broken():
    # a round of one seat whose list still has two names (a further round of a tie)
    count = _round([("a", "b", 3), ("b", "a", 3), ("", "", 0)], candidates=["a", "b"], seats=1)
    decision = decide_round(count.votes, 1, 5, DEFAULT_PRESET)
    assert decision.outcome == "tie" and sorted(decision.tied) == ["a", "b"] and decision.elected == []


# --- properties ----------------------------------------------------------------------

NAMES = list(range(1, 7))
marks = st.sampled_from(["agree", "against", "none", "both"])


@st.composite
def yes_no_ballots(draw):
    n = draw(st.integers(1, 6))
    listed = NAMES[:n]
    ballots = draw(st.lists(st.tuples(st.lists(marks, min_size=n, max_size=n),
                                      st.sampled_from([None, None, None, "no_seal", OTHER_DEFECT])),
                            max_size=30))
    return listed, ballots


def _sets(listed, row):
    agree = {c for c, m in zip(listed, row) if m in ("agree", "both")}
    against = {c for c, m in zip(listed, row) if m in ("against", "both")}
    return agree, against


@FAST
@given(yes_no_ballots())
def test_every_ballot_without_defect_is_valid_on_a_list_without_surplus(data):
    listed, ballots = data
    judge = YesNoJudge(listed, len(listed))
    for row, defect in ballots:
        verdict = judge(*_sets(listed, row), defect)
        assert verdict.valid is (defect is None)
        assert not verdict.kept & verdict.against
        for c, m in zip(listed, row):
            assert (c in verdict.kept) is (m == "agree")
            assert (c in verdict.against) is (m == "against")


@FAST
@given(yes_no_ballots(), st.randoms())
def test_count_bounds_and_order_independence(data, rnd):
    listed, ballots = data
    judge = YesNoJudge(listed, len(listed))
    verdicts = [judge(*_sets(listed, row), defect) for row, defect in ballots]
    count = count_yes_no(verdicts, listed)
    assert count.valid + count.invalid == count.returned == len(ballots)
    for c in listed:
        assert count.votes[c] + count.against[c] <= count.valid
        neither = sum(1 for (row, defect) in ballots
                      if defect is None and row[listed.index(c)] in ("none", "both"))
        assert count.votes[c] + count.against[c] + neither == count.valid
    shuffled = list(verdicts)
    rnd.shuffle(shuffled)
    again = count_yes_no(shuffled, listed)
    assert again.votes == count.votes and again.against == count.against


@FAST
@given(yes_no_ballots(), st.sampled_from([DEFAULT_PRESET, VALID_BASE, THIRDS]))
def test_elected_iff_over_the_rulebook_threshold(data, preset):
    listed, ballots = data
    judge = YesNoJudge(listed, len(listed))
    count = count_yes_no([judge(*_sets(listed, row), defect) for row, defect in ballots], listed)
    decision = decide_round(count.votes, len(listed), count.returned, preset, valid=count.valid)
    base = count.valid if preset.elect_base == "valid" else count.returned
    for c in listed:
        over = preset.elect_den * count.votes[c] > preset.elect_num * base
        # no surplus: everyone over the threshold is elected, never a tie
        assert (c in decision.elected) is over
    assert decision.outcome in ("complete", "insufficient") and not decision.tied
