"""Issue 16.6: sessions (phiên họp). Two sessions through the API: check-in during session 1,
session 2 opened with the present carried over, a departure recorded at the door, a motion in
each session records its session and present count, a round records the open session, the
congress minutes list both sessions with their attendance and quorum; the sessions page
through its forms; a congress without sessions behaves as before."""
from __future__ import annotations

import subprocess

from sqlalchemy import select

from election_app.delegates.models import AttendanceEvent
from election_app.rules import get_preset
from tests.conftest import csrf_from


def _pdf_text(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def _table_rows(pdf: bytes, heading: str) -> list[list[str]]:
    """The body rows of the table whose header has ``heading``, cells with their lines joined."""
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                cells = [[" ".join((c or "").split()) for c in row] for row in table]
                if cells and heading in cells[0]:
                    return cells[1:]
    raise AssertionError(f"no table with {heading!r}")


def _motion(sec, cid, title):
    resp = sec.post(f"/api/v1/congresses/{cid}/motions", json={"title": title})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_two_sessions_votes_and_minutes(api, client, session, congress, roll, tmp_path):
    org, sec = api("organizer"), api("secretary")
    cid = congress.id
    base = f"/api/v1/congresses/{cid}/sessions"
    s1 = org.post(base, json={"name": "Phiên trù bị", "starts_at": "2026-12-12T07:30"}).get_json()
    s2 = org.post(base, json={"name": "Phiên chính thức"}).get_json()
    assert (s1["position"], s2["position"], s1["state"]) == (0, 1, "not_started")
    assert s1["starts_at"].startswith("2026-12-12T00:30")            # 07:30 in Hà Nội is 00:30 UTC
    assert org.post(base, json={"name": "phiên trù bị"}).status_code == 422   # the same name twice
    assert org.post(base, json={"name": "  "}).status_code == 422
    assert sec.post(base, json={"name": "Phiên bế mạc"}).status_code == 403   # planning is the organizer's

    # Sessions are defined and none is open: a vote is refused, nothing written.
    m1 = _motion(sec, cid, "Bầu Đoàn Chủ tịch")
    resp = sec.post(f"/api/v1/motions/{m1}/result", json={"agree": 1, "disagree": 0})
    assert resp.status_code == 409 and resp.get_json()["error"] == "no_open_session"

    # Session 1: opened by the secretary (the presidium's desk), 7 delegates check in.
    opened = sec.post(f"{base}/{s1['id']}/open").get_json()
    assert (opened["state"], opened["present_at_open"], opened["summoned_at_open"]) == ("open", 0, 9)
    for d in roll[:7]:
        assert sec.post(f"/api/v1/congresses/{cid}/delegates/{d.id}/check-in").status_code == 200
    att = sec.get(f"/api/v1/congresses/{cid}/attendance").get_json()
    assert att["present"] == 7 and att["session"] == {"id": s1["id"], "name": "Phiên trù bị"}
    assert sec.post(f"/api/v1/motions/{m1}/result", json={"agree": 6, "disagree": 1}).status_code == 200
    r1 = sec.get(f"/api/v1/congresses/{cid}/motions").get_json()["motions"][0]
    assert (r1["session_id"], r1["present"]) == (s1["id"], 7)

    # Only one session open at a time.
    resp = sec.post(f"{base}/{s2['id']}/open")
    assert resp.status_code == 409 and "Phiên trù bị" in resp.get_json()["message"]
    closed = sec.post(f"{base}/{s1['id']}/close").get_json()
    assert (closed["state"], closed["present_at_close"]) == ("closed", 7)
    assert sec.post(f"{base}/{s1['id']}/open").status_code == 409       # not reopened

    # Session 2: the 7 present carry over without scanning again; one leaves (the door's
    # undo), two more arrive: 8 present.
    opened = sec.post(f"{base}/{s2['id']}/open").get_json()
    assert opened["present_at_open"] == 7
    assert sec.get(f"/api/v1/congresses/{cid}/attendance").get_json()["present"] == 7
    assert sec.post(f"/api/v1/congresses/{cid}/delegates/{roll[0].id}/undo-check-in").status_code == 200
    for d in roll[7:]:
        sec.post(f"/api/v1/congresses/{cid}/delegates/{d.id}/check-in")
    att = sec.get(f"/api/v1/congresses/{cid}/attendance").get_json()
    assert (att["present"], att["session"]["name"]) == (8, "Phiên chính thức")
    m2 = _motion(sec, cid, "Thông qua nghị quyết")
    assert sec.post(f"/api/v1/motions/{m2}/result", json={"agree": 8, "disagree": 0}).status_code == 200
    motions = {m["id"]: m for m in sec.get(f"/api/v1/congresses/{cid}/motions").get_json()["motions"]}
    assert (motions[m2]["session_id"], motions[m2]["present"]) == (s2["id"], 8)
    assert (motions[m1]["session_id"], motions[m1]["present"]) == (s1["id"], 7)   # unchanged

    # An election round opened now records session 2 and those present.
    resp = org.post(f"/api/v1/congresses/{cid}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": 1,
        "candidates": [{"delegate_id": roll[1].id}, {"delegate_id": roll[2].id}]})
    eid = resp.get_json()["id"]
    opened_round = api("board").post(f"/api/v1/elections/{eid}/open").get_json()
    assert (opened_round["session_id"], opened_round["present_at_open"]) == (s2["id"], 8)

    # The hall display's quorum names the open session.
    from election_app.agenda.display import display_state
    session.expire_all()
    assert display_state(session, congress=congress)["quorum"]["session"] == "Phiên chính thức"

    # The door's events name the session they happened in.
    events = session.execute(select(AttendanceEvent.action, AttendanceEvent.congress_session_id)
                             .order_by(AttendanceEvent.id)).all()
    assert [e for e in events if e[0] == "check_in"][0] == ("check_in", s1["id"])
    assert ("undo", s2["id"]) in events

    # The minutes: both sessions with summoned, present, absent and the verdict; the
    # rulebook's quorum in words and as a fraction.
    pdf = sec.get(f"/api/v1/congresses/{cid}/documents/minutes.pdf")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:300]
    text = _pdf_text(pdf.data, tmp_path, "minutes")
    flat = " ".join(text.split())
    preset = get_preset(congress.preset_code)
    assert "Đại hội họp 2 phiên" in flat
    assert f"từ {preset.fraction_words('quorum')} ({preset.fraction('quorum')})" in flat
    rows = _table_rows(pdf.data, "Phiên họp")
    assert [r[1] for r in rows] == ["Phiên trù bị", "Phiên chính thức"]
    assert [r[3:] for r in rows] == [["9", "7 (77,78%)", "2", "Đủ"], ["9", "8 (88,89%)", "1", "Đủ (đang họp)"]]


def test_the_sessions_page_plans_opens_and_closes(client, login, session, congress, roll):
    login("organizer")
    url = f"/congresses/{congress.id}/sessions"
    page = client.get(url).get_data(as_text=True)
    assert "Chưa khai báo phiên họp nào" in page
    token = csrf_from(page)
    for name in ("Phiên chính thức", "Phiên trù bị"):
        assert client.post(url, data={"csrf_token": token, "name": name}).status_code == 302
    from election_app.sessions.services import list_sessions
    first, second = list_sessions(session, congress.id)
    assert first.name == "Phiên chính thức"
    client.post(f"{url}/{second.id}/move/up", data={"csrf_token": token})
    session.expire_all()
    assert [s.name for s in list_sessions(session, congress.id)] == ["Phiên trù bị", "Phiên chính thức"]
    client.post(f"{url}/{second.id}/edit", data={"csrf_token": token, "name": "Phiên thứ nhất (trù bị)",
                                                   "starts_at": "2026-12-12T07:30"})
    client.post(f"{url}/{second.id}/open", data={"csrf_token": token})
    page = client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert "Phiên đang họp" in page and "Phiên thứ nhất (trù bị)" in page
    resp = client.post(f"{url}/{first.id}/open", data={"csrf_token": token}, follow_redirects=True)
    assert "đang họp: kết thúc phiên đó trước" in resp.get_data(as_text=True)
    resp = client.post(f"{url}/{second.id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "không xoá được" in resp.get_data(as_text=True)
    client.post(f"{url}/{second.id}/close", data={"csrf_token": token})
    session.expire_all()
    assert [s.state for s in list_sessions(session, congress.id)] == ["closed", "not_started"]
    assert client.post(f"{url}/{first.id}/delete", data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert [s.name for s in list_sessions(session, congress.id)] == ["Phiên thứ nhất (trù bị)"]


def test_without_sessions_nothing_changes(api, session, congress, roll):
    sec = api("secretary")
    for d in roll[:7]:
        sec.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/check-in")
    att = sec.get(f"/api/v1/congresses/{congress.id}/attendance").get_json()
    assert "session" not in att and att["present"] == 7
    mid = _motion(sec, congress.id, "Thông qua chương trình")
    assert sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 7, "disagree": 0}).status_code == 200
    m = sec.get(f"/api/v1/congresses/{congress.id}/motions").get_json()["motions"][0]
    assert (m["session_id"], m["present"]) == (None, 7)


def test_a_backup_carries_the_sessions_and_the_votes_links(session, congress, roll):
    from election_app.backup.services import export_congress, import_congress
    from election_app.delegates.services import check_in
    from election_app.motions.models import Motion
    from election_app.motions.services import create_motion, record_motion_result
    from election_app.sessions import services as ss

    first = ss.add_session(session, congress=congress, name="Phiên trù bị")
    ss.open_session(session, row=first)
    for d in roll[:7]:
        check_in(session, delegate=d)
    record_motion_result(session, motion=create_motion(session, congress=congress, title="Bầu Đoàn Chủ tịch"),
                         agree=7, disagree=0)
    ss.close_session(session, row=first)
    session.commit()
    copy_id = import_congress(session, data=export_congress(session, congress_id=congress.id))
    session.commit()
    (copied,) = ss.list_sessions(session, copy_id)
    assert (copied.name, copied.state, copied.present_at_close) == ("Phiên trù bị", "closed", 7)
    motion = session.scalars(select(Motion).where(Motion.congress_id == copy_id)).one()
    assert motion.congress_session_id == copied.id != first.id
