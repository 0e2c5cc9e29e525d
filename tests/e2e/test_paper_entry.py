"""Two board teams type the same stack of 20 paper ballots by keyboard (independent double
entry), with one disagreement; the comparison page shows it, it is corrected with a
reason, the round is closed and the result shown. Screenshots at 1366×768 and 390×844."""
from __future__ import annotations

from playwright.sync_api import expect

from election_app.db import db
from tests.e2e.conftest import ui_login

CANDIDATES = ["Nguyễn Thị Thu Hà", "Trần Văn Hùng", "Lê Thị Minh Phương", "Phạm Thị Hồng Nhung", "Hoàng Thị Lan"]
# What each team types for ballots 1..20 (numbers of the STRUCK names; + none struck, * all, d no seal).
STACK = ["4 5", "4 5", "3 5", "2 4", "4 5", "1 5", "4 5", "3 4", "+", "4 5",
         "2 5", "3 4 5", "4 5", "*", "4 5", "3 5", "4 5", "d", "4 5", "2 4"]
TEAM2_MISREAD = {7: "3 5"}     # team 2 reads ballot 7 differently


def _setup(live_server):
    from election_app.congress.services import create_congress, set_officials
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as el
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV",
                                            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                            "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
                                            "term": "2023–2028", "kind": "all_members"})
        others = [f"Đoàn Viên {w}" for w in ("An", "Bảo", "Cúc", "Dũng", "Giao", "Hiền", "Khang", "Linh",
                                                "Minh", "Nam", "Oanh", "Phúc", "Quang", "Sơn", "Tâm")]
        people = add_delegates(s, congress=congress, rows=[{"full_name": n} for n in CANDIDATES + others])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        set_officials(s, congress=congress, role="board", names=["Ngô Thị Thuỷ - Trưởng ban", "Lương Văn Thắng - Ủy viên"])
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                         body="executive_committee", seats=3, entry_teams=2,
                                         candidates=[{"delegate_id": d.id} for d in people[:5]])
        el.open_round(s, election=election)
        el.issue_paper(s, election=election, delegate_ids=[d.id for d in people])
        s.commit()
        return congress.id, election.id


def _type_stack(page, base, team, readings):
    page.goto(f"{base}/entry?team={team}")
    box = page.locator("#reading")
    expect(box).to_be_focused()
    for number, typed in enumerate(readings, start=1):
        expect(page.locator("#next-number")).to_have_text(str(number))
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(page.locator("#next-number")).to_have_text(str(number + 1))
    expect(page.locator('[data-c="entered"]')).to_have_text(str(len(readings)))


def test_two_teams_enter_twenty_ballots_resolve_and_close(page, browser, live_server, staff, shot):
    cid, eid = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"
    team1_user, pw1 = staff("board")
    team2_user, pw2 = staff("board")

    page.set_viewport_size({"width": 1366, "height": 768})
    ui_login(page, live_server.url, team1_user, pw1)
    # the live preview greys the struck names before Enter
    page.goto(f"{base}/entry?team=1")
    expect(page.locator("#reading")).to_be_focused()     # autofocus lands after the first paint
    page.keyboard.type("2 5")
    expect(page.locator('#ballot li[data-n="2"]')).to_have_class("struck")
    expect(page.locator("#preview")).to_contain_text("hợp lệ")
    shot(page, "paper-entry-typing-1366")
    page.keyboard.press("Escape")
    _type_stack(page, base, 1, STACK)
    shot(page, "paper-entry-team1-1366")

    ctx2 = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = ctx2.new_page()
    ui_login(phone, live_server.url, team2_user, pw2)
    team2 = [TEAM2_MISREAD.get(i, typed) for i, typed in enumerate(STACK, start=1)]
    _type_stack(phone, base, 2, team2)
    shot(phone, "paper-entry-team2-390")

    # closing is refused while the teams disagree
    page.goto(base)
    page.click("text=Kết thúc lần bầu thứ 1")
    expect(page.locator(".flash-error").first).to_contain_text("chưa khớp")

    page.goto(f"{base}/compare")
    rows = page.locator(".compare-table tbody tr")
    expect(rows).to_have_count(1)
    expect(page.locator("#n7")).to_contain_text("4 5")
    expect(page.locator("#n7")).to_contain_text("3 5")
    shot(page, "paper-compare-1366")
    phone.goto(f"{base}/compare")
    shot(phone, "paper-compare-390")

    # the board rereads ballot 7: team 2 misread it; correct with a reason
    fix = page.locator("#n7 form").nth(1)
    fix.locator('input[name="reading"]').fill("4 5")
    fix.locator('input[name="reason"]').fill("Đọc lại phiếu số 7: gạch tên số 4 và 5")
    fix.locator("button").click()
    expect(page.locator(".flashes .flash-success")).to_contain_text("Đã sửa phiếu số 7 của tổ 2")
    expect(page.locator("text=giống hệt nhau")).to_be_visible()

    page.goto(base)
    page.click("text=Kết thúc lần bầu thứ 1")
    expect(page).to_have_url(f"{base}/result")
    expect(page.locator(".outcome h2")).to_have_text("Đã bầu đủ số lượng")
    table = page.locator(".result-table")
    expect(table).to_contain_text("16/20")
    expect(table).to_contain_text("80,00%")
    expect(page.locator(".result-table tr.elected")).to_have_count(3)
    shot(page, "paper-result-1366")
    phone.goto(f"{base}/result")
    shot(phone, "paper-result-390")

    # the printable entry log keeps the correction
    page.goto(f"{base}/rounds/1/log")
    expect(page.locator("body")).to_contain_text("Đọc lại phiếu số 7")
    shot(page, "paper-entry-log-1366")

    with live_server.ctx():
        from election_app.elections import services as el
        election = el.get_election(db.session, eid)
        result = el.round_result(db.session, election)
        assert (result["issued"], result["returned"], result["valid"], result["invalid"]) == (20, 20, 17, 3)
        assert [c["votes"] for c in result["candidates"]] == [16, 14, 13, 4, 3]
        assert result["outcome"] == "complete" and len(result["elected"]) == 3
    ctx2.close()


def test_election_and_motion_pages_on_laptop_and_phone(page, live_server, staff, shot):
    """The set-up pages (new election, election, ballot desk, motions) at both sizes."""
    cid, eid = _setup(live_server)
    with live_server.ctx():
        from election_app.congress.services import get_congress
        from election_app.motions.services import ensure_standard_motions, record_motion_result
        congress = get_congress(db.session, cid)
        motions = ensure_standard_motions(db.session, congress=congress)
        record_motion_result(db.session, motion=motions[0], agree=18, disagree=1, other=1)
        db.session.commit()
    user, pw = staff("admin")
    ui_login(page, live_server.url, user, pw)
    base = f"{live_server.url}/congresses/{cid}"
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in (("election-new", f"{base}/elections/new"), ("election-detail", f"{base}/elections/{eid}"),
                          ("election-issue", f"{base}/elections/{eid}/issue"), ("motions", f"{base}/motions")):
            page.goto(url)
            expect(page.locator("h1").first).to_be_visible()
            shot(page, f"{name}-{width}")
    page.goto(f"{base}/motions")
    expect(page.locator(".motion.passed")).to_have_count(1)
    expect(page.locator(".motion.passed")).to_contain_text("90,00%")


def test_keys_typed_while_a_ballot_is_on_its_way_are_kept_for_the_next(page, live_server, staff):
    """A fast board member types the next sheet while the last one is still being recorded (a slow
    hall Wi-Fi): those keys are the next ballot's, not wiped when the answer comes back."""
    import time

    from flask import request
    cid, eid = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"

    def slow_entry():               # the server answers each recorded sheet 0.6 s late
        if request.method == "POST" and request.path.endswith("/entry"):
            time.sleep(0.6)
    live_server.app.before_request_funcs.setdefault(None, []).append(slow_entry)
    user, pw = staff("board")
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{base}/entry?team=1")
    expect(page.locator("#reading")).to_be_focused()
    page.keyboard.type("4 5")
    page.keyboard.press("Enter")
    page.keyboard.type(" 3")                  # sheet 2, typed before sheet 1 is recorded
    expect(page.locator("#next-number")).to_have_text("2")
    expect(page.locator("#reading")).to_have_value("3")
    expect(page.locator('#ballot li[data-n="3"]')).to_have_class("struck")
    page.keyboard.press("Enter")
    expect(page.locator("#next-number")).to_have_text("3")
    expect(page.locator("#reading")).to_have_value("")
    with live_server.ctx():
        import json

        from election_app.elections import services as el
        from election_app.elections.models import Election
        election = db.session.get(Election, eid)
        entries = el.paper_entries(db.session, el.current_round(db.session, election), team=1)
        # sheet 1: names 4 and 5 struck (3 kept of 5); sheet 2: name 3 struck (4 kept)
        assert [(e.number, len(json.loads(e.kept))) for e in entries] == [(1, 3), (2, 4)]
