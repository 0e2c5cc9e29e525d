"""Agree/disagree ballots (phiếu đồng ý / không đồng ý) in Chromium: a delegate votes on a
phone (390×844), choosing Đồng ý / Không đồng ý / Để trống per name, reviews and casts; two
board teams key paper ballots one mark per name (A, K, H, -) with a live preview, disagree
on one ballot, see it on the comparison page, correct it; the round closes and the result
shows agree and disagree per name."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from election_app.db import db
from tests.e2e.conftest import ui_login

PHONE = {"width": 390, "height": 844}
NAMES = ["Nguyễn Thị Thu Hà", "Trần Văn Hùng", "Lê Thị Minh Phương"]
# Paper stack (ballot order: Hà, Hùng, Phương): A agree, K disagree, H both boxes, - blank.
STACK = ["AAA", "AAK", "AKH", "---", "+ d"]
TEAM2_MISREAD = {3: "AK-"}


def _setup(live_server):
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as el
    from election_app.voting import services as voting
    from election_app.voting.tokens import link_url
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV",
                                            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                            "term": "2023–2028", "kind": "all_members"})
        others = [f"Đoàn Viên {w}" for w in ("An", "Bảo", "Cúc", "Dũng", "Giao", "Hiền")]
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": n, "position": "Giáo viên", "unit": "Tổ Toán – Tin"} for n in NAMES + others])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                         body="executive_committee", seats=3, entry_teams=2, ballot_type="yes_no",
                                         candidates=[{"delegate_id": d.id} for d in people[:3]])
        el.open_round(s, election=election)
        el.issue_paper(s, election=election, delegate_ids=[d.id for d in people[:5]])
        tokens = voting.issue_voting_links(s, congress=congress, delegate_ids=[d.id for d in people[5:]])
        s.commit()
        return congress.id, election.id, [link_url(live_server.url, tokens[d.id]) for d in people[5:]]


def _vote(page, link, marks, shot=None, prefix=""):
    page.goto(link)
    for name, mark in zip(NAMES, marks):
        row = page.locator("fieldset.yn", has_text=name)
        if mark:
            row.locator("label.yn-opt", has_text=re.compile("^ *" + mark + " *$")).click()
    if shot:
        shot(page, f"{prefix}-ballot-390")
    page.get_by_role("button", name="Xem lại phiếu trước khi gửi").click()
    page.wait_for_load_state()
    if shot:
        shot(page, f"{prefix}-review-390")
    page.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    page.wait_for_load_state()
    expect(page.locator(".receipt-code").first).to_be_visible()


def test_phone_and_paper_agree_disagree_round(page, browser, live_server, staff, shot):
    cid, eid, links = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"

    # --- a phone, 390×844 -------------------------------------------------------------------
    phone = browser.new_page(viewport=PHONE)
    phone.goto(links[0])
    expect(phone.locator("fieldset.yn")).to_have_count(3)
    # three big choices per name, "Để trống" chosen until the voter taps
    first = phone.locator("fieldset.yn").first
    assert first.locator('input[value=""]').is_checked()
    box = first.locator("label.yn-opt").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 90
    _vote(phone, links[0], ["Đồng ý", "Không đồng ý", ""], shot, "yes-no-vote")
    review = phone   # the receipt page now; the review was screenshotted above
    assert "Đã bỏ phiếu" in review.locator(".status-done").inner_text()
    shot(phone, "yes-no-vote-receipt-390")
    # the review listed each choice in words
    phone.close()
    other = browser.new_page(viewport=PHONE)
    other.goto(links[1])
    for name, mark in zip(NAMES, ["Đồng ý", "Đồng ý", "Không đồng ý"]):
        other.locator("fieldset.yn", has_text=name).locator("label.yn-opt", has_text=re.compile(f"^ *{mark} *$")).click()
    other.get_by_role("button", name="Xem lại phiếu trước khi gửi").click()
    other.wait_for_load_state()
    states = [t.strip() for t in other.locator(".readonly .cand-state").all_inner_texts()]
    assert states == ["Đồng ý", "Đồng ý", "Không đồng ý"]
    other.get_by_role("button", name="Xác nhận bỏ phiếu").click()
    other.wait_for_load_state()
    other.close()

    # --- two board teams key the paper stack ---------------------------------------------------
    t1, pw1 = staff("board")
    t2, pw2 = staff("board")
    page.set_viewport_size({"width": 1366, "height": 768})
    ui_login(page, live_server.url, t1, pw1)
    page.goto(f"{base}/entry?team=1")
    expect(page.locator("#reading")).to_be_focused()
    page.keyboard.type("AKH")
    expect(page.locator('#ballot li[data-n="1"]')).to_have_class(re.compile("m-agree"))
    expect(page.locator('#ballot li[data-n="2"]')).to_have_class(re.compile("m-against"))
    expect(page.locator('#ballot li[data-n="3"]')).to_have_class(re.compile("m-both"))
    expect(page.locator("#preview")).to_contain_text("Hợp lệ: 1 đồng ý, 1 không đồng ý")
    shot(page, "yes-no-entry-typing-1366")
    page.keyboard.press("Escape")
    page.keyboard.type("AK")
    expect(page.locator("#preview")).to_contain_text("gõ đủ 3 dấu")
    page.keyboard.press("Escape")
    for number, typed in enumerate(STACK, start=1):
        expect(page.locator("#next-number")).to_have_text(str(number))
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(page.locator("#next-number")).to_have_text(str(number + 1))
    expect(page.locator('[data-c="entered"]')).to_have_text("5")
    expect(page.locator('[data-c="invalid"]')).to_have_text("1")
    shot(page, "yes-no-entry-team1-1366")

    ctx2 = browser.new_context(viewport=PHONE, locale="vi-VN")
    team2 = ctx2.new_page()
    ui_login(team2, live_server.url, t2, pw2)
    team2.goto(f"{base}/entry?team=2")
    for number, typed in enumerate(STACK, start=1):
        team2.locator("#reading").fill(TEAM2_MISREAD.get(number, typed))
        team2.keyboard.press("Enter")
        expect(team2.locator("#next-number")).to_have_text(str(number + 1))
    shot(team2, "yes-no-entry-team2-390")

    # --- the comparison names ballot 3 with both readings; team 2 corrects it -------------------
    page.goto(f"{base}/compare")
    row = page.locator("tr#n3")
    expect(row).to_contain_text("AKH")
    expect(row).to_contain_text("AK-")
    shot(page, "yes-no-compare-1366")
    fix = row.locator("td").nth(2).locator("form.fix-form")
    fix.locator('input[name="reading"]').fill("AKH")
    fix.locator('input[name="reason"]').fill("đọc lại: tên thứ ba đánh cả hai ô")
    fix.get_by_role("button", name="Sửa").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success", has_text="Đã sửa phiếu số 3 của tổ 2")).to_be_visible()
    expect(page.get_by_text("Các tổ đã nhập giống hệt nhau")).to_be_visible()

    # --- close and read the result --------------------------------------------------------------
    from election_app.elections import services as el
    with live_server.ctx():
        election = el.get_election(db.session, eid)
        el.close_round(db.session, election=election)
        db.session.commit()
        result = el.round_result(db.session, election)
    ids = [c["id"] for c in result["candidates"]]
    got = [(c["votes"], c["against"]) for c in result["candidates"]]
    # paper: AAA, AAK, AKH, ---, (invalid) ; phone: A K -, A A K
    assert got == [(5, 0), (3, 2), (1, 2)], got
    assert result["returned"] == 7 and result["invalid"] == 1
    assert result["elected"] == [ids[0]]
    page.goto(f"{base}/result")
    shot(page, "yes-no-result-1366")
