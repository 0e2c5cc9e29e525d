"""Columns of a candidate list: an ID card number is never kept from it nor shown whole in the
mapping step (the roll alone stores it, hashed); "Ứng cử | Đề cử" mark columns."""
from __future__ import annotations

from election_app.imports import read_list, records
from tests.rollfiles import to_csv

ROWS = [["TT", "Họ và tên", "Số CCCD", "Năm sinh", "Ứng cử", "Đề cử"],
        [1, "Lê An", "001085012345", 1985, "x", None], [2, "Lê Bình", "001085099999", 1986, None, "x"]]


def test_an_id_card_number_is_not_kept_from_a_candidate_list_nor_shown_whole():
    reading = read_list("a.csv", to_csv(ROWS), kind="candidates")
    assert [c.field for c in reading.layout.columns] == ["_index", "full_name", "_ignore", "birth",
                                                         "nomination_self", "nomination_nominated"]
    assert reading.samples()[2] == ["••••••••2345", "••••••••9999"]
    people = records(reading)
    assert "001085012345" not in repr(people)
    assert [p["nomination"] for p in people] == ["self", "nominated"]


def test_the_roll_sees_mark_columns_as_columns_kept_aside():
    reading = read_list("a.csv", to_csv(ROWS), kind="roll")
    assert [c.field for c in reading.layout.columns][4:] == ["_keep", "_keep"]
