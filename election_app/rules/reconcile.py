"""Consistency of a round's numbers (RULES §4.3, reconciliation).

Owns: ``Problem`` (a coded finding with a Vietnamese message, also used by the motion and
candidate-list checks) and ``reconcile``, the checks that must all hold before a round
can be closed or its minutes printed:
returned ≤ issued; valid + invalid = returned; each candidate's votes ≤ valid;
Σ votes ≤ valid × seats; voted ≤ present ≤ summoned (when given); no negative count.
It reports every failure rather than stopping at the first; an empty list means the
numbers reconcile.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from ._checks import capitalize, is_int


@dataclass(frozen=True)
class Problem:
    """One finding: a stable ``code`` for programs and a Vietnamese ``message`` for people.

    ``rows`` are the 0-based positions in the input the problem is about (e.g. the two
    entries of a duplicated candidate); ``candidate_id`` the candidate concerned, if any.
    """

    code: str
    message: str
    rows: tuple[int, ...] = ()
    candidate_id: Hashable | None = None


LABELS = {
    "issued": "số phiếu phát ra",
    "returned": "số phiếu thu về",
    "valid": "số phiếu hợp lệ",
    "invalid": "số phiếu không hợp lệ",
    "seats": "số lượng bầu",
    "voted": "số đại biểu đã bỏ phiếu",
    "present": "số đại biểu có mặt",
    "summoned": "số đại biểu được triệu tập",
}


def count_problems(values: Mapping[str, object], labels: Mapping[str, str]) -> list[Problem]:
    """``not_integer`` / ``negative`` problems for the counts in ``values`` (None skipped)."""
    problems: list[Problem] = []
    for name, value in values.items():
        if value is None:
            continue
        label = capitalize(labels[name])
        if not is_int(value):
            problems.append(
                Problem("not_integer", f"{label} phải là số nguyên (nhận được {value!r}).")
            )
        elif value < 0:
            problems.append(Problem("negative", f"{label} không được là số âm ({value})."))
    return problems


def reconcile(
    *,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    votes: Mapping[Hashable, int],
    seats: int,
    voted: int | None = None,
    present: int | None = None,
    summoned: int | None = None,
    names: Mapping[Hashable, str] | None = None,
) -> list[Problem]:
    """Every way the round's numbers fail to reconcile; ``[]`` when they all hold.

    ``names`` (candidate id → full name) makes messages name the person instead of the id.
    If any count is negative or not an integer, only those problems are reported: the
    other checks would be meaningless.
    """
    counts: dict[str, object] = {
        "issued": issued, "returned": returned, "valid": valid, "invalid": invalid,
        "seats": seats, "voted": voted, "present": present, "summoned": summoned,
    }
    problems = count_problems(counts, LABELS)
    for candidate, count in votes.items():
        label = _candidate_label(candidate, names)
        if not is_int(count):
            problems.append(Problem(
                "not_integer",
                f"Số phiếu bầu của {label} phải là số nguyên (nhận được {count!r}).",
                candidate_id=candidate,
            ))
        elif count < 0:
            problems.append(Problem(
                "negative",
                f"Số phiếu bầu của {label} không được là số âm ({count}).",
                candidate_id=candidate,
            ))
    if problems:
        return problems

    if seats < 1:
        problems.append(Problem(
            "seats_invalid", f"Số lượng bầu phải ít nhất là 1 (đang là {seats})."
        ))
    if returned > issued:
        problems.append(Problem(
            "returned_exceeds_issued",
            f"Số phiếu thu về ({returned}) lớn hơn số phiếu phát ra ({issued}).",
        ))
    if valid + invalid != returned:
        problems.append(Problem(
            "valid_invalid_mismatch",
            f"Số phiếu hợp lệ ({valid}) cộng số phiếu không hợp lệ ({invalid}) bằng "
            f"{valid + invalid}, khác số phiếu thu về ({returned}).",
        ))
    for candidate, count in votes.items():
        if count > valid:
            problems.append(Problem(
                "votes_exceed_valid",
                f"Số phiếu bầu của {_candidate_label(candidate, names)} ({count}) lớn hơn "
                f"số phiếu hợp lệ ({valid}).",
                candidate_id=candidate,
            ))
    total = sum(votes.values())
    if seats >= 1 and total > valid * seats:
        problems.append(Problem(
            "votes_total_exceeds",
            f"Tổng số phiếu bầu cho các ứng cử viên ({total}) lớn hơn số phiếu hợp lệ "
            f"nhân số lượng bầu ({valid} × {seats} = {valid * seats}).",
        ))
    if voted is not None and present is not None and voted > present:
        problems.append(Problem(
            "voted_exceeds_present",
            f"Số đại biểu đã bỏ phiếu ({voted}) lớn hơn số đại biểu có mặt ({present}).",
        ))
    if present is not None and summoned is not None and present > summoned:
        problems.append(Problem(
            "present_exceeds_summoned",
            f"Số đại biểu có mặt ({present}) lớn hơn số đại biểu được triệu tập ({summoned}).",
        ))
    return problems


def _candidate_label(candidate: Hashable, names: Mapping[Hashable, str] | None) -> str:
    if names is not None and candidate in names:
        return f"đồng chí {names[candidate]}"
    return f"ứng cử viên mã {candidate}"
