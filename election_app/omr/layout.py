"""Where things are on each printed page of a ballot, in millimetres from the page's top-left
corner, measured from the WeasyPrint layout that is written as the PDF (so the reader and
the printed sheet can never disagree about a row's place).

``measure(document)`` walks the laid-out boxes: the four ``.omr-mk`` markers, the
``.omr-code`` image, each ``tr[data-omr-row]`` row with its name parts (``.omr-f`` họ,
``.omr-m`` tên đệm, ``.omr-g`` tên), and the seal box. ``describe(pages)`` is the text
whose hash is printed in the sheet code: a sheet is read only against the layout it was
printed with.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import codes

PX_TO_MM = 25.4 / 96          # WeasyPrint lays out in CSS px


@dataclass
class Row:
    number: int
    box: tuple[float, float, float, float]            # x0, y0, x1, y1 of the whole row
    name_cell: tuple[float, float, float, float]
    text: tuple[float, float]                          # y0, y1 of the name's text
    family: tuple[float, float] | None = None          # x0, x1
    middle: tuple[float, float] | None = None
    given: tuple[float, float] | None = None


@dataclass
class PageLayout:
    page: int                                          # 1-based
    size: tuple[float, float]                          # width, height (mm)
    markers: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # id → x, y, side
    code: tuple[float, float, float, float] | None = None
    seal: tuple[float, float, float, float] | None = None
    table: tuple[float, float, float, float] | None = None
    rows: list[Row] = field(default_factory=list)


def _classes(box) -> set[str]:
    el = getattr(box, "element", None)
    if el is None:
        return set()
    return set((el.get("class") or "").split())


def _border_rect(box) -> tuple[float, float, float, float]:
    x, y = box.border_box_x(), box.border_box_y()
    return (x * PX_TO_MM, y * PX_TO_MM, (x + box.border_width()) * PX_TO_MM,
            (y + box.border_height()) * PX_TO_MM)


def _walk(box, parent_cls: frozenset = frozenset()):
    """Boxes under ``box``, each with the classes of the nearest element above it."""
    cls = frozenset(_classes(box))
    yield box, parent_cls
    for child in getattr(box, "children", ()) or ():
        child_el = getattr(child, "element", None)
        same = child_el is not None and child_el is getattr(box, "element", None)
        yield from _walk(child, parent_cls if same else (cls or parent_cls))


def _union(a, b):
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def measure(document) -> list[PageLayout]:
    pages: list[PageLayout] = []
    marker_order = {"tl": 0, "tr": 1, "br": 2, "bl": 3}
    for index, page in enumerate(document.pages, start=1):
        pl = PageLayout(page=index, size=(page.width * PX_TO_MM, page.height * PX_TO_MM))
        rows: dict[int, Row] = {}
        for box, parent_cls in _walk(page._page_box):
            cls = _classes(box)
            el = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            if not cls and tag not in ("tr", "table", "img"):
                continue
            if tag == "img":
                if "omr-mk" in parent_cls:
                    mid = next(marker_order[c] for c in parent_cls if c in marker_order)
                    x0, y0, x1, y1 = _border_rect(box)
                    pl.markers[codes.MARKER_IDS[mid]] = (x0, y0, x1 - x0)
                elif "omr-code" in parent_cls:
                    pl.code = _border_rect(box)
                continue
            if "seal-box" in cls:
                pl.seal = _border_rect(box)
            elif tag == "table" and "b-list" in cls:
                pl.table = _union(pl.table, _border_rect(box))
            elif tag == "tr" and el is not None and el.get("data-omr-row"):
                n = int(el.get("data-omr-row"))
                rect = _border_rect(box)
                name_cell = None
                for cell in box.children:
                    if "name" in _classes(cell):
                        name_cell = _border_rect(cell)
                row = Row(number=n, box=rect, name_cell=name_cell or rect, text=(rect[1], rect[3]))
                text_y = None
                for inner, _ in _walk(box):
                    icls = _classes(inner)
                    part = ("family" if "omr-f" in icls else "middle" if "omr-m" in icls
                            else "given" if "omr-g" in icls else None)
                    if part is None or not hasattr(inner, "border_width"):
                        continue
                    r = _border_rect(inner)
                    prev = getattr(row, part)
                    setattr(row, part, (r[0], r[2]) if prev is None else (min(prev[0], r[0]), max(prev[1], r[2])))
                    text_y = (r[1], r[3]) if text_y is None else (min(text_y[0], r[1]), max(text_y[1], r[3]))
                if text_y is not None:
                    row.text = text_y
                rows[n] = row
        pl.rows = [rows[k] for k in sorted(rows)]
        pages.append(pl)
    return pages


def row_pages(pages: list[PageLayout]) -> dict[int, int]:
    """Row number → the page it is printed on."""
    return {r.number: p.page for p in pages for r in p.rows}


def describe(pages: list[PageLayout]) -> str:
    """A stable text of what the reader relies on (rows and name parts to 0.5 mm)."""
    def q(v):
        return "-" if v is None else ",".join(f"{round(x * 2) / 2:.1f}" for x in v)
    lines = [f"pages={len(pages)}"]
    for p in pages:
        lines.append(f"p{p.page} " + " ".join(
            f"{k}:{q(v)}" for k, v in sorted(p.markers.items())))
        for r in p.rows:
            lines.append(f"r{r.number} {q(r.box)} {q(r.family)} {q(r.middle)} {q(r.given)} {q(r.text)}")
    return "\n".join(lines)
