"""HTML → PDF for the official documents, with WeasyPrint.

Owns the render plumbing and nothing about what a document says:
- ``StaticOnlyFetcher``: the only way a document may load a resource. It serves files
  under ``static/`` (the bundled fonts) and ``data:`` URIs; anything else (http, other
  files, ``file://host/...``) raises ``FetchRefused`` and the render stops with
  ``DocumentRenderError``. A document can therefore never reach the network or read a
  file it should not, whatever text a user typed into it.
- ``render_pdf(html)``: one HTML document → PDF bytes.
- ``render_parts_parallel(parts, processes=n)``: the same for big documents (1,000
  delegate cards): runs of parts are laid out and written in their own processes, on
  every core, and the PDFs joined page by page (pdfium).
- ``qr_url(text)``: a QR code as an image URL (``qr:…``) that the fetcher draws itself, as a
  small greyscale PNG, where the page is laid out (in the render processes for big card
  sheets): the codes are made on every core, the HTML stays small, and WeasyPrint embeds
  the PNG as it is (no colour conversion, 1 byte per module).
- ``render_parts(parts)``: several HTML documents (each with its own page numbering and
  first page) laid out one by one and written as one PDF. Used for annexes (minutes +
  count minutes), dossiers, N copies of a ballot, and for big card sheets rendered in
  chunks so that progress can be reported and memory stays flat per chunk.

Templates are rendered by the caller (views/jobs) with plain dicts: see ``services``.
"""
from __future__ import annotations

import io
import json
import mimetypes
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import segno
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
STATIC_ROOT = (PROJECT_ROOT / "static").resolve()
# Documents resolve relative URLs ("fonts/LiberationSerif-Regular.ttf") against static/.
BASE_URL = STATIC_ROOT.as_uri() + "/"


QR_SCHEME = "qr"
QR_MAX_TEXT = 1000      # a check-in payload is ~50 characters, a voting link ~80


def qr_url(text: str) -> str:
    """The image URL of a QR code holding ``text``, drawn by ``StaticOnlyFetcher`` (``qr_png``)."""
    if not text or len(text) > QR_MAX_TEXT:
        raise ValueError("Nội dung mã QR trống hoặc quá dài.")
    return f"{QR_SCHEME}:{quote(text, safe='')}"


def qr_png(text: str, border: int = 2) -> bytes:
    """A QR code as an 8-bit greyscale PNG, 1 pixel per module (printed with
    ``image-rendering: pixelated``, so edges stay sharp), with a ``border``-module white
    quiet zone in the image (two codes side by side keep theirs).

    Measured (issue 17): a 1-bit PNG (segno's) is converted by WeasyPrint to RGB and encoded
    again, twice per code; a greyscale one is embedded as it is. The mask is fixed (0)
    instead of searched: segno's search costs ~3 ms per code and any mask is valid for every
    reader. Inline SVG QR paths cost ~40 % more layout than an image."""
    matrix = segno.make(text, error="m", mask=0).matrix
    width = len(matrix[0]) + 2 * border
    blank = b"\x00" + b"\xff" * width                  # filter byte 0, then a white row
    pad = b"\xff" * border
    rows = [blank] * border
    rows += [b"\x00" + pad + bytes(0 if dark else 255 for dark in row) + pad for row in matrix]
    rows += [blank] * border

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


class FetchRefused(ValueError):
    """A document asked for a resource outside static/ (or not a data: URI)."""


class DocumentRenderError(RuntimeError):
    """The PDF could not be produced (e.g. a refused resource)."""


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves static/ files, data: URIs and the QR codes it
    draws itself (``qr:``, see ``qr_url``), nothing else.

    ``fail_on_errors`` makes a refused URL stop the render instead of being skipped with
    a warning: a document that tries to load something from outside is a bug to see."""

    def __init__(self, root: Path = STATIC_ROOT):
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == QR_SCHEME:
            text = unquote(url[len(QR_SCHEME) + 1:])
            if not text or len(text) > QR_MAX_TEXT:
                raise FetchRefused("Nội dung mã QR trống hoặc quá dài.")
            return URLFetcherResponse(url, qr_png(text), {"Content-Type": "image/png"})
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"Không được tải tệp từ máy khác: {url}")
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if path.suffix.lower() == ".ttf":
                    mime = "font/ttf"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            raise FetchRefused(f"Tài liệu in chỉ được dùng tệp trong thư mục static: {url}")
        raise FetchRefused(f"Tài liệu in không được tải tài nguyên bên ngoài: {url}")


class Renderer:
    """Lays out HTML documents with one font configuration (so the fonts of several
    documents written together are embedded once) and the static-only fetcher."""

    def __init__(self):
        self.font_config = FontConfiguration()
        self.fetcher = StaticOnlyFetcher()

    def layout(self, html: str):
        """HTML → a laid-out WeasyPrint ``Document`` (``.pages``)."""
        try:
            return HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher).render(
                font_config=self.font_config)
        except FatalURLFetchingError as err:  # a BaseException: make it an ordinary error
            raise DocumentRenderError(f"Không tạo được tệp PDF: {err.__cause__ or err}") from None

    @staticmethod
    def write(documents: list, pages: list | None = None) -> bytes:
        """Write ``pages`` (default: every page of ``documents``, in order) as one PDF."""
        if not documents:
            raise DocumentRenderError("Không có nội dung để in.")
        if pages is None:
            if len(documents) == 1:
                return documents[0].write_pdf()
            pages = [page for doc in documents for page in doc.pages]
        return documents[0].copy(pages).write_pdf()


def render_pdf(html: str) -> bytes:
    """One HTML document → PDF bytes."""
    return render_parts([html])


def render_parts(parts: Iterable[str], *, progress: Callable[[int], None] | None = None) -> bytes:
    """Lay out each HTML part as its own document (own page numbers, own first page) and
    write all pages as one PDF. ``progress(n)`` is called after each part is laid out."""
    renderer = Renderer()
    documents = []
    for i, html in enumerate(parts, start=1):
        documents.append(renderer.layout(html))
        if progress is not None:
            progress(i)
    return renderer.write(documents)


def render_copies(renderer: Renderer, document, *, copies: int, blank=None) -> bytes:
    """``copies`` copies of a laid-out document in one PDF, each starting on a new sheet:
    when a copy has an odd number of pages (more than one), ``blank`` (a laid-out empty
    page) is put after it so double-sided printing never mixes two copies."""
    pages = list(document.pages)
    if blank is not None and len(pages) > 1 and len(pages) % 2 == 1:
        pages = pages + list(blank.pages)
    docs = [document] + ([blank] if blank is not None else [])
    return renderer.write(docs, pages * copies)



def join_pdfs(pdfs: list[bytes]) -> bytes:
    """PDFs → one PDF with every page in order, keeping the first one's title and
    metadata (pdfium; the parts are ours, made by a render process, so nothing foreign is
    parsed here)."""
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument(pdfs[0])
    try:
        for data in pdfs[1:]:
            part = pdfium.PdfDocument(data)
            try:
                joined.import_pages(part)
            finally:
                part.close()
        out = io.BytesIO()
        joined.save(out)
        return out.getvalue()
    finally:
        joined.close()


def _render_in_process(parts: list[str]) -> bytes:
    """Lay out ``parts`` in a new Python process running this file as a script (it imports
    WeasyPrint and nothing of the app, whatever the server's main module is)."""
    done = subprocess.run([sys.executable, __file__], input=json.dumps(parts).encode(),
                          capture_output=True, timeout=1800, check=False)
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise DocumentRenderError(f"Không tạo được tệp PDF: {reason[0]}")
    return done.stdout


def render_parts_parallel(parts: list[str], *, processes: int,
                          progress: Callable[[int], None] | None = None) -> bytes:
    """Like ``render_parts`` for a big document: the parts are split into ``processes``
    runs of consecutive parts, each laid out and written by its own process (every core
    works), and the PDFs joined in order. ``progress(n)`` is called, in this thread, with
    the number of parts done when a run ends. One part or ``processes`` < 2: in process."""
    if processes < 2 or len(parts) < 2:
        return render_parts(parts, progress=progress)
    n = min(processes, len(parts))
    size, extra = divmod(len(parts), n)
    runs, start = [], 0
    for k in range(n):
        end = start + size + (1 if k < extra else 0)
        runs.append(parts[start:end])
        start = end
    results: list[bytes] = [b""] * n
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = {pool.submit(_render_in_process, run): k for k, run in enumerate(runs)}
        done = 0
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            done += len(runs[k])
            if progress is not None:
                progress(done)
    return join_pdfs(results)


# Garbage collection in a render process (issue 17): WeasyPrint makes millions of short-lived
# objects and the collector's default pace (a pass per 700 allocations) cost ~27 % of a card
# sheet's layout; the process lives seconds and exits, so it collects rarely. Measured: 1,000
# cards' render CPU −25 %, peak RSS of a process (63 sheets) about the same.
# (the app's own processes: election_app/gc_tuning.py; this script imports nothing of the app)
RENDER_PROCESS_GC_THRESHOLD = (100_000, 50, 100)

if __name__ == "__main__":  # a render process (render_parts_parallel): JSON list of HTML in, PDF out
    import gc

    gc.freeze()                                    # the imported modules: never scanned again
    gc.set_threshold(*RENDER_PROCESS_GC_THRESHOLD)
    sys.stdout.buffer.write(render_parts(json.loads(sys.stdin.buffer.read())))
