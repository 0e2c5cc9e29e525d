"""Voting on a phone (390×844) in Chromium: open the personal link, strike two names, be
prevented from keeping too many, review, confirm, read the receipt, be refused a second
ballot; the same without JavaScript; and an anonymous slip."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from election_app.db import db

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ballot(live_server):
    """A congress with 9 delegates checked in, an election (2 seats, 4 names) with round 1
    open, and personal links for every delegate. Returns (eid, [link urls], [names])."""
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting import services as voting
    from election_app.voting.tokens import link_url
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
             "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa"]
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
                                            "organization": "Công đoàn cơ sở Trường THCS Thành Công",
                                            "term": "2023–2028", "kind": "delegates"})
        made = add_delegates(s, congress=congress, rows=[
            {"full_name": n, "birth_year": 1975 + i, "position": "Giáo viên", "unit": "Tổ Toán – Tin"}
            for i, n in enumerate(names)])
        for d in made:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = elections.create_election(s, congress=congress, title="Bầu Ban Chấp hành khóa XI",
                                                body="executive_committee", seats=2,
                                                candidates=[{"delegate_id": d.id} for d in made[:4]])
        elections.open_round(s, election=election)
        tokens = voting.issue_voting_links(s, congress=congress, delegate_ids=[d.id for d in made])
        s.commit()
        return election.id, [link_url(live_server.url, tokens[d.id]) for d in made], names[:4]


def _struck(page, n: int) -> bool:
    style = page.locator(".cand-name").nth(n).evaluate("e => getComputedStyle(e).textDecorationLine")
    return "line-through" in style


def test_phone_vote_with_js(page, browser, live_server, ballot, shot):
    eid, links, names = ballot
    page.set_viewport_size(PHONE)
    page.goto(links[5])
    assert page.locator("h2", has_text="Bầu Ban Chấp hành khóa XI").is_visible()
    counter = page.locator(".counter")
    assert re.sub(r"\s+", " ", counter.inner_text()).startswith("Giữ lại 4 / tối đa 2")
    submit = page.locator("form.ballot button[type=submit]")
    assert submit.is_disabled()                     # 4 kept of 2 seats: must strike first
    shot(page, "vote-01-ballot-390")

    # large touch targets
    box = page.locator("label.cand").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300

    # a second phone tab of the same delegate, opened before casting (used below)
    other = browser.new_page(viewport=PHONE)
    other.goto(links[5])

    page.locator("label.cand", has_text=names[2]).click()
    page.locator("label.cand", has_text=names[3]).click()
    assert _struck(page, 2) and _struck(page, 3) and not _struck(page, 0)
    assert "Giữ lại 2 / tối đa 2" in re.sub(r"\s+", " ", counter.inner_text())
    assert submit.is_enabled()
    shot(page, "vote-02-two-struck-390")

    # keeping a third name is prevented
    page.locator("label.cand", has_text=names[2]).click()
    assert _struck(page, 2)
    assert not page.locator('input[name="kept"]').nth(2).is_checked()
    assert "tối đa 2" in page.locator(".counter-msg").inner_text()
    shot(page, "vote-03-too-many-prevented-390")

    submit.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Bầu Ban Chấp hành khóa XI"
    assert page.locator("li.struck").count() == 2 and page.locator("li.kept").count() == 2
    shot(page, "vote-04-review-390")
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    code = page.locator(".receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert page.locator(".status-done").inner_text() == "Đã bỏ phiếu"
    shot(page, "vote-05-receipt-390")

    # again: reopening the link shows the status, no ballot
    page.goto(links[5])
    assert page.locator("form.ballot").count() == 0
    assert page.locator(".status-done").inner_text() == "Đã bỏ phiếu"
    # the receipt is shown again (derived from the link, not stored): a lost answer costs nothing
    assert page.locator(".receipt-code").inner_text() == code
    # again: the tab opened earlier tries to vote and is refused
    other.locator("label.cand", has_text=names[0]).click()
    other.locator("label.cand", has_text=names[1]).click()
    other.locator("form.ballot button[type=submit]").click()
    other.wait_for_load_state()
    assert other.get_by_role("button", name="Xác nhận bỏ phiếu").count() == 0
    assert "Mỗi đại biểu chỉ được bỏ một phiếu" in other.locator(".box-error").inner_text()
    shot(other, "vote-06-second-ballot-refused-390")
    other.close()
    # and the API says 409
    resp = page.request.post(f"{live_server.url}/api/v1/vote/{links[5].rsplit('/v/', 1)[1]}/elections/{eid}",
                             data={"kept": []})
    assert resp.status == 409


def test_phone_vote_without_js(browser, live_server, ballot, shot):
    eid, links, names = ballot
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(links[6])
    boxes = page.locator('input[name="kept"]')
    assert boxes.count() == 4 and boxes.first.is_visible()      # plain "giữ lại" checkboxes
    shot(page, "vote-nojs-01-ballot-390")
    # keep 3 of 2: the server refuses and shows the ballot again with an error
    boxes.nth(3).uncheck()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_load_state()
    assert "tối đa 2" in page.locator(".box-error").inner_text()
    assert page.locator('input[name="kept"]:checked').count() == 3
    assert _struck(page, 3)                                       # CSS strikes without JS
    shot(page, "vote-nojs-02-too-many-390")
    page.locator('input[name="kept"]').nth(2).uncheck()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.locator(".receipt-code").inner_text())
    shot(page, "vote-nojs-03-receipt-390")
    # all struck: warned, confirmed, accepted as invalid
    page.goto(links[7])
    for i in range(4):
        page.locator('input[name="kept"]').nth(i).uncheck()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_load_state()
    assert "KHÔNG HỢP LỆ" in page.locator(".box-warn").inner_text()
    shot(page, "vote-nojs-04-all-struck-warning-390")
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    assert "xác nhận" in page.locator(".box-error").inner_text()
    page.locator('input[name="confirm_invalid"]').check()
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    assert page.locator(".receipt-code").count() == 1
    context.close()


def test_slip_vote_on_phone(page, live_server, ballot, staff, shot):
    """The board prints slips and strikes a delegate off at the desk (staff pages); the
    delegate votes with the slip drawn."""
    from tests.e2e.conftest import ui_login
    eid, links, names = ballot
    user, pw = staff("board")
    ui_login(page, live_server.url, user, pw)
    with live_server.ctx():
        from election_app.elections.models import Election
        cid = db.session.get(Election, eid).congress_id
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"
    page.goto(f"{base}/slips")
    page.fill("#count", "4")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    slip_urls = [u.strip() for u in page.locator(".url").all_inner_texts()]
    assert len(slip_urls) == 4
    shot(page, "slips-print-a4")
    page.goto(f"{base}/desk")
    expect(page.locator('form.desk-strike input[name="q"]')).to_be_focused()
    page.keyboard.type("Khoa")                  # the box is focused; one match: Enter strikes off
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đã gạch tên Đỗ Văn Khoa" in page.locator(".flash-success").inner_text()
    shot(page, "slips-desk")

    page.set_viewport_size(PHONE)
    page.goto(slip_urls[1])
    assert "ẩn danh" in page.locator(".who").inner_text()
    page.locator("label.cand", has_text=names[1]).click()
    page.locator("label.cand", has_text=names[2]).click()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    assert page.locator(".receipt-code").count() == 1
    assert "Phiếu QR này đã được sử dụng" in page.content()
    shot(page, "slips-vote-receipt-390")
