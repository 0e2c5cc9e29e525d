"""The roll's files: reading one (through ``election_app.imports``, shared with candidate
lists and the API) and writing the template and the export. Parsing only: rows go to
``services.add_delegates``, which is all-or-nothing; a cell that cannot be read travels in
its row's ``_problems`` (row, field, column) so every problem of the file comes back at once."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..imports import Limits, read_list, records
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
    ("Quốc tịch", "nationality"),
    ("Trình độ học vấn", "education"),
    ("Chuyên môn nghiệp vụ", "qualification"),
    ("Lý luận chính trị", "political_theory"),
]
def read_roll(filename: str, data: bytes, *, max_rows: int = 20000, encoding: str | None = None,
              mapping: list[str] | None = None, remembered=None, limits: Limits | None = None):
    """(reading, rows) of a roll file: the same reading as every list (``election_app.imports``),
    rows ready for ``services.add_delegates`` (all-or-nothing)."""
    limits = limits or Limits(max_rows=max_rows)
    reading = read_list(filename, data, kind="roll", limits=limits, encoding=encoding, mapping=mapping,
                        remembered=remembered)
    return reading, records(reading, limits=limits)


def with_columns(reading, problems: list[dict]) -> list[dict]:
    """Problems of add_delegates with the sheet column each field came from."""
    out = []
    for p in problems:
        if "column" not in p and reading is not None and p.get("field"):
            letter = reading.column_of(p["field"])
            if letter:
                p = {**p, "column": letter}
        out.append(p)
    return out


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
    _styled_sheet(ws, headers, [6, 28, 10, 10, 28, 32, 18, 10, 10, 12, 14, 22, 16])
    help_ws = wb.create_sheet("Hướng dẫn")
    lines = [
        "Điền danh sách vào trang «Danh sách»: mỗi dòng một người. Dòng 1 là tiêu đề cột, không sửa tên cột.",
        "Họ và tên: ghi đầy đủ, có dấu (hệ thống tự tách Họ / Tên đệm / Tên).",
        "Giới tính: Nam hoặc Nữ. Năm sinh: 4 chữ số.",
        "Loại đại biểu: " + ", ".join(v.replace("Đại biểu ", "") for v in CATEGORY_LABELS.values())
        + " (để trống: Chính thức).",
        "Đảng viên: ghi x nếu là đảng viên, để trống nếu không. Dân tộc: để trống là Kinh. "
        "Quốc tịch: để trống là Việt Nam.",
        "Không nhập công thức. Nếu có lỗi, hệ thống báo từng dòng và không nhập dòng nào.",
        "",
        "Ví dụ (chỉ để tham khảo, không nhập từ trang này):",
    ]
    for line in lines:
        help_ws.append([line])
    help_ws.append(headers)
    for r in (
        [1, "Nguyễn Thị Hoa", "Nữ", 1985, "Giáo viên", "Tổ 1", "Chính thức", "x", "Kinh", "Việt Nam", "12/12",
         "Cử nhân Giáo dục Tiểu học", ""],
        [2, "Trần Văn Đức", "Nam", 1979, "Tổ trưởng", "Tổ 2", "Đương nhiên", "", "Tày", "", "12/12",
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
               "Loại đại biểu", "Đảng viên", "Dân tộc", "Quốc tịch", "Trình độ học vấn", "Chuyên môn nghiệp vụ",
               "Lý luận chính trị", "Thẩm tra tư cách", "Lý do", "Điểm danh"]
    # Columns kept aside at import ("Ghi chú", "Số điện thoại" ...) come back out, after ours.
    extra_keys = list(dict.fromkeys(k for d in delegates for k in (d.extra or {})))
    _styled_sheet(ws, headers + extra_keys, [6, 8, 28, 10, 10, 26, 30, 20, 10, 10, 12, 14, 22, 16, 16, 24, 14]
                  + [18] * len(extra_keys))
    for i, d in enumerate(delegates, start=1):
        ws.append([i, d.code, d.full_name, (d.gender or "").capitalize(), d.birth_year, d.position,
                   d.unit, CATEGORY_LABELS.get(d.category, d.category), "x" if d.is_party_member else "",
                   d.ethnicity, d.nationality, d.education, d.qualification, d.political_theory,
                   d.credential_label, d.credential_reason, attendance_label(d)]
                  + [(d.extra or {}).get(k, "") for k in extra_keys])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":   # text that starts with "=" stays text, never a formula
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
