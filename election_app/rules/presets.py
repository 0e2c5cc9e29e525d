"""Named rulebooks (presets): every number of the election law as data.

Owns: ``RulePreset`` (the thresholds and their bases, as integer fractions), the
registry ``PRESETS`` and ``DEFAULT_PRESET``. The charter changes (khóa XIII in 2024, a new
one expected in 2026) and a congress may run under another rulebook, so no rule module
hard-codes 2/3 or 1/2: each takes a preset. The preset in force is stored with each
congress (by ``code``) and its ``title`` is printed on the documents.

Comparisons are fixed by the law's wording and are not parameters:
- quorum is "at least": ``quorum_den × present ≥ quorum_num × summoned``;
- election is "more than": ``elect_den × votes > elect_num × base``;
- a show-of-hands motion is "more than": ``motion_den × agree > motion_num × base``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._checks import is_int
from .names import DEFAULT_NAME_ORDER, NAME_ORDERS

ELECT_BASES = ("returned", "valid")
"""Bases of the election majority: ballots returned (invalid ones included) or valid."""

MOTION_BASES = ("present", "summoned")
"""Bases of the show-of-hands majority: delegates present at the vote, or summoned."""

_FRACTION_LABELS = {
    "quorum": "đủ điều kiện tiến hành đại hội",
    "elect": "trúng cử",
    "motion": "biểu quyết thông qua",
}


_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _number_words(n: int) -> str:
    """0–99 in Vietnamese words (the denominators of a rulebook are small)."""
    if n < 10:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
    if unit == 0:
        return head
    tail = {1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn", 5: "lăm"}.get(unit, _UNITS[unit])
    return f"{head} {tail}"


@dataclass(frozen=True)
class RulePreset:
    """One rulebook. Fractions are kept as integer pairs so thresholds stay exact."""

    code: str
    title: str
    quorum_num: int = 2
    quorum_den: int = 3
    elect_num: int = 1
    elect_den: int = 2
    elect_base: str = "returned"
    motion_num: int = 1
    motion_den: int = 2
    motion_base: str = "present"
    surplus_warn_max_percent: int | None = 30
    surplus_warn_when_none: bool = True
    name_order: str = DEFAULT_NAME_ORDER

    def fraction(self, name: str) -> str:
        """"2/3": the fraction ``name`` (quorum, elect, motion) as pages print it."""
        return f"{getattr(self, f'{name}_num')}/{getattr(self, f'{name}_den')}"

    def fraction_words(self, name: str) -> str:
        """"hai phần ba": the fraction in words, as official papers write it."""
        return f"{_number_words(getattr(self, f'{name}_num'))} phần {_number_words(getattr(self, f'{name}_den'))}"

    def __post_init__(self) -> None:
        if not self.code or not self.title:
            raise ValueError("Bộ quy tắc phải có mã và tên.")
        for name, label in _FRACTION_LABELS.items():
            num = getattr(self, f"{name}_num")
            den = getattr(self, f"{name}_den")
            if not (is_int(num) and is_int(den)):
                raise TypeError(f"Tỷ lệ {label} của bộ quy tắc phải là phân số nguyên.")
            if den <= 0 or num < 0 or num > den:
                raise ValueError(
                    f"Tỷ lệ {label} của bộ quy tắc không hợp lệ ({num}/{den}): "
                    "cần 0 ≤ tử số ≤ mẫu số và mẫu số > 0."
                )
        if self.elect_base not in ELECT_BASES:
            raise ValueError(
                f"Cơ sở tính tỷ lệ trúng cử không hợp lệ: {self.elect_base!r} "
                f"(chỉ nhận {', '.join(ELECT_BASES)})."
            )
        if self.motion_base not in MOTION_BASES:
            raise ValueError(
                f"Cơ sở tính tỷ lệ biểu quyết không hợp lệ: {self.motion_base!r} "
                f"(chỉ nhận {', '.join(MOTION_BASES)})."
            )
        if self.name_order not in NAME_ORDERS:
            raise ValueError(
                f"Cách xếp tên của bộ quy tắc không hợp lệ: {self.name_order!r} "
                f"(chỉ nhận {', '.join(NAME_ORDERS)})."
            )
        limit = self.surplus_warn_max_percent
        if limit is not None and (not is_int(limit) or limit < 0):
            raise ValueError("Ngưỡng cảnh báo số dư phải là số nguyên không âm hoặc None.")


DIEU_LE_2020 = RulePreset(
    code="dieu_le_2020",
    title=(
        "Điều lệ Công đoàn Việt Nam 2020 (QĐ 174/QĐ-TLĐ) + Hướng dẫn 03/HD-TLĐ 2020"
    ),
)
"""The rules of the 2023–2028 congresses (domain/RULES.md): quorum ≥ 2/3 of summoned;
elected with more than 1/2 of ballots returned; motions pass with more than 1/2 of those
present; warn when the list has no surplus or a surplus above 30 %."""

PRESETS: dict[str, RulePreset] = {DIEU_LE_2020.code: DIEU_LE_2020}
DEFAULT_PRESET: RulePreset = DIEU_LE_2020


def get_preset(code: str) -> RulePreset:
    """The preset named ``code``; an unknown code raises ``ValueError`` (Vietnamese)."""
    try:
        return PRESETS[code]
    except (KeyError, TypeError):
        known = ", ".join(sorted(PRESETS))
        raise ValueError(
            f"Không có bộ quy tắc bầu cử mã {code!r} (các mã hiện có: {known})."
        ) from None
