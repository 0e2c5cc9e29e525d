"""Roll files for tests: the template's headers, NFD text, an .xlsx made in memory."""
from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook

HEADERS = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Loại đại biểu",
           "Đảng viên", "Dân tộc"]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
