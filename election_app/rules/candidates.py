"""Checks on a candidate list before it is put to the congress (RULES §4.1).

Owns: the hard errors that make a list unusable (fewer than one seat, fewer candidates
than seats, the same person twice, an empty name) and the warnings that do not block it
(no surplus; surplus above the preset's limit, 30 % by default), plus the surplus
percentage printed beside the list. The congress, not this module, approves the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ._checks import is_int, percent_half_up
from .names import duplicate_key, normalize_text
from .presets import DEFAULT_PRESET, RulePreset
from .reconcile import Problem
from .tally import format_percent_vi


@dataclass(frozen=True)
class CandidateCheck:
    """``errors`` block the list; ``warnings`` are shown and the list may still be voted.

    ``surplus_percent`` = (candidates − seats) / seats × 100, half-up to 2 decimals
    (negative when short of candidates, 0.00 when seats < 1).
    """

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    surplus_percent: Decimal = Decimal("0.00")

    @property
    def ok(self) -> bool:
        return not self.errors


def _same_person(year_a: int | None, year_b: int | None) -> bool:
    # Same name counts as the same person unless both birth years are known and differ.
    return year_a is None or year_b is None or year_a == year_b


def _describe(name: str, year: int | None) -> str:
    return f"{name} ({year})" if year is not None else name


def check_candidate_list(
    people: Sequence[tuple[str, int | None]],
    seats: int,
    preset: RulePreset = DEFAULT_PRESET,
) -> CandidateCheck:
    """Check a list of (full name, birth year) for an election of ``seats``.

    Errors: ``seats_invalid`` (seats < 1), ``too_few_candidates``, ``empty_name``,
    ``duplicate_person`` (same name by ``duplicate_key`` — so Hòa and Hoà are one — and
    the same birth year, or a birth year missing on either side; one problem per pair,
    ``rows`` = the two 0-based positions).
    Warnings: ``no_surplus`` (as many candidates as seats, if the preset warns on it),
    ``surplus_too_high`` ((n − seats) × 100 > limit × seats).
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    entries = [(normalize_text(name), year) for name, year in people]
    n = len(entries)

    if not is_int(seats) or seats < 1:
        errors.append(Problem(
            "seats_invalid", f"Số lượng bầu phải là số nguyên từ 1 trở lên (đang là {seats})."
        ))
    elif n < seats:
        errors.append(Problem(
            "too_few_candidates",
            f"Danh sách có {n} người, ít hơn số lượng bầu ({seats}).",
        ))

    keys: list[str] = []
    for index, (name, year) in enumerate(entries):
        if year is not None and not is_int(year):
            errors.append(Problem(
                "birth_year_invalid",
                f"Dòng {index + 1}: năm sinh phải là số nguyên (nhận được {year!r}).",
                rows=(index,),
            ))
        if not name:
            errors.append(Problem(
                "empty_name", f"Dòng {index + 1}: họ và tên không được để trống.", rows=(index,)
            ))
        keys.append(duplicate_key(name) if name else "")

    seen: dict[str, list[int]] = {}
    for j, key in enumerate(keys):
        if not key:
            continue
        earlier = seen.setdefault(key, [])
        for i in earlier:
            if _same_person(entries[i][1], entries[j][1]):
                errors.append(Problem(
                    "duplicate_person",
                    f"Đồng chí {_describe(*entries[j])} ở dòng {j + 1} trùng với "
                    f"{_describe(*entries[i])} ở dòng {i + 1}: một người có tên hai lần "
                    "trong danh sách.",
                    rows=(i, j),
                ))
        earlier.append(j)

    if not is_int(seats) or seats < 1:
        return CandidateCheck(errors, warnings, Decimal("0.00"))

    surplus = n - seats
    surplus_pct = percent_half_up(surplus, seats)
    if surplus == 0 and preset.surplus_warn_when_none:
        warnings.append(Problem(
            "no_surplus",
            f"Danh sách không có số dư: số người trong danh sách ({n}) bằng số lượng bầu "
            f"({seats}).",
        ))
    limit = preset.surplus_warn_max_percent
    if surplus > 0 and limit is not None and surplus * 100 > limit * seats:
        warnings.append(Problem(
            "surplus_too_high",
            f"Số dư {surplus} người ({format_percent_vi(surplus_pct)}) vượt quá {limit}% "
            f"số lượng bầu ({seats}).",
        ))
    return CandidateCheck(errors, warnings, surplus_pct)
