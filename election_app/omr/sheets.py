"""A ballot laid out with its reading aids, and the clean picture of each page.

``lay_out(render_html, layout, election_id=, round_number=)`` lays the ballot out once with
the markers (to learn which row falls on which page), hashes that layout, and lays it out
again with each page's sheet code; the second layout is the one written as the PDF and the
one the reader uses. The callables keep this module free of Flask and of the documents
feature: ``render_html(sheet)`` renders the ballot template with ``omr_sheet=sheet`` and
``layout(html)`` returns a WeasyPrint document.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import codes
from .layout import PageLayout, describe, measure

PX_PER_MM = 5.0               # the scale every photo is straightened to


class LayoutError(RuntimeError):
    """The second layout moved rows: the sheet codes would lie."""


@dataclass
class LaidOutBallot:
    document: object                  # the WeasyPrint document written as the PDF
    pages: list[PageLayout]
    layout: int                       # the 11-bit hash printed in the code
    election_id: int
    round_number: int


def lay_out(render_html: Callable[[dict], str], layout: Callable[[str], object], *,
            election_id: int, round_number: int) -> LaidOutBallot:
    markers = [codes.marker_svg_uri(i) for i in codes.MARKER_IDS]
    first = measure(layout(render_html({"markers": markers, "codes": {}})))
    text = describe(first)
    h = codes.layout_hash(text)
    per_key: dict = {}
    for p in first:
        uri = codes.code_svg_uri(codes.SheetCode(election_id, round_number, p.page, h))
        for r in p.rows:
            per_key[r.number] = uri
        if not p.rows:
            per_key["end"] = uri
    document = layout(render_html({"markers": markers, "codes": per_key}))
    pages = measure(document)
    if describe(pages) != text or any(p.code is None or len(p.markers) != 4 for p in pages):
        raise LayoutError("Không đặt được mã đọc phiếu lên từng trang phiếu bầu.")
    return LaidOutBallot(document, pages, h, election_id, round_number)


def reference_images(pdf: bytes, px_per_mm: float = PX_PER_MM) -> list[np.ndarray]:
    """Each page of a clean ballot PDF as a grayscale image at ``px_per_mm``."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    try:
        scale = px_per_mm * 25.4 / 72
        return [doc[i].render(scale=scale, grayscale=True).to_numpy().copy() for i in range(len(doc))]
    finally:
        doc.close()
