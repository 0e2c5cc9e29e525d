"""Issue 13, points 10 and 11 in a browser: a board types a spoiled ballot in its own words
beside the defect keys (the confirmation is a warning, not a green box), two teams disagree
on two ballots and the close refusal names both. Screenshots at 390×844 and 1366×768."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from election_app.db import db
from tests.e2e.conftest import ui_login

CANDIDATES = ["Nguyễn Thị Thu Hà", "Trần Văn Hùng", "Lê Thị Minh Phương", "Phạm Thị Hồng Nhung"]
TORN = "rách làm đôi"


def _setup(live_server):
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as el
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV",
                                            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                            "term": "2023–2028", "kind": "all_members"})
        people = add_delegates(s, congress=congress, rows=[{"full_name": n} for n in CANDIDATES + [
            "Đoàn Viên An", "Đoàn Viên Bảo", "Đoàn Viên Cúc", "Đoàn Viên Dũng"]])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                         body="executive_committee", seats=2, entry_teams=2,
                                         candidates=[{"delegate_id": d.id} for d in people[:4]])
        r = el.open_round(s, election=election)
        ids = [c.id for _, c in el.round_candidates(s, r)]
        el.set_paper_issued(s, election=election, issued=5)
        # team 2 has already typed the stack; it reads ballots 2 and 4 differently from team 1
        for kept in ([ids[0], ids[1]], [ids[0], ids[2]], [ids[1], ids[2]], [ids[0], ids[1]]):
            el.enter_paper_ballot(s, round=r, team=2, kept=kept)
        el.enter_paper_ballot(s, round=r, team=2, kept=ids[:3], defect=TORN)
        s.commit()
        return congress.id, election.id


def test_own_words_warning_and_close_refusal_naming_both(page, browser, live_server, staff, shot):
    cid, eid = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"
    user, pw = staff("board")
    page.set_viewport_size({"width": 1366, "height": 768})
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{base}/entry?team=1")
    box = page.locator("#reading")
    expect(box).to_be_focused()
    for number, typed in enumerate(["3 4", "1 3", "1 4", "1 2"], start=1):   # 2 and 4 differ from team 2
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(page.locator("#next-number")).to_have_text(str(number + 1))
    expect(page.locator("#entry-status")).to_have_class(re.compile(r"\bsuccess\b"))
    # ballot 5: torn in two: the board writes its own words beside the keys, Enter
    page.keyboard.type("4")
    page.fill("#defect-text", TORN)
    expect(page.locator("#preview")).to_contain_text(f"Không hợp lệ: «{TORN}»")
    page.locator("#defect-text").press("Enter")
    status = page.locator("#entry-status")
    expect(status).to_contain_text("Phiếu số 5 đã ghi là KHÔNG HỢP LỆ")
    expect(status).to_contain_text(TORN)
    expect(status).to_have_class(re.compile(r"\bwarning\b"))                  # not the green box
    assert "success" not in (status.get_attribute("class") or "")
    expect(page.locator("#recent tbody tr").first).to_contain_text(f"4 «{TORN}»")
    expect(page.locator("#defect-text")).to_have_value("")
    shot(page, "board-words-entry-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#defect-text").scroll_into_view_if_needed()
    shot(page, "board-words-entry-390")

    # close: refused, naming both mismatched ballots in the one sentence
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(base)
    page.get_by_role("button", name=re.compile("Kết thúc lần bầu thứ 1")).click()
    first = page.locator(".flash-error").first
    expect(first).to_contain_text("chưa khớp nhau ở 2 phiếu (phiếu số 2, 4)")
    expect(page.locator(".flash-error")).to_have_count(3)
    shot(page, "board-close-refusal-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()   # the flash is gone after a reload: close again at phone width
    page.get_by_role("button", name=re.compile("Kết thúc lần bầu thứ 1")).click()
    expect(page.locator(".flash-error").first).to_contain_text("phiếu số 2, 4")
    shot(page, "board-close-refusal-390")
