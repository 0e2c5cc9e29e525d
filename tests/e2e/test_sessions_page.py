"""Sessions in the browser (issue 16.6): the organizer plans two sessions, opens the first
from the dashboard; the dashboard's quorum strip names the open session and follows the
check-ins made at the door (polled), then the second session opens with the present carried
over."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ui_login


def test_open_a_session_and_the_dashboard_shows_its_quorum(page, live_server, staff, shot):
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, check_in, decide_credentials

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn Trường THCS Giảng Võ lần thứ VIII",
                                            "organization": "Công đoàn cơ sở Trường THCS Giảng Võ",
                                            "term": "2025–2030", "kind": "delegates"})
        people = add_delegates(s, congress=congress, rows=[{"full_name": f"Nguyễn Văn {n}"}
                                                           for n in ("An", "Bình", "Cường", "Dũng", "Giang", "Hải")])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        s.commit()
        cid, ids = congress.id, [d.id for d in people]
    user, password = staff("organizer")
    ui_login(page, live_server.url, user, password)

    page.goto(f"{live_server.url}/congresses/{cid}/sessions")
    for name in ("Phiên trù bị", "Phiên chính thức"):
        page.fill("#add-session input[name=name]", name)
        page.click("#add-session button[type=submit]")
        page.wait_for_load_state()
    rows = page.locator("table.sessions tbody tr")
    assert rows.count() == 2
    shot(page, "sessions-planned")

    page.goto(f"{live_server.url}/congresses/{cid}")
    strip = page.locator("#quorum")
    assert "chưa mở phiên nào" in strip.inner_text()
    page.click("text=Khai mạc «Phiên trù bị»")
    page.wait_for_load_state()
    assert page.locator("[data-k=session_name]").inner_text() == "Phiên trù bị"
    assert page.locator("#quorum [data-k=present]").inner_text() == "0"

    # Four delegates check in at the door: the strip follows (polled every 2 s) and turns green.
    with live_server.ctx():
        from election_app.delegates.models import Delegate
        for did in ids[:4]:
            check_in(db.session, delegate=db.session.get(Delegate, did))
        db.session.commit()
    expect(page.locator("#quorum [data-k=present]")).to_have_text("4", timeout=10000)
    assert "ok" in strip.get_attribute("class")
    assert "Đủ điều kiện tiến hành" in strip.inner_text()
    shot(page, "sessions-dashboard-quorum")

    # Close it and open the official session on the sessions page: the four carry over.
    page.goto(f"{live_server.url}/congresses/{cid}/sessions")
    page.click("text=Kết thúc phiên")
    page.wait_for_load_state()
    page.click("text=Khai mạc phiên")
    page.wait_for_load_state()
    assert "4/6 đại biểu có mặt" in page.locator(".flash-success").inner_text()
    page.goto(f"{live_server.url}/congresses/{cid}")
    assert page.locator("[data-k=session_name]").inner_text() == "Phiên chính thức"
    assert page.locator("#quorum [data-k=present]").inner_text() == "4"
    shot(page, "sessions-dashboard-second")
