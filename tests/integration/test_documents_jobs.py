"""Render jobs: a RenderJob row any process sees, claimed atomically, with progress and
the result in the database; the page flow (create → progress page → JSON → download);
a job queued by one app instance finished and served by another; delegate cards with
personal voting links (issued at render time, downloadable once); the big path (300
cards). 1,000 cards are measured in bench/pdf_bench.py, not here."""
from __future__ import annotations

import json
import subprocess
import time

import pytest
import sqlalchemy as sa

from election_app import create_app
from election_app.db import db
from election_app.delegates.models import Delegate
from election_app.delegates.services import add_delegates, decide_credentials
from election_app.documents import jobs
from election_app.documents.models import RenderJob
from tests.conftest import TEST_SECRET, IsolatedClient, csrf_from


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "job.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return int(next(line for line in out.splitlines() if line.startswith("Pages:")).split()[1])


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Thanh", "Đức", "Thu", "Quốc", "Hữu", "Kim"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Chi", "Cường", "Dũng", "Dung", "Đạt", "Giang", "Hà", "Hải", "Hạnh",
         "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Oanh", "Phúc"]


def names(n: int) -> list[str]:
    out = [f"{f} {m} {g}" for g in GIVEN for f in FAMILY for m in MIDDLE]
    assert n <= len(out)
    return out[:n]


def _roll(session, congress, n: int):
    made = add_delegates(session, congress=congress, rows=[
        {"full_name": name, "unit": "Tổ Toán – Tin học", "birth_year": 1980} for name in names(n)])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return made


def test_page_flow_create_progress_download(app, session, congress, client, login, tmp_path):
    _roll(session, congress, 9)
    login("secretary")
    page = client.get(f"/congresses/{congress.id}/documents")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Thẻ đại biểu" in html and "Biên bản đại hội" in html and "Nghị quyết đại hội" in html
    assert "Kèm mã QR bỏ phiếu cá nhân" not in html           # only for who may issue links
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "delegate-cards"})
    assert resp.status_code == 302
    job_url = resp.headers["Location"]
    progress_page = client.get(job_url)
    assert progress_page.status_code == 200 and "Tải tệp PDF" in progress_page.get_data(as_text=True)
    status = client.get(job_url + ".json").get_json()
    assert status["status"] == "done" and status["progress"] == status["total"] == 9
    assert status["percent"] == 100 and status["has_result"]
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert _pages(pdf.data, tmp_path) == 2
    again = client.get(status["download_url"])               # no voting links: kept for reprints
    assert again.status_code == 200


def test_bad_job_request_changes_nothing(app, session, congress, client, login):
    login("organizer")
    html = client.get(f"/congresses/{congress.id}/documents").get_data(as_text=True)
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "delegate-cards"}, follow_redirects=True)
    assert "Chưa có ai trong danh sách để in thẻ" in resp.get_data(as_text=True)
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "nonsense"}, follow_redirects=True)
    assert "Giá trị không nằm trong các lựa chọn cho phép" in resp.get_data(as_text=True)   # the door
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "ballot", "copies": "9999"}, follow_redirects=True)
    assert "Số bản từ 1 đến 500" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(sa.select(RenderJob)).all() == []


def test_job_queued_then_done_with_progress(app, session, congress):
    _roll(session, congress, 20)
    job = jobs.create_job(session, congress=congress, kind="delegate-cards", params={})
    session.commit()
    assert job.status == "queued" and job.total == 20 and job.progress == 0
    writes = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def watch(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE render_jobs") and "progress" in statement:
            writes.append(statement)

    try:
        assert jobs.run_pending() == 1
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", watch)
    session.expire_all()
    job = session.get(RenderJob, job.id)
    assert job.status == "done" and job.progress == 20 and job.result.startswith(b"%PDF-")
    assert job.finished_at is not None and job.error == ""
    assert len(writes) >= 3      # claimed (running), progress after the part, done
    assert jobs.run_pending() == 0
    # another job while the first one's row is loaded in the session
    second = jobs.create_job(session, congress=congress, kind="delegate-list", params={})
    session.commit()
    assert second.id != job.id and second.status == "queued"


def test_claim_is_atomic(app, session, congress):
    _roll(session, congress, 1)
    job = jobs.create_job(session, congress=congress, kind="delegate-list", params={})
    session.commit()
    assert jobs.claim(job.id) is True
    assert jobs.claim(job.id) is False        # a second worker (any process) gets nothing
    assert jobs.claim_next() is None


def test_failed_job_reports_the_reason(app, session, congress, api):
    from election_app.elections import services as el
    election, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                     seats=1, candidates=[{"full_name": "Nguyễn Văn An"}, {"full_name": "Lê Thị Bình"}])
    job = jobs.create_job(session, congress=congress, kind="count-minutes", params={"election_id": election.id})
    session.commit()
    jobs.run_pending()
    session.expire_all()
    job = session.get(RenderJob, job.id)
    assert job.status == "failed" and "chưa có lần bầu nào kết thúc" in job.error
    resp = api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/jobs/{job.id}/result")
    assert resp.status_code == 409 and resp.get_json()["error"] == "failed"
    assert "chưa có lần bầu nào kết thúc" in resp.get_json()["message"]


def test_stale_running_job_is_queued_again(app, session, congress):
    _roll(session, congress, 1)
    job = jobs.create_job(session, congress=congress, kind="delegate-list", params={})
    session.commit()
    assert jobs.claim(job.id)
    session.execute(sa.update(RenderJob).where(RenderJob.id == job.id).values(
        created_at=jobs.utcnow() - jobs.STALE_AFTER - jobs.dt.timedelta(minutes=1)))
    session.commit()
    assert jobs.run_pending() == 1           # the dead worker's job is taken over
    session.expire_all()
    assert session.get(RenderJob, job.id).status == "done"


def test_job_made_by_one_app_instance_is_finished_and_served_by_another(app, session, congress, database_url,
                                                                      tmp_path):
    from election_app.auth.services import create_user
    _roll(session, congress, 12)
    create_user(session, username="thuky2", password="matkhau123", role="secretary", congress_ids=[congress.id])
    job = jobs.create_job(session, congress=congress, kind="delegate-cards", params={})
    session.commit()
    job_id = job.id
    # a second instance on the same database, rendering in the background (not inline)
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SECRET_KEY": TEST_SECRET, "TESTING": True, "RENDER_INLINE": False})
    other.test_client_class = IsolatedClient
    client = other.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "thuky2", "password": "matkhau123",
                                       "csrf_token": token}).status_code == 302
    url = f"/congresses/{congress.id}/documents/jobs/{job_id}.json"
    status = client.get(url).get_json()         # polling wakes the other instance's worker
    assert status["status"] in ("queued", "running", "done")
    deadline = time.monotonic() + 60
    while status["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get(url).get_json()
    assert status["status"] == "done", status
    assert status["progress"] == 12
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and _pages(pdf.data, tmp_path) == 2
    with other.app_context():
        db.engine.dispose()


def test_cards_with_personal_voting_links(app, session, congress, client, login, api, tmp_path):
    made = _roll(session, congress, 5)
    add_delegates(session, congress=congress, rows=[{"full_name": "Phan Văn Khách", "category": "guest"}])
    session.commit()
    # the hall's address (voting QRs are refused on the server's loopback name: issue 12)
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"
    before = {d.id: d.voting_token_hash for d in made}
    # a secretary may print cards but not issue voting links
    secretary = api("secretary")
    denied = secretary.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                            json={"kind": "delegate-cards", "params": {"voting_links": True}})
    assert denied.status_code == 403
    organizer = api("organizer")
    resp = organizer.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                          json={"kind": "delegate-cards", "params": {"voting_links": True}})
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "done" and body["voting_links"] is True
    assert "token" not in json.loads(session.get(RenderJob, body["id"]).params)
    session.expire_all()
    after = {d.id: d.voting_token_hash for d in session.scalars(sa.select(Delegate)
                                                                .where(Delegate.category != "guest"))}
    assert all(after[i] and after[i] != before[i] for i in before)   # new links for every voter
    pdf = organizer.get(body["result_url"])
    assert pdf.status_code == 200
    path = tmp_path / "cards.pdf"
    path.write_bytes(pdf.data)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) == 5 * 2 + 1          # identity + voting QR per delegate; the guest only one
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert text.count("BỎ PHIẾU") == 5 and text.count("ĐIỂM DANH") == 5   # two labelled codes (issue 12)
    # a kept document (issue 13 §5): downloaded again, as an attachment, the same file
    again = organizer.get(body["result_url"])
    assert again.status_code == 200 and again.data == pdf.data
    assert again.headers["Content-Disposition"].startswith("attachment")
    # ... by those who manage the roll only (a secretary may print other documents)
    assert secretary.get(body["result_url"]).status_code == 403
    # cards made again keep the links handed out
    second = organizer.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                            json={"kind": "delegate-cards", "params": {"voting_links": True}}).get_json()
    session.expire_all()
    assert {d.id: d.voting_token_hash for d in session.scalars(sa.select(Delegate)
                                                                .where(Delegate.category != "guest"))} == after
    (tmp_path / "again.pdf").write_bytes(organizer.get(second["result_url"]).data)
    text2 = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "again.pdf"), "-"], capture_output=True,
                           check=True).stdout.decode()
    assert text2.count("BỎ PHIẾU") == 5
    # a reissue needs its confirmation; confirmed, every link is new
    refused = organizer.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                             json={"kind": "delegate-cards", "params": {"voting_links": True, "reissue_links": True}})
    assert refused.status_code == 422 and "xác nhận" in refused.get_json()["message"]
    session.expire_all()
    assert {d.id: d.voting_token_hash for d in session.scalars(sa.select(Delegate)
                                                                .where(Delegate.category != "guest"))} == after
    done = organizer.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                          json={"kind": "delegate-cards", "params": {"voting_links": True, "reissue_links": True,
                                                                     "confirm_reissue": True}})
    assert done.status_code == 202 and done.get_json()["reissue_links"] is True
    session.expire_all()
    renewed = {d.id: d.voting_token_hash for d in session.scalars(sa.select(Delegate)
                                                                  .where(Delegate.category != "guest"))}
    assert all(renewed[i] != after[i] for i in after)


def test_big_path_in_parts(app, session, congress, api, tmp_path, monkeypatch):
    """The job path of a big document: laid out in parts (here of 40 cards; 200 in production),
    progress counted per card, the parts joined in order (make bench times 1,000 cards)."""
    from election_app.documents import jobs
    monkeypatch.setattr(jobs, "CARDS_PER_CHUNK", 40)
    _roll(session, congress, 100)
    caller = api("organizer")
    started = time.monotonic()
    resp = caller.post(f"/api/v1/congresses/{congress.id}/documents/jobs", json={"kind": "delegate-cards"})
    elapsed = time.monotonic() - started
    assert resp.status_code == 202
    body = resp.get_json()
    assert body["status"] == "done" and body["progress"] == body["total"] == 100
    status = caller.get(body["status_url"]).get_json()
    assert status["percent"] == 100
    pdf = caller.get(body["result_url"])
    assert _pages(pdf.data, tmp_path) == 13      # 100 cards, 8 per sheet, in three parts
    print(f"100 cards: {elapsed:.1f} s")


def test_job_api_errors(app, session, congress, api):
    caller = api("secretary")
    assert caller.get(f"/api/v1/congresses/{congress.id}/documents/jobs/nothere").status_code == 404
    bad = caller.post(f"/api/v1/congresses/{congress.id}/documents/jobs", json={"kind": "ballot",
                                                                                 "params": {}})
    assert bad.status_code == 422 and bad.get_json()["details"][0]["field"] == "election_id"
    assert caller.post(f"/api/v1/congresses/{congress.id}/documents/jobs",
                       json={"kind": "ballot", "params": {"election_id": 999}}).status_code == 404
