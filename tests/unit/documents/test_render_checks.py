"""The render-time checks (tests/documents_checks.py) catch what they must, on PDFs laid out
by WeasyPrint: a table split leaving one row, a page holding only a signature block, a name
broken across lines; and the print stylesheet's rules prevent the first two (issue 12)."""
from __future__ import annotations

from pathlib import Path

from weasyprint import HTML

from election_app.documents.text import nb
from tests import documents_checks as chk

PRINT_CSS = (Path(__file__).resolve().parents[3] / "templates" / "documents" / "_print.css").read_text()
PAGE = "@page { size: A4; margin: 20mm 15mm 20mm 30mm; } html { font-size: 13pt; line-height: 1.3; }"


def pdf(body: str, css: str = "") -> bytes:
    return HTML(string=f"<html><head><style>{PAGE}{css}</style></head><body>{body}</body></html>").write_pdf()


def table(rows: int) -> str:
    body = "".join(f"<tr><td>{i}</td><td>Người thứ {i}</td></tr>" for i in range(1, rows + 1))
    return ("<table class='grid' style='width: 100%; border-collapse: collapse;'>"
            "<thead><tr><th style='border: 1px solid'>STT</th><th style='border: 1px solid'>Họ và tên</th></tr></thead>"
            f"<tbody>{body}</tbody></table>").replace("<td>", "<td style='border: 1px solid; height: 9mm'>")


def test_a_table_split_leaving_one_row_is_caught_and_the_stylesheet_prevents_it():
    # the filler leaves room for the header and one row only at the foot of page 1
    body = "<div style='height: 233mm'>Văn bản.</div>" + table(6)
    plain = chk.short_table_splits(pdf(body))
    assert plain and "1 +" in plain[0]
    assert chk.short_table_splits(pdf(body, PRINT_CSS)) == []
    # and at the end: five rows then the last one alone
    body = "<div style='height: 180mm'>Văn bản.</div>" + table(7)
    assert chk.short_table_splits(pdf(body)) != []
    assert chk.short_table_splits(pdf(body, PRINT_CSS)) == []


SIGNS = ("<table style='width: 100%'><tr><td style='text-align: center'><b>THƯ KÝ</b><br><i>(Ký, ghi rõ họ tên)</i>"
         "<div style='height: 24mm'></div><b>Phạm Đức Bảo</b></td><td style='text-align: center'>"
         "<b>TM. ĐOÀN CHỦ TỊCH</b><br><i>(Ký, ghi rõ họ tên)</i><div style='height: 24mm'></div>"
         "<b>Nguyễn Văn An</b></td></tr></table>")


def test_a_page_with_only_a_signature_block_is_caught_and_the_closing_rule_prevents_it():
    para = "<p>Đại hội thảo luận và biểu quyết thông qua các nội dung của chương trình làm việc.</p>"
    n = 12  # as many paragraphs as fill page 1 without the signatures
    while chk.page_count(pdf(para * (n + 1))) == 1:
        n += 1
    text = para * n
    alone = pdf(text + SIGNS)
    assert chk.page_count(alone) == 2
    assert chk.signature_only_pages(alone) != []
    together = pdf(text[:-len("</p>")] + "</p><div class='closing'><p>Biên bản đã được đọc trước Đại hội.</p>"
                   + SIGNS + "</div>", PRINT_CSS)
    assert chk.signature_only_pages(together) == []


def test_a_name_broken_across_lines_is_caught_and_nb_keeps_it_whole():
    width = "<div style='width: 62mm'>{}</div>"
    words = "Đại hội Công đoàn Giáo dục quận Hai Bà Trưng lần thứ IX, nhiệm kỳ 2023–2028"
    phrases = ["Hai Bà Trưng", "lần thứ IX", "2023–2028"]
    broken = chk.broken_phrases(pdf(width.format(words)), phrases)
    assert broken
    assert chk.broken_phrases(pdf(width.format(nb(words)), ".nw { white-space: nowrap; }"), phrases) == []


def test_a_squeezed_column_is_caught():
    cell = "Phó Hiệu trưởng, Trường Tiểu học Đoàn Thị Điểm"
    narrow = (f"<table style='border-collapse: collapse; table-layout: fixed; width: 60mm'><tr><td style='border: 1px solid;"
              f" width: 22mm'>{cell}</td><td style='border: 1px solid'>1</td></tr></table>")
    assert chk.tall_cells(pdf(narrow)) != []
    assert chk.tall_cells(pdf(narrow.replace("60mm", "160mm").replace("22mm", "120mm"))) == []


def test_a_heading_left_at_the_page_foot_is_caught():
    para = "<p>Đại hội thảo luận và biểu quyết thông qua các nội dung của chương trình làm việc.</p>"
    n = 12
    while chk.page_count(pdf(para * (n + 1))) == 1:
        n += 1
    heading = "<p style='font-weight: bold; margin: 0;'>II. NỘI DUNG VÀ DIỄN BIẾN ĐẠI HỘI</p>"
    # the heading fits as the last line of page 1, its paragraph goes to page 2
    body = para * (n - 1) + "<p style='margin: 0'>Dòng cuối.</p>" + heading + para
    found = chk.headings_at_foot(pdf(body))
    kept = chk.headings_at_foot(pdf(body.replace("font-weight: bold; margin: 0;'",
                                                 "font-weight: bold; margin: 0;' class='section-title'"), PRINT_CSS))
    assert found and kept == []
