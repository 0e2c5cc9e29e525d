"""One roll row, without a database: cleaning (NFC, the name split, every field checked
with a Vietnamese message), reading .xlsx/.csv into rows, and the signed check-in QR."""
from __future__ import annotations

import io
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook

from tests.rollfiles import HEADERS, nfd, xlsx
from election_app.delegates import importer
from election_app.delegates.qr import checkin_payload, parse_checkin_payload
from election_app.delegates.services import FIELD_LABELS, clean_delegate_row
from election_app.errors import ValidationFailed



def read_rows(*args, **kwargs) -> list[dict]:
    """The rows of a roll file (``read_roll`` also returns the reading: columns, encoding)."""
    _reading, rows = importer.read_roll(*args, **kwargs)
    return rows


def csv_bytes(rows: list[list], sep: str = ",", bom: bool = False, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(sep.join(str(c) for c in r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


# --- clean_delegate_row -------------------------------------------------------------

@pytest.mark.parametrize(("full", "parts"), [
    ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
    ("Nguyễn Thị Ngọc Ánh", ("Nguyễn", "Thị Ngọc", "Ánh")),
    ("Lê Hoà", ("Lê", "", "Hoà")),
    ("  Trần   Thị    Thuỷ ", ("Trần", "Thị", "Thuỷ")),
    ("Bình", ("", "", "Bình")),
])
def test_full_name_is_split_into_ho_ten_dem_ten(full, parts):
    values, problems = clean_delegate_row({"full_name": full})
    assert problems == []
    assert (values["ho"], values["ten_dem"], values["ten"]) == parts
    assert values["full_name"] == " ".join(p for p in parts if p)


def test_parts_given_win_where_the_split_falls():
    values, problems = clean_delegate_row({"full_name": "Tôn Thất Thuyết", "ho": "Tôn Thất", "ten": "Thuyết"})
    assert problems == []
    assert (values["ho"], values["ten_dem"], values["ten"]) == ("Tôn Thất", "", "Thuyết")


def test_parts_that_disagree_with_the_full_name_are_refused():
    _, problems = clean_delegate_row({"full_name": "Nguyễn Văn An", "ho": "Lê", "ten": "An"}, row=4)
    assert problems and problems[0]["row"] == 4 and problems[0]["field"] == "full_name"
    assert "không khớp" in problems[0]["message"]


def test_every_string_is_nfc():
    values, problems = clean_delegate_row({"full_name": nfd("Phạm Thị Thuỷ"), "unit": nfd("Tổ Văn phòng"),
                                           "position": nfd("Giáo viên"), "gender": nfd("Nữ"),
                                           "ethnicity": nfd("Mường")})
    assert problems == []
    for key in ("full_name", "ho", "ten_dem", "ten", "unit", "position", "ethnicity"):
        assert unicodedata.is_normalized("NFC", values[key]), key
    assert values["gender"] == "nữ"
    assert values["ten"] == "Thuỷ"


@pytest.mark.parametrize(("raw", "field", "words"), [
    ({}, "full_name", "Thiếu họ và tên"),
    ({"full_name": "   "}, "full_name", "Thiếu họ và tên"),
    ({"full_name": "Nguyễn Văn 2"}, "full_name", "chữ số"),
    ({"full_name": 12345}, "full_name", "chữ số"),
    ({"full_name": "Lê An", "gender": "khác"}, "gender", "Giới tính"),
    ({"full_name": "Lê An", "birth_year": "abc"}, "birth_year", "Năm sinh không hợp lệ"),
    ({"full_name": "Lê An", "birth_year": "1985.5"}, "birth_year", "Năm sinh không hợp lệ"),
    ({"full_name": "Lê An", "birth_year": 1985.5}, "birth_year", "Năm sinh không hợp lệ"),
    ({"full_name": "Lê An", "birth_year": True}, "birth_year", "Năm sinh không hợp lệ"),
    ({"full_name": "Lê An", "birth_year": 1850}, "birth_year", "ngoài khoảng"),
    ({"full_name": "Lê An", "birth_year": 2030}, "birth_year", "ngoài khoảng"),
    ({"full_name": "Lê An", "category": "vip"}, "category", "Loại đại biểu"),
    ({"full_name": "Lê An", "is_party_member": "maybe"}, "is_party_member", "Đảng viên"),
    ({"full_name": "Lê An", "unit": "x" * 301}, "unit", "Đơn vị dài quá 300"),
    ({"full_name": "Lê An", "ethnicity": "y" * 51}, "ethnicity", "Dân tộc dài quá 50"),
    ({"full_name": "Lê An", "position": "=HYPERLINK(\"http://x\")"}, "position", "công thức"),
    ({"full_name": "=cmd|' /C calc'!A0"}, "full_name", "công thức"),
])
def test_each_bad_field_is_named_in_vietnamese(raw, field, words):
    _, problems = clean_delegate_row(raw, row=7)
    assert any(p["field"] == field and words in p["message"] and p["row"] == 7 for p in problems), problems


@pytest.mark.parametrize(("given", "expected"), [
    (1985, 1985), ("1985", 1985), (" 1985 ", 1985), (1985.0, 1985), ("1985.0", 1985), (None, None), ("", None),
])
def test_birth_year_forms_that_are_accepted(given, expected):
    values, problems = clean_delegate_row({"full_name": "Lê An", "birth_year": given})
    assert problems == [] and values["birth_year"] == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("Nam", "nam"), ("nam", "nam"), ("Nữ", "nữ"), ("NỮ", "nữ"), ("nu", "nữ"), ("", None), (None, None),
])
def test_gender_words(given, expected):
    values, problems = clean_delegate_row({"full_name": "Lê An", "gender": given})
    assert problems == [] and values["gender"] == expected


def test_defaults_category_official_and_ethnicity_kinh():
    values, problems = clean_delegate_row({"full_name": "Lê An", "ethnicity": ""})
    assert problems == []
    assert values["category"] == "official" and values["ethnicity"] == "Kinh"


def test_every_field_has_a_vietnamese_label():
    for field in ("full_name", "gender", "birth_year", "unit", "position", "category",
                  "is_party_member", "ethnicity", "education", "qualification", "political_theory"):
        assert FIELD_LABELS[field][0].isupper()


# --- read_roll ----------------------------------------------------------------------

def test_xlsx_rows_map_vietnamese_headers_and_words():
    data = xlsx([HEADERS,
                 [1, "Nguyễn Thị Hoa", "Nữ", 1985, "Giáo viên", "Tổ 1", "Chính thức", "x", "Kinh"],
                 [2, "Trần Văn Đức", "Nam", 1979, "Tổ trưởng", "Tổ 2", "Đương nhiên", "", "Tày"],
                 [3, "Lê Văn Khách", "Nam", None, "", "", "Khách mời", None, None],
                 [4, "Phạm Thị Dự", "Nữ", 1990, "", "", "dự khuyết", "có", None]])
    rows = read_rows("Danh sach.XLSX", data)
    assert [r["_row"] for r in rows] == [2, 3, 4, 5]
    assert [r["category"] for r in rows] == ["official", "ex_officio", "guest", "alternate"]
    assert [r.get("is_party_member", False) for r in rows] == [True, False, False, True]
    assert rows[0]["full_name"] == "Nguyễn Thị Hoa" and rows[0]["birth_year"] == 1985


def test_headers_match_without_accents_case_or_spacing():
    rows = read_rows("a.csv", csv_bytes([["HO VA TEN", "nam  sinh", "Đơn Vị Công Tác"],
                                                  ["Lê An", "1980", "Tổ 1"]]))
    assert rows == [{"_row": 2, "full_name": "Lê An", "birth_year": 1980, "unit": "Tổ 1"}]


def test_separate_name_columns():
    rows = read_rows("a.csv", csv_bytes([["Họ", "Tên đệm", "Tên"], ["Tôn Thất", "", "Thuyết"]]))
    values, problems = clean_delegate_row(rows[0])
    assert problems == [] and values["full_name"] == "Tôn Thất Thuyết" and values["ho"] == "Tôn Thất"


def test_a_title_row_above_the_header_is_skipped():
    data = xlsx([["DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"], [], HEADERS,
                 [1, "Nguyễn Văn An", "Nam", 1980, "", "", "", "", ""]])
    rows = read_rows("a.xlsx", data)
    assert len(rows) == 1 and rows[0]["_row"] == 4 and rows[0]["full_name"] == "Nguyễn Văn An"


def test_unreadable_cells_travel_with_their_row():
    """Formulas and unknown words are not values: the row carries the problem (row and
    field named) for add_delegates to report with every other problem of the file."""
    data = xlsx([HEADERS, [1, "Nguyễn Văn An", "Nam", "=SUM(1980,1)", "", "", "", "", ""],
                 [2, "=A1", "Nam", 1980, "", "", "VIP", "", ""],
                 [3, "Lê Văn Bình", "Nam", 1980, "", "", "", "hmm", ""]])
    rows = read_rows("a.xlsx", data)
    found = {(p["row"], p["field"]) for r in rows for p in r.get("_problems", [])}
    assert found == {(2, "birth_year"), (3, "full_name"), (3, "category"), (4, "is_party_member")}
    assert "birth_year" not in rows[0] and "full_name" not in rows[1]
    assert "công thức" in rows[0]["_problems"][0]["message"]
    assert rows[0]["_problems"][0]["column"] == "D"                 # the sheet column is named too


def test_a_row_with_only_its_number_is_blank():
    rows = read_rows("a.xlsx", xlsx([HEADERS, [1, "Lê An"], [2], [3, None, None], [4, "Lê Bình"]]))
    assert [r["_row"] for r in rows] == [2, 5]


def test_csv_utf8_with_bom_and_semicolons():
    data = csv_bytes([["Họ và tên", "Giới tính", "Năm sinh", "Đơn vị"],
                      ["Nguyễn Thị Hoà", "Nữ", "1985", "Tổ 1, khối 2"]], sep=";", bom=True)
    rows = read_rows("a.csv", data)
    assert rows[0]["full_name"] == "Nguyễn Thị Hoà" and rows[0]["unit"] == "Tổ 1, khối 2"


def test_csv_with_tabs_and_quoted_commas():
    data = ('Họ và tên,Đơn vị\r\n"Lê Văn An","Tổ 1, khối 2"\r\n').encode()
    assert read_rows("a.csv", data)[0]["unit"] == "Tổ 1, khối 2"
    data = "Họ và tên\tĐơn vị\r\nLê Văn An\tTổ 1\r\n".encode()
    assert read_rows("a.csv", data)[0]["unit"] == "Tổ 1"


def windows_1258(text: str) -> str:
    """As Vietnamese Windows writes it: ă â ê ô ơ ư đ precomposed, the tone a combining mark."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in "\u0300\u0301\u0303\u0309\u0323")
        out.append(unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones)) + tones)
    return "".join(out)


def test_csv_in_windows_1258_and_utf16():
    text = [["Họ và tên", "Đơn vị"], ["Nguyễn Thị Thuỷ", "Tổ Văn phòng"]]
    legacy = [[windows_1258(c) for c in r] for r in text]
    rows = read_rows("a.csv", csv_bytes(legacy, encoding="cp1258"))
    assert rows[0]["full_name"] == "Nguyễn Thị Thuỷ"
    assert unicodedata.is_normalized("NFC", rows[0]["full_name"])
    rows = read_rows("a.csv", csv_bytes(text, sep="\t", encoding="utf-16"))
    assert rows[0]["full_name"] == "Nguyễn Thị Thuỷ"


@pytest.mark.parametrize(("name", "data", "words"), [
    ("a.csv", b"", "Tệp trống"),
    ("a.xlsx", xlsx([]), "Tệp trống"),
    ("a.csv", csv_bytes([["Họ và tên", "Năm sinh"]]), "không có dòng đại biểu"),
    ("a.xlsx", xlsx([HEADERS]), "không có dòng đại biểu"),
    ("a.csv", csv_bytes([["Name", "Gender"], ["An", "M"]]), "Không tìm thấy dòng tiêu đề"),
    ("a.xlsx", b"PK\x03\x04 not really a workbook", "Không đọc được tệp .xlsx"),
    ("a.xls", b"\xd0\xcf\x11\xe0", "Không đọc được tệp .xls"),
])
def test_files_that_cannot_be_a_roll(name, data, words):
    with pytest.raises(ValidationFailed) as err:
        read_rows(name, data)
    assert words in err.value.message
    assert err.value.details, "every refusal names at least one problem"


def test_unknown_and_repeated_columns_are_kept_aside_and_named():
    """Issue 15: a column that is not ours (or a second «Năm sinh») is kept aside with a
    warning naming it and its sheet column, never a refusal."""
    reading, rows = importer.read_roll("a.csv", csv_bytes([["Họ và tên", "Email", "Năm sinh", "Năm sinh"],
                                                          ["Lê An", "", "", ""]]))
    assert rows == [{"_row": 2, "full_name": "Lê An"}]
    assert "«Email» (cột B)" in reading.warnings[0] and "«Năm sinh» (cột D)" in reading.warnings[0]


def test_too_many_rows():
    with pytest.raises(ValidationFailed) as err:
        read_rows("a.csv", csv_bytes([["Họ và tên"], ["Lê An"], ["Lê Bình"], ["Lê Cúc"]]), max_rows=2)
    assert "vượt quá giới hạn 2" in err.value.message


def test_template_has_vietnamese_headers_and_no_example_people_on_the_roll_sheet():
    wb = load_workbook(io.BytesIO(importer.template_xlsx()))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["STT", "Họ và tên", "Giới tính", "Năm sinh"]
    assert "Loại đại biểu" in header and "Đảng viên" in header and "Dân tộc" in header
    assert ws.max_row == 1
    with pytest.raises(ValidationFailed):
        read_rows("mau.xlsx", importer.template_xlsx())


def test_export_never_writes_a_formula():
    class D:
        code, full_name, gender, birth_year, position, unit = "001", "Lê An", "nam", 1980, "=1+1", "Tổ 1"
        category, is_party_member, ethnicity, education = "official", False, "Kinh", ""
        birth_date, extra, nationality = None, {}, "=HYPERLINK(\"x\")"
        qualification, political_theory, credential_label, credential_reason = "", "", "Đủ tư cách", ""
    wb = load_workbook(io.BytesIO(importer.export_xlsx([D()], lambda d: "Vắng")))
    cell = wb.worksheets[0]["F2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert wb.worksheets[0]["K2"].data_type == "s"


# --- the check-in QR ------------------------------------------------------------------

SECRET = "a-secret-key-0123456789"


def test_qr_payload_round_trips():
    payload = checkin_payload(SECRET, 12, "007")
    assert payload.startswith("DHCD1:12:007:")
    assert parse_checkin_payload(SECRET, payload) == (12, "007")
    assert parse_checkin_payload(SECRET, f"  {payload}\n") == (12, "007")


@pytest.mark.parametrize("forged", [
    "DHCD1:12:007:000000000000",
    "DHCD1:13:007:{sig}",          # another congress, same signature
    "DHCD1:12:008:{sig}",          # another card, same signature
    "DHCD2:12:007:{sig}",
    "DHCD1:12:007",
    "DHCD1:x:007:{sig}",
    "",
    "007",
])
def test_forged_qr_payloads_are_refused(forged):
    sig = checkin_payload(SECRET, 12, "007").rsplit(":", 1)[1]
    assert parse_checkin_payload(SECRET, forged.format(sig=sig)) is None


def test_qr_signed_with_another_secret_is_refused():
    assert parse_checkin_payload(SECRET, checkin_payload("another-secret-0123456789", 12, "007")) is None
