"""Check-in at the door: by card number, by the card's signed QR, by search-and-tap; a
second scan is warned and records nothing; undo; two doors scanning the same card at the
same moment leave one event; the live attendance numbers."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from election_app.delegates.models import AttendanceEvent, Delegate
from election_app.delegates.qr import checkin_payload
from election_app.delegates.services import check_in
from election_app.db import db
from tests.conftest import TEST_SECRET, csrf_from


def events(session, delegate_id: int, action: str = "check_in") -> int:
    session.rollback()
    return session.scalar(select(func.count(AttendanceEvent.id)).where(
        AttendanceEvent.delegate_id == delegate_id, AttendanceEvent.action == action))


def present(session, delegate_id: int) -> bool:
    session.rollback()
    return session.get(Delegate, delegate_id).checked_in_at is not None


@pytest.fixture
def door(client, login, congress, roll):
    """A secretary at the door: post(code=..., json=bool) → response."""
    login("secretary")
    url = f"/congresses/{congress.id}/checkin"
    token = csrf_from(client.get(url).get_data(as_text=True))

    def post(json: bool = False, **form):
        headers = {"Accept": "application/json"} if json else {}
        return client.post(url, data={"csrf_token": token, **form}, headers=headers)
    post.token = token
    post.url = url
    return post


def flashes(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def test_card_number_then_a_second_scan_is_warned_and_not_recorded(session, client, door, roll):
    d = roll[2]
    resp = door(code=d.code.lstrip("0"))
    assert resp.status_code == 302
    html = flashes(client, door.url)
    assert f"Đã điểm danh: {d.full_name} ({d.code})." in html
    assert "Huỷ điểm danh vừa rồi" in html
    assert present(session, d.id) and events(session, d.id) == 1
    door(code=d.code)
    html = flashes(client, door.url)
    assert re.search(rf"{d.full_name} đã điểm danh lúc \d\d:\d\d; lần quét này không được ghi lại", html)
    assert "flash-warning" in html and "Huỷ điểm danh vừa rồi" not in html
    assert events(session, d.id) == 1


def test_scanner_json_answers(session, door, roll):
    d = roll[0]
    first = door(json=True, code=d.code).get_json()
    assert first["ok"] is True and first["already"] is False
    assert first["delegate"] == {"id": d.id, "code": d.code, "full_name": d.full_name, "unit": d.unit}
    assert first["attendance"]["present"] == 1 and first["attendance"]["summoned"] == 9
    second = door(json=True, code=d.code).get_json()
    assert second["ok"] is True and second["already"] is True and "không được ghi lại" in second["message"]
    assert second["attendance"]["present"] == 1
    assert events(session, d.id) == 1
    resp = door(json=True, code="999")
    assert resp.status_code == 404 and resp.get_json() == {
        "ok": False, "message": "Không có đại biểu số thẻ «999» trong đại hội này."}


def test_signed_qr_payload_checks_in_and_forgeries_are_refused(session, congress, door, roll):
    d = roll[4]
    genuine = checkin_payload(TEST_SECRET, congress.id, d.code)
    forged = genuine[:-4] + ("0000" if not genuine.endswith("0000") else "1111")
    resp = door(json=True, code=forged)
    assert resp.status_code == 404 and "Mã QR không hợp lệ" in resp.get_json()["message"]
    made_up = f"DHCD1:{congress.id}:{d.code}:{'a' * 12}"
    assert door(json=True, code=made_up).status_code == 404
    other = checkin_payload(TEST_SECRET, congress.id + 1, d.code)   # a genuine card of another congress
    resp = door(json=True, code=other)
    assert resp.status_code == 404 and "đại hội khác" in resp.get_json()["message"]
    wrong_key = checkin_payload("some-other-secret-key-0123456789", congress.id, d.code)
    assert door(json=True, code=wrong_key).status_code == 404
    assert not present(session, d.id) and events(session, d.id) == 0
    res = door(json=True, code=genuine).get_json()
    assert res["ok"] and res["delegate"]["id"] == d.id
    assert present(session, d.id)


def test_search_and_tap(session, client, congress, door, roll):
    d = roll[5]   # Vũ Thị Hoa
    html = client.get(door.url, query_string={"q": "hoa"}).get_data(as_text=True)
    assert d.full_name in html and f'name="delegate_id" value="{d.id}"' in html
    assert door(code=d.code, delegate_id=str(d.id)).status_code == 302
    assert present(session, d.id)
    html = client.get(door.url, query_string={"q": "Hoa"}).get_data(as_text=True)
    assert "✓" in html and f"/delegates/{d.id}/undo-checkin" in html    # tap again = undo, not a second check-in
    html = client.get(door.url, query_string={"q": "không có ai"}).get_data(as_text=True)
    assert "Không tìm thấy." in html


def test_a_delegate_of_another_congress_cannot_be_tapped(session, congress, door):
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates
    other = create_congress(session, data={"name": "Khác", "organization": "CĐ", "term": "2023–2028", "kind": "delegates"})
    (stranger,) = add_delegates(session, congress=other, rows=[{"full_name": "Người Lạ"}])
    session.commit()
    resp = door(json=True, code="001", delegate_id=str(stranger.id))
    assert resp.status_code == 404
    assert not present(session, stranger.id)


def test_undo_by_page_and_json(session, client, congress, door, roll):
    d = roll[1]
    door(code=d.code)
    undo_url = f"/congresses/{congress.id}/delegates/{d.id}/undo-checkin"
    resp = client.post(undo_url, data={"csrf_token": door.token}, headers={"Referer": "http://evil.example/x"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(door.url)  # never off-site
    assert not present(session, d.id) and events(session, d.id, "undo") == 1
    resp = client.post(undo_url, data={"csrf_token": door.token}, headers={"Accept": "application/json"})
    assert resp.get_json()["ok"] is False and "chưa điểm danh" in resp.get_json()["message"]
    assert events(session, d.id, "undo") == 1
    door(code=d.code)
    res = client.post(undo_url, data={"csrf_token": door.token}, headers={"Accept": "application/json"}).get_json()
    assert res["ok"] is True and res["attendance"]["present"] == 0
    # After an undo the delegate can be checked in again, and that is recorded.
    door(code=d.code)
    assert present(session, d.id) and events(session, d.id) == 3


def test_board_may_watch_but_not_check_in(client, login, congress, roll):
    login("board")
    assert client.get(f"/congresses/{congress.id}/attendance").status_code == 200
    assert client.get(f"/congresses/{congress.id}/checkin").status_code == 403


def test_attendance_panel_and_its_json(session, client, login, congress, roll):
    login("board")
    for d in roll[:5]:
        check_in(session, delegate=d)
    session.commit()
    html = client.get(f"/congresses/{congress.id}/attendance").get_data(as_text=True)
    assert 'data-k="present">5<' in html and 'data-k="summoned">9<' in html and 'data-k="absent">4<' in html
    assert "Chưa đủ 2/3 số được triệu tập" in html and "js/poll.js" in html
    resp = client.get(f"/congresses/{congress.id}/attendance.json")
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.get_json() == {"summoned": 9, "present": 5, "absent": 4, "quorum_met": False, "quorum_needed": 6,
                                "quorum_fraction": "2/3"}
    check_in(session, delegate=roll[5])
    session.commit()
    assert client.get(f"/congresses/{congress.id}/attendance.json").get_json()["quorum_met"] is True


def test_two_doors_scan_the_same_card_at_the_same_moment(app, session, congress, roll):
    """Each door has its own connection; whatever the interleaving, one check-in event."""
    targets = [d.id for d in roll[:4]]
    session.commit()
    results: dict[int, list[bool]] = {did: [] for did in targets}
    errors: list[BaseException] = []

    def door(did: int, barrier: threading.Barrier):
        try:
            with app.app_context(), Session(db.engine) as s:
                delegate = s.get(Delegate, did)
                barrier.wait(timeout=10)
                result = check_in(s, delegate=delegate)
                s.commit()
                results[did].append(result.already)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    for did in targets:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=door, args=(did, barrier)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    for did in targets:
        assert sorted(results[did]) == [False, True], results
        assert events(session, did) == 1
    assert session.scalar(select(func.count(AttendanceEvent.id)).where(AttendanceEvent.action == "check_in")) == 4
