"""Named rulebooks (presets): every number and wording of the election law as data.

Owns: ``RulePreset`` (the thresholds and their bases, as integer fractions; the maximum
number of rounds; who may stand; the name order; the charter's name and the "Căn cứ" lines
of the documents; the sources), the registry ``PRESETS`` and ``DEFAULT_PRESET``. Each
rulebook is a file, ``rulebooks/<code>.toml``, versioned (code + version) and citing its
sources (domain/RESEARCH.md), that an administrator can read; adding a rulebook is adding a
file. The charter changes (khóa XIII in 2024, a new
one expected in 2026) and a congress may run under another rulebook, so no rule module
hard-codes 2/3 or 1/2: each takes a preset. The preset in force is stored with each
congress (by ``code``) and its ``title`` is printed on the documents.

Comparisons are fixed by the law's wording and are not parameters:
- quorum is "at least": ``quorum_den × present ≥ quorum_num × summoned``;
- election is "more than": ``elect_den × votes > elect_num × base``;
- a show-of-hands motion is "more than": ``motion_den × agree > motion_num × base``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ._checks import is_int
from .names import DEFAULT_NAME_ORDER, NAME_ORDERS

ELECT_BASES = ("returned", "valid")
"""Bases of the election majority: ballots returned (invalid ones included) or valid."""

MOTION_BASES = ("present", "summoned")
"""Bases of the show-of-hands majority: delegates present at the vote, or summoned."""

ELECT_BASE_WORDS = {
    "returned": "tổng số phiếu thu về, kể cả phiếu không hợp lệ",
    "valid": "tổng số phiếu hợp lệ",
}
MOTION_BASE_WORDS = {
    "present": "số đại biểu có mặt lúc biểu quyết",
    "summoned": "số đại biểu được triệu tập",
}

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
    version: int = 1
    note: str = ""
    sources: tuple[str, ...] = ()
    charter: str = ""
    laws: tuple[tuple[str, str], ...] = ()
    basis_lines: tuple[str, ...] = ()
    max_rounds: int | None = None
    further_round_by_vote: bool = True
    upper_delegates_summoned_only: bool = True
    posts_citizens_only: bool = False
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

    @property
    def label(self) -> str:
        """"title (mã code, phiên bản n)": the line documents print for the rulebook in force."""
        return f"{self.title} (mã {self.code}, phiên bản {self.version})"

    @property
    def elect_base_words(self) -> str:
        """The base of the election majority in words, as the minutes write it."""
        return ELECT_BASE_WORDS[self.elect_base]

    @property
    def motion_base_words(self) -> str:
        """The base of the show-of-hands majority in words."""
        return MOTION_BASE_WORDS[self.motion_base]

    def law(self, date_iso: str | None) -> str:
        """The union law in force on ``date_iso`` (YYYY-MM-DD; unknown → the latest)."""
        chosen = ""
        for start, name in sorted(self.laws):
            if date_iso is None or not start or start <= date_iso:
                chosen = name
        return chosen

    def basis(self, date_iso: str | None) -> list[str]:
        """The "Căn cứ …" lines of a resolution or report, with the law and the charter."""
        return [line.format(law=self.law(date_iso), charter=self.charter) for line in self.basis_lines]

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
        if not is_int(self.version) or self.version < 1:
            raise ValueError("Phiên bản của bộ quy tắc phải là số nguyên dương.")
        if self.max_rounds is not None and (not is_int(self.max_rounds) or self.max_rounds < 1):
            raise ValueError("Số lần bầu tối đa phải là số nguyên dương (hoặc bỏ trống: không giới hạn).")
        for line in self.basis_lines:
            try:
                line.format(law="", charter="")
            except (KeyError, IndexError, ValueError):
                raise ValueError(f"Dòng «Căn cứ» không hợp lệ: {line!r} (chỉ dùng {{law}} và {{charter}}).") from None
        limit = self.surplus_warn_max_percent
        if limit is not None and (not is_int(limit) or limit < 0):
            raise ValueError("Ngưỡng cảnh báo số dư phải là số nguyên không âm hoặc None.")


def preset_from_mapping(data: Mapping[str, Any]) -> RulePreset:
    """A ``RulePreset`` from a rulebook file's parsed content (see ``rulebooks/*.toml``).

    Sections: the top level (code, version, title, note, charter, sources), ``[quorum]``,
    ``[election]``, ``[motion]``, ``[candidates]`` and ``[documents]``. An unknown key is an
    error (a typo must not silently fall back to a default of the law)."""
    data = dict(data)
    flat: dict[str, Any] = {}
    for key in ("code", "version", "title", "note", "charter"):
        if key in data:
            flat[key] = data.pop(key)
    if "sources" in data:
        flat["sources"] = tuple(data.pop("sources"))
    sections = {
        "quorum": {"num": "quorum_num", "den": "quorum_den"},
        "election": {"num": "elect_num", "den": "elect_den", "base": "elect_base",
                     "max_rounds": "max_rounds", "further_round_by_vote": "further_round_by_vote"},
        "motion": {"num": "motion_num", "den": "motion_den", "base": "motion_base"},
        "candidates": {"surplus_warn_max_percent": "surplus_warn_max_percent",
                       "surplus_warn_when_none": "surplus_warn_when_none", "name_order": "name_order",
                       "upper_delegates_summoned_only": "upper_delegates_summoned_only",
                       "posts_citizens_only": "posts_citizens_only"},
        "documents": {"basis": "basis_lines"},
    }
    for section, names in sections.items():
        values = dict(data.pop(section, {}))
        if section == "documents" and "law" in values:
            flat["laws"] = tuple((str(item.get("from", "")), str(item["name"])) for item in values.pop("law"))
        for key, value in values.items():
            if key not in names:
                raise ValueError(f"Khóa không hợp lệ trong bộ quy tắc: [{section}] {key}.")
            flat[names[key]] = tuple(value) if isinstance(value, list) else value
    if data:
        raise ValueError(f"Khóa không hợp lệ trong bộ quy tắc: {', '.join(sorted(data))}.")
    return RulePreset(**flat)


def _load_rulebooks() -> dict[str, RulePreset]:
    """Every rulebook file shipped with the package (``rulebooks/*.toml``), by code. The only
    read this package makes: its own data files, once, at import."""
    found: dict[str, RulePreset] = {}
    folder = resources.files(__package__).joinpath("rulebooks")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        preset = preset_from_mapping(tomllib.loads(entry.read_text(encoding="utf-8")))
        if preset.code in found:
            raise ValueError(f"Hai tệp bộ quy tắc cùng mã {preset.code!r}.")
        found[preset.code] = preset
    return found


PRESETS: dict[str, RulePreset] = _load_rulebooks()
DEFAULT_PRESET: RulePreset = PRESETS["dieu_le_2020"]
DIEU_LE_2020 = DEFAULT_PRESET
"""The rules of the 2023–2028 congresses (domain/RULES.md), from ``rulebooks/dieu_le_2020.toml``."""


def get_preset(code: str) -> RulePreset:
    """The preset named ``code``; an unknown code raises ``ValueError`` (Vietnamese)."""
    try:
        return PRESETS[code]
    except (KeyError, TypeError):
        known = ", ".join(sorted(PRESETS))
        raise ValueError(
            f"Không có bộ quy tắc bầu cử mã {code!r} (các mã hiện có: {known})."
        ) from None
