"""Show-of-hands votes (biểu quyết giơ tay, RULES §3).

Owns: whether a recorded show of hands is acceptable (agree + disagree + other ≤ present,
no negative count) and whether it passed (default: 2 × agree > present). The present
count is the one recorded at the moment of the vote; the base of the majority comes from
the preset.
"""

from __future__ import annotations

from ._checks import check_count, check_optional_count
from .presets import DEFAULT_PRESET, RulePreset
from .reconcile import Problem, count_problems

_LABELS = {
    "agree": "số tán thành",
    "disagree": "số không tán thành",
    "other": "số ý kiến khác",
    "present": "số đại biểu có mặt",
}


def validate_motion(agree: int, disagree: int, other: int, present: int) -> list[Problem]:
    """Problems with a recorded show of hands; ``[]`` when it may be entered."""
    problems = count_problems(
        {"agree": agree, "disagree": disagree, "other": other, "present": present}, _LABELS
    )
    if problems:
        return problems
    total = agree + disagree + other
    if total > present:
        problems.append(Problem(
            "votes_exceed_present",
            f"Tổng số biểu quyết ({total}) vượt quá số đại biểu có mặt ({present}).",
        ))
    return problems


def motion_passed(
    agree: int,
    present: int,
    preset: RulePreset = DEFAULT_PRESET,
    *,
    summoned: int | None = None,
) -> bool:
    """True iff ``motion_den × agree > motion_num × base`` (default: 2 × agree > present).

    The base is ``present``, or ``summoned`` for a preset whose ``motion_base`` says so
    (then ``summoned`` must be given). Nobody present: not passed. Counts that cannot be
    (negative, more agree than present) raise ``ValueError``.
    """
    check_count(agree, "số tán thành")
    check_count(present, "số đại biểu có mặt")
    check_optional_count(summoned, "số đại biểu được triệu tập")
    if agree > present:
        raise ValueError(
            f"Số tán thành ({agree}) vượt quá số đại biểu có mặt ({present})."
        )
    if preset.motion_base == "summoned":
        if summoned is None:
            raise ValueError(
                "Bộ quy tắc này tính tỷ lệ biểu quyết trên số đại biểu được triệu tập: "
                "cần cho biết số đó."
            )
        base = summoned
    else:
        base = present
    if base == 0:
        return False
    return preset.motion_den * agree > preset.motion_num * base
