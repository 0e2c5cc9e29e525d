"""A clerk types one sheet twice (a phantom entry: 7 entries for 6 sheets) and voids the
phantom from the row the page's script just added ("Huỷ phiếu này", with a reason); the
row stays struck through, the counters drop, the number is not given again, the round
closes and the printed log keeps the trace.
Screenshots at 1366×768 and 390×844."""
from __future__ import annotations

from playwright.sync_api import expect

from election_app.db import db
from tests.e2e.conftest import ui_login

CANDIDATES = ["Nguyễn Thị Thu Hà", "Trần Văn Hùng", "Lê Thị Minh Phương"]
STACK = ["3", "3", "2", "1", "3", "2"]          # six sheets, two seats: each keeps two names


def _setup(live_server):
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as el
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Mầm non Hoa Sen lần thứ V",
                                            "organization": "Công đoàn cơ sở Trường Mầm non Hoa Sen",
                                            "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
                                            "term": "2023–2028", "kind": "all_members"})
        people = add_delegates(s, congress=congress, rows=[{"full_name": n} for n in
                                                           CANDIDATES + ["Đoàn Viên An", "Đoàn Viên Bảo",
                                                                         "Đoàn Viên Cúc"]])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                         body="executive_committee", seats=2,
                                         candidates=[{"delegate_id": d.id} for d in people[:3]])
        el.open_round(s, election=election)
        el.issue_paper(s, election=election, delegate_ids=[d.id for d in people])
        s.commit()
        return congress.id, election.id


def test_phantom_entry_voided_from_the_entry_screen(page, browser, live_server, staff, shot):
    cid, eid = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"
    user, pw = staff("board")
    page.set_viewport_size({"width": 1366, "height": 768})
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{base}/entry")
    expect(page.locator("#reading")).to_be_focused()
    for number, typed in enumerate(STACK + [STACK[-1]], start=1):     # the last sheet typed twice
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(page.locator("#next-number")).to_have_text(str(number + 1))
    expect(page.locator("#next-number")).to_have_text("8")
    expect(page.locator('[data-c="entered"]')).to_have_text("7")
    # the rows the script just built carry the action too: void number 7 from its row
    row = page.locator("#recent tbody tr").first
    expect(row.locator("td").first).to_have_text("7")
    row.locator("summary").click()
    row.locator('input[name="reason"]').fill("Bấm Enter hai lần ở tờ cuối")
    shot(page, "paper-void-form-1366")
    row.locator("button").click()
    expect(page.locator(".flashes .flash-success")).to_contain_text("Đã huỷ phiếu số 7 của tổ 1")
    void_row = page.locator("#recent tbody tr.void")
    expect(void_row).to_have_count(1)
    expect(void_row).to_contain_text("Đã huỷ: Bấm Enter hai lần ở tờ cuối")
    expect(page.locator('[data-c="entered"]')).to_have_text("6")
    expect(page.locator("#next-number")).to_have_text("8")
    shot(page, "paper-void-done-1366")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN").new_page()
    ui_login(phone, live_server.url, user, pw)
    phone.goto(f"{base}/entry")
    expect(phone.locator("#recent tbody tr.void")).to_have_count(1)
    expect(phone.locator("#recent tbody tr").nth(1).locator("summary")).to_have_text("Huỷ phiếu này")
    phone.locator("#recent tbody tr").nth(1).locator("summary").click()
    phone.locator("#recent").scroll_into_view_if_needed()
    shot(phone, "paper-void-390")

    page.goto(base)
    page.click("text=Kết thúc lần bầu thứ 1")
    expect(page).to_have_url(f"{base}/result")
    expect(page.locator(".result-table")).to_contain_text("4/6")
    page.goto(f"{base}/rounds/1/log")
    expect(page.locator("body")).to_contain_text("và 1 phiếu đã huỷ")
    expect(page.locator("body")).to_contain_text("Bấm Enter hai lần ở tờ cuối")
    shot(page, "paper-void-log-1366")
    with live_server.ctx():
        from election_app.elections import services as el
        result = el.round_result(db.session, el.get_election(db.session, eid))
        assert (result["issued"], result["returned"], result["valid"]) == (6, 6, 6)
        assert [c["votes"] for c in result["candidates"]] == [5, 4, 3]
