"""Reading a roll from .xlsx or .csv with Vietnamese column headers, and writing the
template and the export. Parsing only: rows go to ``services.add_delegates``, which is
all-or-nothing. A file that is not a roll at all (empty, no header, unknown columns) is
refused here; a cell that cannot be read travels in its row's ``_problems`` so that
``add_delegates`` reports it with every other problem of the file."""
from __future__ import annotations

import csv
import io
import unicodedata

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..errors import ValidationFailed
from ..rules import normalize_text
from .models import CATEGORY_LABELS

# Header (as printed on the template) -> field. Matching ignores case, accents and spaces.
COLUMNS: list[tuple[str, str]] = [
    ("STT", "_index"),
    ("Họ và tên", "full_name"),
    ("Giới tính", "gender"),
    ("Năm sinh", "birth_year"),
    ("Chức vụ", "position"),
    ("Đơn vị", "unit"),
    ("Loại đại biểu", "category"),
    ("Đảng viên", "is_party_member"),
    ("Dân tộc", "ethnicity"),
    ("Trình độ học vấn", "education"),
    ("Chuyên môn nghiệp vụ", "qualification"),
    ("Lý luận chính trị", "political_theory"),
]
ALIASES = {
    "ho ten": "full_name", "ho va ten": "full_name", "ten day du": "full_name",
    "ho": "ho", "ten dem": "ten_dem", "ten": "ten", "gioi tinh": "gender", "nam sinh": "birth_year",
    "chuc vu": "position", "don vi": "unit", "don vi cong tac": "unit", "loai dai bieu": "category",
    "loai": "category", "dang vien": "is_party_member", "dan toc": "ethnicity",
    "trinh do hoc van": "education", "hoc van": "education", "chuyen mon": "qualification",
    "chuyen mon nghiep vu": "qualification", "ly luan chinh tri": "political_theory",
    "stt": "_index", "so thu tu": "_index",
    # Columns of our own export, so an exported roll can be imported into another congress.
    "so the": "_ignore", "tham tra tu cach": "_ignore", "ly do": "_ignore", "diem danh": "_ignore",
}
CATEGORY_WORDS = {
    "chinh thuc": "official", "official": "official", "dai bieu chinh thuc": "official",
    "duong nhien": "ex_officio", "dai bieu duong nhien": "ex_officio", "ex_officio": "ex_officio",
    "chi dinh": "appointed", "dai bieu chi dinh": "appointed", "appointed": "appointed",
    "du khuyet": "alternate", "dai bieu du khuyet": "alternate", "alternate": "alternate",
    "khach moi": "guest", "guest": "guest", "doan vien": "official",
}
YES = {"x", "co", "1", "dang vien", "yes", "true", "dv", "v"}
NO = {"", "0", "khong", "no", "false", "-"}


def fold(text: str) -> str:
    """Accent-free, lower-case, single-spaced: for matching headers and keywords only."""
    text = normalize_text(text).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().replace("_", " ").split())


def _map_headers(headers: list) -> tuple[dict[int, str], list[dict]]:
    mapping: dict[int, str] = {}
    problems: list[dict] = []
    for idx, h in enumerate(headers):
        if h is None or str(h).strip() == "":
            continue
        field = ALIASES.get(fold(str(h)))
        if field is None:
            problems.append({"row": 1, "field": str(h),
                             "message": f"Cột «{normalize_text(str(h))}» không có trong mẫu."})
            continue
        if field in mapping.values() and field != "_ignore":
            problems.append({"row": 1, "field": str(h), "message": f"Cột «{normalize_text(str(h))}» bị lặp."})
            continue
        mapping[idx] = field
    fields = set(mapping.values())
    if "full_name" not in fields and "ten" not in fields:
        problems.append({"row": 1, "field": "Họ và tên",
                         "message": "Thiếu cột «Họ và tên» (hoặc các cột «Họ», «Tên đệm», «Tên»). "
                                    "Hãy dùng tệp mẫu tải về từ hệ thống."})
    return mapping, problems


def _convert(field: str, value, row_no: int, problems: list[dict]):
    if type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        value = "=" + str(getattr(value, "text", "") or "")
    if isinstance(value, str):
        value = normalize_text(value)
        if value.startswith("="):
            problems.append({"row": row_no, "field": field,
                             "message": f"Ô chứa công thức «{value[:40]}»: hãy nhập giá trị, không nhập công thức."})
            return None
    if field == "category":
        if value in (None, ""):
            return "official"
        code = CATEGORY_WORDS.get(fold(str(value)))
        if code is None:
            allowed = ", ".join(CATEGORY_LABELS.values())
            problems.append({"row": row_no, "field": "category",
                             "message": f"Loại đại biểu «{value}» không hợp lệ (chọn một trong: {allowed})."})
        return code
    if field == "is_party_member":
        word = fold(str(value)) if value is not None else ""
        if isinstance(value, bool):
            return value
        if word in YES:
            return True
        if word in NO:
            return False
        problems.append({"row": row_no, "field": "is_party_member",
                         "message": f"Cột Đảng viên: ghi «x» hoặc để trống, không phải «{value}»."})
        return None
    if field == "birth_year" and isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return ""
    return value if isinstance(value, (int, float)) else str(value)


def _rows_to_dicts(table: list[list], max_rows: int) -> list[dict]:
    # Skip leading blank rows and a title line: the header is the first row with a known column.
    start = None
    for i, row in enumerate(table[:10]):
        if any(c is not None and ALIASES.get(fold(str(c))) in ("full_name", "ten") for c in row):
            start = i
            break
    if start is None:
        if not any(any(c not in (None, "") for c in row) for row in table):
            raise ValidationFailed("Tệp trống: không có dữ liệu.",
                                   [{"row": 1, "field": "", "message": "Tệp không có dòng nào."}])
        raise ValidationFailed("Không tìm thấy dòng tiêu đề có cột «Họ và tên».",
                               [{"row": 1, "field": "Họ và tên",
                                 "message": "Hãy dùng tệp mẫu tải về từ hệ thống (dòng đầu là tiêu đề cột)."}])
    mapping, problems = _map_headers(table[start])
    if problems:
        raise ValidationFailed("Tiêu đề cột không đúng mẫu; chưa nhập đại biểu nào.", problems)
    out: list[dict] = []
    data_columns = [(idx, field) for idx, field in mapping.items() if field not in ("_index", "_ignore")]
    for i, row in enumerate(table[start + 1:], start=start + 2):
        cells = [(field, row[idx] if idx < len(row) else None) for idx, field in data_columns]
        # A blank line, or one with only its STT filled in (pre-numbered templates), is no one.
        if not any(v is not None and str(v).strip() != "" for _, v in cells):
            continue
        rec: dict = {"_row": i}
        row_problems: list[dict] = []
        for field, value in cells:
            rec[field] = _convert(field, value, i, row_problems)
        if row_problems:
            # Reported together with the checks of add_delegates, so every problem of the
            # file comes back at once.
            rec["_problems"] = row_problems
        out.append(rec)
    if not out:
        raise ValidationFailed("Tệp không có dòng đại biểu nào dưới dòng tiêu đề.",
                               [{"row": start + 2, "field": "", "message": "Không có dữ liệu."}])
    if len(out) > max_rows:
        raise ValidationFailed(f"Tệp có {len(out)} dòng, vượt quá giới hạn {max_rows} dòng.",
                               [{"field": "file", "message": f"Tối đa {max_rows} dòng mỗi lần nhập."}])
    return out


def read_roll(filename: str, data: bytes, *, max_rows: int = 20000) -> list[dict]:
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                table = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
            finally:
                wb.close()
        except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
            raise ValidationFailed(
                "Không đọc được tệp Excel (.xlsx). Tệp có thể bị hỏng hoặc không đúng định dạng.",
                [{"field": "file", "message": "Tệp không phải .xlsx hợp lệ (tệp .xls cũ: hãy lưu lại thành .xlsx)."}])
    elif name.endswith(".csv"):
        table = _csv_table(_decode_csv(data))
    else:
        raise ValidationFailed("Chỉ nhận tệp .xlsx hoặc .csv.",
                               [{"field": "file", "message": "Định dạng tệp không được hỗ trợ."}])
    return _rows_to_dicts(table, max_rows)


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM, as Excel saves "CSV UTF-8"), UTF-16 when it says so with
    a BOM, else Windows-1258 (Vietnamese Windows; tones as combining marks, NFC later)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("Không đọc được tệp CSV: hãy lưu với bảng mã UTF-8.",
                           [{"field": "file", "message": "Bảng mã của tệp không phải UTF-8."}])


def _csv_table(text: str) -> list[list]:
    """Rows of a CSV whose separator is ',' ';' (Excel in Vietnamese locale) or tab: the
    one under which a header row shows the most known columns."""
    best: list[list] = []
    best_score = -1
    for delimiter in (",", ";", "\t"):
        table = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        score = max((sum(1 for c in row if ALIASES.get(fold(str(c)))) for row in table[:10]), default=0)
        if score > best_score:
            best, best_score = table, score
    return best


def _styled_sheet(ws, headers: list[str], widths: list[int]) -> None:
    bold = Font(bold=True, name="Times New Roman")
    for col, (h, w) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=col, value=h)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "A2"


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    headers = [h for h, _ in COLUMNS]
    _styled_sheet(ws, headers, [6, 28, 10, 10, 28, 32, 18, 10, 10, 14, 22, 16])
    help_ws = wb.create_sheet("Hướng dẫn")
    lines = [
        "Điền danh sách vào trang «Danh sách»: mỗi dòng một người. Dòng 1 là tiêu đề cột, không sửa tên cột.",
        "Họ và tên: ghi đầy đủ, có dấu (hệ thống tự tách Họ / Tên đệm / Tên).",
        "Giới tính: Nam hoặc Nữ. Năm sinh: 4 chữ số.",
        "Loại đại biểu: " + ", ".join(v.replace("Đại biểu ", "") for v in CATEGORY_LABELS.values())
        + " (để trống: Chính thức).",
        "Đảng viên: ghi x nếu là đảng viên, để trống nếu không. Dân tộc: để trống là Kinh.",
        "Không nhập công thức. Nếu có lỗi, hệ thống báo từng dòng và không nhập dòng nào.",
        "",
        "Ví dụ (chỉ để tham khảo, không nhập từ trang này):",
    ]
    for line in lines:
        help_ws.append([line])
    help_ws.append(headers)
    for r in (
        [1, "Nguyễn Thị Hoa", "Nữ", 1985, "Giáo viên", "Tổ 1", "Chính thức", "x", "Kinh", "12/12",
         "Cử nhân Giáo dục Tiểu học", ""],
        [2, "Trần Văn Đức", "Nam", 1979, "Tổ trưởng", "Tổ 2", "Đương nhiên", "", "Tày", "12/12",
         "Thạc sĩ Quản lý giáo dục", "Trung cấp"],
    ):
        help_ws.append(r)
    help_ws.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_xlsx(delegates, attendance_label) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách đại biểu"
    headers = ["STT", "Số thẻ", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị",
               "Loại đại biểu", "Đảng viên", "Dân tộc", "Trình độ học vấn", "Chuyên môn nghiệp vụ",
               "Lý luận chính trị", "Thẩm tra tư cách", "Lý do", "Điểm danh"]
    _styled_sheet(ws, headers, [6, 8, 28, 10, 10, 26, 30, 20, 10, 10, 14, 22, 16, 16, 24, 14])
    for i, d in enumerate(delegates, start=1):
        ws.append([i, d.code, d.full_name, (d.gender or "").capitalize(), d.birth_year, d.position,
                   d.unit, CATEGORY_LABELS.get(d.category, d.category), "x" if d.is_party_member else "",
                   d.ethnicity, d.education, d.qualification, d.political_theory,
                   d.credential_label, d.credential_reason, attendance_label(d)])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":   # text that starts with "=" stays text, never a formula
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
