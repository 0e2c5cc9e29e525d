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


def test_hall_display_and_attendance_follow_the_rulebook_quorum(page, live_server, staff, shot, monkeypatch):
    """Under a rulebook with a 3/5 quorum the hall display says 3/5 (display.js wrote "2/3"
    itself before) and the attendance meter's mark stands at 60 %."""
    from election_app.agenda import display
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.rules import presets

    other = presets.RulePreset(**{**presets.DIEU_LE_2020.__dict__, "code": "thu_ba_phan_nam",
                                  "title": "Bộ quy tắc thử 3/5", "quorum_num": 3, "quorum_den": 5})
    monkeypatch.setitem(presets.PRESETS, other.code, other)
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội thử", "organization": "Công đoàn thử",
                                            "term": "2025–2030", "kind": "delegates", "preset_code": other.code})
        people = add_delegates(s, congress=congress, rows=[{"full_name": f"Nguyễn Văn {n}"}
                                                           for n in ("An", "Bình", "Cường", "Dũng", "Em")])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        for d in people[:2]:
            check_in(s, delegate=d)
        token = display.issue_display_token(s, congress=congress, secret=live_server.app.config["SECRET_KEY"])
        s.commit()
        cid = congress.id
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/display/{token}")
    label = page.locator(".hall-q-label")
    label.wait_for()
    assert "Chưa đủ 3/5 (cần 3)" in label.inner_text() and "2/3" not in label.inner_text()
    shot(page, "hall-display-3-5")
    user, password = staff("organizer")
    ui_login(page, live_server.url, user, password)
    page.goto(f"{live_server.url}/congresses/{cid}/attendance")
    assert page.locator(".meter .mark").get_attribute("style") == "left: 60.00%"
