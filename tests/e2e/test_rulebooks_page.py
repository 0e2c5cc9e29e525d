"""The rulebooks in the browser: the read-only page lists the three rulebook files with their
parameters and sources, and the congress form lets the organizer choose one (issue 16)."""
from __future__ import annotations

from election_app.rules import PRESETS

from tests.e2e.conftest import ui_login


def test_rulebooks_page_and_choice_at_creation(page, live_server, staff, shot):
    user, password = staff("organizer")
    ui_login(page, live_server.url, user, password)
    page.goto(f"{live_server.url}/congresses")
    page.click("text=Bộ quy tắc")
    page.wait_for_load_state()
    assert page.url.endswith("/rulebooks")
    for code, preset in PRESETS.items():
        section = page.locator(f"#rulebook-{code}")
        assert section.is_visible() and preset.title in section.inner_text()
    assert "Số lần bầu tối đa\t2" in page.locator("#rulebook-doan_tncs").inner_text()
    assert "chưa đọc được" in page.locator("#rulebook-dieu_le_khoa_xiii").inner_text()
    assert page.locator("main form").count() == 0
    shot(page, "rulebooks-page")

    page.goto(f"{live_server.url}/congresses/new")
    options = page.locator("select#preset_code option").all_inner_texts()
    assert [o for o in options if o] == [p.title for p in PRESETS.values()]
    assert page.locator("select#preset_code").input_value() == "dieu_le_2020"
    page.fill("#name", "Đại hội Đoàn trường THPT Chu Văn An")
    page.fill("#organization", "Đoàn trường THPT Chu Văn An")
    page.select_option("select#preset_code", "doan_tncs")
    shot(page, "congress-form-rulebook")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/congresses/" in page.url and "/new" not in page.url
