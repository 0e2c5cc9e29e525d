"""The locked-down URL fetcher and the WeasyPrint plumbing: a document may load files
under static/ and data: URIs, nothing else; the bundled fonts are embedded."""
from __future__ import annotations

import subprocess

import pytest

from election_app.documents.render import (BASE_URL, STATIC_ROOT, DocumentRenderError, FetchRefused,
                                           Renderer, StaticOnlyFetcher, join_pdfs, render_copies,
                                           render_parts, render_parts_parallel, render_pdf)

FONT = STATIC_ROOT / "fonts" / "LiberationSerif-Regular.ttf"
CSS = ('@font-face { font-family: "Liberation Serif"; src: url("fonts/LiberationSerif-Regular.ttf"); }'
       'html { font-family: "Liberation Serif"; }')


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/style.css",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "file://evil.example/share/x.png",
    f"file://localhost{STATIC_ROOT}/../election_app/config.py",
    (STATIC_ROOT / ".." / "instance" / "secret_key").as_uri(),
    (STATIC_ROOT / "fonts").as_uri(),        # a directory, not a file
    "javascript:alert(1)",
    "//example.com/x.png",
])
def test_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = StaticOnlyFetcher()
    font = fetcher.fetch(FONT.as_uri())
    assert font.read() == FONT.read_bytes()
    relative = fetcher.fetch(BASE_URL + "fonts/LiberationSerif-Bold.ttf")
    assert relative.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    data = fetcher.fetch("data:text/plain;base64,eGluIGNow6Bv")
    assert data.read() == "xin chào".encode()


@pytest.mark.parametrize("snippet", [
    '<img src="http://example.com/tracker.png">',
    '<link rel="stylesheet" href="https://example.com/x.css">',
    '<style>@import url("file:///etc/passwd");</style>',
    '<style>body { background: url("../election_app/config.py"); }</style>',
])
def test_a_document_that_reaches_outside_does_not_render(snippet):
    with pytest.raises(DocumentRenderError):
        render_pdf(f"<html><body>{snippet}<p>Biên bản</p></body></html>")


def test_fonts_are_embedded(tmp_path):
    pdf = render_pdf(f"<html><head><style>{CSS}</style></head><body><p>Nguyễn Thị Ngọc Ánh – ỹ ự ở</p>"
                     "</body></html>")
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    rows = out.splitlines()[2:]
    assert rows and all("Liberation-Serif" in r and r.split()[-5] == "yes" for r in rows)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "Nguyễn Thị Ngọc Ánh – ỹ ự ở" in text


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return int(next(line for line in out.splitlines() if line.startswith("Pages:")).split()[1])


def test_parts_are_concatenated_and_progress_reported(tmp_path):
    seen = []
    parts = [f"<html><body><p>Phần {i}</p></body></html>" for i in range(3)]
    pdf = render_parts(parts, progress=seen.append)
    assert seen == [1, 2, 3] and _pages(pdf, tmp_path) == 3


def test_copies_with_a_blank_after_odd_multi_page_copies(tmp_path):
    renderer = Renderer()
    three = renderer.layout('<html><body><p>1</p><p style="page-break-before: always">2</p>'
                            '<p style="page-break-before: always">3</p></body></html>')
    blank = renderer.layout("<html><body></body></html>")
    assert _pages(render_copies(renderer, three, copies=2, blank=blank), tmp_path) == 8
    one = renderer.layout("<html><body><p>1</p></body></html>")
    assert _pages(render_copies(renderer, one, copies=5, blank=blank), tmp_path) == 5


def test_nothing_to_render():
    with pytest.raises(DocumentRenderError):
        render_parts([])


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()


def test_parallel_parts_keep_their_order_and_title(tmp_path):
    """Issue 17: a big card sheet is laid out by several processes; the joined PDF has
    every page in the order of the parts, the first part's title, and progress counts parts."""
    seen = []
    parts = [f"<html><head><title>Thẻ đại biểu</title><style>{CSS}</style></head><body>"
             f"<p>Phần {i}</p><p style='page-break-before: always'>Trang hai của phần {i}</p></body></html>"
             for i in range(5)]
    pdf = render_parts_parallel(parts, processes=2, progress=seen.append)
    assert _pages(pdf, tmp_path) == 10
    text = _text(pdf, tmp_path)
    order = [text.index(f"Phần {i}") for i in range(5)]
    assert order == sorted(order)
    assert text.index("Trang hai của phần 2") < text.index("Phần 3")
    assert sorted(seen) == seen and seen[-1] == 5 and len(seen) == 2   # one report per process
    info = subprocess.run(["pdfinfo", str(tmp_path / "t.pdf")], capture_output=True, check=True).stdout.decode()
    assert "Thẻ đại biểu" in info
    assert render_parts_parallel(parts, processes=2) != render_parts(parts)  # really another path
    assert _pages(render_parts(parts), tmp_path) == 10


def test_a_refused_resource_stops_a_parallel_render_too():
    parts = ["<html><body><p>1</p></body></html>",
             '<html><body><img src="http://example.com/tracker.png"></body></html>']
    with pytest.raises(DocumentRenderError):
        render_parts_parallel(parts, processes=2)


def test_join_keeps_every_page(tmp_path):
    one = render_pdf("<html><body><p>Một</p></body></html>")
    two = render_pdf("<html><body><p>Hai</p><p style='page-break-before: always'>Ba</p></body></html>")
    joined = join_pdfs([one, two])
    assert _pages(joined, tmp_path) == 3
    text = _text(joined, tmp_path)
    assert text.index("Một") < text.index("Hai") < text.index("Ba")
