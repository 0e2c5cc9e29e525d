"""Validity of one ballot (RULES §4.2)."""

import pytest

from election_app.rules import (
    DEFECT_REASONS,
    INVALID_REASONS,
    BallotError,
    BallotVerdict,
    judge_ballot,
)

LIST5 = ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("kept", "candidates", "seats", "valid", "reason"),
    [
        # keeping exactly the seats, or fewer, is valid
        ({"a", "b", "c"}, LIST5, 3, True, None),
        ({"a", "b"}, LIST5, 3, True, None),
        ({"a"}, LIST5, 3, True, None),
        # 1. more names kept than seats (e.g. nobody struck on a list with a surplus)
        ({"a", "b", "c", "d"}, LIST5, 3, False, "too_many_kept"),
        (set(LIST5), LIST5, 3, False, "too_many_kept"),
        # 2. every name struck on a list of two or more
        (set(), LIST5, 3, False, "all_struck"),
        (set(), ["a", "b"], 1, False, "all_struck"),
        # a one-name list: struck = a valid vote against; kept = a valid vote for
        (set(), ["a"], 1, True, None),
        ({"a"}, ["a"], 1, True, None),
        # no surplus list, everyone kept: valid
        (set(LIST5), LIST5, 5, True, None),
    ],
)
def test_judge_ballot_marks(kept, candidates, seats, valid, reason):
    verdict = judge_ballot(kept, candidates, seats)
    assert verdict == BallotVerdict(valid=valid, reason=reason, kept=frozenset(kept))


@pytest.mark.parametrize("defect", sorted(DEFECT_REASONS))
@pytest.mark.parametrize("kept", [set(), {"a"}, {"a", "b", "c", "d"}])
def test_a_recorded_defect_makes_any_ballot_invalid(defect, kept):
    verdict = judge_ballot(kept, LIST5, 3, defect=defect)
    assert not verdict.valid
    assert verdict.reason == defect


def test_unknown_defect_code_is_refused():
    with pytest.raises(ValueError, match="không xác định"):
        judge_ballot(set(), LIST5, 3, defect="torn")


def test_a_defect_in_the_boards_own_words_is_the_code_other():
    """RULES §4.2, 3: any other defect the board writes in its own words makes the ballot
    invalid; the rules see the code "other" (the words live beside the entry)."""
    from election_app.rules import OTHER_DEFECT
    verdict = judge_ballot({"a"}, LIST5, 3, defect=OTHER_DEFECT)
    assert verdict == BallotVerdict(valid=False, reason="other", kept=frozenset({"a"}))
    assert INVALID_REASONS[OTHER_DEFECT] == "Phiếu có lỗi khác do Ban bầu cử ghi"


def test_kept_name_not_on_the_list_is_an_entry_error():
    with pytest.raises(BallotError, match="không có trong danh sách bầu cử: z"):
        judge_ballot({"a", "z"}, LIST5, 3)


def test_a_name_kept_twice_is_an_entry_error():
    with pytest.raises(BallotError, match="nhiều lần"):
        judge_ballot(["a", "a"], LIST5, 3)
    assert issubclass(BallotError, ValueError)


@pytest.mark.parametrize(
    ("candidates", "seats"), [(LIST5, 0), ([], 1), (["a", "a"], 1)]
)
def test_impossible_elections_are_refused(candidates, seats):
    with pytest.raises(ValueError):
        judge_ballot(set(), candidates, seats)


def test_reason_labels_are_vietnamese():
    assert DEFECT_REASONS == {
        "not_issued": "Phiếu không do Ban bầu cử phát ra",
        "no_seal": "Phiếu không có dấu của Ban Chấp hành theo quy định",
        "name_added": "Phiếu ghi thêm tên người ngoài danh sách",
        "distinguishing_mark": "Phiếu có dấu hiệu riêng / đánh dấu riêng",
        "unclear_strike": "Phiếu gạch không rõ ràng, không xác định được người bị gạch",
    }
    assert set(INVALID_REASONS) == set(DEFECT_REASONS) | {"too_many_kept", "all_struck", "other"}
    assert INVALID_REASONS["too_many_kept"].startswith("Phiếu bầu thừa số lượng")
    assert INVALID_REASONS["all_struck"] == "Phiếu gạch hết tên trong danh sách"


def test_integer_ids_work_too():
    assert judge_ballot([1, 3], [1, 2, 3], 2).valid
