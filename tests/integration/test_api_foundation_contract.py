"""The foundation's JSON API as /work/shared/API.md fixes it: congress, delegates (JSON and
file), check-in, attendance; 401 without a token, 403 for a role that may not, and every
error body {"error", "message", "details"} with 422 details per field (and row)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from election_app.delegates.models import Delegate

CONGRESS = {"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV",
            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
            "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
            "term": "2023–2028", "kind": "all_members", "date": "2026-12-12", "venue": "Hội trường tầng 3"}


def error_shape(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert set(body) == {"error", "message", "details"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], list)
    if code:
        assert body["error"] == code
    return body


def roll_count(session, cid) -> int:
    session.rollback()
    return session.scalar(select(func.count(Delegate.id)).where(Delegate.congress_id == cid))


# --- congress -------------------------------------------------------------------------------

def test_create_and_get_congress(api):
    caller = api("organizer")
    resp = caller.post("/api/v1/congresses", json=CONGRESS)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["id"] is not None
    for key, value in CONGRESS.items():
        assert body[key] == value
    got = api("secretary").get(f"/api/v1/congresses/{body['id']}")
    assert got.status_code == 200 and got.get_json() == body
    listed = caller.get("/api/v1/congresses").get_json()["congresses"]
    assert [c["id"] for c in listed] == [body["id"]]


def test_optional_fields_may_be_left_out(api):
    minimal = {k: CONGRESS[k] for k in ("name", "organization", "term", "kind")}
    body = api("admin").post("/api/v1/congresses", json=minimal).get_json()
    assert body["date"] is None and body["venue"] == "" and body["preset_code"] == "dieu_le_2020"


@pytest.mark.parametrize(("change", "fields"), [
    ({"name": ""}, {"name"}),
    ({"name": None, "organization": "  "}, {"name", "organization"}),
    ({"kind": "party"}, {"kind"}),
    ({"date": "12/12/2026"}, {"date"}),
    ({"date": 20261212}, {"date"}),
    ({"term": 2028}, {"term"}),
    ({"venue": "x" * 301}, {"venue"}),
    ({"name": "", "kind": "", "term": "", "organization": ""}, {"name", "kind", "term", "organization"}),
])
def test_create_congress_422_names_each_field(api, change, fields):
    resp = api("organizer").post("/api/v1/congresses", json={**CONGRESS, **change})
    body = error_shape(resp, 422, "invalid")
    assert {d["field"] for d in body["details"]} == fields
    assert all(d["message"] for d in body["details"])
    assert api("admin").get("/api/v1/congresses").get_json()["congresses"] == []


def test_missing_fields_and_non_json_bodies(api, client):
    caller = api("admin")
    body = error_shape(caller.post("/api/v1/congresses", json={}), 422, "invalid")
    assert {d["field"] for d in body["details"]} == {"name", "organization", "term", "kind"}
    error_shape(caller.post("/api/v1/congresses", json=[1, 2]), 422, "invalid")
    error_shape(client.post("/api/v1/congresses", data="not json", headers={**caller.headers, "Content-Type": "text/plain"}),
                422, "invalid")


def test_unknown_congress_is_404(api):
    error_shape(api("admin").get("/api/v1/congresses/99999"), 404, "not_found")
    error_shape(api("admin").get("/api/v1/congresses/99999/attendance"), 404, "not_found")


# --- auth -----------------------------------------------------------------------------------

def test_token_and_401s(client, congress):
    from tests.conftest import make_user
    user = make_user("organizer")
    error_shape(client.post("/api/v1/auth/token", json={"username": user.username, "password": "sai"}), 401, "unauthorized")
    tok = client.post("/api/v1/auth/token", json={"username": user.username, "password": "matkhau123"}).get_json()
    assert tok["token"] and tok["role"] == "organizer"
    url = f"/api/v1/congresses/{congress.id}"
    error_shape(client.get(url), 401, "unauthorized")
    error_shape(client.get(url, headers={"Authorization": "Bearer nonsense"}), 401, "unauthorized")
    error_shape(client.get(url, headers={"Authorization": tok["token"]}), 401, "unauthorized")  # no "Bearer"
    assert client.get(url, headers={"Authorization": f"Bearer {tok['token']}"}).status_code == 200


@pytest.mark.parametrize(("role", "method", "path", "status"), [
    ("secretary", "post", "/api/v1/congresses", 403),
    ("board", "post", "/api/v1/congresses", 403),
    ("board", "post", "/api/v1/congresses/{cid}/delegates", 403),
    ("secretary", "post", "/api/v1/congresses/{cid}/delegates", 403),
    ("secretary", "post", "/api/v1/congresses/{cid}/delegates/import", 403),
    ("board", "post", "/api/v1/congresses/{cid}/delegates/{did}/check-in", 403),
    ("board", "get", "/api/v1/congresses/{cid}/attendance", 200),
    ("secretary", "post", "/api/v1/congresses/{cid}/delegates/{did}/check-in", 200),
    ("secretary", "post", "/api/v1/congresses/{cid}/delegates/{did}/credentials", 403),
])
def test_roles(api, congress, roll, role, method, path, status):
    url = path.format(cid=congress.id, did=roll[0].id)
    resp = getattr(api(role), method)(url, json={"delegates": [{"full_name": "Lê An"}], **CONGRESS})
    if status == 403:
        error_shape(resp, 403, "forbidden")
    else:
        assert resp.status_code == status


def test_account_bound_to_another_congress_is_refused(session, client, congress, roll):
    from election_app.auth.services import create_user, issue_api_token
    from election_app.congress.services import create_congress
    elsewhere = create_congress(session, data={**CONGRESS, "name": "Đại hội khác"})
    user = create_user(session, username="host_only", password="matkhau123", role="organizer",
                       congress_ids=[elsewhere.id])
    token = issue_api_token(session, user=user)
    session.commit()
    resp = client.get(f"/api/v1/congresses/{congress.id}/delegates", headers={"Authorization": f"Bearer {token}"})
    error_shape(resp, 403, "forbidden")
    listed = client.get("/api/v1/congresses", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [c["id"] for c in listed["congresses"]] == [elsewhere.id]


# --- delegates --------------------------------------------------------------------------------

def test_bulk_delegates_json(session, api, congress):
    caller = api("organizer")
    rows = [{"full_name": "Nguyễn Thị Hoà", "gender": "nữ", "birth_year": 1985, "unit": "Tổ 1",
             "position": "Giáo viên", "category": "official"},
            {"full_name": "Trần Văn An"},
            {"full_name": "Khổng Văn Khách", "category": "guest"}]
    resp = caller.post(f"/api/v1/congresses/{congress.id}/delegates", json={"delegates": rows})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["created"] == 3 and len(body["ids"]) == 3
    listed = caller.get(f"/api/v1/congresses/{congress.id}/delegates").get_json()["delegates"]
    assert [d["full_name"] for d in listed] == ["Trần Văn An", "Nguyễn Thị Hoà", "Khổng Văn Khách"]  # An, Hoà, Khách
    hoa = next(d for d in listed if d["ten"] == "Hoà")
    assert {k: hoa[k] for k in ("ho", "ten_dem", "ten", "gender", "birth_year", "unit", "position", "category",
                                "credential_status", "checked_in", "summoned")} == {
        "ho": "Nguyễn", "ten_dem": "Thị", "ten": "Hoà", "gender": "nữ", "birth_year": 1985, "unit": "Tổ 1",
        "position": "Giáo viên", "category": "official", "credential_status": "pending", "checked_in": False,
        "summoned": True}
    assert sorted(d["id"] for d in listed) == sorted(body["ids"])
    assert next(d for d in listed if d["category"] == "guest")["summoned"] is False


def test_bulk_with_one_bad_row_creates_none(session, api, congress, roll):
    before = roll_count(session, congress.id)
    rows = [{"full_name": "Lê Văn Mới"},
            {"full_name": "Phạm Thị Sai", "gender": "female?", "birth_year": "không rõ"},
            {"full_name": "Nguyễn Văn An", "birth_year": 1980},     # already on the roll
            {"full_name": "Vũ Văn Loại", "category": "chinh_thuc"},
            {"full_name": 42},
            {"full_name": "Lý Văn Số", "_row": 99, "_problems": [{"field": "x", "message": "y"}]}]
    resp = api("organizer").post(f"/api/v1/congresses/{congress.id}/delegates", json={"delegates": rows})
    body = error_shape(resp, 422, "invalid")
    assert {(d["row"], d["field"]) for d in body["details"]} == {
        (2, "gender"), (2, "birth_year"), (3, "full_name"), (4, "category"), (5, "full_name")}
    assert roll_count(session, congress.id) == before
    # a row that is not an object is the wrong shape: refused at the door, with its row
    resp = api("organizer").post(f"/api/v1/congresses/{congress.id}/delegates",
                                 json={"delegates": [{"full_name": "Lê Văn Mới"}, "not an object"]})
    body = error_shape(resp, 422, "invalid")
    assert [(d["row"], d["field"]) for d in body["details"]] == [(2, "delegates")]
    assert roll_count(session, congress.id) == before


@pytest.mark.parametrize("payload", [{}, {"delegates": "Lê An"}, {"delegates": []}])
def test_bulk_needs_a_list_of_people(api, congress, payload):
    body = error_shape(api("admin").post(f"/api/v1/congresses/{congress.id}/delegates", json=payload), 422, "invalid")
    assert body["details"][0]["field"] == "delegates"


def test_import_multipart_same_answers(session, api, congress):
    caller = api("organizer")
    url = f"/api/v1/congresses/{congress.id}/delegates/import"
    data = "Họ và tên;Giới tính;Năm sinh\r\nLê Thị Thuỷ;Nữ;1990\r\nĐỗ Văn Hùng;Nam;1970\r\n".encode()
    resp = caller.post(url, data={"file": (io.BytesIO(data), "ds.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 201 and resp.get_json()["created"] == 2 and len(resp.get_json()["ids"]) == 2
    body = error_shape(caller.post(url, data={}, content_type="multipart/form-data"), 422, "invalid")
    assert body["details"] == [{"field": "file", "message": "Chưa gửi tệp."}]
    data = "Họ và tên;Năm sinh\r\nLê Thị Thủy;1990\r\n".encode()
    body = error_shape(caller.post(url, data={"file": (io.BytesIO(data), "ds.csv")},
                                   content_type="multipart/form-data"), 422, "invalid")
    assert body["details"][0]["row"] == 2 and body["details"][0]["field"] == "full_name"
    assert roll_count(session, congress.id) == 2


def test_delegates_of_unknown_congress(api):
    error_shape(api("admin").post("/api/v1/congresses/4242/delegates", json={"delegates": [{"full_name": "A B"}]}),
                404, "not_found")


# --- check-in and attendance ------------------------------------------------------------------

def test_check_in_is_idempotent_and_attendance_follows(session, api, congress, roll):
    caller = api("secretary")
    url = f"/api/v1/congresses/{congress.id}/delegates/{{}}/check-in"
    att = caller.get(f"/api/v1/congresses/{congress.id}/attendance").get_json()
    assert {k: att[k] for k in ("summoned", "present", "quorum_met")} == {"summoned": 9, "present": 0, "quorum_met": False}
    for d in roll[:5]:
        resp = caller.post(url.format(d.id))
        assert resp.status_code == 200
        assert resp.get_json()["checked_in"] is True and resp.get_json()["already"] is False
    again = caller.post(url.format(roll[0].id))
    assert again.status_code == 200
    assert again.get_json()["already"] is True and again.get_json()["checked_in"] is True
    assert again.get_json()["attendance"]["present"] == 5
    att = caller.get(f"/api/v1/congresses/{congress.id}/attendance").get_json()
    assert isinstance(att["summoned"], int) and isinstance(att["quorum_met"], bool)
    assert (att["summoned"], att["present"], att["quorum_met"]) == (9, 5, False)
    resp = caller.post(url.format(roll[5].id))
    assert resp.get_json()["attendance"]["quorum_met"] is True
    undo = caller.post(f"/api/v1/congresses/{congress.id}/delegates/{roll[5].id}/undo-check-in")
    assert undo.status_code == 200 and undo.get_json()["checked_in"] is False
    assert undo.get_json()["attendance"]["quorum_met"] is False
    error_shape(caller.post(f"/api/v1/congresses/{congress.id}/delegates/{roll[5].id}/undo-check-in"), 409, "conflict")
    error_shape(caller.post(url.format(987654)), 404, "not_found")


def test_check_in_of_a_delegate_from_another_congress_is_404(session, api, congress, roll):
    other = api("admin").post("/api/v1/congresses", json=CONGRESS).get_json()
    error_shape(api("secretary").post(f"/api/v1/congresses/{other['id']}/delegates/{roll[0].id}/check-in"),
                404, "not_found")


def test_credentials_and_report_numbers(session, api, congress, roll):
    caller = api("organizer")
    url = f"/api/v1/congresses/{congress.id}/delegates/{roll[0].id}/credentials"
    body = error_shape(caller.post(url, json={"status": "rejected"}), 422, "invalid")
    assert body["details"] == [{"field": "reason", "message": "Lý do không được để trống."}]
    resp = caller.post(url, json={"status": "rejected", "reason": "Bị kỷ luật khiển trách"})
    assert resp.status_code == 200 and resp.get_json()["summoned"] is False
    report = api("board").get(f"/api/v1/congresses/{congress.id}/credentials").get_json()
    assert report["summoned"] == 8
    assert report["rejected"] == [{"full_name": roll[0].full_name, "code": roll[0].code,
                                   "reason": "Bị kỷ luật khiển trách"}]
    assert report["women"]["percent"] == "50.00"
