"""The congress pages: create, edit, list, dashboard (through the real forms, CSRF on);
the roll's add/edit pages; and the people who may not."""
from __future__ import annotations

from sqlalchemy import select

from election_app.congress.models import Congress
from election_app.delegates.models import Delegate
from tests.conftest import csrf_from

FORM = {"name": "Đại hội Công đoàn cơ sở Trường THCS Giảng Võ lần thứ VIII",
        "organization": "Công đoàn cơ sở Trường THCS Giảng Võ",
        "parent_organization": "Công đoàn Giáo dục quận Ba Đình", "ordinal": "VIII", "term": "2023 - 2028",
        "kind": "delegates", "date": "2026-12-20", "place": "Ba Đình", "venue": "Hội trường A",
        "preset_code": "dieu_le_2020", "chair_mode": "by_bch"}


def test_create_list_dashboard_edit(session, client, login):
    login("organizer")
    page = client.get("/congresses/new").get_data(as_text=True)
    assert "Tạo đại hội mới" in page
    resp = client.post("/congresses/new", data={**FORM, "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    congress = session.scalar(select(Congress))
    assert resp.headers["Location"].endswith(f"/congresses/{congress.id}")
    assert (congress.term, congress.ordinal, congress.kind, str(congress.date)) == ("2023–2028", "VIII", "delegates", "2026-12-20")
    listing = client.get("/congresses").get_data(as_text=True)
    assert FORM["name"] in listing and "20/12/2026" in listing
    dash = client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert FORM["name"] in dash and "Công đoàn Giáo dục quận Ba Đình" in dash
    assert "Chưa đủ 2/3 số được triệu tập" in dash and "js/poll.js" in dash
    page = client.get(f"/congresses/{congress.id}/edit").get_data(as_text=True)
    assert 'value="Hội trường A"' in page
    resp = client.post(f"/congresses/{congress.id}/edit",
                       data={**FORM, "venue": "Nhà đa năng", "kind": "all_members", "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    session.expire_all()
    assert (congress.venue, congress.kind) == ("Nhà đa năng", "all_members")
    assert "Danh sách đoàn viên dự đại hội" in client.get(f"/congresses/{congress.id}/delegates").get_data(as_text=True)


def test_missing_fields_are_named_and_nothing_created(session, client, login):
    login("admin")
    page = client.get("/congresses/new").get_data(as_text=True)
    resp = client.post("/congresses/new", data={**FORM, "name": "", "term": "", "csrf_token": csrf_from(page)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Nhập tên đại hội." in html and "Nhập nhiệm kỳ." in html
    assert session.scalar(select(Congress)) is None


def test_secretary_and_board_may_look_but_not_create(client, login, congress):
    login("secretary")
    assert client.get("/congresses/new").status_code == 403
    assert client.get(f"/congresses/{congress.id}/edit").status_code == 403
    assert client.get(f"/congresses/{congress.id}").status_code == 200
    assert "+ Tạo đại hội" not in client.get("/congresses").get_data(as_text=True)


def test_officials_page(session, client, login, congress):
    login("organizer")
    url = f"/congresses/{congress.id}/officials"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_from(page), "presidium": "Nguyễn Văn An - Chủ tịch\nTrần Thị Bình",
                                  "secretariat": "Lê Văn Cường", "credentials_committee": "", "board": ""})
    assert resp.status_code == 302
    dash = client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert "Nguyễn Văn An – Chủ tịch" in dash and "Lê Văn Cường" in dash


def test_add_and_edit_a_delegate_through_the_pages(session, client, login, congress):
    login("organizer")
    url = f"/congresses/{congress.id}/delegates/new"
    page = client.get(url).get_data(as_text=True)
    token = csrf_from(page)
    base = {"csrf_token": token, "gender": "nữ", "birth_year": "1985", "category": "official", "ethnicity": "Kinh",
            "position": "Giáo viên", "unit": "Tổ 1"}
    resp = client.post(url, data={**base, "full_name": "Nguyễn Thị Hòa", "again": "1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/delegates/new")
    resp = client.post(url, data={**base, "full_name": "Nguyễn Thị Hoà"})       # the same person
    html = client.get(url).get_data(as_text=True) if resp.status_code == 302 else resp.get_data(as_text=True)
    assert "Trùng với người đã có trong danh sách: Nguyễn Thị Hòa (1985), số thẻ 001" in html
    d = session.scalar(select(Delegate))
    edit = client.get(f"/congresses/{congress.id}/delegates/{d.id}/edit").get_data(as_text=True)
    assert 'name="ho"' in edit and 'value="Thị"' in edit
    resp = client.post(f"/congresses/{congress.id}/delegates/{d.id}/edit",
                       data={**base, "full_name": "Tôn Nữ Thị Hòa", "ho": "Nguyễn", "ten_dem": "Thị", "ten": "Hòa"})
    assert resp.status_code == 302
    session.expire_all()
    assert (d.full_name, d.ho, d.ten_dem, d.ten) == ("Tôn Nữ Thị Hòa", "Tôn", "Nữ Thị", "Hòa")
    resp = client.post(f"/congresses/{congress.id}/delegates/{d.id}/edit",
                       data={**base, "full_name": "Tôn Nữ Thị Hòa", "ho": "Tôn Nữ", "ten_dem": "Thị", "ten": "Hòa"})
    session.expire_all()
    assert (d.ho, d.ten_dem) == ("Tôn Nữ", "Thị")
    roll = client.get(f"/congresses/{congress.id}/delegates").get_data(as_text=True)
    assert "Tôn Nữ Thị Hòa" in roll and "Xuất Excel" in roll


def test_credentials_page_reject_needs_reason_and_promote(session, client, login, congress, roll):
    from election_app.delegates.services import add_delegates
    (alt,) = add_delegates(session, congress=congress, rows=[{"full_name": "Mai Văn Dự", "category": "alternate"}])
    session.commit()
    login("organizer")
    page = client.get(f"/congresses/{congress.id}/credentials").get_data(as_text=True)
    assert "Đại biểu dự khuyết thay thế đại biểu chính thức" in page
    token = csrf_from(page)
    d = roll[0]
    client.post(f"/congresses/{congress.id}/delegates/{d.id}/credentials", data={"csrf_token": token, "status": "rejected"})
    html = client.get(f"/congresses/{congress.id}/credentials").get_data(as_text=True)
    assert "Cần ghi rõ lý do không công nhận tư cách đại biểu." in html
    session.expire_all()
    assert d.credential_status == "accepted"
    client.post(f"/congresses/{congress.id}/credentials/promote",
                data={"csrf_token": token, "alternate_id": alt.id, "replaces_id": roll[1].id, "reason": "Ốm"})
    session.expire_all()
    assert roll[1].is_replaced and alt.promoted_at is not None
    html = client.get(f"/congresses/{congress.id}/credentials").get_data(as_text=True)
    assert "đã được thay" in html


def test_english_on_the_main_pages(session, client, login, congress, roll):
    login("organizer")
    token = csrf_from(client.get("/congresses").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/congresses"})
    cid = congress.id
    expected = {
        "/congresses": ["Congresses", "+ New congress", "Term"],
        f"/congresses/{cid}": ["Overview", "Roll", "Check-in", "Credentials", "present", "Live attendance"],
        f"/congresses/{cid}/delegates": ["List of delegates", "+ Add", "Import from Excel", "Export to Excel",
                                         "Card no.", "Full name"],
        f"/congresses/{cid}/delegates/import": ["Import the roll from Excel", "Download the template (.xlsx)"],
        f"/congresses/{cid}/checkin": ["Scan a delegate card or citizen ID card", "Search by name", "Turn on the camera"],
        f"/congresses/{cid}/attendance": ["Summoned", "Present", "Absent", "Fewer than 2/3 of those summoned"],
        f"/congresses/{cid}/credentials": ["Credentials check of delegates", "summoned"],
        f"/congresses/{cid}/delegates/new": ["Add a person to the roll", "Save and add another"],
    }
    for url, words in expected.items():
        html = client.get(url).get_data(as_text=True)
        assert 'lang="en"' in html, url
        for w in words:
            assert w in html, (url, w)
        # Interface words of the foundation pages are no longer Vietnamese.
        for vi in ("Đăng xuất", "Tổng quan", "Điểm danh</a>"):
            assert vi not in html, (url, vi)
    html = client.get(f"/congresses/{cid}/attendance").get_data(as_text=True)
    assert 'data-ok-text="Quorum reached' in html  # the live panel keeps English when it refreshes
    client.post("/lang/vi", data={"csrf_token": token, "next": "/congresses"})
    assert "Các đại hội" in client.get("/congresses").get_data(as_text=True)
