"""The district dashboard in Chromium (issue 17): an officer of a district union watches its
grassroots congresses of the day and records the recognition of a dossier sent up, on a
laptop and on a phone."""
from __future__ import annotations

import sqlalchemy as sa

from election_app.congress.services import create_congress
from election_app.db import db
from election_app.delegates.models import Delegate
from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.door import Actor, run
from election_app.federation import actions
from election_app.federation.models import Dossier
from tests.e2e.conftest import ui_login

ADMIN = Actor(id=None, name="(test)", role="admin")
SCHOOLS = ["Trường Tiểu học Thủ Lệ", "Trường THCS Giảng Võ", "Trường Mầm non Hoa Sen"]


def _build(live_server):
    with live_server.ctx():
        org = lambda n, lv, p=None: run(actions.create_organization, actor=ADMIN,  # noqa: E731
                                        cmd={"name": n, "level": lv, "parent_id": p})
        hn = org("Liên đoàn Lao động thành phố Hà Nội", "ldld_tinh")
        bd = org("Liên đoàn Lao động quận Ba Đình", "ldld_huyen", hn.id)
        ids = []
        for i, school in enumerate(SCHOOLS):
            unit = org(f"Công đoàn cơ sở {school}", "cdcs", bd.id)
            c = create_congress(db.session, data={
                "name": f"Đại hội Công đoàn cơ sở {school} lần thứ IX", "organization": f"Công đoàn cơ sở {school}",
                "parent_organization": "Liên đoàn Lao động quận Ba Đình", "term": "2023–2028", "kind": "delegates",
                "date": f"2027-03-{12 + i}", "place": "Ba Đình", "venue": "Hội trường"})
            made = add_delegates(db.session, congress=c, rows=[
                {"full_name": n, "birth_year": 1980 + k, "gender": "nam"}
                for k, n in enumerate(["Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng",
                                       "Hoàng Văn Đức"])])
            for d in made:
                decide_credentials(db.session, delegate=d, status="accepted")
            db.session.commit()
            run(actions.attach_congress, actor=ADMIN, cmd={"congress_id": c.id, "organization_id": unit.id})
            ids.append(c.id)
        for d in db.session.scalars(sa.select(Delegate).where(Delegate.congress_id == ids[0])).all()[:4]:
            check_in(db.session, delegate=d)
        db.session.commit()
        run(actions.send_dossier, actor=ADMIN, cmd={"congress_id": ids[1], "pdf": b"%PDF-1.7\n%hoso\n"})
        return bd.id, ids


def test_district_officer_watches_and_recognises(page, live_server, staff, shot):
    bd, ids = _build(live_server)
    user, pw = staff("organizer", congresses=[])
    with live_server.ctx():
        from election_app.auth.models import User
        uid = db.session.scalar(sa.select(User.id).where(User.username == user))
        run(actions.grant_organization, actor=ADMIN, cmd={"user_id": uid, "organization_id": bd})
    page.set_viewport_size({"width": 1366, "height": 768})
    ui_login(page, live_server.url, user, pw)
    page.goto(f"{live_server.url}/federation")
    body = page.locator("main").inner_text()
    assert all(s in body for s in SCHOOLS)
    assert "4/5" in body and "Đang họp" in body and "Hồ sơ chờ công nhận (1)" in body
    shot(page, "federation-dashboard-1366")
    page.locator("details.dossier summary").click()
    page.fill("input[name=number]", "125/QĐ-LĐLĐ")
    page.fill("input[name=date]", "2027-03-20")
    page.fill("textarea[name=scope]", "Ban Chấp hành khóa IX gồm 5 đồng chí; Chủ tịch: đồng chí Nguyễn Văn An.")
    shot(page, "federation-decision-1366")
    page.click("form.decision button[type=submit]")
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Đã ghi quyết định về hồ sơ." in body and "QĐ số 125/QĐ-LĐLĐ" in body
    with live_server.ctx():
        d = db.session.scalars(sa.select(Dossier)).one()
        assert d.status == "recognised" and d.decision_number == "125/QĐ-LĐLĐ"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/federation")
    shot(page, "federation-dashboard-390")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the dashboard scrolls sideways on a phone"
