"""The hall's busiest screens under pressure (issue 14), in Debian's Chromium:

- axe-core (WCAG 2.0 A/AA, 2.1 AA) over the door, the ballot, the run-sheet, the hall display
  and the dashboard at phone 390×844, laptop 1366×768 and projector 1920×1080: no violation;
- the door never drops a read: a USB-scanner burst typed right after "Huỷ" and right after
  the camera button, every card checked in; a read that cannot be sent is shown with its
  number and checked in by "Thử lại";
- the run-sheet's refusal (more hands than people present) appears beside the form, in the
  first screen, with the typed numbers kept;
- the hall display with two open rounds shows each turnout under its own election, and a
  60-name result fills the 1920×1080 screen with every status in words.

axe-core 4.10.3 is vendored in tests/e2e/vendor/axe.min.js (from the npm registry, MPL-2.0),
so the tests run offline. Screenshots: test-artifacts/screenshots/hall14-*.png."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from election_app.agenda import display, services
from election_app.db import db
from tests.e2e.conftest import ARTIFACTS, ui_login

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 768), "projector": (1920, 1080)}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
         "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa", "Hồ Thị Lan", "Ngô Văn Minh",
         "Dương Thị Nga", "Lý Văn Phúc", "Mai Thị Quỳnh", "Trịnh Văn Sơn", "Đinh Thị Tâm"]


def _png(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"hall14-{name}.png")


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 240))}));
    }""")


def _setup(live_server, *, present: int = 8, second_round: bool = True, rounds: bool = True,
           sessions: bool = False) -> dict:
    """A congress of 16, `present` checked in, the standard agenda, the BCH round open with 6
    ballots handed out and (optionally) the round for delegates to the upper congress opened
    after it with 3; the current item is the BCH vote. With ``sessions``: two sessions, the
    first open (the run-sheet and the dashboard show their session bar)."""
    from election_app.congress.models import Congress
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting.services import issue_voting_link

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn cơ sở Trường THCS Thành Công", "term": "2023–2028",
            "kind": "delegates", "date": "2026-12-12"})
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": n, "birth_year": 1970 + i, "unit": "Tổ Khoa học Tự nhiên", "position": "Giáo viên"}
            for i, n in enumerate(NAMES)])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        for d in people[:present]:
            check_in(s, delegate=d)
        services.create_agenda_from_template(s, congress=congress)
        bch, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028", body="executive_committee",
            seats=3, candidates=[{"delegate_id": d.id} for d in people[:5]])
        upper = None
        if second_round:
            upper, _ = elections.create_election(
                s, congress=congress, title="Bầu đại biểu đi dự Đại hội Công đoàn Giáo dục huyện",
                body="upper_delegates", seats=2, candidates=[{"delegate_id": d.id} for d in people[5:8]])
        services.link_standard_items(s, congress=congress)
        if rounds:
            elections.open_round(s, election=bch)
            elections.issue_paper(s, election=bch, delegate_ids=[d.id for d in people[2:8]])
            s.flush()
        if upper is not None and rounds:
            elections.open_round(s, election=upper)   # opened last: the "most recent" round
            elections.issue_paper(s, election=upper, delegate_ids=[d.id for d in people[5:8]])
        if sessions:
            from election_app.sessions.services import add_session, open_session
            first = add_session(s, congress=congress, name="Phiên trù bị")
            add_session(s, congress=congress, name="Phiên chính thức")
            open_session(s, row=first)
        vote_item = next(i for i in services.list_items(s, congress.id) if i.code == "bch_vote")
        services.set_current_item(s, congress=s.get(Congress, congress.id), item=vote_item)
        token = display.issue_display_token(s, congress=congress, secret=live_server.app.config["SECRET_KEY"])
        voter = issue_voting_link(s, delegate=people[0])
        s.commit()
        return {"cid": congress.id, "token": token, "voter": voter, "codes": [d.code for d in people],
                "ids": [d.id for d in people], "bch": bch.id, "upper": upper.id if upper else None,
                "bch_title": bch.title, "upper_title": upper.title if upper else None}


def _present_codes(live_server, cid: int) -> set[str]:
    from sqlalchemy import select

    from election_app.delegates.models import Delegate
    with live_server.ctx():
        db.session.remove()
        return set(db.session.scalars(select(Delegate.code).where(
            Delegate.congress_id == cid, Delegate.checked_in_at.is_not(None))))


# --- axe-core on every busy page, at three sizes --------------------------------------------

def test_axe_finds_no_violation_on_the_busy_pages(browser, live_server, staff):
    data = _setup(live_server, sessions=True)
    user, pw = staff("admin")
    cid = data["cid"]
    pages = {
        "door": f"/congresses/{cid}/checkin",
        "ballot": f"/v/{data['voter']}",
        "runsheet": f"/congresses/{cid}/run",
        "display": f"/display/{data['token']}",
        "dashboard": f"/congresses/{cid}",
    }
    found: dict[str, list] = {}
    for n, (size, (w, h)) in enumerate(VIEWPORTS.items()):
        ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN", bypass_csp=True,
                                  is_mobile=size == "phone", has_touch=size == "phone")
        page = ctx.new_page()
        ui_login(page, live_server.url, user, pw)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            if name == "door":   # with a result and the recent reads on screen
                page.fill("#code", data["codes"][9 + n])
                page.keyboard.press("Enter")
                expect(page.locator("#scan-result.success")).to_be_visible()
            violations = axe_violations(page)
            if violations:
                found[f"{name}@{w}x{h}"] = violations
            if size != "projector" or name == "display":
                page.screenshot(path=_png(f"{name}-{w}"), full_page=True)
        ctx.close()
    assert found == {}, found


# --- the door: a scanner burst after "Huỷ" and after the camera button ----------------------

FAKE_CAMERA = """
navigator.mediaDevices.getUserMedia = function () {
  // a stand-in for the phone's camera: a black 320×240 video stream
  var c = document.createElement('canvas'); c.width = 320; c.height = 240;
  c.getContext('2d').fillRect(0, 0, 320, 240);
  return new Promise(function (ok) { setTimeout(function () { ok(c.captureStream(5)); }, 120); });
};
"""


def test_door_never_drops_a_scanner_read(browser, live_server, staff):
    data = _setup(live_server, present=0, second_round=False, rounds=False)
    user, pw = staff("secretary")
    cid, codes = data["cid"], data["codes"]
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    ctx.add_init_script(FAKE_CAMERA)
    page = ctx.new_page()
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/congresses/{cid}/checkin")
    expect(page.locator("#code")).to_be_focused()

    def burst(cards):  # a USB scanner: digits at ~8 ms each, then Enter
        for card in cards:
            page.keyboard.type(card, delay=8)
            page.keyboard.press("Enter")

    def settled():  # every read sent and answered
        page.wait_for_timeout(300)
        page.wait_for_function("() => window.doorQueueLength === undefined || window.doorQueueLength() === 0")
        page.wait_for_load_state("networkidle")

    # 1. one card, then "Huỷ" with the mouse: the button vanishes under the focus
    burst([codes[0]])
    undo = page.locator("#scan-result button", has_text="Huỷ")
    expect(undo).to_be_visible()
    undo.click()
    burst(codes[1:5])             # the next reads arrive at once
    settled()
    expect(page.locator("#scan-result")).to_contain_text(NAMES[4])
    assert _present_codes(live_server, cid) == set(codes[1:5])

    # 2. the camera button: it hides itself once the camera runs; a burst meanwhile
    page.locator("#start-scan").click()
    burst(codes[5:9])
    expect(page.locator("#start-scan")).to_be_hidden()
    burst(codes[9:11])
    settled()
    assert _present_codes(live_server, cid) == set(codes[1:11])
    expect(page.locator("#code")).to_be_focused()

    # 3. a click somewhere on the page, then a burst: still every card
    page.locator("h1").click()
    burst(codes[11:13])
    settled()
    assert _present_codes(live_server, cid) == set(codes[1:13])
    expect(page.locator("[data-k=present]").first).to_have_text("12")
    expect(page.locator("#scan-log li")).to_have_count(12)   # 13 results, 1 undo… the last 12 kept

    # 4. a read that cannot be sent is shown with its number, and "Thử lại" checks it in
    ctx.set_offline(True)
    burst([codes[13]])
    expect(page.locator("#scan-result.error")).to_contain_text(f"Chưa điểm danh được thẻ «{codes[13]}»")
    expect(page.locator("#scan-result.error")).to_contain_text("Mất kết nối")
    assert codes[13] not in _present_codes(live_server, cid)
    ctx.set_offline(False)
    page.locator("#scan-result button", has_text="Thử lại").click()
    expect(page.locator("#scan-result.success")).to_contain_text(NAMES[13])
    expect(page.locator("#code")).to_be_focused()
    expect(page.locator("#scan-log li.scan-error")).to_have_count(0)   # the failed line gave way
    # 5. an expired session: the read is shown as not done, never silently lost
    ctx.clear_cookies()
    burst([codes[14]])
    expect(page.locator("#scan-result.error")).to_contain_text(f"«{codes[14]}»")
    expect(page.locator("#scan-result.error")).to_contain_text("hết hạn")
    assert _present_codes(live_server, cid) == set(codes[1:14])
    page.screenshot(path=_png("door-burst-1366"), full_page=True)
    ctx.close()


# --- the run-sheet: a refusal where the eye is, the numbers kept ----------------------------

@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_runsheet_refusal_is_beside_the_form_and_keeps_the_numbers(browser, live_server, staff, size):
    from election_app.congress.models import Congress
    from election_app.motions.models import Motion

    data = _setup(live_server, second_round=False)
    with live_server.ctx():
        congress = db.session.get(Congress, data["cid"])
        item = next(i for i in services.list_items(db.session, data["cid"]) if i.code == "presidium")
        services.set_current_item(db.session, congress=congress, item=item)
        db.session.commit()
        mid = item.motion_id
    user, pw = staff("secretary")
    w, h = VIEWPORTS[size]
    ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN", bypass_csp=True)
    page = ctx.new_page()
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/congresses/{data['cid']}/run")
    page.fill("input[name=agree]", "7")
    page.fill("input[name=disagree]", "2")
    page.fill("input[name=other]", "1")                         # 10 hands, 8 present
    page.locator("form.hands-form button").click()
    page.wait_for_load_state()
    error = page.locator("#hands-error")
    expect(error).to_contain_text("vượt quá số đại biểu có mặt")
    box = error.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= h, f"the refusal is off screen: {box}"
    assert [page.input_value(f"input[name={n}]") for n in ("agree", "disagree", "other")] == ["7", "2", "1"]
    with live_server.ctx():
        db.session.remove()
        assert db.session.get(Motion, mid).recorded_at is None
    page.screenshot(path=_png(f"runsheet-refused-{w}"))
    assert axe_violations(page) == []
    # corrected, it is recorded and the message is at the current item
    page.fill("input[name=disagree]", "0")
    page.locator("form.hands-form button").click()
    page.wait_for_load_state()
    flash = page.locator("#current .flashes")
    expect(flash).to_contain_text("Đã ghi kết quả biểu quyết")
    fbox = flash.bounding_box()
    assert fbox["y"] + fbox["height"] <= h
    # 18 "Bắt đầu" buttons, each with its own name
    names = page.locator(".run-items button").evaluate_all("bs => bs.map(b => b.textContent.trim())")
    assert len(names) == len(set(names)) > 10
    ctx.close()


# --- the hall display: two open rounds; sixty names --------------------------------------------

def test_display_with_two_open_rounds_shows_each_under_its_own_title(browser, live_server):
    data = _setup(live_server)
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    hall = ctx.new_page()
    hall.goto(f"{live_server.url}/display/{data['token']}")
    # the presidium's item is the BCH vote: its turnout, under its title
    expect(hall.locator(".hall-title")).to_have_text("Bỏ phiếu, kiểm phiếu bầu Ban Chấp hành")
    voting = hall.locator(".hall-voting")
    expect(voting.locator(".hall-panel-title")).to_contain_text(data["bch_title"])
    expect(voting.locator(".hall-big")).to_have_text("6")
    # the other open round, with its own title and its own number
    also = hall.locator(".hall-also-row")
    expect(also).to_have_count(1)
    expect(also).to_contain_text(data["upper_title"])
    expect(also.locator(".hall-also-num")).to_have_text("3 / 8 đã nhận phiếu")
    hall.screenshot(path=_png("display-two-rounds-1920"))
    # the presidium moves on to a cultural item: the screen redraws itself (no reload), both stay
    with live_server.ctx():
        from election_app.congress.models import Congress
        congress = db.session.get(Congress, data["cid"])
        item = next(i for i in services.list_items(db.session, data["cid"]) if i.code == "discussion")
        services.set_current_item(db.session, congress=congress, item=item)
        db.session.commit()
    expect(hall.locator(".hall-title")).to_have_text("Thảo luận, tham luận", timeout=6000)
    expect(hall.locator(".hall-voting .hall-panel-title")).to_contain_text(data["upper_title"])
    expect(hall.locator(".hall-voting .hall-big")).to_have_text("3")
    expect(hall.locator(".hall-also-row")).to_contain_text(data["bch_title"])
    expect(hall.locator(".hall-also-num")).to_have_text("6 / 8 đã nhận phiếu")
    hall.screenshot(path=_png("display-two-rounds-moved-on-1920"))
    ctx.close()


HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ"]
DEM = ["Thị Thanh", "Văn Minh", "Ngọc"]
TEN = ["Hương", "Quỳnh", "Trường", "Nghĩa", "Hoàng", "Phượng", "Thắng", "Huyền", "Khánh", "Nhung",
       "Tuấn", "Yến", "Dũng", "Thảo", "Cường", "Xuân", "Hạnh", "Trang", "Phong", "Loan"]


def test_sixty_names_fill_the_projector_and_stay_readable(browser, live_server):
    """60 candidates for 15 seats, 14 elected and a tie for the last seat: every row on the
    1920×1080 screen, rows filling the height, each status in words inside its cell."""
    from election_app.congress.models import Congress
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn Giáo dục huyện Thanh Trì lần thứ XII, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn Giáo dục huyện Thanh Trì", "term": "2023–2028", "kind": "delegates"})
        voters = add_delegates(s, congress=congress, rows=[
            {"full_name": f"{HO[i % 10]} {DEM[i % 3]} {TEN[i % 20]}", "birth_year": 1960 + i} for i in range(48)])
        for d in voters:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        services.create_agenda_from_template(s, congress=congress)
        names = [f"{HO[i % 10]} {DEM[(i // 10) % 3]} {TEN[(i * 7) % 20]}" for i in range(60)]
        assert len(set(names)) == 60
        election, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành Công đoàn Giáo dục huyện nhiệm kỳ 2023–2028",
            body="executive_committee", seats=15, candidates=[{"full_name": n} for n in names])
        services.link_standard_items(s, congress=congress)
        rnd = elections.open_round(s, election=election)
        elections.issue_paper(s, election=election, delegate_ids=[d.id for d in voters])
        ids = [c.id for c in elections.list_candidates(s, election)]
        top, c15, c16, rest = ids[:14], ids[14], ids[15], ids[16:]
        for b in range(48):
            if b < 30:   # 13 of the first 14, and both of the two who tie
                kept = [c for j, c in enumerate(top) if j != b % 14] + [c15, c16]
            else:
                kept = top + [rest[b % len(rest)]]
            elections.enter_paper_ballot(s, round=rnd, kept=sorted(kept))
        elections.close_round(s, election=election)
        item = next(i for i in services.list_items(s, congress.id) if i.code == "bch_result")
        services.set_current_item(s, congress=s.get(Congress, congress.id), item=item)
        token = display.issue_display_token(s, congress=congress, secret=live_server.app.config["SECRET_KEY"])
        s.commit()
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN", bypass_csp=True)
    hall = ctx.new_page()
    hall.goto(f"{live_server.url}/display/{token}")
    rows = hall.locator(".hall-table tbody tr")
    expect(rows).to_have_count(60)
    hall.screenshot(path=_png("display-sixty-1920"))
    expect(hall.locator(".hall-table tr.elected")).to_have_count(14)
    expect(hall.locator(".hall-table tr.tied")).to_have_count(2)
    foot_top = hall.locator(".hall-foot").bounding_box()["y"]
    boxes = [rows.nth(i).bounding_box() for i in range(60)]
    for i, box in enumerate(boxes):
        assert box["y"] >= 0 and box["y"] + box["height"] <= foot_top + 1, f"row {i + 1} is off the screen"
        assert box["x"] + box["width"] <= 1920
        assert box["height"] >= 30, f"row {i + 1} is {box['height']:.0f} px tall"
    # the rows fill the height: little room left under the first column
    assert foot_top - (boxes[19]["y"] + boxes[19]["height"]) < 60
    # every status is a word, shown whole in its cell; the type is large enough for the back row
    marks = hall.locator(".hall-table td.mark").evaluate_all(
        "ts => ts.map(t => [t.textContent, t.scrollWidth <= t.clientWidth, t.getBoundingClientRect().width > 0])")
    assert sum(1 for m in marks if m[0] == "Trúng cử") == 14 and sum(1 for m in marks if m[0] == "Bằng phiếu") == 2
    assert all(fits and shown for _, fits, shown in marks), marks
    size = hall.locator(".hall-table td").first.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
    assert size >= 20, size
    assert axe_violations(hall) == []
    ctx.close()


# --- the ballot on a small phone, with large text, and without JavaScript --------------------

@pytest.mark.parametrize("zoom", [1.0, 1.3])
def test_ballot_is_the_first_thing_on_a_small_phone(browser, live_server, zoom):
    data = _setup(live_server, second_round=False)
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN", is_mobile=True,
                              has_touch=True)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/v/{data['voter']}")
    if zoom != 1.0:   # 130 % text: every size on the page 1.3 times larger
        page.add_style_tag(content=f"html {{ zoom: {zoom}; }}")
    first = page.locator("label.cand").first.bounding_box()
    assert first["y"] + first["height"] <= 640, f"the first name is below the first screen: {first}"
    assert page.locator(".phone-agenda").bounding_box()["y"] > first["y"]
    # the small print of a ballot row is at least 15 px
    for sel in (".cand-meta", ".cand-state", ".eyebrow", ".pa-label"):
        px = page.locator(sel).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert px >= 15, (sel, px)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=_png(f"ballot-360x640-{int(zoom * 100)}"))
    ctx.close()


def test_ballot_counter_follows_the_strikes_without_javascript(browser, live_server):
    data = _setup(live_server, second_round=False)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/v/{data['voter']}")
    # The number is a CSS counter (no script to read it with): its picture changes as names
    # are struck and comes back when they are kept again; the server wrote 5 for the start.
    number = page.locator(".counter-line .kept-css")
    expect(page.locator(".counter-line .kept-n")).to_be_hidden()
    boxes = page.locator('input[name="kept"]')
    five = number.screenshot()
    assert number.bounding_box()["width"] > 5
    boxes.nth(4).uncheck()
    boxes.nth(3).uncheck()
    three = number.screenshot()
    assert three != five
    boxes.nth(3).check()
    four = number.screenshot()
    assert four not in (three, five)
    boxes.nth(4).check()
    assert number.screenshot() == five
    boxes.nth(4).uncheck()
    assert number.screenshot() == four
    boxes.nth(3).uncheck()
    page.screenshot(path=_png("ballot-nojs-struck-390"))
    ctx.close()


# --- keyboard only: the skip link, the focus ring; English mode marks Vietnamese names ---------

def test_keyboard_reaches_the_content_at_once_and_sees_where_it_is(browser, live_server, staff):
    data = _setup(live_server, second_round=False)
    user, pw = staff("admin")
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/congresses/{data['cid']}/run")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0                       # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")                                 # the first stop inside the content
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # the focus ring: 3 px of dark blue (8:1 on white), outside the element
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
    assert ring == ["solid", "3px", "rgb(11, 83, 148)"], ring
    # the run-sheet's start buttons each say which item they start
    names = page.locator(".run-items button").evaluate_all("bs => bs.map(b => b.textContent.trim())")
    assert all(n.startswith("Bắt đầu: ") or n.startswith("✓ Mở lại: ") for n in names), names[:3]
    # in English, the names typed in Vietnamese are marked as Vietnamese
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".run-items .what span[lang=vi]").first).to_be_visible()
    page.goto(f"{live_server.url}/congresses/{data['cid']}/checkin?q=Lan")
    expect(page.locator(".pick-list b span[lang=vi]")).to_have_text("Hồ Thị Lan")
    page.set_viewport_size({"width": 390, "height": 844})     # the door on a phone: 44 px buttons
    assert page.locator(".pick-list .btn").first.bounding_box()["height"] >= 44
    page.goto(f"{live_server.url}/v/{data['voter']}")
    expect(page.locator(".cand-name span[lang=vi]").first).to_have_text("Nguyễn Văn An")
    expect(page.locator(".vbtn.primary")).to_have_text(re.compile(r"[A-Za-z]"))
    ctx.close()
