"""Importing a roll from .xlsx/.csv through the page and the API: all or nothing, every bad
row and field named in Vietnamese, NFC, duplicates (Hòa = Hoà, Thủy = Thuỷ), the template
round trip, the export in the Vietnamese order, and 5,000 rows in reasonable time."""
from __future__ import annotations

import io
import random
import time
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.rollfiles import HEADERS, nfd, xlsx
from election_app.delegates.models import Delegate
from election_app.rules import name_sort_key
from tests.conftest import csrf_from



def csv_bytes(rows: list[list], sep: str = ",", bom: bool = False) -> bytes:
    data = ("\r\n".join(sep.join(str(c) for c in r) for r in rows) + "\r\n").encode()
    return (b"\xef\xbb\xbf" + data) if bom else data


def count(session, congress) -> int:
    session.rollback()
    return session.scalar(select(func.count(Delegate.id)).where(Delegate.congress_id == congress.id))


def names_on_roll(session, congress) -> list[str]:
    session.rollback()
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)).all()
    return [d.full_name for d in rows]


@pytest.fixture
def via_api(api, congress):
    caller = api("organizer")

    def send(filename: str, data: bytes):
        resp = caller.post(f"/api/v1/congresses/{congress.id}/delegates/import",
                           data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
        return resp.status_code, resp.get_json()
    return send


@pytest.fixture
def via_page(client, login, congress):
    login("organizer")
    url = f"/congresses/{congress.id}/delegates/import"

    def send(filename: str, data: bytes):
        token = csrf_from(client.get(url).get_data(as_text=True))
        resp = client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
        return resp.status_code, resp.get_data(as_text=True)
    return send


GOOD = [HEADERS,
        [1, "Nguyễn Thị Hoà", "Nữ", 1985, "Giáo viên", "Tổ 1", "Chính thức", "x", "Kinh"],
        [2, "Trần Văn An", "Nam", 1979, "Tổ trưởng", "Tổ 2", "Đương nhiên", "", "Tày"]]

BAD = [HEADERS,
       [1, "Nguyễn Văn Ba", "Nam", 1980, "", "", "", "", ""],
       [2, "", "Nam", 1981, "", "", "", "", ""],                        # row 3: no name
       [3, "Lê Thị Cúc", "Nữ", "năm 80", "", "", "", "", ""],           # row 4: birth year
       [4, "Phạm Văn Dũng", "Không rõ", 1982, "", "", "VIP", "", ""],   # row 5: gender, category
       [5, "Hoàng Văn Em", "Nam", 1983, "", "", "", "có lẽ", ""]]       # row 6: Đảng viên


# --- all or nothing, every bad row named ----------------------------------------------

def test_bad_rows_via_api_name_each_row_and_field_and_import_nothing(session, congress, via_api, roll):
    before = count(session, congress)
    status, body = via_api("ds.xlsx", xlsx(BAD))
    assert status == 422
    assert set(body) == {"error", "message", "details"} and body["error"] == "invalid"
    assert "chưa nhập đại biểu nào" in body["message"] or "chưa thêm đại biểu nào" in body["message"]
    found = {(d["row"], d["field"]) for d in body["details"]}
    assert found == {(3, "full_name"), (4, "birth_year"), (5, "gender"), (5, "category"), (6, "is_party_member")}
    assert all(d["message"] for d in body["details"])
    assert count(session, congress) == before


def test_bad_rows_via_page_are_listed_in_vietnamese_and_nothing_imported(session, congress, via_page):
    status, html = via_page("ds.xlsx", xlsx(BAD))
    assert status == 200
    assert 'id="import-errors"' in html
    for words in ("Thiếu họ và tên", "Năm sinh không hợp lệ", "Giới tính", "Loại đại biểu «VIP»",
                  "Cột Đảng viên"):
        assert words in html, words
    # The column is shown by its Vietnamese header, not the field code.
    assert "D · Năm sinh</td>" in html and "birth_year</td>" not in html
    assert count(session, congress) == 0


def test_good_file_via_page_and_api(session, congress, via_page, api):
    status, _ = via_page("ds.xlsx", xlsx(GOOD))
    assert status == 302
    assert sorted(names_on_roll(session, congress)) == ["Nguyễn Thị Hoà", "Trần Văn An"]
    d = session.scalar(select(Delegate).where(Delegate.full_name == "Trần Văn An"))
    assert (d.ho, d.ten_dem, d.ten, d.gender, d.birth_year, d.category, d.ethnicity, d.is_party_member) == \
        ("Trần", "Văn", "An", "nam", 1979, "ex_officio", "Tày", False)


def test_nfd_text_is_stored_nfc_and_sorted_by_the_vietnamese_rule(session, congress, via_api, api):
    people = ["Đặng Văn Ánh", "Nguyễn Thị Ân", "Lê Văn Anh", "Trần Thị Ấn", "Phạm Văn An", "Bùi Thị Ăn",
              "Vũ Thị Hà", "Ngô Văn Hạ", "Hồ Thị Hả", "Lý Văn Há", "Đỗ Văn Hã", "Tạ Thị Ha"]
    rows = [HEADERS] + [[i, nfd(n), "", 1970 + i, nfd("Giáo viên"), nfd("Tổ Văn phòng"), nfd("Chính thức"), "", nfd("Mường")]
                        for i, n in enumerate(people, 1)]
    status, body = via_api("ds.xlsx", xlsx(rows))
    assert status == 201, body
    session.rollback()
    for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)):
        for value in (d.full_name, d.ho, d.ten_dem, d.ten, d.unit, d.position, d.ethnicity):
            assert unicodedata.is_normalized("NFC", value), value
    listed = [d["full_name"] for d in api("secretary").get(f"/api/v1/congresses/{congress.id}/delegates").get_json()["delegates"]]
    # tên first: an < anh < ăn < ân < ấn < ánh ... then ha < hà < hả < hã < há < hạ
    assert listed == ["Phạm Văn An", "Lê Văn Anh", "Đặng Văn Ánh", "Bùi Thị Ăn", "Nguyễn Thị Ân", "Trần Thị Ấn",
                      "Tạ Thị Ha", "Vũ Thị Hà", "Hồ Thị Hả", "Đỗ Văn Hã", "Lý Văn Há", "Ngô Văn Hạ"]


# --- duplicates -----------------------------------------------------------------------

def test_duplicates_within_the_file_treat_tone_placement_as_the_same(session, congress, via_api):
    rows = [HEADERS,
            [1, "Nguyễn Thị Hòa", "Nữ", 1985, "", "", "", "", ""],
            [2, "Nguyễn Thị Hoà", "Nữ", 1985, "", "", "", "", ""],      # same person, new placement
            [3, "Lê Thị Thủy", "Nữ", None, "", "", "", "", ""],
            [4, "lê thị  THUỶ", "Nữ", 1990, "", "", "", "", ""],          # no year on row 4: refused
            [5, "Trần Văn Hùng", "Nam", 1970, "", "", "", "", ""],
            [6, "Trần Văn Hùng", "Nam", 1975, "", "", "", "", ""],       # two people, two years: fine
            [7, "Nguyễn Thị Hoa", "Nữ", 1985, "", "", "", "", ""]]       # Hoa is not Hòa
    status, body = via_api("ds.xlsx", xlsx(rows))
    assert status == 422
    dups = {(d["row"], d["field"]) for d in body["details"]}
    assert dups == {(3, "full_name"), (5, "full_name")}
    assert any("Trùng tên với dòng 2" in d["message"] for d in body["details"])
    assert count(session, congress) == 0


def test_duplicates_against_the_roll(session, congress, via_api, via_page):
    assert via_api("a.xlsx", xlsx([HEADERS, [1, "Nguyễn Thị Hòa", "Nữ", 1985, "", "", "", "", ""],
                                   [2, "Phạm Thị Thủy", "Nữ", 1990, "", "", "", "", ""]]))[0] == 201
    status, body = via_api("b.xlsx", xlsx([HEADERS, [1, "Nguyễn Thị Hoà", "Nữ", 1985, "", "", "", "", ""],
                                           [2, "Phạm Thị Thuỷ", "Nữ", None, "", "", "", "", ""],
                                           [3, "Phạm Thị Thuỷ", "Nữ", 1991, "", "", "", "", ""],
                                           [4, "Đinh Văn Mới", "Nam", 1980, "", "", "", "", ""]]))
    assert status == 422
    by_row = {d["row"]: d["message"] for d in body["details"]}
    assert sorted(by_row) == [2, 3, 4]          # row 5 (Đinh Văn Mới) is fine
    assert "Trùng với người đã có trong danh sách: Nguyễn Thị Hòa (1985), số thẻ 001" in by_row[2]
    assert "Trùng với người đã có trong danh sách: Phạm Thị Thủy (1990)" in by_row[3]  # no year: refused
    assert "Trùng tên với dòng 3" in by_row[4]  # 1991 differs from the roll, but row 3 has no year
    assert count(session, congress) == 2
    # Same name, a different birth year: a different person.
    assert via_api("c.xlsx", xlsx([HEADERS, [1, "Nguyễn Thị Hoà", "Nữ", 1990, "", "", "", "", ""]]))[0] == 201
    status, html = via_page("d.csv", csv_bytes([["Họ và tên", "Năm sinh"], ["NGUYỄN THỊ HOÀ", "1985"]]))
    assert "Trùng với người đã có trong danh sách" in html
    assert count(session, congress) == 3


# --- files that are not a roll --------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "words"), [
    ("empty.csv", b"", "Tệp trống"),
    ("empty.xlsx", xlsx([]), "Tệp trống"),
    ("header.xlsx", xlsx([HEADERS]), "không có dòng đại biểu"),
    ("header.csv", csv_bytes([HEADERS], bom=True), "không có dòng đại biểu"),
    ("wrong.xlsx", xlsx([["Name", "Sex", "Year"], ["An", "M", 1980]]), "Không tìm thấy dòng tiêu đề"),
    ("formula.xlsx", xlsx([HEADERS, [1, "Lê An", "Nam", "=SUM(1000,985)", "", "", "", "", ""]]), "chưa thêm đại biểu nào"),
    ("roll.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"),
])
def test_files_that_are_not_a_roll_are_refused_by_api_and_page(session, congress, via_api, via_page,
                                                               filename, data, words):
    status, body = via_api(filename, data)
    assert status == 422 and words in body["message"], body
    assert set(body) == {"error", "message", "details"} and body["details"]
    if filename.endswith((".xlsx", ".csv")):  # the page form refuses other types before reading
        status, html = via_page(filename, data)
        assert status == 200 and words in html
    else:
        status, html = via_page(filename, data)
        assert "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv" in html
    assert count(session, congress) == 0


def test_formula_cell_names_row_and_column(congress, via_api, via_page):
    data = xlsx([HEADERS, [1, "Lê An", "Nam", "=SUM(1000,985)", "", "", "", "", ""]])
    _, body = via_api("f.xlsx", data)
    assert body["details"] == [{"row": 2, "field": "birth_year", "column": "D",
                                "message": "Ô chứa công thức «=SUM(1000,985)»: hãy nhập giá trị, không nhập công thức."}]
    _, html = via_page("f.xlsx", data)
    assert "<td>2</td><td>D · Năm sinh</td>" in html


def test_title_row_above_the_header(session, congress, via_api):
    data = xlsx([["CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH"], ["DANH SÁCH ĐẠI BIỂU"], [None], HEADERS,
                 [1, "Lê Văn An", "Nam", 1980, "", "", "", "", ""], [2, "", "", "", "", "", "", "", ""],
                 [3, "Lê Văn Bình", "Nam", "x", "", "", "", "", ""]])
    status, body = via_api("t.xlsx", data)
    assert status == 422 and body["details"][0]["row"] == 7   # the sheet's own line number
    data = xlsx([["DANH SÁCH ĐẠI BIỂU"], HEADERS, [1, "Lê Văn An", "Nam", 1980, "", "", "", "", ""]])
    assert via_api("t.xlsx", data)[0] == 201
    assert names_on_roll(session, congress) == ["Lê Văn An"]


@pytest.mark.parametrize(("sep", "bom"), [(";", True), (";", False), (",", True), ("\t", False)])
def test_csv_with_bom_and_separators(session, congress, via_api, sep, bom):
    data = csv_bytes([["Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Loại đại biểu"],
                      ["Nguyễn Thị Thuỷ", "Nữ", "1985", "Tổ 1", "Chính thức"],
                      ["Trần Văn Bảo", "Nam", "1979", "Tổ 2", "Khách mời"]], sep=sep, bom=bom)
    status, body = via_api("ds.csv", data)
    assert status == 201 and body["created"] == 2
    session.rollback()
    d = session.scalar(select(Delegate).where(Delegate.congress_id == congress.id, Delegate.ten == "Thuỷ"))
    assert (d.full_name, d.unit, d.birth_year) == ("Nguyễn Thị Thuỷ", "Tổ 1", 1985)
    assert session.scalar(select(Delegate.category).where(Delegate.ten == "Bảo")) == "guest"


def test_template_round_trip(session, client, congress, via_page):
    resp = client.get(f"/congresses/{congress.id}/delegates/template.xlsx")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    people = [("Nguyễn Thị Hoà", "Nữ", 1985, "Chính thức", "x", "Kinh"),
              ("Trần Văn Đức", "Nam", 1979, "Đương nhiên", "", "Tày"),
              ("Lê Thị Mai", "Nữ", 1992, "Dự khuyết", "", "")]
    for r, (name, sex, year, cat, party, eth) in enumerate(people, start=2):
        ws.cell(r, col["STT"], r - 1)
        ws.cell(r, col["Họ và tên"], name)
        ws.cell(r, col["Giới tính"], sex)
        ws.cell(r, col["Năm sinh"], year)
        ws.cell(r, col["Loại đại biểu"], cat)
        ws.cell(r, col["Đảng viên"], party)
        ws.cell(r, col["Dân tộc"], eth)
    buf = io.BytesIO()
    wb.save(buf)
    status, _ = via_page("filled.xlsx", buf.getvalue())
    assert status == 302
    session.rollback()
    got = {d.full_name: (d.gender, d.birth_year, d.category, d.is_party_member, d.ethnicity)
           for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id))}
    assert got == {"Nguyễn Thị Hoà": ("nữ", 1985, "official", True, "Kinh"),
                   "Trần Văn Đức": ("nam", 1979, "ex_officio", False, "Tày"),
                   "Lê Thị Mai": ("nữ", 1992, "alternate", False, "Kinh")}


def test_export_opens_and_lists_the_roll_in_vietnamese_order(session, client, login, congress, api, via_api):
    people = ["Trần Thị Ấn", "Lê Văn Anh", "Đỗ Văn Đào", "Nguyễn Văn Dũng", "Phạm Thị Ánh", "Bùi Văn An",
              "Võ Thị Ơn", "Hồ Văn Ôn", "Đinh Văn On", "Lý Thị Ưng", "Mai Văn Ung"]
    assert via_api("a.csv", csv_bytes([["Họ và tên"]] + [[n] for n in people]))[0] == 201
    login("secretary")
    resp = client.get(f"/congresses/{congress.id}/delegates/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["STT", "Số thẻ", "Họ và tên"]
    names = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["Bùi Văn An", "Lê Văn Anh", "Phạm Thị Ánh", "Trần Thị Ấn", "Nguyễn Văn Dũng",
                     "Đỗ Văn Đào", "Đinh Văn On", "Hồ Văn Ôn", "Võ Thị Ơn", "Mai Văn Ung", "Lý Thị Ưng"]
    assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)] == list(range(1, 12))
    # The export can be imported into another congress (its extra columns are ignored).
    from election_app.congress.services import create_congress
    other = create_congress(session, data={"name": "Đại hội khác", "organization": "CĐ", "term": "2023–2028",
                                           "kind": "all_members"})
    session.commit()
    resp2 = api("organizer").post(f"/api/v1/congresses/{other.id}/delegates/import",
                                  data={"file": (io.BytesIO(resp.data), "export.xlsx")},
                                  content_type="multipart/form-data")
    assert resp2.status_code == 201 and resp2.get_json()["created"] == 11


def test_five_thousand_rows_import_in_reasonable_time(session, congress, via_api, api):
    rng = random.Random(2026)
    ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
    dem = ["Văn", "Thị", "Thị Thu", "Đức", "Minh", "Ngọc", "Thanh", "Hữu"]
    ten = ["An", "Bình", "Cường", "Dung", "Hoà", "Thuỷ", "Lan", "Mai", "Hùng", "Tuấn", "Hương", "Nga", "Sơn"]
    seen: set = set()
    rows = [HEADERS]
    while len(rows) <= 5000:
        name, year = f"{rng.choice(ho)} {rng.choice(dem)} {rng.choice(ten)}", rng.randint(1960, 2000)
        if (name, year) in seen:
            continue
        seen.add((name, year))
        rows.append([len(rows), name, "Nữ" if "Thị" in name else "Nam", year, "Giáo viên",
                     f"Tổ {len(rows) % 20}", "Chính thức", "x" if len(rows) % 3 else "", "Kinh"])
    data = xlsx(rows)
    started = time.perf_counter()
    status, body = via_api("big.xlsx", data)
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row .xlsx import through the API: {elapsed:.2f} s")
    assert status == 201 and body["created"] == 5000     # the time is a figure of make bench, not a test
    assert count(session, congress) == 5000
    listed = api("secretary").get(f"/api/v1/congresses/{congress.id}/delegates").get_json()["delegates"]
    keys = [name_sort_key(d["ho"], d["ten_dem"], d["ten"], d["birth_year"]) for d in listed]
    assert keys == sorted(keys)
    # One more duplicate of a name already there is still caught among 5,000.
    name, year = next(iter(seen))
    status, body = via_api("one.csv", csv_bytes([["Họ và tên", "Năm sinh"], [name, year]]))
    assert status == 422 and "Trùng với người đã có" in body["details"][0]["message"]
