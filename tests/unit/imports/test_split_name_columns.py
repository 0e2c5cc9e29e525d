""""Họ và tên" typed over two columns ("Nguyễn Thị" | "Hoà"), as many offices keep it: a header
cell merged over both, or a second header row "Họ đệm | Tên". The person is the whole name
(never "Nguyễn Thị" with "Hoà" kept aside, never a person called "Họ đệm"); without merge
information (CSV) the split is a guess the organizer confirms in the mapping step."""
from __future__ import annotations

import pytest

from election_app.imports import read_list, records
from tests.rollfiles import legacy_rows, tcvn3, to_csv, to_ods, to_xls, to_xlsx

ONE_ROW = [["DANH SÁCH ĐẠI BIỂU", None, None, None], ["TT", "Họ và tên", None, "Năm sinh"],
           [1, "Nguyễn Thị", "Hoà", 1985], [2, "Trần Văn", "Đức", "5/3/79"], [None, "Tổng cộng: 2 người"]]
ONE_ROW_MERGES = [(0, 0, 0, 3), (1, 1, 1, 2)]
TWO_ROWS = [["TT", "Họ và tên", None, "Năm sinh"], [None, "Họ đệm", "Tên", None],
            [1, "Nguyễn Thị", "Hoà", 1985], [2, "Trần Văn", "Đức", "5/3/79"]]
TWO_ROWS_MERGES = [(0, 1, 0, 2), (0, 0, 1, 0), (0, 3, 1, 3)]


@pytest.mark.parametrize("kind", ["roll", "candidates"])
@pytest.mark.parametrize(("name", "blob", "sure"), [
    ("a.xlsx", to_xlsx(ONE_ROW, ONE_ROW_MERGES), True),
    ("a.ods", to_ods(ONE_ROW, ONE_ROW_MERGES, 5), True),
    ("a.xls", to_xls(legacy_rows(ONE_ROW, tcvn3), ONE_ROW_MERGES), True),
    ("a.csv", to_csv(ONE_ROW), False),
    ("b.xlsx", to_xlsx(TWO_ROWS, TWO_ROWS_MERGES), True),
    ("b.csv", to_csv(TWO_ROWS), True),
])
def test_a_name_over_two_columns_is_one_name(name, blob, sure, kind):
    reading = read_list(name, blob, kind=kind)
    fields = [(c.letter, c.field, c.sure) for c in reading.layout.columns]
    assert fields[1:3] == [("B", "ho_dem", sure), ("C", "ten", sure)], fields
    people = records(reading)
    assert [(p["full_name"], p["ho"], p["ten_dem"], p["ten"], p["birth_year"]) for p in people] == [
        ("Nguyễn Thị Hoà", "Nguyễn", "Thị", "Hoà", 1985), ("Trần Văn Đức", "Trần", "Văn", "Đức", 1979)]
    assert not reading.warnings or "cột C" not in reading.warnings[0]


def test_a_column_without_header_that_is_not_a_given_name_stays_aside():
    rows = [["TT", "Họ và tên", None], [1, "Nguyễn Thị Hoà", "Tổ 1"], [2, "Trần Văn Đức", "Tổ 2"]]
    reading = read_list("a.csv", to_csv(rows))
    assert [(c.field, c.sure) for c in reading.layout.columns][1:] == [("full_name", True), ("_keep", False)]
    assert [p["full_name"] for p in records(reading)] == ["Nguyễn Thị Hoà", "Trần Văn Đức"]
