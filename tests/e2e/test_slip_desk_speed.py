"""The slip desk, timed (issue 13 §6) on a 1366×768 laptop: ten voters struck off by typing
the card number and Enter — one step, the box empty and focused again — then a second slip
for the same delegate refused at the desk. Prints the time and the keystrokes per voter;
screenshots test-artifacts/screenshots/desk-*.png."""
from __future__ import annotations

import statistics
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from election_app.db import db
from tests.e2e.conftest import ui_login

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def _setup(live_server) -> dict:
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting import services as voting
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở thử bàn phát phiếu",
                                            "organization": "Công đoàn cơ sở thử", "term": "2023–2028",
                                            "kind": "delegates"})
        family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"]
        given = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Khoa"]
        made = add_delegates(s, congress=congress, rows=[
            {"full_name": f"{family[i % 5]} Văn {given[i // 5]}", "birth_year": 1970 + i} for i in range(40)])
        for d in made:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = elections.create_election(s, congress=congress, title="Bầu Ban Chấp hành",
                                                body="executive_committee", seats=3,
                                                candidates=[{"delegate_id": d.id} for d in made[:5]])
        elections.open_round(s, election=election)
        voting.generate_slips(s, round=elections.current_round(s, election), count=40)
        s.commit()
        return {"cid": congress.id, "eid": election.id, "codes": [d.code for d in made]}


def _struck(live_server) -> int:
    from election_app.elections.models import RoundParticipation
    with live_server.ctx():
        return db.session.scalar(select(func.count()).select_from(RoundParticipation)
                                 .where(RoundParticipation.method == "slip"))


def test_desk_strikes_off_in_one_step(browser, live_server, staff, shot):
    data = _setup(live_server)
    user, pw = staff("board")
    page = browser.new_page(viewport=LAPTOP)
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/congresses/{data['cid']}/elections/{data['eid']}/desk")
    box = page.locator('form.desk-strike input[name="q"]')
    times, keys = [], []
    for code in data["codes"][10:20]:
        expect(box).to_be_focused()     # focused by the page itself, nothing to click
        start = time.monotonic()
        page.keyboard.type(code)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        times.append(time.monotonic() - start)
        keys.append(len(code) + 1)
        assert page.locator(".flash-success").count() == 1
    assert _struck(live_server) == 10
    shot(page, "desk-1-after-ten-1366")
    # a second slip for the same delegate: refused at the desk, before any slip is drawn
    expect(box).to_be_focused()
    page.keyboard.type(data["codes"][10])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "KHÔNG phát phiếu" in page.locator(".flash-error").inner_text()
    assert _struck(live_server) == 10
    shot(page, "desk-2-second-slip-refused-1366")
    print(f"\nslip desk, after: median {statistics.median(times):.2f} s per voter, "
          f"{statistics.mean(keys):.0f} keystrokes (card number + Enter), 0 clicks")
