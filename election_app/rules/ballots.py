"""Validity of one secret ballot (RULES §4.2).

Owns: the reason codes for invalid ballots and their Vietnamese labels (printed in the
count minutes), and ``judge_ballot``, which turns what the board read off one ballot (the
names kept, i.e. not struck, and any physical defect) into a verdict: valid, or invalid
with one reason. Paper and electronic ballots are judged the same way.

An entry that cannot describe a real ballot (an id not on the list, a name kept twice) is
not an invalid ballot but a data-entry error: it raises ``BallotError``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import NamedTuple

from ._checks import check_count

DEFECT_REASONS: dict[str, str] = {
    "not_issued": "Phiếu không do Ban bầu cử phát ra",
    "no_seal": "Phiếu không có dấu của Ban Chấp hành theo quy định",
    "name_added": "Phiếu ghi thêm tên người ngoài danh sách",
    "distinguishing_mark": "Phiếu có dấu hiệu riêng / đánh dấu riêng",
    "unclear_strike": "Phiếu gạch không rõ ràng, không xác định được người bị gạch",
}
"""Physical defects the board records on a paper ballot (code → label)."""

OTHER_DEFECT = "other"
"""Any other defect, which the board writes in its own words (RULES §4.2, 3): the words are
kept beside the ballot's entry and printed in the minutes; the rules see only this code."""

INVALID_REASONS: dict[str, str] = {
    "too_many_kept": "Phiếu bầu thừa số lượng đại hội đã biểu quyết",
    "all_struck": "Phiếu gạch hết tên trong danh sách",
    **DEFECT_REASONS,
    OTHER_DEFECT: "Phiếu có lỗi khác do Ban bầu cử ghi",
}
"""Every reason a ballot is invalid (code → label), in the order printed in the minutes."""


class BallotError(ValueError):
    """A ballot entry that cannot be a real ballot (entry error, not an invalid ballot)."""


class BallotVerdict(NamedTuple):
    """The verdict on one ballot (immutable).

    ``kept`` is what the ballot shows (names not struck), also for an invalid ballot;
    only valid ballots count as votes. A named tuple rather than a frozen dataclass: a
    100,000-ballot round makes 100,000 of them, and a frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field) was a third of the time to judge a ballot (bench tally).
    """

    valid: bool
    reason: str | None
    kept: frozenset
    # Agree/disagree ballots only (rules/yesno.py): the names voted against.
    against: frozenset = frozenset()


def _label(candidate_id: Hashable) -> str:
    return str(candidate_id)


class BallotJudge:
    """Judges the ballots of one round: the list and seats are checked once.

    ``BallotJudge(candidate_ids, seats)(kept, defect)`` gives the same verdict as
    ``judge_ballot(kept, candidate_ids, seats, defect)``; counting a large round judges
    every ballot against one list, so the list is validated and hashed only once.
    """

    __slots__ = ("listed", "listed_set", "seats", "_many")

    def __init__(self, candidate_ids: Sequence[Hashable], seats: int) -> None:
        check_count(seats, "số lượng bầu")
        if seats < 1:
            raise ValueError(f"Số lượng bầu phải ít nhất là 1 (đang là {seats}).")
        listed = tuple(candidate_ids)
        if not listed:
            raise ValueError("Danh sách bầu cử không có ai.")
        listed_set = frozenset(listed)
        if len(listed_set) != len(listed):
            raise ValueError("Danh sách bầu cử có mã ứng cử viên bị lặp.")
        self.listed = listed
        self.listed_set = listed_set
        self.seats = seats
        self._many = len(listed) > 1

    def __call__(self, kept: Iterable[Hashable], defect: str | None = None) -> BallotVerdict:
        if defect is not None and defect not in DEFECT_REASONS and defect != OTHER_DEFECT:
            raise ValueError(
                f"Lý do phiếu không hợp lệ không xác định: {defect!r} "
                f"(chỉ nhận {', '.join([*DEFECT_REASONS, OTHER_DEFECT])})."
            )
        kept_list = kept if isinstance(kept, (list, tuple)) else list(kept)
        kept_set = frozenset(kept_list)
        n = len(kept_set)
        if n != len(kept_list):
            repeated = sorted({_label(c) for c in kept_list if kept_list.count(c) > 1})
            raise BallotError(
                f"Phiếu giữ lại một tên nhiều lần ({', '.join(repeated)}): "
                "mỗi tên chỉ được ghi một lần."
            )
        if not kept_set <= self.listed_set:
            names = ", ".join(sorted(_label(c) for c in kept_set - self.listed_set))
            raise BallotError(f"Phiếu giữ lại tên không có trong danh sách bầu cử: {names}.")

        if defect is not None:
            return BallotVerdict(False, defect, kept_set)
        if n > self.seats:
            return BallotVerdict(False, "too_many_kept", kept_set)
        if not n and self._many:
            return BallotVerdict(False, "all_struck", kept_set)
        return BallotVerdict(True, None, kept_set)


def judge_ballot(
    kept: Iterable[Hashable],
    candidate_ids: Sequence[Hashable],
    seats: int,
    defect: str | None = None,
) -> BallotVerdict:
    """Judge one ballot.

    - a recorded ``defect`` (a code of ``DEFECT_REASONS``, or ``OTHER_DEFECT`` for a defect
      the board describes in its own words) makes it invalid for that reason, whatever
      names it keeps; an unknown code raises ``ValueError``;
    - more names kept than ``seats``: invalid, ``too_many_kept``;
    - every name struck on a list of two or more: invalid, ``all_struck``;
    - on a one-name list, the name struck is a valid vote against (``kept`` empty) and
      the name kept a valid vote for;
    - otherwise valid (keeping fewer names than seats is valid).

    ``kept`` ids not on ``candidate_ids``, or an id kept twice, raise ``BallotError``.
    """
    return BallotJudge(candidate_ids, seats)(kept, defect)
