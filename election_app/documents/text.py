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

``nb_within(text, width_mm, size_pt)`` is ``nb`` for a text that is laid out many times
(the 1,000 delegate cards, issue 17): a text that fits on one line of that width cannot be
broken, so it is returned plain; the nowrap spans are not free (measured: the spans of the
cards' position and unit lines cost ~30 % of the cards' layout). The width is the sum of
the glyph advances of the bundled Liberation Serif (regular), with a margin for kerning.
Pure functions, no Flask: the templates receive ``nb`` in their context."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

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


FONTS = Path(__file__).resolve().parent.parent.parent / "static" / "fonts"
FIT_MARGIN = 0.97   # Pango's kerning only narrows Liberation Serif's lines; this is a safety margin


@lru_cache(maxsize=4)
def _advances(font_file: str) -> dict[int, float]:
    """Code point → advance width in em, from the font's cmap and hmtx."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / font_file, lazy=True) as font:
        metrics, em = font["hmtx"].metrics, font["head"].unitsPerEm
        return {cp: metrics[glyph][0] / em for cp, glyph in font.getBestCmap().items()}


def text_width_mm(text: str, size_pt: float, font_file: str = "LiberationSerif-Regular.ttf") -> float | None:
    """The width of ``text`` on one line, in mm, or None when a character is not in the font."""
    advances = _advances(font_file)
    total = 0.0
    for ch in unicodedata.normalize("NFC", text):
        advance = advances.get(ord(ch))
        if advance is None:
            return None
        total += advance
    return total * size_pt * 25.4 / 72


@lru_cache(maxsize=4096)
def _fits(text: str, width_mm: float, size_pt: float, bold: bool) -> bool:
    width = text_width_mm(text, size_pt, "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf")
    return width is not None and width <= width_mm * FIT_MARGIN


def nb_within(text, width_mm: float, size_pt: float, *, bold: bool = False, upper: bool = False) -> Markup:
    """``nb(text, upper=upper)``, or the text alone when it fits on one line ``width_mm``
    wide at ``size_pt`` (Liberation Serif, bold or regular): nothing to keep together then."""
    # whitespace collapsed here, so a newline typed into a unit never breaks a line where the
    # template keeps newlines (white-space: pre-line)
    text = " ".join(unicodedata.normalize("NFC", "" if text is None else str(text)).split())
    shown = text.upper() if upper else text
    if _fits(shown, float(width_mm), float(size_pt), bool(bold)):
        return escape(shown)
    return nb(text, upper=upper)
