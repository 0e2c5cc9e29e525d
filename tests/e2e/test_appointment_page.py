"""The appointment item in the browser (issue 16.5): from the programme the organizer opens
the item's "Quyết định chỉ định" page, types the decision and the people one a line, and
the programme shows the decision's number. Screenshots on a phone and on a laptop."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import ui_login


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_record_an_appointment(page, live_server, staff, shot, size):
    from election_app.agenda.services import add_item
    from election_app.congress.services import create_congress
    from election_app.db import db

    with live_server.ctx():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn cơ sở Công ty Môi trường Đông Hà", "organization": "Công đoàn cơ sở Công ty Môi trường Đông Hà",
            "parent_organization": "Liên đoàn Lao động tỉnh Quảng Trị", "term": "2025–2030", "kind": "all_members",
            "date": "2026-12-12"})
        item = add_item(s, congress=congress, data={"title": "Công bố quyết định chỉ định Ban Chấp hành",
                                                    "section": "C", "kind": "appointment"})
        s.commit()
        cid, iid = congress.id, item.id
    page.set_viewport_size({"width": size[0], "height": size[1]})
    user, password = staff("organizer")
    ui_login(page, live_server.url, user, password)
    page.goto(f"{live_server.url}/congresses/{cid}/agenda")
    page.click(f"#i{iid} [data-testid=appointment-link]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/agenda/{iid}/appointment")
    assert page.locator("#issuer").input_value() == "Liên đoàn Lao động tỉnh Quảng Trị"
    page.fill("#decision_number", "1234/QĐ-LĐLĐ")
    page.fill("#decision_date", "2026-11-20")
    page.fill("#people", "Nguyễn Quốc Lâm; Giám đốc\nTrần Thị Hằng; Kế toán; Phòng Tài vụ\nLê Văn Sơn")
    shot(page, f"appointment-form-{size[0]}")
    page.click("main form button[type=submit] >> text=Lưu quyết định")
    page.wait_for_load_state()
    summary = page.locator("[data-testid=appointment-summary]").inner_text()
    assert "1234/QĐ-LĐLĐ" in summary and "20/11/2026" in summary and "Trần Thị Hằng" in summary
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    shot(page, f"appointment-saved-{size[0]}")
    page.goto(f"{live_server.url}/congresses/{cid}/agenda")
    assert "1234/QĐ-LĐLĐ" in page.locator(f"#i{iid}").inner_text()
    shot(page, f"appointment-programme-{size[0]}")
