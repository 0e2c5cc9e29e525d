"""Comments on drafts in the browser (issue 16.8): a delegate opens the comments page from
the ballot page on a phone and sends a comment; the secretary groups the comments on a
laptop and on a phone. Screenshots of both."""
from __future__ import annotations

from tests.e2e.conftest import ui_login


def test_delegate_comments_and_secretary_groups(page, browser, live_server, staff, shot):
    from election_app.agenda.services import add_item
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, decide_credentials
    from election_app.voting import services as voting

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                            "term": "2025–2030", "kind": "all_members", "date": "2026-12-12"})
        people = add_delegates(s, congress=congress, rows=[{"full_name": "Nguyễn Thị Thu Hà"},
                                                          {"full_name": "Trần Văn Bảo"}])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        item = add_item(s, congress=congress, data={"title": "Góp ý dự thảo Điều lệ Công đoàn Việt Nam (sửa đổi)",
                                                    "section": "B", "kind": "comments"})
        token = voting.issue_voting_link(s, delegate=people[0], secret=live_server.app.config["SECRET_KEY"])
        s.commit()
        cid, iid = congress.id, item.id

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/v/{token}")
    phone.click("[data-testid=comments-link]")
    phone.wait_for_load_state()
    assert phone.url.endswith("/gop-y")
    phone.fill(f"#text{iid}", "Đề nghị quy định rõ mức đoàn phí với người lao động không có quan hệ lao động.")
    phone.click(f"#c{iid} button[type=submit]")
    phone.wait_for_load_state()
    assert "Đã gửi góp ý" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "comments-phone-390")
    phone.close()

    user, password = staff("secretary")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        ui_login(page, live_server.url, user, password) if width == 1366 else None
        page.goto(f"{live_server.url}/congresses/{cid}/agenda")
        page.click(f"#i{iid} [data-testid=comments-group-link]")
        page.wait_for_load_state()
        page.fill("input[name^=topic_]", "Đoàn phí")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "Đoàn phí (1)" in page.locator("[data-testid=comments-summary]").inner_text()
        shot(page, f"comments-secretary-{width}")
