"""Agree/disagree ballots (phiếu đồng ý / không đồng ý; RULES §4.2a, RESEARCH §9).

Owns: which elections may use them (no surplus: as many names as seats, e.g. the chair's
confidence vote with one name), the verdict on one such ballot, and the count of a round of
them. A yes/no ballot lists every name with two boxes, "Đồng ý" and "Không đồng ý". Per
name: agree only is a vote for; disagree only is a vote against; both blank or both marked
leaves the ballot valid and counts for neither on that name (Party rule QĐ 244 Điều 17, the
only rule found for this ballot; the trade-union texts are silent).

A ballot is invalid for a physical defect recorded by the board (the same codes as a
strike-out ballot) or, as a strike-out ballot keeping more names than seats, when it agrees
to more names than seats ("too_many_kept"; impossible on a list without surplus, kept for a
list that changes). Disagreeing with every name is valid: it is the vote against that the
ballot exists for. Who is elected is decided exactly as for strike-out rounds: the agree
votes against the rulebook's threshold (``tally.decide_round``), seats filled from the most
votes down, ties reported, never broken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from itertools import chain

from .ballots import BallotError, BallotJudge, BallotVerdict
from .tally import RoundCount, count_votes

BALLOT_TYPES = ("strike", "yes_no")
"""``strike``: keep the names not struck (gạch tên); ``yes_no``: agree / disagree per name."""

MARKS = ("agree", "against", "none", "both")
"""What a name can show on a paper yes/no ballot: agree box, disagree box, no box, both boxes."""


def yes_no_allowed(candidates: int, seats: int) -> bool:
    """An agree/disagree ballot needs a list without surplus: as many names as seats."""
    return candidates == seats


def _ids(values: Iterable[Hashable], what: str) -> frozenset:
    listed = values if isinstance(values, (list, tuple)) else list(values)
    as_set = frozenset(listed)
    if len(as_set) != len(listed):
        repeated = sorted({str(c) for c in listed if listed.count(c) > 1})
        raise BallotError(f"Phiếu ghi {what} một tên nhiều lần ({', '.join(repeated)}).")
    return as_set


class YesNoJudge:
    """Judges the yes/no ballots of one round (the list and seats checked once).

    ``YesNoJudge(candidate_ids, seats)(agree, against, defect)``: ``agree`` the names whose
    "Đồng ý" box is marked, ``against`` those whose "Không đồng ý" box is marked (a name in
    both had both boxes marked). The verdict's ``kept`` are the votes for (agree only) and
    ``against`` the votes against (disagree only).
    """

    __slots__ = ("_judge",)

    def __init__(self, candidate_ids: Sequence[Hashable], seats: int) -> None:
        self._judge = BallotJudge(candidate_ids, seats)

    def __call__(self, agree: Iterable[Hashable], against: Iterable[Hashable] = (),
                 defect: str | None = None) -> BallotVerdict:
        judge = self._judge
        agree_set = _ids(agree, "«đồng ý»")
        against_set = _ids(against, "«không đồng ý»")
        unknown = (agree_set | against_set) - judge.listed_set
        if unknown:
            names = ", ".join(sorted(str(c) for c in unknown))
            raise BallotError(f"Phiếu đánh dấu tên không có trong danh sách bầu cử: {names}.")
        votes_for = agree_set - against_set
        votes_against = against_set - agree_set
        # The defect codes are checked by the strike-out judge (an unknown one raises).
        verdict = judge(votes_for, defect)
        if verdict.reason == "all_struck":       # nothing agreed: a valid yes/no ballot
            verdict = BallotVerdict(valid=True, reason=None, kept=votes_for)
        return BallotVerdict(valid=verdict.valid, reason=verdict.reason, kept=votes_for,
                             against=votes_against)


def judge_yes_no_ballot(
    agree: Iterable[Hashable],
    against: Iterable[Hashable],
    candidate_ids: Sequence[Hashable],
    seats: int,
    defect: str | None = None,
) -> BallotVerdict:
    """Judge one agree/disagree ballot.

    - a recorded ``defect`` (code of ``DEFECT_REASONS`` or ``OTHER_DEFECT``): invalid;
    - more names agreed (agree only) than ``seats``: invalid, ``too_many_kept``;
    - otherwise valid, whatever else it shows: no box marked at all, or every name
      disagreed, is a valid ballot;
    - per name: agree only → ``kept`` (a vote for), disagree only → ``against``, neither or
      both → counted for neither.

    Ids not on ``candidate_ids``, or the same id twice in one box list, raise ``BallotError``.
    """
    return YesNoJudge(candidate_ids, seats)(agree, against, defect)


def count_yes_no(verdicts: Iterable[BallotVerdict], candidate_ids: Sequence[Hashable]) -> RoundCount:
    """Count a yes/no round: ``votes`` are the agree votes, ``against`` the disagree votes
    (valid ballots only), every listed candidate present (0 when none)."""
    verdicts = list(verdicts)
    count = count_votes(verdicts, candidate_ids)
    against = Counter(chain.from_iterable(v.against for v in verdicts if v.valid))
    unknown = against.keys() - count.votes.keys()
    if unknown:
        raise BallotError("Phiếu hợp lệ ghi «không đồng ý» cho tên không có trong danh sách bầu cử: "
                          f"{', '.join(sorted(str(c) for c in unknown))}.")
    return RoundCount(returned=count.returned, valid=count.valid, invalid=count.invalid,
                      invalid_by_reason=count.invalid_by_reason, votes=count.votes,
                      against={c: against.get(c, 0) for c in count.votes})
