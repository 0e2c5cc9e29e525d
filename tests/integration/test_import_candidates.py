"""Issue 15 §3–4: a candidate list kept in Excel (ứng cử / đề cử) is read like the roll: title
blocks, one- or two-row headers ("Năm sinh: Nam | Nữ", "Hình thức: Ứng cử | Đề cử"), "Ngày
tháng năm sinh", "Chức vụ, đơn vị công tác", .xlsx/.xls/.ods/.csv, TCVN3 and VNI. A file not
recognised for sure, or typed in an old font, goes through the same mapping step as the roll
(the encoding confirmed, each column's meaning changeable, remembered per shape) and nothing
is created before the organizer confirms; the API refuses an old-font file until ``encoding``
is sent. People on the roll are recognised by name and birth year; all or nothing, a bad row
names its sheet row and column."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from election_app.audit.models import AuditEntry
from election_app.elections import services as el
from election_app.elections.models import Election
from tests.candidatefiles import CANDIDATES, EXPECTED, ON_ROLL, candidate_files, shape_a
from tests.conftest import csrf_from
from tests.rollfiles import legacy_rows, tcvn3, to_xls, to_xlsx, xlsx

FILES = candidate_files()
MAPPING_H1 = "Danh sách ứng cử, đề cử: kiểm tra các cột"


def _post(client, congress, name, data, **extra):
    url = f"/congresses/{congress.id}/elections/new"
    page = client.get(url).get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "title": "Bầu Ban Chấp hành", "body": "executive_committee",
            "seats": "3", "entry_teams": "1", "candidates_file": (io.BytesIO(data), name), **extra}
    return client.post(url, data=form, content_type="multipart/form-data", follow_redirects=True)


def _mapping_form(html: str) -> tuple[str, dict]:
    """(where the mapping form posts, its fields as the page shows them)."""
    action = re.search(r'id="mapping-form"\s+action="([^"]+)"', html).group(1)
    form = {"csrf_token": csrf_from(html), "columns": re.search(r'name="columns" value="(\d+)"', html).group(1),
            "title": re.search(r'name="title"[^>]*value="([^"]*)"', html).group(1),
            "seats": re.search(r'name="seats"[^>]*value="([^"]*)"', html).group(1),
            "body": "executive_committee", "entry_teams": "1"}
    for name, body in re.findall(r'<select name="(col_\d+)"[^>]*>(.*?)</select>', html, re.S):
        form[name] = re.search(r'<option value="([^"]+)" selected', body).group(1)
    form["encoding"] = re.search(r'<option value="(\w+)" selected', html.split('id="encoding"')[1]).group(1)
    form["delegate_id"] = re.findall(r'<input type="hidden" name="delegate_id" value="(\d+)"', html)
    form["self_id"] = re.findall(r'<input type="hidden" name="self_id" value="(\d+)"', html)
    form["outside"] = re.search(r'<textarea name="outside" hidden>(.*?)</textarea>', html, re.S).group(1)
    return action, form


def _elections(session):
    session.rollback()
    return list(session.scalars(select(Election)))


def _check_list(session, election, roll):
    people = {c.full_name: c for c in el.list_candidates(session, election)}
    assert sorted(people) == sorted(EXPECTED)
    by_name = {d.full_name: d for d in roll}
    for name, (year, position, unit, nomination) in EXPECTED.items():
        c = people[name]
        assert c.nomination == nomination, name
        if name in ON_ROLL:
            assert c.delegate_id == by_name[name].id, name
        else:
            assert (c.delegate_id, c.birth_year, c.position, c.unit) == (None, year, position, unit), name


# --- the page -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FILES))
def test_each_candidate_file_through_the_page(client, login, session, congress, roll, name):
    login("organizer")
    html = _post(client, congress, name, FILES[name], seats="5").get_data(as_text=True)
    legacy_font = name.startswith(("tcvn3", "vni"))
    unsure = "mot-dong" in name or name in ("tcvn3-ung-cu.xls", "vni-ung-cu.csv")    # "Thâm niên"
    if legacy_font or unsure:
        # Not sure of everything, or an old font: the mapping step, and nothing created yet.
        assert MAPPING_H1 in html, html[:3000]
        assert _elections(session) == []
        if legacy_font:
            label = "TCVN3" if name.startswith("tcvn3") else "VNI"
            assert f"{label} (" in html and "hệ thống nhận ra" in html and 'id="encoding-note"' in html
        assert "Đặng Thị Ngữ" in html.split('id="map-preview"')[1]
        action, form = _mapping_form(html)
        assert form["title"] == "Bầu Ban Chấp hành" and form["seats"] == "5"
        assert form["encoding"] == (name.split("-")[0] if legacy_font else "unicode")
        html = client.post(action, data={**form, "action": "import"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 6 người" in html, html[:3000]
    (election,) = _elections(session)
    assert election.seats == 5
    _check_list(session, election, roll)


def test_old_font_candidate_file_is_not_converted_before_the_organizer_confirms(client, login, session,
                                                                                congress, roll):
    login("organizer")
    html = _post(client, congress, "tcvn3-ung-cu-hai-dong.xlsx", FILES["tcvn3-ung-cu-hai-dong.xlsx"],
                 seats="5").get_data(as_text=True)
    # Every column is sure, yet the old font alone stops for the organizer's word.
    assert MAPPING_H1 in html and "«NguyÔn» → «Nguyễn»" in html
    assert _elections(session) == []
    action, form = _mapping_form(html)
    # Read as Unicode the header is unreadable: the page says so and nothing is created.
    html = client.post(action, data={**form, "encoding": "unicode", "action": "import"}).get_data(as_text=True)
    assert "Không tìm thấy dòng tiêu đề" in html and _elections(session) == []
    html = client.post(action, data={**form, "action": "import"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 6 người" in html and "TCVN3" in html
    session.rollback()
    log = [(e.action, json.loads(e.data)) for e in
           session.scalars(select(AuditEntry).where(AuditEntry.chain == congress.id).order_by(AuditEntry.seq))]
    assert [a for a, _ in log][-2:] == ["elections.keep_candidate_upload", "elections.import_candidate_file"]
    assert "data" not in log[-2][1] and log[-1][1]["encoding"] == "tcvn3"
    assert client.get(action).status_code == 404           # the upload is gone once imported


def test_a_column_changed_in_the_mapping_step_is_remembered_for_the_same_shape(client, login, session,
                                                                              congress, roll):
    login("organizer")
    html = _post(client, congress, "a.xlsx", FILES["ung-cu-mot-dong.xlsx"], seats="5").get_data(as_text=True)
    action, form = _mapping_form(html)
    assert form["col_6"] == "_keep"                        # "Thâm niên": not sure
    assert 'class="unsure"' in html
    form["col_6"] = "_ignore"
    form["col_3"] = "_ignore"                              # the organizer drops "Giới tính" too
    html = client.post(action, data={**form, "action": "preview"}).get_data(as_text=True)
    assert 'data-col="D"' in html and re.search(r'data-col="D">.*?value="_ignore" selected', html, re.S)
    html = client.post(action, data={**form, "action": "import"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 6 người" in html
    # The next file of this shape (another office's copy, as .xls) needs no mapping step.
    html = _post(client, congress, "b.xls", FILES["ung-cu-mot-dong.xls"], seats="5",
                 title="Bầu Ủy ban Kiểm tra", body="inspection_committee").get_data(as_text=True)
    assert "Đã tạo «Bầu Ủy ban Kiểm tra» với 6 người" in html, html[:3000]
    assert len(_elections(session)) == 2


def test_bad_cell_in_the_mapping_step_names_row_and_column_and_creates_nothing(client, login, session,
                                                                              congress, roll):
    login("organizer")
    rows, merges = shape_a(dates_as_text=True)
    rows[9][2] = "31/02/1990"                              # Lê Thị Thuỷ, sheet row 10, column C
    html = _post(client, congress, "a.xls", to_xls(rows, merges), seats="5").get_data(as_text=True)
    assert "<tr class=\"bad\">" in html                    # the preview marks the row
    action, form = _mapping_form(html)
    html = client.post(action, data={**form, "action": "import"}).get_data(as_text=True)
    assert 'id="import-errors"' in html and "dòng 10, cột C" in html and "31/02/1990" in html
    assert "<td>10</td><td>C · Năm sinh</td>" in html
    assert _elections(session) == []


def test_a_problem_the_election_finds_names_the_sheet_row_and_column(client, login, session, congress, roll):
    login("organizer")
    rows, merges = shape_a(dates_as_text=False)
    rows[10][1] = "Phạm Ngọc 4nh"                           # sheet row 11: digits in a name
    html = _post(client, congress, "a.xlsx", to_xlsx(rows, merges), seats="5").get_data(as_text=True)
    action, form = _mapping_form(html)
    html = client.post(action, data={**form, "action": "import"}).get_data(as_text=True)
    assert "dòng 11, cột B" in html and "không được chứa chữ số" in html, html[-3000:]
    assert _elections(session) == []


def test_both_marks_ticked_names_the_column(client, login, session, congress, roll):
    from tests.candidatefiles import shape_b
    login("organizer")
    rows, merges = shape_b()
    rows[7][6] = "x"                                       # Nguyễn Văn An: ứng cử AND đề cử
    html = _post(client, congress, "b.xlsx", to_xlsx(rows, merges), seats="5").get_data(as_text=True)
    assert "dòng 8, cột H" in html and "cả cột Ứng cử và cột Đề cử" in html
    assert _elections(session) == []


# --- the simple cases that never stop at the mapping step --------------------------------------

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


def test_candidate_list_in_tcvn3_xls_waits_for_the_organizer(client, login, session, congress, roll):
    login("organizer")
    html = _post(client, congress, "ung-cu.xls", to_xls(legacy_rows(ROWS, tcvn3), [])).get_data(as_text=True)
    assert MAPPING_H1 in html and "TCVN3" in html and _elections(session) == []
    action, form = _mapping_form(html)
    html = client.post(action, data={**form, "action": "import"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo «Bầu Ban Chấp hành» với 4 người" in html
    assert {c.full_name for c in el.list_candidates(session, _elections(session)[0])} == {
        "Nguyễn Văn An", "Trần Thị Bình", "Ngô Thị Lan", "Phan Văn Mạnh"}


def test_bad_cell_in_a_candidate_file_names_row_and_column(client, login, session, congress, roll):
    login("organizer")
    rows = [r[:] for r in ROWS]
    rows[6][2] = "năm 85"
    html = _post(client, congress, "ung-cu.xlsx", xlsx(rows)).get_data(as_text=True)
    assert "dòng 7, cột C" in html and "năm 85" in html
    assert session.scalar(select(Election)) is None


# --- the API ----------------------------------------------------------------------------------

def post_file(caller, congress, name, data, **form):
    resp = caller.post(f"/api/v1/congresses/{congress.id}/elections/import",
                       data={"file": (io.BytesIO(data), name), "title": "Bầu Ban Chấp hành", "seats": "5", **form},
                       content_type="multipart/form-data")
    return resp.status_code, resp.get_json()


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_candidate_file_through_the_api(session, congress, roll, api, name):
    caller = api("organizer")
    legacy_font = name.startswith(("tcvn3", "vni"))
    if legacy_font:    # an old-font file must be confirmed: nothing is created before
        status, body = post_file(caller, congress, name, FILES[name])
        assert status == 422 and body["error"] == "confirm_encoding", body
        assert ("TCVN3" if name.startswith("tcvn3") else "VNI") in body["message"]
        assert _elections(session) == []
    form = {"encoding": name.split("-")[0]} if legacy_font else {}
    status, body = post_file(caller, congress, name, FILES[name], **form)
    assert status == 201, body
    assert len(body["candidates"]) == len(CANDIDATES) and body["seats"] == 5
    assert body["encoding"] == (name.split("-")[0] if legacy_font else "unicode")
    fields = {c["field"] for c in body["columns"]}
    assert fields >= ({"nomination_self", "nomination_nominated"} if "hai-dong" in name
                      else {"nomination", "position_unit", "birth"})
    (election,) = _elections(session)
    _check_list(session, election, roll)


def test_api_bad_row_names_row_and_column_and_creates_nothing(session, congress, roll, api):
    caller = api("organizer")
    rows, merges = shape_a(dates_as_text=False)
    rows[10][1] = "Phạm Ngọc 4nh"
    rows[11][5] = "tự nguyện"                              # neither ứng cử nor đề cử
    status, body = post_file(caller, congress, "a.xlsx", to_xlsx(rows, merges))
    assert status == 422, body
    assert {"row": 12, "column": "F", "field": "nomination"}.items() <= body["details"][0].items()
    assert _elections(session) == []
    rows[11][5] = "Ứng cử"
    status, body = post_file(caller, congress, "a.xlsx", to_xlsx(rows, merges))
    assert status == 422
    assert any(d.get("row") == 11 and d.get("column") == "B" and "chữ số" in d["message"] for d in body["details"])
    assert _elections(session) == []


def test_api_mapping_by_column_letter(session, congress, roll, api):
    caller = api("organizer")
    status, body = post_file(caller, congress, "a.xlsx", FILES["ung-cu-mot-dong.xlsx"],
                             mapping=json.dumps({"E": "position", "F": "_ignore"}))
    assert status == 201, body
    (election,) = _elections(session)
    people = {c.full_name: c for c in el.list_candidates(session, election)}
    assert people["Lê Thị Thuỷ"].position == "Tổ trưởng, Tổ 1" and people["Lê Thị Thuỷ"].nomination == "nominated"


def test_api_candidate_import_needs_the_elections_role(congress, roll, api):
    status, body = post_file(api("secretary"), congress, "a.xlsx", FILES["ung-cu-hai-dong.xlsx"])
    assert status == 403


def test_people_picked_and_typed_on_the_form_travel_through_the_mapping_step(client, login, session, congress, roll):
    login("organizer")
    html = _post(client, congress, "a.xlsx", FILES["ung-cu-mot-dong.xlsx"], seats="5",
                 delegate_id=[str(roll[0].id), str(roll[2].id)], self_id=[str(roll[2].id)],
                 outside="Ngô Thị Lan; 1985; Tổ trưởng; Tổ Văn; ứng cử").get_data(as_text=True)
    assert MAPPING_H1 in html and "Cùng với 3 người" in html
    action, form = _mapping_form(html)
    assert sorted(form["delegate_id"]) == sorted([str(roll[0].id), str(roll[2].id)])
    assert form["outside"].strip() == "Ngô Thị Lan; 1985; Tổ trưởng; Tổ Văn; ứng cử"
    assert form["self_id"] == [str(roll[2].id)]
    html = client.post(action, data={**form, "action": "import"}, follow_redirects=True).get_data(as_text=True)
    # roll[0] (Nguyễn Văn An) is also in the file: once only.
    assert "Đã tạo «Bầu Ban Chấp hành» với 8 người" in html, html[:3000]
    people = {c.full_name: c for c in el.list_candidates(session, _elections(session)[0])}
    assert set(people) == set(EXPECTED) | {"Lê Văn Cường", "Ngô Thị Lan"}
    assert people["Lê Văn Cường"].nomination == "self" and people["Ngô Thị Lan"].delegate_id is None
