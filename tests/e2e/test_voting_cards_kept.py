"""Delegate cards with personal voting QRs as a kept document (issue 13 §5), on a 1366×768
laptop: made from the documents page, downloaded as an attachment, the job page reloaded
and the file downloaded again; cards made again keep the links handed out (a link
printed first still opens the ballot page). Screenshots test-artifacts/screenshots/
cards-kept-*.png."""
from __future__ import annotations

import pytest

from election_app.db import db
from tests.e2e.conftest import ui_login

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def _setup(live_server) -> int:
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, decide_credentials
    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở thử thẻ",
                                            "organization": "Công đoàn cơ sở thử", "term": "2023–2028",
                                            "kind": "delegates"})
        for d in add_delegates(s, congress=congress, rows=[{"full_name": n, "birth_year": 1980}
                                                           for n in ("Nguyễn Văn An", "Trần Thị Bình")]):
            decide_credentials(s, delegate=d, status="accepted")
        s.commit()
        return congress.id


def _hashes(live_server, cid):
    import sqlalchemy as sa

    from election_app.delegates.models import Delegate
    with live_server.ctx():
        return dict(db.session.execute(sa.select(Delegate.id, Delegate.voting_token_hash)
                                       .where(Delegate.congress_id == cid)).all())


def _make_cards(page, base, cid):
    page.goto(f"{base}/congresses/{cid}/documents")
    row = page.locator("li.doc-row", has_text="Thẻ đại biểu")
    row.locator('input[name="voting_links"]').check()
    row.get_by_role("button", name="Tạo thẻ").click()
    page.wait_for_url("**/documents/jobs/**")
    page.locator('[data-k="download"]').wait_for(state="visible")


def test_voting_cards_download_again_and_keep_the_links(browser, live_server, staff, shot):
    cid = _setup(live_server)
    live_server.app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"   # the hall's address on the QRs
    user, pw = staff("organizer")
    page = browser.new_page(viewport=LAPTOP, accept_downloads=True)
    ui_login(page, live_server.url, user, pw)
    _make_cards(page, live_server.url, cid)
    first = _hashes(live_server, cid)
    assert all(first.values())
    with page.expect_download() as dl:
        page.locator('[data-k="download"]').click()
    assert dl.value.suggested_filename == "the-dai-bieu.pdf"
    page.reload()                                   # a refresh no longer loses the file
    assert page.locator('[data-k="download"]').is_visible()
    shot(page, "cards-kept-1-job-page-after-reload-1366")
    with page.expect_download() as dl2:
        page.locator('[data-k="download"]').click()
    from pathlib import Path
    assert Path(dl2.value.path()).read_bytes() == Path(dl.value.path()).read_bytes()
    # cards made again: the links handed out stay valid
    _make_cards(page, live_server.url, cid)
    assert _hashes(live_server, cid) == first
    page.goto(f"{live_server.url}/congresses/{cid}/documents")
    assert page.locator("a", has_text="Thẻ có mã QR bỏ phiếu").count() == 2
    page.locator("details.reissue summary").click()
    shot(page, "cards-kept-2-documents-page-1366")
