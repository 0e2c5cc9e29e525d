"""The phone pages without JavaScript (Flask client, CSRF on): open the link, strike,
review, confirm, receipt; refusals; headers that keep the token in place; page weight;
and the staff pages (links, slips, ballot desk, turnout, published receipts)."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from election_app.elections.models import Ballot, Receipt, RoundParticipation, SealedBallot
from election_app.voting.models import VotingSlip
from test_voting_support import fresh, link_for, open_election, vote_url
from tests.conftest import csrf_from

KB = 1024


def _form_post(client, path, html, **fields):
    data = {"csrf_token": csrf_from(html), **fields}
    return client.post(path, data=data)


def _ballot_count(session):
    s = fresh(session)
    return s.scalar(select(func.count()).select_from(Ballot)) + s.scalar(select(func.count()).select_from(SealedBallot))


def _close_and_ballot(session, election):
    from election_app.elections import services as elections
    s = fresh(session)
    elections.close_round(s, election=election)
    s.commit()
    return fresh(session).scalars(select(Ballot)).one()


def test_phone_page_shows_ballot_in_ballot_order_with_status(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[7])
    resp = client.get(f"/v/{token}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert congress.name in html and roll[7].full_name in html
    assert election.title in html and "Số lượng bầu" in html
    names = re.findall(r'<span class="cand-no">(\d+)\.</span> ([^<]+)</span>', html)
    assert [n for n, _ in names] == ["1", "2", "3", "4"]
    assert "giữ lại" in html and 'type="checkbox" name="kept"' in html   # usable without JS
    # the number written by the server (and the script); without JS a CSS counter shows it
    assert "Giữ lại <b class=\"kept-n\">4</b><b class=\"kept-css\"></b> / tối đa <b>2</b>" in html


def test_phone_page_headers_links_and_weight(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=5, n_candidates=9)
    token = link_for(session, roll[0])
    resp = client.get(f"/v/{token}")
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    assert '<meta name="referrer" content="no-referrer">' in html
    # no external resource, no link that carries the token anywhere else
    for url in re.findall(r'(?:href|src|action)="([^"]*)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
        assert token not in url, url
    assert "<form method=\"post\"" in html and "action=" not in html.split("<form", 1)[1].split(">", 1)[0]
    # one round trip: the stylesheet and the script are in the page, which stays under 50 KB
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert assets == [] and "<style>" in html and "<script>" in html
    assert len(resp.data) < 50 * KB, len(resp.data)


def test_page_weight_with_sixty_long_names(client, session, congress):
    """A big list (60 candidates with long names, positions and units) stays under 50 KB."""
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
    given = ["Phương Thảo", "Thị Ngọc Hạnh", "Văn Trường Giang", "Thị Thu Hương", "Hữu Nghĩa", "Minh Khuê"]
    rows = [{"full_name": f"{family[i % 10]} Tôn Nữ {given[i // 10]}", "birth_year": 1960 + i % 45,
             "position": "Phó Chủ tịch Công đoàn cơ sở, Tổ trưởng chuyên môn",
             "unit": "Trường Trung học cơ sở Nguyễn Trường Tộ, quận Đống Đa"} for i in range(60)]
    made = add_delegates(session, congress=congress, rows=rows)
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
        check_in(session, delegate=d)
    election, _ = elections.create_election(session, congress=congress, title="Bầu Ban Chấp hành",
                                            body="executive_committee", seats=45,
                                            candidates=[{"delegate_id": d.id} for d in made])
    elections.open_round(session, election=election)
    session.commit()
    token = link_for(session, made[0])
    resp = client.get(f"/v/{token}")
    html = resp.get_data(as_text=True)
    assert html.count('name="kept"') == 60
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    total = len(resp.data) + sum(len(client.get(a).data) for a in assets)
    assert total < 50 * KB, total
    kept = re.findall(r'name="kept" value="(\d+)"', html)[:45]
    review = _form_post(client, f"/v/{token}", html, election_id=election.id, step="review", kept=kept)
    assert review.status_code == 200 and len(review.data) + 10 * KB < 50 * KB, len(review.data)


def test_full_flow_without_js(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[3])
    path = f"/v/{token}"
    page = client.get(path).get_data(as_text=True)
    # keep 3 of 2 seats: refused and re-shown with the choice and an error
    resp = _form_post(client, path, page, election_id=election.id, step="review", kept=[str(i) for i in ids[:3]])
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "tối đa 2" in html and "gạch bớt 1" in html
    assert html.count(" checked") == 3
    # keep 2: the review page, names struck shown struck
    resp = _form_post(client, path, html, election_id=election.id, step="review", kept=[str(ids[1]), str(ids[3])])
    assert resp.status_code == 200
    review = resp.get_data(as_text=True)
    assert "Xác nhận bỏ phiếu" in review and "Sửa lại" in review
    assert review.count('class="struck"') == 2 and review.count('class="kept"') == 2
    assert _ballot_count(session) == 0                  # nothing written by the review
    # "Sửa lại" goes back to the ballot with the same names kept
    resp = _form_post(client, path, review, election_id=election.id, step="edit", kept=[str(ids[1]), str(ids[3])])
    assert resp.status_code == 200 and resp.get_data(as_text=True).count(" checked") == 2
    # confirm: the receipt comes in the same answer (no redirect: one round trip less)
    resp = _form_post(client, path, review, election_id=election.id, step="cast", kept=[str(ids[1]), str(ids[3])])
    assert resp.status_code == 200 and "Location" not in resp.headers
    done = resp.get_data(as_text=True)
    code = re.search(r'<p class="receipt-code">([^<]+)</p>', done).group(1)
    session = fresh(session)
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0   # sealed until close
    assert "Đã bỏ phiếu" in done
    again = client.get(path).get_data(as_text=True)
    # reopening the page shows the receipt again (derived from the token, not stored)
    assert "Đã bỏ phiếu" in again and re.search(r'data-receipt>([^<]+)</p>', again).group(1) == code
    # trying again (a stale review page) is refused
    resp = _form_post(client, path, review, election_id=election.id, step="cast", kept=[str(ids[0])])
    assert resp.status_code == 409
    assert _ballot_count(session) == 1


def test_all_struck_warned_then_accepted_as_invalid(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[0])
    path = f"/v/{token}"
    page = client.get(path).get_data(as_text=True)
    review = _form_post(client, path, page, election_id=election.id, step="review").get_data(as_text=True)
    assert "KHÔNG HỢP LỆ" in review and 'name="confirm_invalid"' in review
    resp = _form_post(client, path, review, election_id=election.id, step="cast")
    assert resp.status_code == 422 and "xác nhận" in resp.get_data(as_text=True)
    assert _ballot_count(session) == 0
    resp = _form_post(client, path, review, election_id=election.id, step="cast", confirm_invalid="y")
    assert resp.status_code == 200 and "receipt-code" in resp.get_data(as_text=True)
    ballot = _close_and_ballot(session, election)
    assert (ballot.is_valid, ballot.invalid_reason) == (False, "all_struck")


def test_one_name_struck_is_a_valid_vote_against(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=1, n_candidates=1)
    path = f"/v/{link_for(session, roll[0])}"
    page = client.get(path).get_data(as_text=True)
    review = _form_post(client, path, page, election_id=election.id, step="review").get_data(as_text=True)
    assert "phiếu không đồng ý" in review and "confirm_invalid" not in review
    assert _form_post(client, path, review, election_id=election.id, step="cast").status_code == 200
    assert _close_and_ballot(session, election).is_valid is True


def test_post_without_csrf_or_from_another_origin_writes_nothing(client, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    path = f"/v/{link_for(session, roll[0])}"
    page = client.get(path).get_data(as_text=True)
    resp = client.post(path, data={"election_id": election.id, "step": "cast", "kept": [str(ids[0])]})
    assert resp.status_code == 400 and "hết hạn" in resp.get_data(as_text=True)
    resp = client.post(path, data={"csrf_token": csrf_from(page), "election_id": election.id, "step": "cast",
                                   "kept": [str(ids[0])]}, headers={"Origin": "http://evil.example"})
    assert resp.status_code == 400
    assert _ballot_count(session) == 0
    # our own page sends "Origin: null" (no-referrer policy): the CSRF token decides
    resp = client.post(path, data={"csrf_token": csrf_from(page), "election_id": election.id, "step": "cast",
                                   "kept": [str(ids[0])]}, headers={"Origin": "null"})
    assert resp.status_code == 200 and _ballot_count(session) == 1


def test_statuses_paper_absent_and_no_open_round(client, api, session, congress, roll):
    from election_app.delegates.services import undo_check_in
    election, ids = open_election(session, congress, roll)
    api("admin").post(f"/api/v1/elections/{election.id}/issue-paper", json={"delegate_ids": [roll[0].id]})
    html = client.get(f"/v/{link_for(session, roll[0])}").get_data(as_text=True)
    assert "Đã nhận phiếu giấy" in html and 'name="kept"' not in html
    undo_check_in(session, delegate=roll[1])
    session.commit()
    html = client.get(f"/v/{link_for(session, roll[1])}").get_data(as_text=True)
    assert "chưa điểm danh" in html and 'name="kept"' not in html
    api("admin").post(f"/api/v1/elections/{election.id}/close")
    html = client.get(f"/v/{link_for(session, roll[2])}").get_data(as_text=True)
    assert "chưa có cuộc bỏ phiếu nào đang mở" in html


def test_unknown_token_page_is_403_without_leaking(client, session, congress, roll):
    open_election(session, congress, roll)
    token = link_for(session, roll[0])
    link_for(session, roll[0])                  # replaced
    old = client.get(f"/v/{token}")
    unknown = client.get("/v/" + "Z" * 32)
    assert old.status_code == unknown.status_code == 403
    assert old.data == unknown.data
    assert old.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/s/" + "Z" * 32).status_code == 403
    # a personal token is not a slip and vice versa
    fresh_token = link_for(session, roll[1])
    assert client.get(f"/s/{fresh_token}").status_code == 403


def test_slip_page_flow(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    board = api("board")
    urls = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 2}).get_json()["urls"]
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[8].id]})
    path = "/s/" + urls[0].rsplit("/s/", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert "ẩn danh" in page and roll[8].full_name not in page
    review = _form_post(client, path, page, election_id=election.id, step="review", kept=[str(ids[0])])
    resp = _form_post(client, path, review.get_data(as_text=True), election_id=election.id, step="cast",
                      kept=[str(ids[0])])
    assert resp.status_code == 200
    done = resp.get_data(as_text=True)
    assert "receipt-code" in done and "Phiếu QR này đã được sử dụng" in done
    # the second slip: nobody else struck off yet → refused when it is opened, before the
    # ballot is filled (issue 13 §6); a forced post is refused too, nothing written
    path2 = "/s/" + urls[1].rsplit("/s/", 1)[1]
    page2 = client.get(path2).get_data(as_text=True)
    assert "Mời đồng chí đến bàn phát phiếu" in page2 and 'name="kept"' not in page2
    resp = _form_post(client, path2, page, election_id=election.id, step="cast", kept=[str(ids[1])])
    assert resp.status_code in (403, 409) and "gạch tên" in resp.get_data(as_text=True)
    assert _ballot_count(session) == 1
    # once another delegate is struck off, the same slip opens its ballot
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[7].id]})
    assert 'name="kept"' in client.get(path2).get_data(as_text=True)


# --- staff pages ---------------------------------------------------------------------

def test_links_page_issues_in_bulk_and_one_by_one(client, login, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    login("organizer")
    page = client.get(f"/congresses/{congress.id}/voting-links")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("Chưa cấp") == len(roll)
    resp = client.post(f"/congresses/{congress.id}/voting-links",
                       data={"csrf_token": csrf_from(html), "mode": "missing"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    printed = resp.get_data(as_text=True)
    urls = re.findall(r'<p class="small-url">([^<]+)</p>', printed)
    assert len(urls) == len(roll) and printed.count("<svg") >= len(roll)
    first = urls[0].rsplit("/v/", 1)[1]
    assert client.get(f"/v/{first}").status_code == 200
    html = client.get(f"/congresses/{congress.id}/voting-links").get_data(as_text=True)
    assert "Chưa cấp" not in html
    # a second "missing" run issues nothing
    resp = client.post(f"/congresses/{congress.id}/voting-links", data={"csrf_token": csrf_from(html), "mode": "missing"})
    assert resp.status_code == 302
    # re-issue for one delegate: the old link dies
    did = roll[0].id
    resp = client.post(f"/congresses/{congress.id}/delegates/{did}/voting-link", data={"csrf_token": csrf_from(html)})
    new = re.findall(r'<p class="small-url">([^<]+)</p>', resp.get_data(as_text=True))
    assert len(new) == 1
    tokens_by_card = re.findall(r"<b>([^<]+)</b><br>Số thẻ \S+</p>\s*<p class=\"small-url\">[^<]*/v/([^<]+)</p>", printed)
    old_token = dict(tokens_by_card)[roll[0].full_name]
    assert client.get(f"/v/{old_token}").status_code == 403
    assert client.get("/v/" + new[0].rsplit("/v/", 1)[1]).status_code == 200
    # selected mode
    resp = client.post(f"/congresses/{congress.id}/voting-links",
                       data={"csrf_token": csrf_from(html), "mode": "selected",
                             "delegate_ids": [str(roll[1].id), str(roll[2].id)]})
    assert len(re.findall(r'<p class="small-url">', resp.get_data(as_text=True))) == 2


def test_slips_page_prints_and_desk_strikes_off(client, login, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    html = client.get(f"{base}/slips").get_data(as_text=True)
    assert "Phiếu QR ẩn danh" in html
    resp = client.post(f"{base}/slips", data={"csrf_token": csrf_from(html), "count": "6", "output": "html"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    printed = resp.get_data(as_text=True)
    assert printed.count('class="slip"') == 6 and "@page { size: A4" in printed and "cắt theo đường chấm" in printed
    slip_urls = re.findall(r'<p class="url">([^<]+)</p>', printed)
    assert len(set(slip_urls)) == 6
    assert fresh(session).scalar(select(func.count()).select_from(VotingSlip)) == 6
    bad = client.post(f"{base}/slips", data={"csrf_token": csrf_from(html), "count": "0", "output": "html"})
    assert bad.status_code == 200 and "từ 1 đến" in bad.get_data(as_text=True)

    desk = client.get(f"{base}/desk?q={roll[4].code}").get_data(as_text=True)
    assert roll[4].full_name in desk and "Gạch tên – phát phiếu QR" in desk
    resp = client.post(f"{base}/desk/{roll[4].id}/slip", data={"csrf_token": csrf_from(desk), "q": roll[4].code})
    assert resp.status_code == 303
    desk = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã nhận phiếu QR ẩn danh" in desk and "Đã gạch tên" in desk
    again = client.post(f"{base}/desk/{roll[4].id}/slip", data={"csrf_token": csrf_from(desk)})
    assert "đã nhận phiếu qr" in client.get(again.headers["Location"]).get_data(as_text=True).lower()
    part = fresh(session).scalars(select(RoundParticipation)).one()
    assert (part.delegate_id, part.method) == (roll[4].id, "slip")


def test_slips_pdf(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    login("admin")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    html = client.get(f"{base}/slips").get_data(as_text=True)
    resp = client.post(f"{base}/slips", data={"csrf_token": csrf_from(html), "count": "10", "output": "pdf"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")


def test_turnout_json_page(client, login, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    client.post(vote_url(link_for(session, roll[0]), election.id), json={"kept": []})
    login("secretary")
    resp = client.get(f"/congresses/{congress.id}/elections/{election.id}/turnout.json")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "private, max-age=1"
    assert resp.get_json()["voted_electronic"] == 1


def test_public_receipts_page(app, client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    from flask import url_for
    with app.test_request_context():
        path = url_for("voting.receipts", cid=congress.id, eid=election.id)   # carries its key (issue 11)
    assert client.get(path.split("?")[0]).status_code == 404
    codes = [client.post(vote_url(link_for(session, d), election.id), json={"kept": ids[:1]}).get_json()["receipt"]
             for d in roll[:3]]
    before = client.get(path)
    assert before.status_code == 200 and "sau khi kết thúc" in before.get_data(as_text=True)
    assert codes[0] not in before.get_data(as_text=True)
    api("admin").post(f"/api/v1/elections/{election.id}/close")
    html = client.get(path).get_data(as_text=True)                       # no login needed
    listed = re.findall(r"<li(?: class=\"hit\")?>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</li>", html)
    assert listed == sorted(codes)
    assert 'name="k"' in html                                           # the search form keeps the key
    key = path.split("k=")[1]
    hit = client.get(path.split("?")[0], query_string={"k": key, "code": codes[1].lower().replace("-", " ")}).get_data(as_text=True)
    assert "đã được kiểm" in hit and f'<li class="hit">{codes[1]}</li>' in hit
    miss = client.get(path.split("?")[0], query_string={"k": key, "code": "0000-0000-0000"}).get_data(as_text=True)
    assert "Không tìm thấy mã" in miss
    assert client.get(f"/congresses/{congress.id + 5}/elections/{election.id}/receipts").status_code == 404


def test_hub_page_counts_and_links(client, login, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    client.post(vote_url(link_for(session, roll[0]), election.id), json={"kept": []})
    login("board")
    html = client.get(f"/congresses/{congress.id}/voting").get_data(as_text=True)
    assert election.title in html and "Bỏ phiếu điện tử" in html
    assert f"/congresses/{congress.id}/elections/{election.id}/slips" in html
    assert f"/congresses/{congress.id}/elections/{election.id}/receipts" in html
    assert "/voting-links" not in html                  # the board does not issue links
    assert re.search(r'<div class="big">1/9</div>', html)   # struck off / present
    dash = client.get(f"/congresses/{congress.id}").get_data(as_text=True)
    assert f"/congresses/{congress.id}/voting" in dash
