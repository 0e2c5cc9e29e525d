"""Issue 15 §4: a candidate list kept in Excel (ứng cử / đề cử) is read like the roll: a
title block, "TT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác", "Ứng cử/Đề cử";
people on the roll are recognised by name and birth year, others come in as outside
candidates; an unreadable cell names its row and column and creates nothing."""
from __future__ import annotations

import io

from sqlalchemy import select

from election_app.elections import services as el
from election_app.elections.models import Election
from tests.conftest import csrf_from
from tests.rollfiles import legacy_rows, tcvn3, to_xls, xlsx


def _post(client, congress, name, data, **extra):
    url = f"/congresses/{congress.id}/elections/new"
    page = client.get(url).get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "title": "Bầu Ban Chấp hành", "body": "executive_committee",
            "seats": "3", "entry_teams": "1", "candidates_file": (io.BytesIO(data), name), **extra}
    return client.post(url, data=form, content_type="multipart/form-data", follow_redirects=True)


ROWS = [["CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC THỦ LỆ"], ["DANH SÁCH ỨNG CỬ, ĐỀ CỬ BAN CHẤP HÀNH"], [None],
        ["TT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác", "Hình thức (ứng cử/đề cử)"],
        [1, "Nguyễn Văn An", 1980, "Giáo viên, Tổ 1", "Đề cử"],
        [2, "Trần Thị Bình", 1981, "Tổ trưởng, Tổ 2", "Ứng cử"],
        [3, "Ngô Thị Lan", 1985, "Tổ trưởng, Tổ Văn", "Ứng cử"],
        [4, "Phan Văn Mạnh", None, "Nhân viên, Văn phòng", "Đề cử"],
        [None, "Tổng cộng: 4 người"]]


def test_candidate_list_from_a_spreadsheet(client, login, session, congress, roll):
    login("organizer")
    resp = _post(client, congress, "ung-cu.xlsx", xlsx(ROWS))
    html = resp.get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 4 người" in html, html[:2000]
    e = session.scalar(select(Election))
    people = {c.full_name: c for c in el.list_candidates(session, e)}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Ngô Thị Lan", "Phan Văn Mạnh"}
    assert people["Nguyễn Văn An"].delegate_id == roll[0].id and people["Trần Thị Bình"].delegate_id == roll[1].id
    assert people["Trần Thị Bình"].nomination == "self" and people["Nguyễn Văn An"].nomination == "nominated"
    assert people["Ngô Thị Lan"].delegate_id is None and people["Ngô Thị Lan"].unit == "Tổ Văn"


def test_candidate_list_in_tcvn3_xls(client, login, session, congress, roll):
    login("organizer")
    html = _post(client, congress, "ung-cu.xls", to_xls(legacy_rows(ROWS, tcvn3), [])).get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 4 người" in html and "TCVN3" in html
    e = session.scalar(select(Election))
    assert {c.full_name for c in el.list_candidates(session, e)} == {
        "Nguyễn Văn An", "Trần Thị Bình", "Ngô Thị Lan", "Phan Văn Mạnh"}


def test_bad_cell_in_a_candidate_file_names_row_and_column(client, login, session, congress, roll):
    login("organizer")
    rows = [r[:] for r in ROWS]
    rows[6][2] = "năm 85"
    html = _post(client, congress, "ung-cu.xlsx", xlsx(rows)).get_data(as_text=True)
    assert "dòng 7, cột C" in html and "năm 85" in html
    assert session.scalar(select(Election)) is None
