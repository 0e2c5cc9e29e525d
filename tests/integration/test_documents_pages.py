"""The documents pages: the list of documents, downloads by page, the resolution wording
editor (prefilled from the template, saved, reset), and who may issue voting links."""
from __future__ import annotations

import subprocess

from election_app.delegates.services import add_delegates, decide_credentials
from election_app.elections import services as el
from tests.conftest import csrf_from


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _roll(session, congress, names):
    made = add_delegates(session, congress=congress, rows=[{"full_name": n} for n in names])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return made


def test_documents_page_lists_every_document_with_links(app, session, congress, client, login):
    _roll(session, congress, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    election, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                     seats=2, candidates=[{"full_name": n} for n in ("Nguyễn Văn An", "Trần Thị Bình",
                                                                                     "Lê Văn Cường")])
    session.commit()
    login("organizer")
    html = client.get(f"/congresses/{congress.id}/documents").get_data(as_text=True)
    for kind in ("delegate-list", "attendance-sheet", "credentials-report", "minutes", "resolution", "dossier"):
        assert f"/congresses/{congress.id}/documents/{kind}.pdf" in html
    assert f"/congresses/{congress.id}/elections/{election.id}/documents/ballot.pdf" in html
    assert 'value="delegate-cards"' in html and "Kèm mã QR bỏ phiếu cá nhân" in html
    assert "Chưa có lần bầu nào kết thúc" in html
    dashboard = client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert f"/congresses/{congress.id}/documents" in dashboard
    for url in (f"/congresses/{congress.id}/documents/delegate-list.pdf",
                f"/congresses/{congress.id}/elections/{election.id}/documents/ballot.pdf?copies=2"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf", url
    assert client.get(f"/congresses/{congress.id}/documents/nothing.pdf").status_code == 404
    assert client.get(f"/congresses/{congress.id}/elections/{election.id}/documents/minutes.pdf").status_code == 404


def test_long_rosters_make_lists_in_the_background(app, session, congress, client, login):
    family, middle = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi"], ["Văn", "Thị", "Minh", "Ngọc"]
    given = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nam"]
    _roll(session, congress, [f"{f} {m} {g}" for f in family for m in middle for g in given][:160])
    login("secretary")
    html = client.get(f"/congresses/{congress.id}/documents").get_data(as_text=True)
    assert 'value="delegate-list"' in html and 'value="attendance-sheet"' in html
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "attendance-sheet"})
    status = client.get(resp.headers["Location"] + ".json").get_json()
    assert status["status"] == "done"
    assert client.get(status["download_url"]).mimetype == "application/pdf"


def test_voting_links_need_the_roll_managers_capability(app, session, congress, client, login):
    _roll(session, congress, ["Nguyễn Văn An"])
    login("secretary")
    html = client.get(f"/congresses/{congress.id}/documents").get_data(as_text=True)
    assert "Kèm mã QR bỏ phiếu cá nhân" not in html
    resp = client.post(f"/congresses/{congress.id}/documents/jobs",
                       data={"csrf_token": csrf_from(html), "kind": "delegate-cards", "voting_links": "y"})
    assert resp.status_code == 403


def test_resolution_wording_edit_save_reset(app, session, congress, client, login, tmp_path):
    login("secretary")
    url = f"/congresses/{congress.id}/documents/resolution-text"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "QUYẾT NGHỊ:" in html and "Căn cứ Điều lệ Công đoàn Việt Nam" in html
    token = csrf_from(html)
    text = ("Căn cứ Điều lệ Công đoàn Việt Nam;\n\nQUYẾT NGHỊ:\n\nĐiều 1. Đại hội nhất trí thông qua "
            "phương hướng nhiệm kỳ 2023–2028 với 12 chỉ tiêu.\n\nNơi nhận:\n- Công đoàn cấp trên;\n- Lưu VT.")
    saved = client.post(url, data={"csrf_token": token, "text": text}, follow_redirects=True)
    assert "Đã lưu nội dung nghị quyết" in saved.get_data(as_text=True)
    session.expire_all()
    session.refresh(congress)
    assert congress.resolution_text.startswith("Căn cứ Điều lệ")
    pdf = client.get(f"/congresses/{congress.id}/documents/resolution.pdf")
    printed = _text(pdf.data, tmp_path)
    assert "Điều 1. Đại hội nhất trí thông qua phương hướng nhiệm kỳ 2023–2028 với 12 chỉ tiêu." in printed
    assert "Công đoàn cấp trên;" in printed
    # without "QUYẾT NGHỊ:" the wording is refused and nothing changes
    refused = client.post(url, data={"csrf_token": token, "text": "Căn cứ gì đó."}, follow_redirects=True)
    assert "QUYẾT NGHỊ" in refused.get_data(as_text=True)
    session.expire_all()
    session.refresh(congress)
    assert "12 chỉ tiêu" in congress.resolution_text
    # back to the template
    client.post(f"{url}/reset", data={"csrf_token": token})
    session.expire_all()
    session.refresh(congress)
    assert congress.resolution_text is None
    assert "Đại hội giao cho Ban Chấp hành" in _text(client.get(f"/congresses/{congress.id}/documents/resolution.pdf").data,
                                                      tmp_path)


def test_board_may_print_but_not_edit_the_resolution(app, session, congress, client, login):
    login("board")
    assert client.get(f"/congresses/{congress.id}/documents").status_code == 200
    assert client.get(f"/congresses/{congress.id}/documents/resolution-text").status_code == 403
