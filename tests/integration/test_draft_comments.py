"""Comments on drafts (issue 16.8): delegates send written comments from their personal
link's page while a "góp ý dự thảo" item is not done; the secretary groups them (a topic
per comment, audited) and the minutes print the summary by topic. A comment holds nothing
of voting and is written outside any ballot's unit of work."""
from __future__ import annotations

import re
import subprocess

import pytest
import sqlalchemy as sa

from election_app.agenda.services import add_item, delete_item
from election_app.audit.models import AuditEntry
from election_app.backup.services import export_congress
from election_app.comments import services as cs
from election_app.comments.models import DraftComment
from election_app.documents import jobs
from election_app.errors import Conflict
from election_app.voting import services as voting
from tests.conftest import TEST_SECRET, csrf_from


def _setup(session, congress, roll, status="current"):
    item = add_item(session, congress=congress, data={"title": "Thảo luận, góp ý dự thảo văn kiện Đại hội XIV",
                                                      "section": "B", "kind": "comments"})
    item.status = status
    token = voting.issue_voting_link(session, delegate=roll[0], secret=TEST_SECRET)
    session.commit()
    return item, token


def _send(client, token, item_id, text, before=None):
    page = client.get(f"/v/{token}/gop-y")
    assert page.status_code == 200
    if before:
        before()
    return client.post(f"/v/{token}/gop-y", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                  "item_id": item_id, "text": text})


def test_delegate_sends_comments_from_the_phone(app, client, session, congress, roll):
    item, token = _setup(session, congress, roll)
    phone = client.get(f"/v/{token}").get_data(as_text=True)
    assert f"/v/{token}/gop-y" in phone  # the ballot page links to the comments page
    resp = _send(client, token, item.id, "Đề nghị bổ sung quy định về đoàn viên là người nước ngoài.")
    assert resp.status_code == 200 and "Đã gửi góp ý" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store" and resp.headers["Referrer-Policy"] == "no-referrer"
    rows = session.scalars(sa.select(DraftComment)).all()
    assert [(r.delegate_id, r.text) for r in rows] == [(roll[0].id, "Đề nghị bổ sung quy định về đoàn viên là người nước ngoài.")]
    assert "Đề nghị bổ sung" in client.get(f"/v/{token}/gop-y").get_data(as_text=True)  # own comments shown
    # not a staff action: nothing in the audit log names the delegate's comment
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("text, status, words", [
    ("   ", 422, "Hãy viết nội dung góp ý"),
    ("x" * 4001, 422, "dài quá 4000 ký tự"),
    ("Góp ý\x00 có NUL", 422, "ký tự điều khiển"),
])
def test_bad_comments_are_refused_in_vietnamese(client, session, congress, roll, text, status, words):
    item, token = _setup(session, congress, roll)
    resp = _send(client, token, item.id, text)
    assert resp.status_code == status and words in resp.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(DraftComment)) == 0


def test_closed_item_bad_token_and_other_items_refuse(client, session, congress, roll):
    item, token = _setup(session, congress, roll)
    csrf = csrf_from(client.get(f"/v/{token}/gop-y").get_data(as_text=True))

    def close():  # the item ends while the delegate is typing
        item.status = "done"
        session.commit()
    resp = _send(client, token, item.id, "Muộn rồi", before=close)
    assert resp.status_code == 409 and "không nhận thêm góp ý" in resp.get_data(as_text=True)
    other = add_item(session, congress=congress, data={"title": "Báo cáo", "kind": "report"})
    session.commit()
    page = client.get(f"/v/{token}/gop-y").get_data(as_text=True)
    assert "Hiện không có mục nào nhận góp ý" in page
    assert client.post(f"/v/{token}/gop-y", data={"csrf_token": csrf, "item_id": other.id,
                                                  "text": "Sai mục"}).status_code == 404
    assert client.get("/v/" + "A" * 43 + "/gop-y").status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(DraftComment)) == 0


def test_a_comment_holds_nothing_of_voting():
    cols = {c.name for c in DraftComment.__table__.columns}
    assert cols == {"id", "congress_id", "agenda_item_id", "delegate_id", "text", "topic", "created_at"}
    assert {fk.column.table.name for fk in DraftComment.__table__.foreign_keys} == {
        "congresses", "agenda_items", "delegates"}


def test_secretary_groups_and_the_minutes_summarise(client, login, session, congress, roll):
    item, _token = _setup(session, congress, roll)
    for d, text in [(roll[0], "Giảm đoàn phí cho người lao động thu nhập thấp."),
                    (roll[1], "Tăng mức chi hỗ trợ đoàn viên khó khăn."),
                    (roll[2], "Làm rõ quyền của đoàn viên là người nước ngoài.")]:
        cs.submit_comment(session, congress=congress, delegate=d, item_id=item.id, text=text)
    session.commit()
    rows = cs.comments_of(session, item)
    login("secretary")
    url = f"/congresses/{congress.id}/agenda/{item.id}/comments"
    page = client.get(url)
    assert page.status_code == 200 and "Tăng mức chi" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    done = client.post(url, data={"csrf_token": token, f"topic_{rows[0].id}": "Tài chính công đoàn",
                                  f"topic_{rows[1].id}": "Tài chính công đoàn",
                                  f"topic_{rows[2].id}": "Đoàn viên"})
    assert done.status_code == 302
    session.expire_all()
    assert [r.topic for r in cs.comments_of(session, item)] == ["Tài chính công đoàn"] * 2 + ["Đoàn viên"]
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "comments.group")) == 1
    summary = client.get(url).get_data(as_text=True)
    assert "Tài chính công đoàn (2)" in summary and "Đoàn viên (1)" in summary

    cleaned = jobs.clean_params("minutes", {"base_url": "http://192.168.1.10:5000"})
    pdf = jobs.produce(session, congress=congress, kind="minutes", params=cleaned, secret=TEST_SECRET).pdf
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                                   capture_output=True).stdout.decode("utf-8").split())
    assert "Tổng hợp 3 ý kiến góp ý bằng văn bản của đại biểu vào dự thảo văn kiện" in text
    assert re.search(r"Tài chính công đoàn \(2 ý kiến\): «Giảm đoàn phí cho người lao động thu nhập thấp\.»; "
                     r"«Tăng mức chi hỗ trợ đoàn viên khó khăn\.»", text)
    assert "Đoàn viên (1 ý kiến): «Làm rõ quyền của đoàn viên là người nước ngoài.»" in text
    assert roll[1].full_name not in text.split("Tổng hợp 3 ý kiến")[1].split("(1 ý kiến)")[0]  # no names

    with pytest.raises(Conflict, match="góp ý"):
        delete_item(session, item=item)
    assert "draft_comments" in export_congress(session, congress_id=congress.id)["tables"]


def test_secretary_topic_too_long_is_refused(client, login, session, congress, roll):
    item, _token = _setup(session, congress, roll)
    row = cs.submit_comment(session, congress=congress, delegate=roll[0], item_id=item.id, text="Một ý")
    session.commit()
    login("secretary")
    url = f"/congresses/{congress.id}/agenda/{item.id}/comments"
    token = csrf_from(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, f"topic_{row.id}": "x" * 101}, follow_redirects=True)
    assert "Chuỗi quá dài" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(DraftComment, row.id).topic == ""


def test_api_lists_and_groups(api, session, congress, roll):
    item, _token = _setup(session, congress, roll)
    row = cs.submit_comment(session, congress=congress, delegate=roll[0], item_id=item.id, text="Ý kiến qua API")
    session.commit()
    client = api("secretary")
    base = f"/api/v1/congresses/{congress.id}/agenda/{item.id}/comments"
    got = client.get(base).get_json()
    assert got["comments"][0]["text"] == "Ý kiến qua API" and got["comments"][0]["delegate"] == roll[0].full_name
    assert got["summary"] == [{"topic": "Chưa phân nhóm", "count": 1, "texts": ["Ý kiến qua API"]}]
    done = client.post(base + "/topics", json={"topics": [{"comment_id": row.id, "topic": "Tổ chức"}]})
    assert done.status_code == 200 and done.get_json()["summary"][0]["topic"] == "Tổ chức"
    bad = client.post(base + "/topics", json={"topics": [{"comment_id": row.id + 999, "topic": "X"}]})
    assert bad.status_code == 404 and "Không có góp ý" in bad.get_json()["message"]
    assert api("board").get(base).status_code == 403
