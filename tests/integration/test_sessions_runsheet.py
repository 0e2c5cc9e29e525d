"""Issue 16.6, the gaps: the run-sheet opens the next session and closes the open one through
the sessions page's own routes (the same door actions: audited as sessions.open/close), with
the buttons shown exactly to the roles the permission table lets run sessions; the congress
minutes name the session each show of hands and each election round was taken in."""
from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from election_app.audit.models import AuditEntry
from election_app.auth.permissions import ALL_STAFF, PERMISSIONS
from election_app.congress.models import CongressSession
from election_app.documents.services import local
from election_app.sessions.services import add_session, list_sessions
from tests.conftest import csrf_from


def _two_sessions(session, congress):
    first = add_session(session, congress=congress, name="Phiên trù bị")
    second = add_session(session, congress=congress, name="Phiên chính thức")
    session.commit()
    return first, second


def _forms(page: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]*/sessions/\d+/(?:open|close))"', page)


def test_run_sheet_opens_and_closes_sessions(client, login, session, congress, roll):
    first, second = _two_sessions(session, congress)
    login("secretary")
    run = f"/congresses/{congress.id}/run"
    page = client.get(run).get_data(as_text=True)
    assert "Khai mạc «Phiên trù bị»" in page and "chưa mở phiên nào" in page
    assert _forms(page) == [f"/congresses/{congress.id}/sessions/{first.id}/open"]
    token = csrf_from(page)

    resp = client.post(_forms(page)[0], data={"csrf_token": token, "next": "run"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(run)
    page = client.get(run).get_data(as_text=True)
    assert "Đã khai mạc «Phiên trù bị»" in page
    assert _forms(page) == [f"/congresses/{congress.id}/sessions/{first.id}/close"]
    assert "Kết thúc «Phiên trù bị»" in page

    client.post(_forms(page)[0], data={"csrf_token": token, "next": "run"})
    page = client.get(run).get_data(as_text=True)
    assert _forms(page) == [f"/congresses/{congress.id}/sessions/{second.id}/open"]
    session.expire_all()
    assert [s.state for s in list_sessions(session, congress.id)] == ["closed", "not_started"]
    # the same door actions as the sessions page: audited under their own names
    done = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("sessions.%"))).all()
    assert sorted(done) == ["sessions.close", "sessions.open"]
    # "next" only picks from known pages, never a URL from the form
    resp = client.post(_forms(page)[0], data={"csrf_token": token, "next": "https://evil.example/"})
    assert resp.headers["Location"].endswith(f"/congresses/{congress.id}/sessions")


@pytest.mark.parametrize("role", sorted(ALL_STAFF))
def test_run_sheet_session_buttons_follow_the_permission_table(client, login, session, congress, role):
    _two_sessions(session, congress)
    login(role)
    page = client.get(f"/congresses/{congress.id}/run").get_data(as_text=True)
    assert "Phiên đang họp" in page                       # everyone sees which session is on
    assert bool(_forms(page)) == (role in PERMISSIONS["sessions.run"])


def test_run_sheet_without_sessions_has_no_session_bar(client, login, congress):
    login("secretary")
    page = client.get(f"/congresses/{congress.id}/run").get_data(as_text=True)
    assert 'id="sessions"' not in page and not _forms(page)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_minutes_name_the_session_of_each_vote(api, session, congress, roll, tmp_path):
    first, second = _two_sessions(session, congress)
    org, sec, board = api("organizer"), api("secretary"), api("board")
    cid = congress.id
    sessions = f"/api/v1/congresses/{cid}/sessions"

    def motion(title, agree):
        mid = sec.post(f"/api/v1/congresses/{cid}/motions", json={"title": title}).get_json()["id"]
        assert sec.post(f"/api/v1/motions/{mid}/result", json={"agree": agree, "disagree": 0}).status_code == 200

    sec.post(f"{sessions}/{first.id}/open")
    for d in roll[:7]:
        sec.post(f"/api/v1/congresses/{cid}/delegates/{d.id}/check-in")
    motion("Bầu Đoàn Chủ tịch", 7)
    sec.post(f"{sessions}/{first.id}/close")
    sec.post(f"{sessions}/{second.id}/open")
    for d in roll[7:]:
        sec.post(f"/api/v1/congresses/{cid}/delegates/{d.id}/check-in")
    motion("Thông qua nghị quyết", 9)
    made = org.post(f"/api/v1/congresses/{cid}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": 1,
        "candidates": [{"delegate_id": roll[1].id}, {"delegate_id": roll[2].id}]}).get_json()
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    assert board.post(f"/api/v1/elections/{eid}/open").status_code == 200
    assert board.post(f"/api/v1/elections/{eid}/paper-ballots",
                      json={"issued": 9, "ballots": [{"kept": [ids[0]]}] * 9}).status_code == 201
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 200
    text = _pdf_text(sec.get(f"/api/v1/congresses/{cid}/documents/minutes.pdf").data, tmp_path)
    # the congress opened with its first session; it has not closed while a session is open
    session.expire_all()
    opened = local(session.get(CongressSession, first.id).opened_at)
    assert f"Đại hội khai mạc vào lúc {opened.hour:02d} giờ {opened.minute:02d} phút" in text
    assert "Đại hội bế mạc vào lúc …… giờ …… phút" in text
    sec.post(f"{sessions}/{second.id}/close")
    text = _pdf_text(sec.get(f"/api/v1/congresses/{cid}/documents/minutes.pdf").data, tmp_path)
    session.expire_all()
    closed = local(session.get(CongressSession, second.id).closed_at)
    assert f"Đại hội bế mạc vào lúc {closed.hour:02d} giờ {closed.minute:02d} phút" in text
    assert "Đại hội biểu quyết (Phiên trù bị, 7 đại biểu có mặt)" in text
    assert "Đại hội biểu quyết (Phiên chính thức, 9 đại biểu có mặt)" in text
    assert "Lần bầu thứ 1 (Phiên chính thức, số lượng bầu: 1)" in text


def test_minutes_without_sessions_say_no_session(api, session, congress, roll, tmp_path):
    sec = api("secretary")
    for d in roll[:7]:
        sec.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/check-in")
    mid = sec.post(f"/api/v1/congresses/{congress.id}/motions", json={"title": "Thông qua"}).get_json()["id"]
    sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 7, "disagree": 0})
    text = _pdf_text(sec.get(f"/api/v1/congresses/{congress.id}/documents/minutes.pdf").data, tmp_path)
    assert "Đại hội biểu quyết (7 đại biểu có mặt)" in text
