"""Roll files for tests: the template's headers, NFD text, an .xlsx made in memory, and lists
shaped like the ones union offices keep (title block of merged cells, "DANH SÁCH ĐẠI BIỂU …",
two-row headers "Năm sinh: Nam | Nữ" and "Trình độ: Học vấn | Chuyên môn | LLCT", section
lines, a "Tổng cộng" line, a signature block) in .xlsx, .xls, .ods and .csv (UTF-8 with or
without BOM, Windows-1258), typed in Unicode, TCVN3 (.VnTime) or VNI."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import unicodedata
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

from election_app.imports import legacy

HEADERS = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Loại đại biểu",
           "Đảng viên", "Dân tộc"]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def xlsx(rows: list[list], merges: list[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the people every office list below holds ------------------------------------------------
# (name, gender, birth date, position, unit, party, ethnicity, education, qualification, llct, category)
PEOPLE = [
    ("Nguyễn Thị Hoà", "nữ", dt.date(1985, 3, 12), "Chủ tịch CĐCS", "Trường Tiểu học Thủ Lệ", True, "Kinh",
     "12/12", "Cử nhân Giáo dục Tiểu học", "Trung cấp", "ex_officio"),
    ("Trần Văn Đức", "nam", dt.date(1979, 11, 2), "Phó Hiệu trưởng", "Trường Tiểu học Thủ Lệ", True, "Tày",
     "12/12", "Thạc sĩ Quản lý giáo dục", "Trung cấp", "ex_officio"),
    ("Lê Thị Thuỷ", "nữ", dt.date(1990, 7, 30), "Giáo viên", "Tổ 1", False, "Kinh", "12/12", "Cử nhân", "", "official"),
    ("Phạm Ngọc Ánh", "nữ", dt.date(1992, 1, 5), "Giáo viên", "Tổ 2", False, "Kinh", "12/12", "Cao đẳng", "", "official"),
    ("Hoàng Văn Trường", "nam", dt.date(1988, 9, 19), "Tổ trưởng", "Tổ 3", True, "Mường", "12/12", "Cử nhân", "Sơ cấp",
     "official"),
    ("Đặng Thị Ngữ", "nữ", dt.date(1995, 12, 24), "Nhân viên", "Văn phòng", False, "Kinh", "12/12", "Trung cấp", "",
     "official"),
]
EXPECTED = {p[0]: (p[1], p[2].year, p[3], p[4], p[5], p[6], p[10]) for p in PEOPLE}


def office_rows_two_row_header() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Shape A: title block, "Năm sinh" over "Nam | Nữ" (the year under the person's sex),
    "Chức vụ, đơn vị công tác" in one column, "Trình độ" over "Học vấn | Chuyên môn | LLCT",
    sections "A. Đại biểu đương nhiên" / "B. Đại biểu bầu", "Tổng cộng", signatures."""
    W = 11
    blank = [None] * W

    def row(*cells):
        return list(cells) + [None] * (W - len(cells))
    rows = [
        row("CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH", None, None, None, None, None, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        row("CĐCS TRƯỜNG TIỂU HỌC THỦ LỆ", None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"),
        blank[:],
        row("DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ LẦN THỨ XV, NHIỆM KỲ 2023–2028"),
        blank[:],
        row("TT", "Họ và tên", "Năm sinh", None, "Chức vụ, đơn vị công tác", "Đảng viên", "Dân tộc", "Trình độ",
            None, None, "Ghi chú"),
        row(None, None, "Nam", "Nữ", None, None, None, "Học vấn", "Chuyên môn", "LLCT", None),
        row("A", "ĐẠI BIỂU ĐƯƠNG NHIÊN"),
    ]
    merges = [(0, 0, 0, 4), (0, 6, 0, 10), (1, 0, 1, 4), (1, 6, 1, 10), (3, 0, 3, 10),
              (5, 0, 6, 0), (5, 1, 6, 1), (5, 2, 5, 3), (5, 4, 6, 4), (5, 5, 6, 5), (5, 6, 6, 6), (5, 7, 5, 9),
              (5, 10, 6, 10)]
    n = 0
    for i, p in enumerate(PEOPLE):
        if i == 2:
            rows.append(row("B", "ĐẠI BIỂU BẦU"))
        n += 1
        name, sex, born, pos, unit, party, eth, edu, qual, llct, _cat = p
        rows.append(row(n, name, born.year if sex == "nam" else None, born.year if sex == "nữ" else None,
                        f"{pos}, {unit}", "x" if party else None, eth, edu, qual, llct or None,
                        "Chuyển công tác 2024" if i == 3 else None))
    rows.append(row(None, f"Tổng cộng: {n} người"))
    rows.append(blank[:])
    rows.append(row(None, "NGƯỜI LẬP BIỂU", None, None, None, None, None, "TM. BAN CHẤP HÀNH"))
    rows.append(row(None, None, None, None, None, None, None, "CHỦ TỊCH"))
    rows.append(row(None, "Lê Thị Thuỷ", None, None, None, None, None, "Nguyễn Thị Hoà"))
    return rows, merges


def office_rows_one_row_header(dates_as_text: bool) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Shape B: "TT", "Ngày, tháng, năm sinh" (dd/mm/yyyy text or a real date), "Giới tính",
    "Chức vụ", "Đơn vị", "Đảng viên", "Ghi chú", a row of column numbers, "Danh sách có … người"."""
    rows = [["LIÊN ĐOÀN LAO ĐỘNG QUẬN BA ĐÌNH", None, None, None, None, None, None, None],
            ["DANH SÁCH ĐẠI BIỂU CHÍNH THỨC", None, None, None, None, None, None, None],
            [None] * 8,
            ["TT", "Họ và tên", "Ngày, tháng, năm sinh", "Giới tính", "Chức vụ", "Đơn vị", "Đảng viên", "Ghi chú"],
            [1, 2, 3, 4, 5, 6, 7, 8]]
    for i, (name, sex, born, pos, unit, party, *_rest) in enumerate(PEOPLE, start=1):
        rows.append([i, name, f"{born:%d/%m/%Y}" if dates_as_text else born, "Nam" if sex == "nam" else "Nữ",
                     pos, unit, "Đảng viên" if party else None, None])
    rows.append([None, f"Danh sách có {len(PEOPLE)} người.", None, None, None, None, None, None])
    return rows, [(0, 0, 0, 7), (1, 0, 1, 7)]


# --- old fonts -------------------------------------------------------------------------------

def _reverse_tcvn3() -> dict[str, str]:
    out = {}
    for b, letter in legacy._TCVN3.items():
        ch = bytes([b]).decode("cp1252", errors="ignore") or chr(b)
        out.setdefault(letter, ch)
    return out


def _reverse_vni() -> dict[str, str]:
    marks = [bytes([b]).decode("cp1252") for b in legacy._VNI_MARKS]
    singles = [bytes([b]).decode("cp1252") for b in legacy._VNI_SINGLE]
    out: dict[str, str] = {}
    bases = list("aeiouyAEIOUY") + singles
    for s in itertools.chain(singles, (b + m for b in bases for m in marks)):
        conv = legacy.to_unicode(s, legacy.VNI)
        if len(conv) == 1 and conv not in out:
            out[conv] = s
    for b in ("ô", "Ô", "ö", "Ö"):    # ơ ư with a tone: the horn letter, then the tone mark
        for m in marks:
            conv = legacy.to_unicode(b + m, legacy.VNI)
            if len(conv) == 1:
                out.setdefault(conv, b + m)
    return out


_TO_TCVN3 = _reverse_tcvn3()
_TO_VNI = _reverse_vni()


def tcvn3(text: str) -> str:
    """Unicode → what Excel holds for text typed in .VnTime (capitals with a tone fall back to
    the lower-case letter, as in real files)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TO_TCVN3:
            out.append(_TO_TCVN3[ch])
        elif ch.lower() in _TO_TCVN3 and ch not in "ĂÂÊÔƠƯĐ":
            out.append(_TO_TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def vni(text: str) -> str:
    return "".join(_TO_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def legacy_rows(rows: list[list], convert) -> list[list]:
    return [[convert(v) if isinstance(v, str) else v for v in r] for r in rows]


# --- writers ---------------------------------------------------------------------------------

def to_xlsx(rows, merges) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for r in rows:
        ws.append(r)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xls(rows, merges) -> bytes:
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("Danh sach")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    covered = set()
    for r1, c1, r2, c2 in merges:
        sh.write_merge(r1, r2, c1, c2, rows[r1][c1])
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None or (r, c) in covered:
                continue
            if isinstance(v, dt.date):
                sh.write(r, c, v, date_style)
            else:
                sh.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def to_ods(rows, merges, trailing_empty_rows: int = 1048000) -> bytes:
    """As LibreOffice saves it: spans on the first cell, covered cells after, and the empty
    rest of the sheet as one repeated row."""
    span = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in merges}
    covered = {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - set(span)
    out = []
    for r, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            attrs = ""
            if (r, c) in span:
                rs, cs = span[(r, c)]
                attrs = f' table:number-rows-spanned="{rs}" table:number-columns-spanned="{cs}"'
            if v is None:
                cells.append(f"<table:table-cell{attrs}/>")
            elif isinstance(v, dt.date):
                cells.append(f'<table:table-cell{attrs} office:value-type="date" office:date-value="{v.isoformat()}">'
                             f"<text:p>{v:%d/%m/%Y}</text:p></table:table-cell>")
            elif isinstance(v, (int, float)):
                cells.append(f'<table:table-cell{attrs} office:value-type="float" office:value="{v}">'
                             f"<text:p>{v}</text:p></table:table-cell>")
            else:
                cells.append(f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(v)}</text:p>'
                             "</table:table-cell>")
        cells.append('<table:table-cell table:number-columns-repeated="1013"/>')
        out.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    out.append(f'<table:table-row table:number-rows-repeated="{trailing_empty_rows}">'
               '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Danh sách">'
               + "".join(out) + "</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
    return buf.getvalue()


def _cp1258(text: str) -> bytes:
    """Vietnamese Windows "ANSI": base letter (with its letter mark) then the tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize("NFC", "".join(c for c in d if c not in "\u0300\u0301\u0303\u0309\u0323"))
        out.append(letter + "".join(c for c in d if c in "\u0300\u0301\u0303\u0309\u0323"))
    return "".join(out).encode("cp1258")


def to_csv(rows, encoding: str = "utf-8", sep: str = ",") -> bytes:
    import csv
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else (f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v) for v in r])
    text = buf.getvalue()
    if encoding == "cp1258":
        return _cp1258(text)
    if encoding == "ansi":             # old-font text saved as "ANSI" by an English Windows
        return text.encode("cp1252")
    return text.encode(encoding)


def office_files() -> dict[str, bytes]:
    """Every shape × format × encoding the tests import."""
    a_rows, a_merges = office_rows_two_row_header()
    b_rows, b_merges = office_rows_one_row_header(dates_as_text=False)
    bt_rows, _ = office_rows_one_row_header(dates_as_text=True)
    t_rows, v_rows = legacy_rows(a_rows, tcvn3), legacy_rows(a_rows, vni)
    return {
        "hai-dong-tieu-de.xlsx": to_xlsx(a_rows, a_merges),
        "hai-dong-tieu-de.xls": to_xls(a_rows, a_merges),
        "hai-dong-tieu-de.ods": to_ods(a_rows, a_merges),
        "hai-dong-tieu-de.csv": to_csv(a_rows, "utf-8-sig"),
        "ngay-sinh.xlsx": to_xlsx(b_rows, b_merges),
        "ngay-sinh.xls": to_xls(b_rows, b_merges),
        "ngay-sinh.ods": to_ods(b_rows, b_merges),
        "ngay-sinh-utf8.csv": to_csv(bt_rows, "utf-8", ";"),
        "ngay-sinh-1258.csv": to_csv(bt_rows, "cp1258", ";"),
        "tcvn3.xlsx": to_xlsx(t_rows, a_merges),
        "tcvn3.xls": to_xls(t_rows, a_merges),
        "tcvn3.csv": to_csv(t_rows, "ansi"),
        "vni.xlsx": to_xlsx(v_rows, a_merges),
        "vni.ods": to_ods(v_rows, a_merges),
        "vni.csv": to_csv(v_rows, "ansi"),
    }
