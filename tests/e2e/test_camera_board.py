"""The board counts a stack of 20 paper ballots by camera (issue 18): 20 photos made from
the round's REAL ballot PDF are uploaded at once; each reading is checked on screen, every
unsure row decided by a button, Enter accepts, and one reading is corrected by typing (the
board sees a distinguishing mark: key «r»). A keyboard team enters the same stack; the
comparison page shows the two teams agree and the round is closed."""
from __future__ import annotations

import random

from playwright.sync_api import expect

from election_app.db import db
from tests import omr_synth
from tests.e2e.conftest import ui_login

CANDIDATES = ["Nguyễn Thị Thu Hà", "Trần Văn Hùng", "Lê Thị Minh Phương", "Phạm Thị Hồng Nhung", "Hoàng Thị Lan"]
CORRECTED = 7          # the board adds «r» (distinguishing mark) to this ballot


def _setup(live_server):
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.documents import services as doc_services
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
        election, _ = el.create_election(s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                         body="executive_committee", seats=3, entry_teams=2,
                                         candidates=[{"delegate_id": d.id} for d in people[:5]])
        el.open_round(s, election=election)
        el.issue_paper(s, election=election, delegate_ids=[d.id for d in people])
        s.commit()
        data = doc_services.ballot_data(s, election=election, round_number=1)
        ballot = omr_synth.printed_ballot(live_server.app, data, election.id)
        return congress.id, election.id, ballot


def _typed(truth: dict) -> str:
    struck = [str(n) for n, v in sorted(truth.items()) if v == "struck"]
    if not struck:
        return "+"
    return "*" if len(struck) == len(truth) else " ".join(struck)


def test_board_counts_twenty_photos_then_compares_with_a_keyboard_team(page, live_server, staff, shot):
    cid, eid, ballot = _setup(live_server)
    base = f"{live_server.url}/congresses/{cid}/elections/{eid}"
    rng = random.Random(2026)
    photos, readings = [], []
    distortions = ("clean", "perspective", "rotation", "shadow", "uneven_light", "jpeg", "combined", "blur")
    while len(photos) < 20:
        pages, truth, _kinds = omr_synth.photograph(ballot, rng, distortions[len(photos) % 8],
                                                    p_struck=rng.choice((0.2, 0.4, 0.6)))
        typed = _typed(truth)
        if typed == "*" or len([v for v in truth.values() if v == "kept"]) > 3:
            continue              # keep the stack valid (at most 3 kept of 5) so that it adds up simply
        photos.append(pages[0])
        readings.append(typed + (" r" if len(photos) == CORRECTED else ""))

    user, pw = staff("board")
    page.set_viewport_size({"width": 1366, "height": 900})
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{base}/camera?team=2")
    page.set_input_files("#photos", [{"name": f"phieu-{i + 1:02d}.jpg", "mimeType": "image/jpeg", "buffer": p}
                                     for i, p in enumerate(photos)])
    # The server reads the 20 photos before it answers (a few seconds here, more on a busy machine)
    with page.expect_navigation(timeout=120_000):
        page.click("#camera-form button[type=submit]")
    expect(page.locator(".reading-card")).to_have_count(20, timeout=120_000)
    expect(page.locator(".read-error")).to_have_count(0)
    shot(page, "camera-readings-1366")

    cards = page.locator(".reading-card")
    for i, want in enumerate(readings):
        card = cards.nth(i)
        want_struck = set(want.replace("r", "").split()) - {"+"}
        for li in card.locator("li.unsure").all():
            n = li.get_attribute("data-n")
            li.locator("button", has_text="Bị gạch" if n in want_struck else "Không gạch").click()
        box = card.locator(".cam-reading")
        expect(box).to_be_focused()
        proposal = box.input_value()
        if proposal.strip() != want:
            box.fill(want)                                  # the board types the correction
        box.press("Enter")
        expect(card).to_have_class("card reading-card done")
    expect(page.locator(".reading-card.done")).to_have_count(20)
    shot(page, "camera-accepted-1366")

    # a keyboard team enters the same stack
    page.goto(f"{base}/entry?team=1")
    expect(page.locator("#reading")).to_be_focused()     # autofocus lands after the first paint
    for number, typed in enumerate(readings, start=1):
        expect(page.locator("#next-number")).to_have_text(str(number))
        page.keyboard.type(typed.replace(" r", "r"))
        page.keyboard.press("Enter")
        expect(page.locator("#next-number")).to_have_text(str(number + 1))

    page.goto(f"{base}/compare")
    expect(page.locator("text=giống hệt nhau")).to_be_visible()
    page.goto(base)
    page.click("text=Kết thúc lần bầu thứ 1")
    expect(page).to_have_url(f"{base}/result")
    shot(page, "camera-result-1366")
    with live_server.ctx():
        from election_app.elections import services as el
        election = el.get_election(db.session, eid)
        result = el.round_result(db.session, election)
        assert (result["returned"], result["invalid"]) == (20, 1)
        r = el.latest_closed_round(db.session, election)
        assert len(el.paper_entries(db.session, r, 2)) == 20
