"""Render-time checks of a printed document, read from the PDF itself with pdfplumber
(positions of words, lines and ruled tables), never guessed from the HTML (issue 12):

- ``signature_only_pages``: pages (after the first) whose only content is a signature
  block (role lines in capitals, "(Ký, ghi rõ họ tên)", names, dotted lines, "Nơi nhận");
- ``short_table_splits``: a ruled table split across pages leaving fewer than two body
  rows on one side;
- ``broken_phrases``: a line break inside a protected phrase (a person's or place's
  name, "lần thứ IX", the term "2023–2028"), in running text and inside table cells.

Each returns a list of human-readable problems (empty = fine). ``parse(pdf)`` reads a
PDF once (words and ruled tables of every page); the checks accept its result or bytes."""
from __future__ import annotations

import io
import re
import unicodedata

import pdfplumber

MM = 72 / 25.4
LOWER = re.compile(r"[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
HEADER_CELLS = {"stt", "họ và tên", "thành phần", "học vấn"}


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", (s or "").replace("\xa0", " ")).split())


class Page:
    """What the checks need of one page, read once (pdfplumber is slow on big PDFs)."""

    def __init__(self, page):
        self.height = page.height
        self.words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5,
                                        extra_attrs=["fontname"])
        found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
        self.table_boxes = [t.bbox for t in found]
        self.table_rows = [t.extract() for t in found]

    def extract_words(self, **_):
        return self.words


def parse(pdf) -> list[Page]:
    if isinstance(pdf, list):
        return pdf
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [Page(p) for p in doc.pages]


def _lines(page, exclude=()):
    """Text lines of a page as (top, bottom, x0, x1, text) segments: words on one baseline
    split where the gap is wide (two columns, two cells), outside the ``exclude`` boxes."""
    words = [w for w in page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
             if not any(b[0] - 1 <= w["x0"] and w["x1"] <= b[2] + 1 and b[1] - 1 <= w["top"] and w["bottom"] <= b[3] + 1
                        for b in exclude)]
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) < 2.5:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        seg = [row[0]]
        for w in row[1:]:
            if w["x0"] - seg[-1]["x1"] > 14:
                out.append(_seg(seg))
                seg = [w]
            else:
                seg.append(w)
        out.append(_seg(seg))
    return out


def _seg(words):
    return {"top": min(w["top"] for w in words), "bottom": max(w["bottom"] for w in words),
            "x0": words[0]["x0"], "x1": words[-1]["x1"], "text": _norm(" ".join(w["text"] for w in words))}


def _content_lines(page):
    """Lines without the page number printed in the top margin."""
    return [ln for ln in _lines(page) if not (ln["bottom"] < 20 * MM and ln["text"].isdigit())]


def _is_signature_line(text: str, signers: set[str]) -> bool:
    t = text.strip()
    if not t:
        return True
    if t.startswith(("(Ký", "Nơi nhận", "- ", "(Chữ ký")) or set(t) <= set("….·. _"):
        return True
    if not LOWER.search(t):                      # role lines in capitals: TM. ĐOÀN CHỦ TỊCH
        return True
    words = t.split()
    if all(w[0].isupper() for w in words if w[0].isalpha()) and len(words) <= 12:
        return True                               # names side by side
    return any(_norm(t) == s for s in signers)


def signature_only_pages(pdf, signers: set[str] = frozenset()) -> list[str]:
    problems = []
    for i, page in enumerate(parse(pdf)):
        if i == 0:
            continue
        lines = _content_lines(page)
        has_sign = any(re.match(r"^(TM\.|THƯ KÝ|BAN BẦU CỬ|TRƯỞNG BAN|CHỦ TỊCH)", ln["text"]) for ln in lines)
        if lines and has_sign and all(_is_signature_line(ln["text"], signers) for ln in lines):
            problems.append(f"trang {i + 1}: chỉ có khối chữ ký ({' | '.join(ln['text'] for ln in lines[:4])})")
    return problems


def _tables(page):
    found = []
    for bbox, extracted in zip(page.table_boxes, page.table_rows):
        rows = [r for r in extracted if any(c and c.strip() for c in r)]
        if not rows:
            continue
        body = list(rows)
        while body and any(_norm(c).casefold() in HEADER_CELLS for c in body[0] if c):
            body.pop(0)
        found.append({"bbox": bbox, "rows": rows, "body": body})
    return found


def short_table_splits(pdf: bytes) -> list[str]:
    """A table that runs over a page break must keep at least two body rows on each page."""
    problems = []
    pages = [(p.height, _tables(p), _content_lines(p)) for p in parse(pdf)]
    for i in range(len(pages) - 1):
        height, tables, lines = pages[i]
        _, next_tables, next_lines = pages[i + 1]
        if not tables or not next_tables:
            continue
        last = max(tables, key=lambda t: t["bbox"][3])
        first = min(next_tables, key=lambda t: t["bbox"][1])
        # the table runs to the foot of page i (nothing below it) and goes on at the top
        # of page i + 1 (nothing above it but the page number)
        below = [ln for ln in lines if ln["top"] > last["bbox"][3] + 1]
        above = [ln for ln in next_lines if ln["bottom"] < first["bbox"][1] - 1]
        if below or above:
            continue
        if len(last["body"]) < 2 or len(first["body"]) < 2:
            problems.append(f"trang {i + 1}–{i + 2}: bảng bị tách còn {len(last['body'])} + "
                            f"{len(first['body'])} dòng")
    return problems


def _split_points(phrase: str):
    for m in re.finditer(r"(?<=\s)|(?<=–)|(?<=-)", phrase):
        pos = m.start()
        if 0 < pos < len(phrase):
            a, b = phrase[:pos].strip(), phrase[pos:].strip()
            if a and b:
                yield a, b


def _ends_with(text: str, part: str) -> bool:
    t, p = text.casefold(), part.casefold()
    return t.endswith(p) and (len(t) == len(p) or not t[-len(p) - 1].isalnum())


def _starts_with(text: str, part: str) -> bool:
    t, p = text.casefold(), part.casefold()
    return t.startswith(p) and (len(t) == len(p) or not t[len(p)].isalnum())


_SPLITS: dict[str, list[tuple[str, str]]] = {}


def _broken(a: str, b: str, phrases) -> list[str]:
    out = []
    a_cf, b_cf = a.casefold(), b.casefold()
    for p in phrases:
        splits = _SPLITS.get(p)
        if splits is None:
            splits = _SPLITS[p] = list(_split_points(p))
        for x, y in splits:
            # cheap test first: the line must end with the phrase's last word before the break
            if a_cf.endswith(x.casefold()[-3:]) and _ends_with(a, x) and _starts_with(b, y):
                out.append(p)
    return out


def broken_phrases(pdf: bytes, phrases: list[str]) -> list[str]:
    phrases = sorted({_norm(p) for p in phrases if len(_norm(p).split()) > 1 or "–" in p}, key=len, reverse=True)
    problems = []
    for i, page in enumerate(parse(pdf)):
        for extracted in page.table_rows:
            for row in extracted:
                for cell in row:
                    parts = [_norm(x) for x in (cell or "").split("\n") if _norm(x)]
                    for a, b in zip(parts, parts[1:]):
                        for p in _broken(a, b, phrases):
                            problems.append(f"trang {i + 1} (bảng): «{p}» bị ngắt dòng: «{a}» / «{b}»")
        lines = _lines(page, exclude=page.table_boxes)
        for a in lines:
            # the next line of the same column: just below, overlapping horizontally
            below = [b for b in lines if 0 < b["top"] - a["bottom"] < 12
                     and b["x0"] < a["x1"] and a["x0"] < b["x1"]]
            if not below:
                continue
            b = min(below, key=lambda b: b["top"])
            for p in _broken(a["text"], b["text"], phrases):
                problems.append(f"trang {i + 1}: «{p}» bị ngắt dòng: «{a['text'][-40:]}» / «{b['text'][:40]}»")
    return problems


def page_count(pdf: bytes) -> int:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def all_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(_norm(p.extract_text() or "") for p in doc.pages)


def tall_cells(pdf, max_lines: int = 2) -> list[str]:
    """Table cells wrapped to more than ``max_lines`` lines (squeezed columns)."""
    problems = []
    for i, page in enumerate(parse(pdf)):
        for extracted in page.table_rows:
            for row in extracted:
                for cell in row:
                    parts = [x for x in (cell or "").split("\n") if x.strip()]
                    if len(parts) > max_lines:
                        problems.append(f"trang {i + 1}: ô bảng {len(parts)} dòng: «{' / '.join(parts)}»")
    return problems


HEADING = re.compile(r"^([IVX]+|[A-D]|\d+)\. \S")


def headings_at_foot(pdf) -> list[str]:
    """A heading (bold line numbered "II.", "C.", "12.") left as the last line of a page,
    its content on the next page."""
    problems = []
    pages = parse(pdf)
    for i, page in enumerate(pages[:-1]):
        words = [w for w in page.words if not (w["bottom"] < 20 * MM and w["text"].isdigit())]
        if not words:
            continue
        bottom = max(w["top"] for w in words)
        last = sorted((w for w in words if abs(w["top"] - bottom) < 2.5), key=lambda w: w["x0"])
        text = _norm(" ".join(w["text"] for w in last))
        if HEADING.match(text) and all("Bold" in w.get("fontname", "") for w in last) \
                and not any(b[1] - 1 <= bottom <= b[3] + 1 for b in page.table_boxes):
            problems.append(f"trang {i + 1}: tiêu đề ở cuối trang: «{text}»")
    return problems
