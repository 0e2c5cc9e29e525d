"""Running the congress live in real browsers: the presidium moves through the programme
on the run-sheet while the hall display (another browser, no login) follows by itself,
without a reload; screenshots of the display (1920×1080) and of the agenda on a
delegate's phone (390×844)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from election_app.agenda import display, services
from election_app.db import db
from tests.e2e.conftest import ui_login

pytestmark = pytest.mark.e2e

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
         "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa"]


def _setup(live_server) -> dict:
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.voting.services import issue_voting_link

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn cơ sở Trường THCS Thành Công", "term": "2023–2028",
            "kind": "delegates", "date": "2026-12-12"})
        people = add_delegates(s, congress=congress, rows=[{"full_name": n, "birth_year": 1980 + i}
                                                           for i, n in enumerate(NAMES)])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        for d in people[:8]:
            check_in(s, delegate=d)
        services.create_agenda_from_template(s, congress=congress)
        services.upload_file(s, congress=congress, title="Dự thảo Báo cáo chính trị", filename="bao-cao.pdf",
                             content=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        token = display.issue_display_token(s, congress=congress, secret=live_server.app.config["SECRET_KEY"])
        voter = issue_voting_link(s, delegate=people[0])
        s.commit()
        items = [(i.id, i.title, i.code) for i in services.list_items(s, congress.id)]
        return {"cid": congress.id, "token": token, "items": items, "voter": voter,
                "delegates": [d.id for d in people]}


def _open_an_election(live_server, data) -> int:
    """The board opens round 1 of a BCH election (3 seats, 5 candidates) and hands out
    paper ballots to 6 delegates."""
    from election_app.elections import services as elections
    from election_app.congress.models import Congress

    with live_server.ctx():
        s = db.session
        congress = s.get(Congress, data["cid"])
        election, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028", body="executive_committee",
            seats=3, candidates=[{"delegate_id": d} for d in data["delegates"][:5]])
        services.link_standard_items(s, congress=congress)
        elections.open_round(s, election=election)
        elections.issue_paper(s, election=election, delegate_ids=data["delegates"][:6])
        s.commit()
        return election.id


def _count_and_close(live_server, data, eid) -> None:
    from election_app.elections import services as elections
    from election_app.elections.models import Election

    with live_server.ctx():
        s = db.session
        election = s.get(Election, eid)
        elections.issue_paper(s, election=election, delegate_ids=data["delegates"][6:8])
        rnd = elections.current_round(s, election)
        a, b, c, d, e = [c.id for c in elections.list_candidates(s, election)]
        for kept in ([a, b, c], [a, b, c], [a, b, c], [a, b, d], [a, c, e], [b, c, d], [a, b], []):
            elections.enter_paper_ballot(s, round=rnd, kept=kept)
        elections.close_round(s, election=election)
        s.commit()


def test_display_follows_the_presidium(page, browser, live_server, staff, shot):
    data = _setup(live_server)
    user, pw = staff("admin")
    titles = [t for _, t, _ in data["items"]]

    # the hall display: another browser context, no login
    hall_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    hall = hall_ctx.new_page()
    hall.goto(f"{live_server.url}/display/{data['token']}")
    expect(hall.locator(".hall-title")).to_have_text("Chưa bắt đầu hoặc đang nghỉ")
    expect(hall.locator(".hall-q-num")).to_have_text("8/9")
    hall.evaluate("window.__noReload = 'still-here'")

    # the presidium's run-sheet
    page.set_viewport_size({"width": 1366, "height": 900})
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/congresses/{data['cid']}/run")
    for n in range(3):
        page.locator("form.run-next button").click()
        page.wait_for_load_state()
        expect(page.locator("[data-testid=current-title]")).to_have_text(titles[n])
        # the display follows by itself
        expect(hall.locator(".hall-title")).to_have_text(titles[n], timeout=6000)
        expect(hall.locator(".hall-foot")).to_contain_text(titles[n + 1], timeout=6000)
    assert hall.evaluate("window.__noReload") == "still-here"

    # the third item is a show of hands: record it inline; the display shows the result
    assert data["items"][2][2] == "presidium"
    expect(hall.locator(".hall-panel")).to_contain_text("Đang biểu quyết")
    page.fill("input[name=agree]", "7")
    page.fill("input[name=disagree]", "0")
    page.fill("input[name=other]", "1")
    page.locator("form.hands-form button").click()
    page.wait_for_load_state()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi kết quả biểu quyết")
    expect(hall.locator(".hall-verdict")).to_contain_text("THÔNG QUA", timeout=6000)
    expect(hall.locator(".hall-votes")).to_contain_text("87,50%")
    shot(page, "agenda-runsheet-1366")
    hall.screenshot(path=str(_artifact("agenda-display-motion-1920")))

    # the board opens the BCH round: the display shows the turnout, a number, by itself
    eid = _open_an_election(live_server, data)
    vote_id = next(i for i, _, code in data["items"] if code == "bch_vote")
    page.goto(f"{live_server.url}/congresses/{data['cid']}/run")
    page.locator(f"#r{vote_id} button").click()
    page.wait_for_load_state()
    expect(hall.locator(".hall-voting .hall-big")).to_have_text("6", timeout=6000)
    expect(hall.locator(".hall-voting")).to_contain_text("8 đại biểu có mặt")
    hall.screenshot(path=str(_artifact("agenda-display-voting-1920")))
    # more ballots handed out, counted, closed; the presidium opens the result item
    _count_and_close(live_server, data, eid)
    result_id = next(i for i, _, code in data["items"] if code == "bch_result")
    page.goto(f"{live_server.url}/congresses/{data['cid']}/run")
    page.locator(f"#r{result_id} button").click()
    page.wait_for_load_state()
    expect(hall.locator(".hall-title")).to_have_text(re.compile("Công bố kết quả bầu cử"), timeout=6000)
    expect(hall.locator(".hall-table tr.elected")).to_have_count(3)
    expect(hall.locator(".hall-table tbody tr").first).to_contain_text("Nguyễn Văn An")
    assert hall.evaluate("window.__noReload") == "still-here"
    hall.screenshot(path=str(_artifact("agenda-display-result-1920")))
    hall_ctx.close()


def _artifact(name: str):
    from tests.e2e.conftest import ARTIFACTS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_phone_agenda_on_the_delegate_page(page, live_server, shot):
    data = _setup(live_server)
    with live_server.ctx():
        from election_app.congress.models import Congress
        congress = db.session.get(Congress, data["cid"])
        for _ in range(7):
            services.advance_item(db.session, congress=congress)
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/v/{data['voter']}")
    agenda = page.locator(".phone-agenda")
    expect(agenda.locator(".pa-now-title")).to_have_text(data["items"][6][1])
    expect(agenda.locator(".pa-item.pa-done")).to_have_count(6)
    link = agenda.locator(".pa-files a")
    expect(link).to_have_text("Dự thảo Báo cáo chính trị")
    # nothing overflows the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "agenda-phone-390")
    agenda.locator("summary").click()
    expect(agenda.locator(".pa-item.pa-current")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "agenda-phone-390-open")
    # the document opens by its signed link, without any login
    resp = page.request.get(live_server.url + link.get_attribute("href"))
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"


HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
DEM = ["Thị Thanh", "Văn Minh"]
TEN = ["An", "Bình", "Cường", "Dung", "Đức", "Hoa", "Giang", "Hạnh", "Khoa", "Lan", "Minh", "Nga",
       "Oanh", "Phương", "Quân", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến", "Thảo", "Huyền", "Trang"]


@pytest.mark.parametrize("candidates, seats", [(15, 11), (40, 30)])
def test_a_long_result_fits_the_projector(page, live_server, shot, candidates, seats):
    """A district congress's BCH list: every row of the result stays on the 16:9 screen."""
    import random

    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn Giáo dục quận Ba Đình lần thứ XII, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn Giáo dục quận Ba Đình", "term": "2023–2028", "kind": "delegates"})
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": f"{HO[i % 8]} {DEM[i // 24]} {TEN[i % 24]}", "birth_year": 1965 + i % 40}
            for i in range(48)])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        services.create_agenda_from_template(s, congress=congress)
        election, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành Công đoàn Giáo dục quận nhiệm kỳ 2023–2028",
            body="executive_committee", seats=seats, candidates=[{"delegate_id": d.id} for d in people[:candidates]])
        services.link_standard_items(s, congress=congress)
        rnd = elections.open_round(s, election=election)
        elections.issue_paper(s, election=election, delegate_ids=[d.id for d in people])
        ids = [c.id for c in elections.list_candidates(s, election)]
        pick = random.Random(candidates)
        for _ in people:
            elections.enter_paper_ballot(s, round=rnd, kept=sorted(pick.sample(ids, seats - 1)))
        elections.close_round(s, election=election)
        item = next(i for i in services.list_items(s, congress.id) if i.code == "bch_result")
        services.set_current_item(s, congress=congress, item=item)
        token = display.issue_display_token(s, congress=congress, secret=live_server.app.config["SECRET_KEY"])
        s.commit()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/display/{token}")
    rows = page.locator(".hall-table tbody tr")
    expect(rows).to_have_count(candidates)
    foot_top = page.locator(".hall-foot").bounding_box()["y"]
    for i in range(candidates):
        box = rows.nth(i).bounding_box()
        assert box["y"] + box["height"] <= foot_top, f"row {i + 1} runs under the footer"
        assert box["x"] + box["width"] <= 1920
    page.screenshot(path=str(_artifact(f"agenda-display-result-{candidates}-1920")))
