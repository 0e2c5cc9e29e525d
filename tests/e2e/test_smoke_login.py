"""The login page in a real browser, on a phone and a laptop."""
from __future__ import annotations

from tests.e2e.conftest import ui_login


def test_login_and_see_congress_list(page, live_server, staff, shot):
    user, pw = staff("admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login")
    assert "Đăng nhập" in page.title()
    shot(page, "login-390")
    ui_login(page, live_server.url, user, pw)
    assert page.locator("h1").first.inner_text() == "Các đại hội"
