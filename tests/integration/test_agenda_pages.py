"""Agenda pages and API: the programme editor, the run-sheet (one-click motions and rounds
through their own services), notes, documents for delegates, the phone partial."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from election_app.agenda import services
from election_app.db import db
from election_app.delegates.services import check_in
from election_app.agenda.models import CongressFile
from election_app.motions.models import Motion
from tests.conftest import csrf_from

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    html = resp.get_data(as_text=True)
    return html, csrf_from(html)


def _logout(client):
    token = csrf_from(client.get("/congresses").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})


def _flashes(html: str) -> str:
    return " ".join(re.findall(r'class="flash flash-\w+">([^<]*)<', html))


def test_programme_from_template_and_editing(client, login, session, congress):
    login("organizer")
    html, token = _page(client, f"/congresses/{congress.id}/agenda")
    assert "Chưa có chương trình đại hội" in html
    resp = client.post(f"/congresses/{congress.id}/agenda/from-template",
                       data={"csrf_token": token, "start": "08:00"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Đã tạo chương trình đại hội" in html
    assert "Bầu Ban Thẩm tra tư cách đại biểu" in html and "08:00" in html
    n = services.count_items(session, congress.id)
    # again without replace: refused, nothing added
    resp = client.post(f"/congresses/{congress.id}/agenda/from-template",
                       data={"csrf_token": token}, follow_redirects=True)
    assert "Đại hội đã có chương trình" in _flashes(resp.get_data(as_text=True))
    assert services.count_items(session, congress.id) == n
    items = services.list_items(session, congress.id)
    # add after the first item
    html, token = _page(client, f"/congresses/{congress.id}/agenda/new?after={items[0].id}")
    resp = client.post(f"/congresses/{congress.id}/agenda/new",
                       data={"csrf_token": token, "after": items[0].id, "title": "Văn nghệ chào mừng",
                             "section": "A", "planned_time": "07:35", "duration_min": "10",
                             "presenter": "Đội văn nghệ", "kind": "ceremony", "motion_id": "0",
                             "election_id": "0"})
    assert resp.status_code == 302
    session.expire_all()
    titles = [i.title for i in services.list_items(session, congress.id)]
    assert titles[1] == "Văn nghệ chào mừng"
    added = services.list_items(session, congress.id)[1]
    # move it down, edit it, refuse a bad time
    client.post(f"/congresses/{congress.id}/agenda/{added.id}/move", data={"csrf_token": token, "direction": "down"})
    session.expire_all()
    assert services.list_items(session, congress.id)[2].id == added.id
    html, token = _page(client, f"/congresses/{congress.id}/agenda/{added.id}/edit")
    assert 'value="Văn nghệ chào mừng"' in html
    resp = client.post(f"/congresses/{congress.id}/agenda/{added.id}/edit",
                       data={"csrf_token": token, "title": "Văn nghệ", "section": "A", "planned_time": "7h99",
                             "kind": "ceremony", "motion_id": "0", "election_id": "0"})
    assert "HH:MM" in resp.get_data(as_text=True)
    session.expire_all()
    assert services.get_item(session, congress.id, added.id).title == "Văn nghệ chào mừng"
    # a show-of-hands vote for it, made by the motions service
    client.post(f"/congresses/{congress.id}/agenda/{added.id}/motion", data={"csrf_token": token})
    session.expire_all()
    item = services.get_item(session, congress.id, added.id)
    assert item.motion_id and db.session.get(Motion, item.motion_id).title == "Văn nghệ chào mừng"
    client.post(f"/congresses/{congress.id}/agenda/{added.id}/delete", data={"csrf_token": token})
    session.expire_all()
    assert "Văn nghệ chào mừng" not in [i.title for i in services.list_items(session, congress.id)]


def test_secretary_may_run_but_not_edit(client, login, congress):
    login("secretary")
    assert client.get(f"/congresses/{congress.id}/run").status_code == 200
    assert client.get(f"/congresses/{congress.id}/agenda/new").status_code == 403
    _logout(client)
    login("board")
    # The board sees the run-sheet (its round buttons are there) but not the presidium's.
    page = client.get(f"/congresses/{congress.id}/run")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/congresses/{congress.id}/run/next" not in html and "/run/current" not in html
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post(f"/congresses/{congress.id}/run/next",
                       data={"csrf_token": token, "current_id": "0"}).status_code == 403
    assert client.get(f"/congresses/{congress.id}/notes").status_code == 403


def test_run_sheet_moves_through_items_and_records_hands(client, login, session, congress, roll):
    services.create_agenda_from_template(session, congress=congress)
    for d in roll[:7]:
        check_in(session, delegate=d)
    session.commit()
    items = services.list_items(session, congress.id)
    login("secretary")
    html, token = _page(client, f"/congresses/{congress.id}/run")
    assert "Chưa bắt đầu" in html and items[0].title in html
    client.post(f"/congresses/{congress.id}/run/next", data={"csrf_token": token, "current_id": "0"})
    client.post(f"/congresses/{congress.id}/run/next", data={"csrf_token": token, "current_id": str(items[0].id)})
    client.post(f"/congresses/{congress.id}/run/next", data={"csrf_token": token, "current_id": str(items[1].id)})
    html, token = _page(client, f"/congresses/{congress.id}/run")
    current = items[2]
    assert current.code == "presidium"
    assert re.search(r'data-testid="current-title">\s*' + re.escape(current.title), html)
    assert "Số có mặt lúc này" in html and ">7<" in html
    # a stale "next" from another screen is refused
    resp = client.post(f"/congresses/{congress.id}/run/next",
                       data={"csrf_token": token, "current_id": str(items[0].id)}, follow_redirects=True)
    assert "vừa được thay đổi" in _flashes(resp.get_data(as_text=True))
    # hands: more than present refused, nothing written
    url = f"/congresses/{congress.id}/run/motions/{current.motion_id}/hands"
    resp = client.post(url, data={"csrf_token": token, "agree": "7", "disagree": "1", "other": "0"},
                       follow_redirects=True)
    assert "vượt quá số đại biểu có mặt" in _flashes(resp.get_data(as_text=True))
    session.expire_all()
    assert db.session.get(Motion, current.motion_id).recorded_at is None
    resp = client.post(url, data={"csrf_token": token, "agree": "6", "disagree": "0", "other": "1"},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Đã ghi kết quả biểu quyết" in html and "Thông qua" in html
    session.expire_all()
    motion = db.session.get(Motion, current.motion_id)
    assert (motion.agree, motion.disagree, motion.other, motion.present_at_vote, motion.passed) == (6, 0, 1, 7, True)
    # jump to an item from the list
    client.post(f"/congresses/{congress.id}/run/current", data={"csrf_token": token, "item_id": items[6].id})
    session.expire_all()
    assert congress.current_agenda_item_id == items[6].id
    assert [i.status for i in services.list_items(session, congress.id)[:7]] == [
        "done", "done", "done", "pending", "pending", "pending", "current"]


def test_run_sheet_opens_and_closes_a_round(client, login, session, congress, roll):
    from election_app.elections import services as elections
    election, _ = elections.create_election(session, congress=congress, title="Bầu Ban Chấp hành",
                                            body="executive_committee", seats=1,
                                            candidates=[{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id}])
    services.create_agenda_from_template(session, congress=congress)
    for d in roll:
        check_in(session, delegate=d)
    vote = next(i for i in services.list_items(session, congress.id) if i.code == "bch_vote")
    services.set_current_item(session, congress=congress, item=vote)
    session.commit()
    login("admin")
    html, token = _page(client, f"/congresses/{congress.id}/run")
    assert "Mở lần bầu" in html
    client.post(f"/congresses/{congress.id}/run/elections/{election.id}/open", data={"csrf_token": token})
    session.expire_all()
    rnd = elections.current_round(session, election)
    assert rnd.status == "open"
    elections.issue_paper(session, election=election, delegate_ids=[d.id for d in roll[:3]])
    for kept in ([roll[0].id], [roll[0].id], [roll[1].id]):
        ids = {c.delegate_id: c.id for c in elections.list_candidates(session, election)}
        elections.enter_paper_ballot(session, round=rnd, kept=[ids[k] for k in kept])
    session.commit()
    html, token = _page(client, f"/congresses/{congress.id}/run")
    assert "Kết thúc lần bầu" in html and "Đã nhận phiếu / bỏ phiếu" in html
    client.post(f"/congresses/{congress.id}/run/elections/{election.id}/close", data={"csrf_token": token})
    session.expire_all()
    assert elections.current_round(session, election).status == "closed"
    html, _ = _page(client, f"/congresses/{congress.id}/run")
    assert "Trúng cử" in html and roll[0].full_name in html
    # the organizer runs the congress but the board opens and closes rounds
    _logout(client)
    login("organizer")
    html, token = _page(client, f"/congresses/{congress.id}/run")
    assert "Mở lần bầu" not in html and "Kết thúc lần bầu" not in html
    assert client.post(f"/congresses/{congress.id}/run/elections/{election.id}/open",
                       data={"csrf_token": token}).status_code == 403


def test_notes_page_shows_who_saved_and_overview(client, login, session, congress):
    item = services.add_item(session, congress=congress, data={"title": "Thảo luận, tham luận"})
    session.commit()
    user = login("secretary")
    html, token = _page(client, f"/congresses/{congress.id}/agenda/{item.id}/notes")
    assert "Chưa lưu lần nào" in html
    resp = client.post(f"/congresses/{congress.id}/agenda/{item.id}/notes",
                       data={"csrf_token": token, "notes": "Đồng chí <b>Hà</b> phát biểu.\r\nNhất trí."},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Đã lưu ghi chép" in html
    assert re.search(r'data-testid="saved-by">Lưu lần cuối: ' + re.escape(user.username), html)
    session.expire_all()
    assert services.get_item(session, congress.id, item.id).notes == "Đồng chí <b>Hà</b> phát biểu.\nNhất trí."
    overview = client.get(f"/congresses/{congress.id}/notes").get_data(as_text=True)
    assert "Đồng chí &lt;b&gt;Hà&lt;/b&gt; phát biểu." in overview  # plain text, escaped


def test_upload_pdf_download_by_signed_link(client, login, session, congress, app):
    login("organizer")
    html, token = _page(client, f"/congresses/{congress.id}/agenda/files")
    from io import BytesIO
    resp = client.post(f"/congresses/{congress.id}/agenda/files/upload",
                       data={"csrf_token": token, "title": "Dự thảo báo cáo chính trị",
                             "file": (BytesIO(PDF), "bao-cao.pdf", "application/pdf")},
                       content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Đã tải lên «Dự thảo báo cáo chính trị»" in html
    row = session.scalar(select(CongressFile))
    assert row.size == len(PDF) and row.filename == "bao-cao.pdf"
    url = services.file_url(app.config["SECRET_KEY"], {"id": row.id, "congress_id": row.congress_id,
                                                      "uploaded_at": row.uploaded_at, "size": row.size})
    assert url in html and url.startswith(f"/congresses/{congress.id}/files/{row.id}/")
    anon = app.test_client()
    got = anon.get(url)
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert anon.get(f"/congresses/{congress.id}/files/{row.id}/{'0' * 32}").status_code == 404
    assert anon.get(url.replace(f"/congresses/{congress.id}/", f"/congresses/{congress.id + 1}/")).status_code == 404
    assert anon.get(url.replace(f"/files/{row.id}/", f"/files/{row.id + 1}/")).status_code == 404
    # the phone partial lists it with the signed link
    phone = client.get(f"/congresses/{congress.id}/agenda/phone").get_data(as_text=True)
    assert url in phone and "Dự thảo báo cáo chính trị" in phone
    # deleting it kills the link
    client.post(f"/congresses/{congress.id}/agenda/files/{row.id}/delete", data={"csrf_token": token})
    assert anon.get(url).status_code == 404


def test_non_pdf_is_refused_and_nothing_is_stored(client, login, session, congress):
    login("organizer")
    from io import BytesIO
    _, token = _page(client, f"/congresses/{congress.id}/agenda/files")
    cases = [
        (b"<html>not a pdf</html>", "trang.pdf", "application/pdf", "không phải PDF"),
        (PDF, "bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "Chỉ nhận tệp PDF"),
        (b"", "rong.pdf", "application/pdf", "Tệp rỗng"),
        (b"MZ\x90\x00", "virus.pdf", "application/octet-stream", "không phải PDF"),
    ]
    for content, name, mime, message in cases:
        resp = client.post(f"/congresses/{congress.id}/agenda/files/upload",
                           data={"csrf_token": token, "title": "", "file": (BytesIO(content), name, mime)},
                           content_type="multipart/form-data", follow_redirects=True)
        assert message in _flashes(resp.get_data(as_text=True)), name
    assert session.scalar(select(func.count(CongressFile.id))) == 0


def test_upload_limit_is_20_mb(session, congress):
    import pytest
    from election_app.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as err:
        services.upload_file(session, congress=congress, title="To", filename="to.pdf",
                             content=PDF + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    assert "20 MB" in err.value.message
    session.rollback()
    assert session.scalar(select(func.count(CongressFile.id))) == 0


def test_phone_partial_renders_plain_light_html(app, session, congress):
    from flask import render_template
    services.create_agenda_from_template(session, congress=congress)
    items = services.list_items(session, congress.id)
    services.set_current_item(session, congress=congress, item=items[3])
    session.commit()
    with app.test_request_context("/"):
        html = render_template("agenda/_phone_agenda.html",
                               phone_agenda=services.phone_agenda(session, congress))
    assert "<script" not in html
    assert "Đang diễn ra" in html and items[3].title in html
    assert html.count('class="pa-item ') == len(items)
    assert 'aria-current="step"' in html
    # nothing current: says so
    services.advance_item(session, congress=congress)
    congress.current_agenda_item_id = None
    session.commit()
    with app.test_request_context("/"):
        html = render_template("agenda/_phone_agenda.html", phone_agenda=services.phone_agenda(session, congress))
    assert "Chưa bắt đầu hoặc đang nghỉ" in html


# --- API -------------------------------------------------------------------------------

def test_api_agenda(client, api, session, congress):
    organizer = api("organizer")
    base = f"/api/v1/congresses/{congress.id}/agenda"
    assert organizer.get(base).get_json() == {"items": [], "current_item_id": None}
    resp = organizer.post(base + "/from-template", json={"start": "07:00"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["items"][0]["planned_time"] == "07:00" and body["items"][0]["section"] == "A"
    assert organizer.post(base + "/from-template", json={}).status_code == 409
    assert organizer.post(base + "/from-template", json={"replace": True}).status_code == 201
    items = organizer.get(base).get_json()["items"]
    secretary = api("secretary")
    resp = secretary.post(base + "/current", json={"item_id": items[2]["id"]})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["current_item_id"] == items[2]["id"] and body["items"][2]["status"] == "current"
    assert secretary.post(base + "/current", json={}).status_code == 422
    assert secretary.post(base + "/current", json={"item_id": 999999}).status_code == 404
    resp = secretary.post(base + "/next", json={"expected_current_id": items[2]["id"]})
    assert resp.status_code == 200 and resp.get_json()["current_item_id"] == items[3]["id"]
    assert secretary.post(base + "/next", json={"expected_current_id": items[2]["id"]}).status_code == 409
    board = api("board")
    assert board.post(base + "/current", json={"item_id": items[0]["id"]}).status_code == 403
    assert board.get(base).status_code == 200
    assert secretary.post(base + "/from-template", json={"replace": True}).status_code == 403


def test_run_sheet_links_the_reports_an_item_presents(client, login, session, congress):
    services.create_agenda_from_template(session, congress=congress)
    by_code = {i.code: i for i in services.list_items(session, congress.id)}
    services.set_current_item(session, congress=congress, item=by_code["credentials_report"])
    session.commit()
    login("secretary")
    html, token = _page(client, f"/congresses/{congress.id}/run")
    assert f"/congresses/{congress.id}/credentials" in html
    assert f"/congresses/{congress.id}/documents/credentials-report.pdf" in html
    client.post(f"/congresses/{congress.id}/run/current", data={"csrf_token": token,
                                                                "item_id": by_code["resolution"].id})
    html, _ = _page(client, f"/congresses/{congress.id}/run")
    assert f"/congresses/{congress.id}/documents/resolution.pdf" in html
    assert f"/congresses/{congress.id}/documents/resolution-text" in html
