"""The delegate's phone page follows the hall by itself (issue 13 §4), on a 390×844 phone:
the page is open with no round; the board opens the round through the API (another
client); the ballot shows within 2 s with no reload; the voter strikes a name, the
presidium moves the agenda on, the strike stays and "Đang diễn ra" follows; the board
closes the round; the ballot goes within 2 s. Screenshots test-artifacts/screenshots/
phone-live-*.png (look at them)."""
from __future__ import annotations

import time

import pytest

from election_app.db import db

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
         "Vũ Thị Hoa", "Đặng Văn Giang"]


def _setup(live_server) -> dict:
    from election_app.agenda import services as agenda
    from election_app.auth.services import create_user
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting import services as voting
    from election_app.voting.tokens import link_url
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
                                            "organization": "Công đoàn cơ sở Trường THCS Thành Công",
                                            "term": "2023–2028", "kind": "delegates"})
        made = add_delegates(s, congress=congress, rows=[{"full_name": n, "birth_year": 1975 + i}
                                                         for i, n in enumerate(NAMES)])
        for d in made:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        agenda.create_agenda_from_template(s, congress=congress)
        items = agenda.list_items(s, congress.id)
        congress.current_agenda_item_id = items[1].id
        election, _ = elections.create_election(s, congress=congress, title="Bầu Ban Chấp hành khóa XI",
                                                body="executive_committee", seats=2,
                                                candidates=[{"delegate_id": d.id} for d in made[:4]])
        token = voting.issue_voting_link(s, delegate=made[5])
        create_user(s, username="bbc_live", password="matkhau123", role="board", congress_ids=[congress.id])
        s.commit()
        return {"cid": congress.id, "eid": election.id, "url": link_url(live_server.url, token),
                "items": [(i.id, i.title) for i in items]}


def _wait(page, predicate, limit: float = 4.0) -> float:
    """Seconds until ``predicate()`` holds (polled every 50 ms), or fail after ``limit``."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > limit:
            raise AssertionError("the page did not follow within %.1f s" % limit)
        page.wait_for_timeout(50)
    return time.monotonic() - start


def test_phone_page_shows_a_round_opening_and_closing_by_itself(browser, live_server, shot):
    data = _setup(live_server)
    live_server.app.config["PHONE_LIVE_TTL"] = 0.3
    staff = browser.new_context().request
    token = staff.post(f"{live_server.url}/api/v1/auth/token",
                       data={"username": "bbc_live", "password": "matkhau123"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}

    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    loads = []
    page.on("load", lambda _: loads.append(1))
    page.goto(data["url"])
    assert page.get_by_text("Hiện chưa có cuộc bỏ phiếu nào đang mở").is_visible()
    assert page.get_by_text("phiếu bầu sẽ tự hiện trên trang này").is_visible()
    assert not page.get_by_role("button", name="Tải lại").is_visible()
    assert page.locator(".pa-now-title").inner_text() == data["items"][1][1]
    shot(page, "phone-live-1-waiting-390")

    # The board opens the round from another client: the ballot comes by itself.
    opened = staff.post(f"{live_server.url}/api/v1/elections/{data['eid']}/open", headers=auth)
    assert opened.status == 200, opened.text()
    took_open = _wait(page, lambda: page.locator("form.ballot").count() == 1)
    assert took_open < 2.0, took_open
    assert page.locator(".cand-name").count() == 4
    shot(page, "phone-live-2-round-opened-390")

    # The voter strikes a name; the presidium moves on: the strike stays, the item follows.
    page.locator(".cand").nth(0).click()
    with live_server.ctx():
        from election_app.congress.models import Congress
        db.session.get(Congress, data["cid"]).current_agenda_item_id = data["items"][2][0]
        db.session.commit()
    _wait(page, lambda: page.locator(".pa-now-title").inner_text() == data["items"][2][1])
    assert not page.locator(".cand input").nth(0).is_checked()
    assert page.locator(".kept-n").inner_text() == "3"
    shot(page, "phone-live-3-item-moved-strike-kept-390")

    # The board closes the round: the ballot goes by itself.
    closed = staff.post(f"{live_server.url}/api/v1/elections/{data['eid']}/close", headers=auth)
    assert closed.status == 200, closed.text()
    took_close = _wait(page, lambda: page.locator("form.ballot").count() == 0)
    assert took_close < 2.0, took_close
    assert page.get_by_text("Hiện chưa có cuộc bỏ phiếu nào đang mở").is_visible()
    shot(page, "phone-live-4-round-closed-390")
    assert len(loads) == 1            # never reloaded
    print(f"\nround opened → ballot on the phone in {took_open:.2f} s; closed → gone in {took_close:.2f} s")
    ctx.close()


def test_phone_page_says_so_when_the_server_is_out_of_reach(browser, live_server, shot):
    data = _setup(live_server)
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(data["url"])
    assert page.locator(".pa-now").is_visible()
    ctx.set_offline(True)
    _wait(page, lambda: page.locator("body.stale").count() == 1, limit=6)
    assert not page.locator(".pa-now").is_visible()       # no stale "Đang diễn ra"
    assert page.get_by_text("Mất kết nối với máy chủ").is_visible()
    shot(page, "phone-live-5-offline-390")
    ctx.set_offline(False)
    _wait(page, lambda: page.locator("body.stale").count() == 0, limit=4)
    assert page.locator(".pa-now").is_visible() and page.get_by_text("Mất kết nối").count() == 0
    ctx.close()


def test_a_review_under_way_follows_the_round_closing(browser, live_server, shot):
    """A voter reviewing the ballot when the board closes the round: the review gives way to
    the page as it now is (no ballot), by itself; while the round stays open, nothing moves."""
    data = _setup(live_server)
    live_server.app.config["PHONE_LIVE_TTL"] = 0.3
    with live_server.ctx():
        from election_app.elections import services as elections
        from election_app.elections.models import Election
        elections.open_round(db.session, election=db.session.get(Election, data["eid"]))
        db.session.commit()
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(data["url"])
    page.locator(".cand").nth(0).click()
    page.locator(".cand").nth(1).click()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Xác nhận bỏ phiếu").is_visible()
    with live_server.ctx():
        from election_app.congress.models import Congress
        db.session.get(Congress, data["cid"]).current_agenda_item_id = data["items"][3][0]
        db.session.commit()
    page.wait_for_timeout(2500)                    # the version changed, the round is still open
    assert page.get_by_role("button", name="Xác nhận bỏ phiếu").is_visible()
    with live_server.ctx():
        from election_app.elections import services as elections
        from election_app.elections.models import Election
        elections.close_round(db.session, election=db.session.get(Election, data["eid"]))
        db.session.commit()
    took = _wait(page, lambda: page.get_by_role("button", name="Xác nhận bỏ phiếu").count() == 0)
    assert took < 2.0, took
    assert page.get_by_text("Hiện chưa có cuộc bỏ phiếu nào đang mở").is_visible()
    assert not page.get_by_role("button", name="Tải lại").is_visible()     # it follows by itself
    shot(page, "phone-live-6-review-then-closed-390")
    ctx.close()
