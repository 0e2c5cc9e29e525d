"""Issue 16: a congress's rulebook is locked once a number was decided under it (an election
round opened or closed, a show-of-hands result recorded): the edit page and the API refuse
to change it, with a Vietnamese message; the other fields stay editable."""
from __future__ import annotations

from election_app.delegates.services import check_in
from election_app.elections.services import create_election, open_round
from election_app.motions.services import create_motion, record_motion_result
from tests.conftest import csrf_from

FORM = {"name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
        "organization": "Công đoàn cơ sở Trường THCS Thành Công", "parent_organization": "",
        "ordinal": "X", "term": "2023–2028", "kind": "delegates", "level": "cdcs", "date": "2026-12-12",
        "place": "Ba Đình", "venue": "Hội trường", "chair_mode": "by_bch"}
LOCKED = "Không thể đổi bộ quy tắc"


def _record_a_motion(session, congress, roll):
    for d in roll[:7]:
        check_in(session, delegate=d)
    motion = create_motion(session, congress=congress, title="Thông qua chương trình")
    record_motion_result(session, motion=motion, agree=6, disagree=1, other=0)
    session.commit()


def test_api_changes_the_rulebook_until_a_result_is_recorded(api, client, session, congress, roll):
    org = api("organizer")
    url = f"/api/v1/congresses/{congress.id}"
    resp = client.patch(url, json={"preset_code": "dieu_le_khoa_xiii"}, headers=org.headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["preset_code"] == "dieu_le_khoa_xiii"
    _record_a_motion(session, congress, roll)
    resp = client.patch(url, json={"preset_code": "dieu_le_2020"}, headers=org.headers)
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["error"] == "rulebook_locked" and LOCKED in body["message"]
    assert "1 biểu quyết đã ghi kết quả" in body["message"]
    assert body["details"][0]["field"] == "preset_code"
    session.expire_all()
    assert congress.preset_code == "dieu_le_khoa_xiii"
    # The same rulebook again, or another field, is not a change of the rules.
    resp = client.patch(url, json={"preset_code": "dieu_le_khoa_xiii", "venue": "Nhà đa năng"}, headers=org.headers)
    assert resp.status_code == 200 and resp.get_json()["venue"] == "Nhà đa năng"
    assert client.patch(url, json={"venue": "x"}, headers=api("secretary").headers).status_code == 403


def test_an_opened_round_locks_the_rulebook_too(api, client, session, congress, roll):
    for d in roll:
        check_in(session, delegate=d)
    election, _ = create_election(session, congress=congress, title="Bầu BCH", body="executive_committee",
                                  seats=1, candidates=[{"full_name": "Nguyễn Văn An"}, {"full_name": "Lê Văn Cường"}])
    open_round(session, election=election, secret="s" * 32)
    session.commit()
    resp = client.patch(f"/api/v1/congresses/{congress.id}", json={"preset_code": "doan_tncs"},
                        headers=api("admin").headers)
    assert resp.status_code == 409 and "1 lần bầu đã mở hoặc đã đóng" in resp.get_json()["message"]


def test_edit_page_says_the_rulebook_is_locked_and_refuses(client, login, session, congress, roll):
    login("organizer")
    url = f"/congresses/{congress.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Bộ quy tắc đã khoá" not in page
    _record_a_motion(session, congress, roll)
    page = client.get(url).get_data(as_text=True)
    assert "Bộ quy tắc đã khoá" in page
    resp = client.post(url, data={**FORM, "preset_code": "doan_tncs", "csrf_token": csrf_from(page)},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert LOCKED in html
    session.expire_all()
    assert congress.preset_code == "dieu_le_2020"
    resp = client.post(url, data={**FORM, "preset_code": "dieu_le_2020", "venue": "Nhà đa năng",
                                  "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    session.expire_all()
    assert congress.venue == "Nhà đa năng"


def test_an_empty_rulebook_or_chair_mode_is_never_stored(api, client, session, congress, roll):
    """Found by the fuzzer: PATCH with "preset_code": "" stored an empty code, and every count of
    that congress then failed (no rulebook ''). An empty coded choice changes nothing."""
    org = api("organizer")
    url = f"/api/v1/congresses/{congress.id}"
    for body in ({"preset_code": ""}, {"preset_code": None}, {"preset_code": "  "}, {"chair_mode": ""}):
        resp = client.patch(url, json=body, headers=org.headers)
        assert resp.status_code == 200, (body, resp.get_json())
    session.expire_all()
    assert congress.preset_code == "dieu_le_2020" and congress.chair_mode in ("by_bch", "direct")
    assert client.patch(url, json={"preset_code": "khong-co"}, headers=org.headers).status_code == 422
    from election_app.elections.services import round_result
    election, _ = create_election(session, congress=congress, title="Bầu BCH", body="executive_committee",
                                  seats=1, candidates=[{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id}])
    session.commit()
    assert round_result(session, election)["status"] == "draft"
