"""How the documents write numbers, dates, numbers of documents and the resolution's
wording (pure functions of documents.services)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from election_app.congress.models import Congress
from election_app.documents.services import (congress_info, date_line, doc_number, fmt_fraction,
                                             fmt_int, fmt_percent, long_date, month_text,
                                             ordinal_of, parse_resolution, roman, time_text)


@pytest.mark.parametrize("n, text", [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (1234, "1.234"),
                                     (1234567, "1.234.567"), (None, "")])
def test_integers_vietnamese_grouping(n, text):
    assert fmt_int(n) == text


@pytest.mark.parametrize("part, whole, text", [
    (7, 12, "58,33%"), (10, 12, "83,33%"), (1, 3, "33,33%"), (2, 3, "66,67%"), (1, 8, "12,50%"),
    (12, 12, "100,00%"), (0, 12, "0,00%"), (0, 0, "0,00%"), (1, 200, "0,50%"), (1, 400, "0,25%"),
])
def test_percent_two_decimals_half_up_with_a_decimal_comma(part, whole, text):
    assert fmt_percent(part, whole) == text


def test_fraction():
    assert fmt_fraction(1234, 1500) == "1.234/1.500"


@pytest.mark.parametrize("date, text", [
    (dt.date(2027, 1, 5), "ngày 05 tháng 01 năm 2027"),
    (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (dt.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
    (dt.date(2026, 12, 12), "ngày 12 tháng 12 năm 2026"),
    (None, "ngày …… tháng …… năm ………"),
])
def test_long_date_leading_zeros_for_days_1_to_9_and_months_1_2(date, text):
    assert long_date(date) == text


@pytest.mark.parametrize("month, text", [(1, "01"), (2, "02"), (3, "3"), (9, "9"), (10, "10"), (12, "12")])
def test_month(month, text):
    assert month_text(month) == text


def test_date_line_and_local_time():
    assert date_line("Ba Đình", dt.date(2027, 1, 5)) == "Ba Đình, ngày 05 tháng 01 năm 2027"
    assert date_line("", dt.date(2027, 1, 5)).startswith("……………, ngày 05")
    # 00:30 UTC is 07:30 in Hà Nội; a UTC datetime late on the 4th is the 5th locally
    assert time_text(dt.datetime(2027, 1, 5, 0, 30, tzinfo=dt.timezone.utc)) == "07 giờ 30 phút"
    assert long_date(dt.datetime(2027, 1, 4, 20, 0, tzinfo=dt.timezone.utc)) == "ngày 05 tháng 01 năm 2027"
    assert time_text(None) == "…… giờ …… phút"


@pytest.mark.parametrize("n, symbol, text", [(1, "BB-ĐH", "Số: 01/BB-ĐH"), (9, "NQ-ĐH", "Số: 09/NQ-ĐH"),
                                             (12, "BB-BBC", "Số: 12/BB-BBC")])
def test_document_numbers(n, symbol, text):
    assert doc_number(n, symbol) == text


@pytest.mark.parametrize("n, text", [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL")])
def test_roman(n, text):
    assert roman(n) == text


def _congress(**kw) -> Congress:
    values = {"name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
              "organization": "Công đoàn cơ sở Trường THCS Thành Công",
              "parent_organization": "Công đoàn Giáo dục quận Ba Đình", "term": "2023–2028", "ordinal": "",
              "kind": "delegates", "place": "Ba Đình", "venue": "", "preset_code": "dieu_le_2020", "id": 1,
              "date": dt.date(2026, 12, 12)}
    values.update(kw)
    return Congress(**values)


def test_issuer_and_parent_in_capitals():
    info = congress_info(_congress())
    assert info["parent_upper"] == "CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH"
    assert info["issuer"] == "ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS THÀNH CÔNG LẦN THỨ X"  # ordinal from the name
    assert info["full_title"].endswith(", NHIỆM KỲ 2023–2028")
    assert ordinal_of(_congress(ordinal="XV")) == "XV"
    assert congress_info(_congress(name="Đại hội CĐCS 2026"))["issuer"] == \
        "ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS THÀNH CÔNG"
    assert congress_info(_congress(kind="all_members"))["people_word"] == "đoàn viên"


def test_resolution_wording_is_parsed_into_blocks():
    parsed = parse_resolution("Căn cứ Điều lệ Công đoàn Việt Nam;\n\nQuyết nghị:\nĐiều 1. Thông qua báo cáo.\n"
                              "- Ban Chấp hành gồm 7 đồng chí;\nĐoạn văn thường.\n\nNơi nhận:\n- Như Điều 3;\n- Lưu VT.")
    kinds = [b["kind"] for b in parsed["body"]]
    assert kinds == ["basis", "decides", "article", "item", "para"]
    assert parsed["body"][1]["text"] == "QUYẾT NGHỊ:"
    assert parsed["body"][2]["label"] == "Điều 1." and parsed["body"][2]["text"] == "Thông qua báo cáo."
    assert parsed["recipients"] == ["- Như Điều 3;", "- Lưu VT."]


def test_percent_refuses_floats():
    from election_app.rules import format_percent_vi
    with pytest.raises(TypeError):
        format_percent_vi(58.33)
    assert format_percent_vi(Decimal("58.333")) == "58,33%"
