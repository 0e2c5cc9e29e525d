"""Issue 17, cheaper delegate cards: the QR codes drawn by the render fetcher (``qr:`` URLs,
greyscale PNGs that read back), the nowrap spans left out only where a line cannot break,
and render parts of equal size for every render process."""
from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from election_app.documents import jobs, services, text
from election_app.documents.render import (QR_MAX_TEXT, FetchRefused, StaticOnlyFetcher, qr_png, qr_url,
                                           render_pdf)


def _read_qr(png: bytes, scale: int = 8) -> str:
    img = Image.open(io.BytesIO(png))
    big = np.array(img.resize((img.width * scale, img.height * scale), Image.NEAREST))
    value, _, _ = cv2.QRCodeDetector().detectAndDecode(big)
    return value


@pytest.mark.parametrize("payload", ["DHCD1:12:0007:861b8633fc27",
                                     "http://192.168.1.10:5000/v/AbCdEf_0123456789-xyzXYZ?next=/"])
def test_the_fetcher_draws_a_qr_url_as_a_greyscale_png_that_reads_back(payload):
    url = qr_url(payload)
    assert url.startswith("qr:") and "/" not in url and " " not in url
    got = StaticOnlyFetcher().fetch(url)
    png = got.read()
    img = Image.open(io.BytesIO(png))
    # 8-bit grey: WeasyPrint embeds it as it is (a 1-bit PNG is converted to RGB and encoded again)
    assert img.mode == "L" and img.width == img.height
    assert set(np.array(img).ravel().tolist()) == {0, 255}
    assert img.getpixel((0, 0)) == img.getpixel((1, 1)) == 255    # the 2-module quiet zone is white
    assert _read_qr(png) == payload
    assert png == qr_png(payload)


def test_qr_urls_are_refused_when_empty_or_too_long():
    with pytest.raises(ValueError):
        qr_url("")
    with pytest.raises(ValueError):
        qr_url("x" * (QR_MAX_TEXT + 1))
    for url in ("qr:", "qr:" + "x" * (QR_MAX_TEXT + 1)):
        with pytest.raises(FetchRefused):
            StaticOnlyFetcher().fetch(url)


def test_a_document_with_qr_urls_has_one_image_per_code(tmp_path):
    import subprocess
    pdf = render_pdf(f'<html><body><img src="{qr_url("A:1")}"><img src="{qr_url("B:2")}"></body></html>')
    (tmp_path / "q.pdf").write_bytes(pdf)
    rows = subprocess.run(["pdfimages", "-list", str(tmp_path / "q.pdf")], capture_output=True,
                          check=True).stdout.decode().splitlines()[2:]
    assert len(rows) == 2 and all(" gray " in r for r in rows)


def test_nb_within_leaves_spans_out_only_when_the_line_fits():
    short = "Trường Tiểu học Thủ Lệ, quận Ba Đình"          # 53.7 mm at 9.5pt
    assert str(text.nb_within(short, 55.8, 9.5)) == short
    assert str(text.nb_within(short, 34.8, 8)) == str(text.nb(short))          # between two QR codes
    long = "Trường Trung học cơ sở Nguyễn Trường Tộ, quận Đống Đa, thành phố Hà Nội"
    assert str(text.nb_within(long, 55.8, 9.5)) == str(text.nb(long)) and '<span class="nw">' in str(
        text.nb_within(long, 55.8, 9.5))
    assert str(text.nb_within("A & B <x>", 55.8, 9.5)) == "A &amp; B &lt;x&gt;"   # still escaped
    header = "Đại hội Công đoàn Giáo dục quận Ba Đình lần thứ XV"
    assert str(text.nb_within(header, 86.8, 7.5, bold=True, upper=True)) == header.upper()
    wide = "Đại hội Công đoàn cơ sở Trường Trung học phổ thông chuyên Hà Nội – Amsterdam lần thứ XV"
    assert str(text.nb_within(wide, 86.8, 7.5, bold=True, upper=True)) == str(text.nb(wide, upper=True))
    # bold is wider than regular; a character outside the font is never called fitting
    assert text.text_width_mm(short, 10, "LiberationSerif-Bold.ttf") > text.text_width_mm(short, 10)
    assert text.text_width_mm("中文", 10) is None and '<span' not in str(text.nb_within("中文", 50, 9))


def test_nb_within_measures_like_the_pdf(tmp_path):
    """The width from the font's advances is the width pdfplumber finds in a rendered line
    (within 2 %: the FIT_MARGIN of 3 % covers it)."""
    import pdfplumber
    line = "Trường Tiểu học Thủ Lệ, quận Ba Đình"
    css = ('@font-face { font-family: "Liberation Serif"; src: url("fonts/LiberationSerif-Regular.ttf"); }'
           'html { font-family: "Liberation Serif"; font-size: 9.5pt; } p { white-space: nowrap }')
    pdf = render_pdf(f"<html><head><style>{css}</style></head><body><p>{line}</p></body></html>")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
        measured = (max(c["x1"] for c in chars) - min(c["x0"] for c in chars)) * 25.4 / 72
    assert abs(measured - text.text_width_mm(line, 9.5)) / measured < 0.02


@pytest.mark.parametrize("cards,processes", [(1000, 2), (1000, 1), (41, 2), (3000, 2), (1000, 4), (1, 2), (7, 3)])
def test_card_parts_give_every_render_process_the_same_sheets(cards, processes):
    size = jobs.card_chunk_size(cards, processes)
    assert size % services.CARDS_PER_PAGE == 0 and size <= max(jobs.CARDS_PER_CHUNK, services.CARDS_PER_PAGE)
    chunks = services.chunk_cards(list(range(cards)), size)
    assert sum(len(page) for chunk in chunks for page in chunk) == cards
    if processes > 1 and len(chunks) >= processes:
        assert len(chunks) % processes == 0
        per_run = len(chunks) // processes
        sheets = [sum(len(chunk) for chunk in chunks[k * per_run:(k + 1) * per_run]) for k in range(processes)]
        assert max(sheets) - min(sheets) <= 1 + max(len(c) for c in chunks) - min(len(c) for c in chunks)
    if (cards, processes) == (1000, 2):
        assert [len(c) for c in chunks] == [21, 21, 21, 21, 21, 20]     # 63 + 62 sheets, not 75 + 50


def test_a_render_process_collects_garbage_rarely():
    """The render process (render.py run as a script) freezes the imported modules and
    raises the collector's thresholds: the default pace cost ~27 % of a card sheet's layout."""
    import json
    import subprocess
    import sys

    from election_app.documents import render
    probe = ("import gc, runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__'); "
             "print(gc.get_threshold(), gc.get_freeze_count() > 0, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, render.__file__], capture_output=True, check=True,
                          input=json.dumps(["<html><body><p>Thẻ đại biểu</p></body></html>"]).encode())
    assert done.stdout.startswith(b"%PDF")
    assert done.stderr.decode().strip() == f"{render.RENDER_PROCESS_GC_THRESHOLD} True"


def test_nb_within_collapses_whitespace_so_a_typed_newline_breaks_no_card_line():
    # the card's lines are broken by newlines (white-space: pre-line): a unit typed on two lines
    # must still read as one
    assert str(text.nb_within("Tổ Toán\n  Tin", 55.8, 9.5)) == "Tổ Toán Tin"
    assert "\n" not in str(text.nb_within("Trường Trung học cơ sở Nguyễn Trường Tộ,\nquận Đống Đa, thành phố "
                                          "Hà Nội", 55.8, 9.5))
