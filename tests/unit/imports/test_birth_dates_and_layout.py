"""Birth dates as offices write them, and header spellings: table-driven."""
from __future__ import annotations

import datetime as dt

import pytest

from election_app.imports import parse_birth
from election_app.imports.layout import guess_field


@pytest.mark.parametrize(("cell", "year", "date"), [
    ("12/03/1985", 1985, dt.date(1985, 3, 12)), ("5/3/85", 1985, dt.date(1985, 3, 5)),
    ("05-03-1985", 1985, dt.date(1985, 3, 5)), ("5.3.1985", 1985, dt.date(1985, 3, 5)),
    ("1/1/05", 2005, dt.date(2005, 1, 1)), ("1985", 1985, None), (1985, 1985, None), (1985.0, 1985, None),
    ("03/1985", 1985, None), ("1985-03-12", 1985, dt.date(1985, 3, 12)), (dt.date(1979, 11, 2), 1979, dt.date(1979, 11, 2)),
    (dt.datetime(1979, 11, 2, 0, 0), 1979, dt.date(1979, 11, 2)), (31118, 1985, dt.date(1985, 3, 12)),
])
def test_birth_dates(cell, year, date):
    assert parse_birth(cell) == (year, date)


@pytest.mark.parametrize("cell", ["năm 80", "31/02/1985", "x", True, 12, "12/13/1985", ""])
def test_unreadable_birth_dates(cell):
    with pytest.raises(ValueError):
        parse_birth(cell)


@pytest.mark.parametrize(("label", "field"), [
    ("TT", "_index"), ("STT", "_index"), ("Số TT", "_index"), ("Họ và tên", "full_name"), ("HỌ TÊN", "full_name"),
    ("Họ và tên đại biểu", "full_name"), ("Ngày, tháng, năm sinh", "birth"), ("Ngày sinh", "birth"),
    ("Năm sinh", "birth"), ("Giới tính", "gender"), ("Nam/Nữ", "gender"), ("Chức vụ", "position"),
    ("Chức vụ, đơn vị công tác", "position_unit"), ("Chức vụ - Đơn vị", "position_unit"), ("Đơn vị", "unit"),
    ("Đơn vị công tác", "unit"), ("Đảng viên", "is_party_member"), ("Dân tộc", "ethnicity"),
    ("Học vấn", "education"), ("Chuyên môn", "qualification"), ("LLCT", "political_theory"),
    ("Lý luận chính trị", "political_theory"), ("Ghi chú", "_keep"), ("Số thẻ", "_ignore"),
    ("Loại đại biểu", "category"), ("Ứng cử/Đề cử", "nomination"),
])
def test_header_spellings(label, field):
    assert guess_field(label) == (field, True)


def test_unknown_header_is_kept_aside_not_sure():
    assert guess_field("Mã ngạch") == ("_keep", False)
