"""The dashboard says when phones in the hall cannot open the server's address (issue 13 §1),
and which address they open when they can: laptop 1366×768 and phone 390×844, screenshots
under test-artifacts/screenshots/address-*.png (look at them)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from election_app import addresses
from election_app.db import db
from tests.e2e.conftest import ui_login

pytestmark = pytest.mark.e2e


def test_dashboard_warns_when_no_reachable_address(browser, live_server, staff, shot, monkeypatch):
    from election_app.congress.services import create_congress
    with live_server.ctx():
        c = create_congress(db.session, data={
            "name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ", "term": "2023–2028",
            "kind": "delegates", "date": "2026-12-12"})
        db.session.commit()
        cid = c.id
    live_server.app.config["PUBLIC_BASE_URL"] = None      # the organizer browses the laptop itself
    user, pw = staff("organizer")
    for w, h in ((1366, 768), (390, 844)):
        ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN")
        page = ctx.new_page()
        ui_login(page, live_server.url, user, pw)
        # no LAN address (the autouse fixture): warned, at the top of the dashboard
        monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
        page.goto(f"{live_server.url}/congresses/{cid}")
        warning = page.get_by_test_id("address-warning")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("chưa có địa chỉ mạng nội bộ")
        assert warning.bounding_box()["y"] < h                 # seen without scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= w
        shot(page, f"address-warning-{w}")
        # on the hall's Wi-Fi, served there: the address phones open, no warning
        port = int(live_server.url.rsplit(":", 1)[1])
        monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.1.23"])
        monkeypatch.setattr(addresses, "serves", lambda host, p: p == port)
        page.goto(f"{live_server.url}/congresses/{cid}")
        expect(page.get_by_test_id("address-warning")).to_have_count(0)
        expect(page.get_by_test_id("address-ok")).to_contain_text(f"http://192.168.1.23:{port}")
        shot(page, f"address-ok-{w}")
        ctx.close()
