"""Typography of printed documents: where a line may not break.

An officer sends back a paper that breaks "LẦN / THỨ IX", "2023– / 2028" or "HAI BÀ /
TRƯNG" across lines (issue 12). ``nb(text)`` returns the text HTML-escaped with such
phrases wrapped in ``<span class="nw">`` (``white-space: nowrap`` in ``_print.css``):

- "lần thứ …" with its ordinal;
- a term "2023–2028" (also with a hyphen) and "nhiệm kỳ 2023–2028";
- a proper name: a run of two or more capitalised words ("Nguyễn Văn An", "Hai Bà Trưng",
  "Thủ Lệ"), as long as the run stays short enough to fit a line;
- a school level ("Tiểu học", "Mầm non", "Trung học cơ sở") and an administrative unit with
  its name ("thành phố Hà Nội", "quận Hai Bà Trưng").

The phrases are found in the mixed-case text; ``upper=True`` upper-cases the result
afterwards (headers are printed in capitals, where every word looks capitalised).
Pure functions, no Flask: the templates receive ``nb`` in their context."""
from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

NOWRAP_MAX = 42  # longer runs may break (they would not fit a narrow column anyway)

_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_WORD = r"[^\s,;:()\[\]/.–-]+"
_CAP_WORD = rf"[{_UPPER}][^\s,;:()\[\]/.–-]*"
_PATTERNS = [
    re.compile(r"(?:nhiệm\s+kỳ\s+)?\d{4}\s*[–-]\s*\d{4}", re.IGNORECASE),
    re.compile(r"lần\s+(?:bầu\s+)?thứ\s+" + _WORD, re.IGNORECASE),
    re.compile(rf"{_CAP_WORD}(?:\s+{_CAP_WORD})+"),
    # a school level is one term: "Trường Tiểu / học" or "Mầm / non" reads as a typo
    re.compile(r"(?:Tiểu\s+học|Mầm\s+non|Trung\s+học\s+(?:cơ\s+sở|phổ\s+thông))", re.IGNORECASE),
    # an administrative unit with its name: "thành phố / Hà Nội" leaves the name alone on a line
    re.compile(rf"(?i:thành\s+phố|thị\s+xã|thị\s+trấn|tỉnh|quận|huyện|phường|xã)\s+{_CAP_WORD}(?:\s+{_CAP_WORD})*"),
]


def _spans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if m.end() - m.start() > NOWRAP_MAX:
                continue
            found.append((m.start(), m.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [(s, e) for s, e in merged if e - s <= NOWRAP_MAX + 16]


def nb(text, upper: bool = False) -> Markup:
    """``text`` as HTML with the phrases that must stay on one line kept together."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    out: list[str] = []
    last = 0

    def piece(s: str) -> str:
        return str(escape(s.upper() if upper else s))

    for start, end in _spans(text):
        out.append(piece(text[last:start]))
        out.append('<span class="nw">' + piece(text[start:end]) + "</span>")
        last = end
    out.append(piece(text[last:]))
    return Markup("".join(out))


NAME_NOWRAP_MAX = 28  # a longer name (rare) may wrap rather than overflow a table cell


def name(text) -> Markup:
    """A person's name, never broken across lines (unless it is too long for a column)."""
    text = unicodedata.normalize("NFC", text or "")
    if len(text) > NAME_NOWRAP_MAX:
        return escape(text)
    return Markup('<span class="nw">') + escape(text) + Markup("</span>")


def protected_phrases(text: str) -> list[str]:
    """The phrases ``nb`` keeps together (for tests and checks)."""
    text = unicodedata.normalize("NFC", text or "")
    return [text[s:e] for s, e in _spans(text)]
