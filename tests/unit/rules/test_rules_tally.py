"""Counting a round and its result (RULES §4.3), alternates from the ranking (§4.4)."""

from decimal import Decimal

import pytest

from election_app.rules import (
    DEFAULT_PRESET,
    INVALID_REASONS,
    RoundCount,
    RulePreset,
    count_votes,
    decide_round,
    format_percent_vi,
    judge_ballot,
    passes,
    percent,
    reconcile,
    upper_delegate_alternates,
    votes_needed,
)

VALID_BASE = RulePreset(code="valid_base", title="Thử: trên số phiếu hợp lệ", elect_base="valid")


def cast(candidates, seats, spec):
    """Judge and count a round given as [(kept letters | "!defect", how many), ...]."""
    verdicts = []
    for kept, times in spec:
        for _ in range(times):
            if kept.startswith("!"):
                verdicts.append(judge_ballot(set(), candidates, seats, defect=kept[1:]))
            else:
                verdicts.append(judge_ballot(set(kept), candidates, seats))
    return count_votes(verdicts, candidates)


# --- the threshold ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("votes", "returned", "result"),
    [
        (6, 10, True),     # even returned: more than half
        (5, 10, False),    # exactly half fails
        (4, 10, False),
        (5, 9, True),      # odd returned: 10 > 9
        (4, 9, False),
        (51, 100, True),
        (50, 100, False),
        (51, 101, True),
        (50, 101, False),
        (1, 1, True),
        (0, 1, False),
        (0, 0, False),     # no ballots: nobody passes
    ],
)
def test_passes_more_than_half_of_returned(votes, returned, result):
    assert passes(votes, returned) is result
    assert (votes >= votes_needed(returned)) is result


def test_invalid_ballots_are_in_the_denominator():
    # 10 returned, 2 invalid, 8 valid: 5 votes are more than half of the valid ballots
    # but not more than half of those returned.
    assert not passes(5, 10)
    assert passes(5, 10, VALID_BASE, valid=8)
    assert votes_needed(10) == 6
    assert votes_needed(10, VALID_BASE, valid=8) == 5


def test_valid_base_needs_the_valid_count():
    with pytest.raises(ValueError, match="số phiếu hợp lệ"):
        passes(5, 10, VALID_BASE)


@pytest.mark.parametrize(("votes", "returned"), [(-1, 10), (1, -1)])
def test_passes_refuses_negative(votes, returned):
    with pytest.raises(ValueError, match="không được là số âm"):
        passes(votes, returned)


# --- whole rounds from ballots ------------------------------------------------------

SCENARIOS = [
    # id, candidates, seats, ballots, elected, tied, outcome, seats_left
    ("complete", "abcd", 2, [("ab", 6), ("ac", 2), ("cd", 2)],
     "ab", "", "complete", 0),
    ("complete: more pass than seats, no tie", "abcd", 2, [("ab", 4), ("ac", 3), ("bc", 3)],
     "ab", "", "complete", 0),
    ("equal votes that all fit are not a tie", "abc", 2, [("ab", 7), ("c", 3)],
     "ab", "", "complete", 0),
    ("tie: two tied at the last seat", "abcd", 2, [("ab", 3), ("ac", 3), ("bc", 3), ("a", 1)],
     "a", "bc", "tie", 1),
    ("tie: three tied at the last seat", "abcdefg", 4,
     [("abcd", 2), ("abce", 2), ("abcf", 2), ("adef", 1), ("bdef", 1), ("cdef", 1), ("def", 1)],
     "abc", "def", "tie", 1),
    ("tie: three tied for the last two seats", "abcd", 3,
     [("abc", 2), ("abd", 2), ("acd", 2), ("bcd", 2), ("a", 2)],
     "a", "bcd", "tie", 2),
    ("tie among all", "abc", 2, [("ab", 2), ("ac", 2), ("bc", 2)],
     "", "abc", "tie", 2),
    ("insufficient: too few pass", "abcd", 3, [("ab", 6), ("cd", 4)],
     "ab", "", "insufficient", 1),
    ("insufficient: nobody passes (exactly half)", "ab", 2, [("a", 5), ("b", 5)],
     "", "", "insufficient", 2),
    ("equal votes at exactly half are no tie", "abc", 2, [("ab", 5), ("ac", 5)],
     "a", "", "insufficient", 1),
    ("invalid ballots count in the denominator", "abc", 1, [("a", 5), ("b", 3), ("", 2)],
     "", "", "insufficient", 1),
    ("defects count in the denominator", "abc", 1, [("a", 5), ("b", 4), ("!no_seal", 1)],
     "", "", "insufficient", 1),
    ("too many kept is invalid but returned", "abc", 1, [("a", 5), ("ab", 2), ("b", 3)],
     "", "", "insufficient", 1),
    ("fewer kept than seats is valid", "abcd", 3, [("a", 4), ("ab", 6)],
     "ab", "", "insufficient", 1),
    ("one-name list: yes", "a", 1, [("a", 6), ("", 4)],
     "a", "", "complete", 0),
    ("one-name list: exactly half is no", "a", 1, [("a", 5), ("", 5)],
     "", "", "insufficient", 1),
    ("one-name list: mostly struck", "a", 1, [("a", 2), ("", 8)],
     "", "", "insufficient", 1),
    ("odd returned", "ab", 1, [("a", 5), ("b", 4)],
     "a", "", "complete", 0),
    ("zero ballots", "abc", 2, [],
     "", "", "insufficient", 2),
]


@pytest.mark.parametrize(
    ("candidates", "seats", "ballots", "elected", "tied", "outcome", "seats_left"),
    [s[1:] for s in SCENARIOS],
    ids=[s[0] for s in SCENARIOS],
)
def test_round_scenarios(candidates, seats, ballots, elected, tied, outcome, seats_left):
    count = cast(list(candidates), seats, ballots)
    assert reconcile(
        issued=count.returned, returned=count.returned, valid=count.valid,
        invalid=count.invalid, votes=count.votes, seats=seats,
    ) == []
    decision = decide_round(count.votes, seats, count.returned)
    assert decision.elected == list(elected)
    assert decision.tied == list(tied)
    assert decision.outcome == outcome
    assert decision.seats_left == seats_left
    assert (decision.outcome == "tie") == bool(decision.tied)
    assert set(decision.elected) | set(decision.tied) <= set(decision.passed)
    for c in decision.passed:
        assert passes(count.votes[c], count.returned)


def test_invalid_ballots_by_reason_and_votes():
    count = cast(list("abc"), 2, [
        ("ab", 3), ("a", 1), ("", 2), ("abc", 1), ("!no_seal", 1), ("!distinguishing_mark", 2),
    ])
    assert count == RoundCount(
        returned=10,
        valid=4,
        invalid=6,
        invalid_by_reason={**{code: 0 for code in INVALID_REASONS},
                           "all_struck": 2, "too_many_kept": 1, "no_seal": 1,
                           "distinguishing_mark": 2},
        votes={"a": 4, "b": 3, "c": 0},
    )
    assert list(count.invalid_by_reason) == list(INVALID_REASONS)


def test_count_refuses_a_valid_ballot_for_another_list():
    verdict = judge_ballot({"z"}, ["z", "y"], 1)
    with pytest.raises(ValueError, match="không có trong danh sách"):
        count_votes([verdict], ["a", "b"])


def test_a_further_round_after_a_tie():
    first = decide_round({"a": 7, "b": 6, "c": 6, "d": 1}, seats=2, returned=10)
    assert (first.elected, first.tied, first.seats_left) == (["a"], ["b", "c"], 1)
    # The congress votes a further round: list = the tied, seats = the seats left.
    count = cast(first.tied, first.seats_left, [("b", 6), ("c", 3), ("", 1)])
    second = decide_round(count.votes, first.seats_left, count.returned)
    assert second.outcome == "complete"
    assert first.elected + second.elected == ["a", "b"]


def test_one_seat_equal_votes_cannot_both_pass():
    # Each valid ballot keeps at most one name, so two people with equal votes cannot
    # both have more than half of the ballots: a one-seat "tie" is nobody elected.
    count = cast(["a", "b"], 1, [("a", 5), ("b", 5)])
    decision = decide_round(count.votes, 1, count.returned)
    assert (decision.elected, decision.tied, decision.outcome) == ([], [], "insufficient")


# --- decide_round from numbers ------------------------------------------------------

def test_ranking_and_deterministic_order_among_equal_votes():
    decision = decide_round({"c": 6, "a": 6, "b": 9, "d": 0}, seats=3, returned=10)
    assert decision.ranking == ["b", "a", "c", "d"]
    assert decision.passed == ["b", "a", "c"]
    assert decision.votes_needed == 6


def test_integer_ids_are_ordered_numerically_among_equal_votes():
    decision = decide_round({10: 6, 9: 6, 2: 8}, seats=3, returned=10)
    assert decision.elected == [2, 9, 10]


def test_order_of_input_never_changes_the_result():
    votes = {"a": 7, "b": 6, "c": 6, "d": 6, "e": 2}
    forward = decide_round(votes, 2, 10)
    backward = decide_round(dict(reversed(list(votes.items()))), 2, 10)
    assert forward == backward
    assert forward.tied == ["b", "c", "d"]


def test_seats_more_than_candidates_is_insufficient():
    decision = decide_round({"a": 8}, seats=3, returned=10)
    assert decision.outcome == "insufficient"
    assert decision.elected == ["a"]
    assert decision.seats_left == 2


def test_valid_base_preset_in_decide_round():
    decision = decide_round({"a": 5, "b": 3}, seats=1, returned=10, preset=VALID_BASE, valid=8)
    assert decision.elected == ["a"]
    assert decide_round({"a": 5, "b": 3}, seats=1, returned=10).elected == []


@pytest.mark.parametrize(
    ("votes", "seats", "returned", "valid", "message"),
    [
        ({"a": 1}, 0, 10, None, "Số lượng bầu phải ít nhất là 1"),
        ({"a": 11}, 1, 10, None, "nhiều hơn số phiếu thu về"),
        ({"a": 9}, 1, 10, 8, "nhiều hơn số phiếu hợp lệ"),
        ({"a": -1}, 1, 10, None, "không được là số âm"),
        ({"a": 1}, 1, 10, 11, "lớn hơn số phiếu thu về"),
    ],
)
def test_decide_round_refuses_impossible_numbers(votes, seats, returned, valid, message):
    with pytest.raises(ValueError, match=message):
        decide_round(votes, seats, returned, valid=valid)


# --- alternates (RULES §4.4) --------------------------------------------------------

OFFICIAL_VOTES = {"a": 9, "b": 8, "c": 7, "d": 7, "e": 6, "f": 5, "g": 2}


@pytest.mark.parametrize(
    ("alternate_seats", "elected", "tied", "outcome", "seats_left"),
    [
        (1, [], ["c", "d"], "tie", 1),
        (2, ["c", "d"], [], "complete", 0),
        (3, ["c", "d", "e"], [], "complete", 0),
        (4, ["c", "d", "e"], [], "insufficient", 1),   # f has exactly half: not passed
    ],
)
def test_alternates_ranked_just_below_the_officials(
    alternate_seats, elected, tied, outcome, seats_left
):
    official = decide_round(OFFICIAL_VOTES, seats=2, returned=10)
    assert official.elected == ["a", "b"]
    alt = upper_delegate_alternates(OFFICIAL_VOTES, 10, official.elected, alternate_seats)
    assert (alt.elected, alt.tied, alt.outcome, alt.seats_left) == (
        elected, tied, outcome, seats_left
    )
    assert not set(alt.elected) & set(official.elected)


def test_alternates_exclude_officials_elected_in_a_later_round():
    # Round 1: b, c, d tied for the 2 seats left; round 2 elected c. Alternates then
    # come from round 1's ranking without a and c.
    alt = upper_delegate_alternates(
        {"a": 9, "b": 7, "c": 7, "d": 7, "e": 2}, 10, ["a", "c", "x"], 2
    )
    assert alt.elected == ["b", "d"]
    assert alt.outcome == "complete"


# --- percent ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("votes", "returned", "expected"),
    [
        (7, 12, "58.33"),
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 8, "12.50"),
        (1, 800, "0.13"),      # 0.125 rounds half-up
        (3, 800, "0.38"),      # 0.375
        (1, 1600, "0.06"),     # 0.0625
        (1, 200000, "0.00"),   # 0.0005
        (1, 20000, "0.01"),    # 0.005 exactly: up
        (5, 5, "100.00"),
        (0, 5, "0.00"),
        (0, 0, "0.00"),
        (2, 3, "66.67"),
        (200, 301, "66.45"),   # 66.4451...
    ],
)
def test_percent_half_up_two_decimals(votes, returned, expected):
    result = percent(votes, returned)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_percent_never_decides_50_00_is_not_passing():
    # 50.00 % printed, and indeed exactly half: not elected
    assert str(percent(50, 100)) == "50.00" and not passes(50, 100)
    # 50.00 % printed (50.0049...), yet more than half: elected
    assert str(percent(10001, 20001)) == "50.00" and passes(10001, 20001)


@pytest.mark.parametrize(("votes", "returned"), [(11, 10), (-1, 3), (1, -3)])
def test_percent_refuses_impossible(votes, returned):
    with pytest.raises(ValueError):
        percent(votes, returned)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("58.33"), "58,33%"),
        (Decimal("100"), "100,00%"),
        (Decimal("0"), "0,00%"),
        (Decimal("93.5"), "93,50%"),
        (Decimal("0.125"), "0,13%"),
        (Decimal("1234.5"), "1.234,50%"),
        (Decimal("-12.5"), "-12,50%"),
        (7, "7,00%"),
    ],
)
def test_format_percent_vi(value, text):
    assert format_percent_vi(value) == text


def test_format_percent_vi_refuses_float():
    with pytest.raises(TypeError):
        format_percent_vi(58.33)


def test_default_preset_is_used_by_default():
    assert decide_round({"a": 6}, 1, 10) == decide_round({"a": 6}, 1, 10, DEFAULT_PRESET)
