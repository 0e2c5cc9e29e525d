"""Done means: a mixed round — some delegates on paper, some on their phones, some with
anonymous slips — runs from the pages, the count reconciles, and the published receipts
let each e-voter find theirs. Everything below goes through the web pages (CSRF on),
except building the roll and the election (services)."""
from __future__ import annotations

import re

from election_app.elections import services as elections
from test_voting_support import fresh, open_election
from tests.conftest import csrf_from


def _post_form(client, path, html, **fields):
    return client.post(path, data={"csrf_token": csrf_from(html), **fields})


def _phone_vote(phone, path, election_id, kept_ids, *, confirm_invalid=False):
    """A delegate on a phone without JavaScript: open, review, confirm, read the receipt."""
    page = phone.get(path).get_data(as_text=True)
    kept = [str(k) for k in kept_ids]
    review = _post_form(phone, path, page, election_id=election_id, step="review", kept=kept)
    assert review.status_code == 200, review.get_data(as_text=True)[:2000]
    extra = {"confirm_invalid": "y"} if confirm_invalid else {}
    done = _post_form(phone, path, review.get_data(as_text=True), election_id=election_id, step="cast",
                      kept=kept, **extra)
    assert done.status_code == 200, done.get_data(as_text=True)[:2000]   # the receipt in the same answer
    receipt_page = done.get_data(as_text=True)
    return re.search(r'<p class="receipt-code">([^<]+)</p>', receipt_page).group(1)


def test_mixed_round_from_the_pages(app, client, login, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4, opened=False)
    cid, eid = congress.id, election.id
    base = f"/congresses/{cid}/elections/{eid}"
    login("admin")
    staff_html = client.get(f"/congresses/{cid}/voting-links").get_data(as_text=True)

    # the board opens round 1
    assert _post_form(client, f"{base}/open", staff_html).status_code == 302
    rnd = elections.current_round(fresh(session), election)
    assert rnd.status == "open"
    ids = [c.id for _, c in elections.round_candidates(session, rnd)]

    # personal links for everyone, printed on cards
    printed = _post_form(client, f"/congresses/{cid}/voting-links", staff_html, mode="missing").get_data(as_text=True)
    links = dict(re.findall(r"<b>([^<]+)</b><br>Số thẻ \S+</p>\s*<p class=\"small-url\">[^<]*(/v/[^<]+)</p>", printed))
    assert len(links) == 9
    link = {d.id: links[d.full_name] for d in roll}

    # paper: delegates 0, 1, 2 are struck off at the paper desk
    for d in roll[:3]:
        desk = client.get(f"{base}/issue").get_data(as_text=True)
        assert _post_form(client, f"{base}/issue", desk, delegate_id=str(d.id)).status_code == 302
    # slips: the board prints 4 slips; delegates 3 and 4 are struck off at the slip desk
    slips_html = client.get(f"{base}/slips").get_data(as_text=True)
    sheet = _post_form(client, f"{base}/slips", slips_html, count="4", output="html").get_data(as_text=True)
    slip_paths = ["/s/" + u.rsplit("/s/", 1)[1] for u in re.findall(r'<p class="url">([^<]+)</p>', sheet)]
    assert len(slip_paths) == 4
    for d in roll[3:5]:
        desk = client.get(f"{base}/desk?q={d.code}").get_data(as_text=True)
        assert _post_form(client, f"{base}/desk/{d.id}/slip", desk).status_code == 303

    phone = app.test_client()             # the delegates' phones: no staff session
    # a delegate struck off for paper cannot also vote on the phone
    paper_phone = phone.get(link[roll[0].id]).get_data(as_text=True)
    assert "Đã nhận phiếu giấy" in paper_phone and 'name="kept"' not in paper_phone
    slip_phone = phone.get(link[roll[3].id]).get_data(as_text=True)
    assert "Đã nhận phiếu QR ẩn danh" in slip_phone and 'name="kept"' not in slip_phone

    # the two slip holders vote with slips they drew at random (any two of the four)
    receipts = [_phone_vote(phone, slip_paths[2], eid, [ids[0], ids[1]]),
                _phone_vote(phone, slip_paths[0], eid, [ids[0], ids[2]])]
    # a third slip cannot be used: only two delegates were struck off for slips; it is refused
    # as soon as it is opened, before the ballot is filled (issue 13 §6)
    page = phone.get(slip_paths[1]).get_data(as_text=True)
    assert "Mời đồng chí đến bàn phát phiếu" in page and 'name="kept"' not in page
    refused = _post_form(phone, slip_paths[1], phone.get(link[roll[8].id]).get_data(as_text=True),
                         election_id=eid, step="cast", kept=[str(ids[0])])
    assert refused.status_code in (403, 409)

    # four delegates vote on their phones (one strikes every name, confirmed: invalid)
    receipts += [_phone_vote(phone, link[roll[5].id], eid, [ids[0], ids[1]]),
                 _phone_vote(phone, link[roll[6].id], eid, [ids[0], ids[3]]),
                 _phone_vote(phone, link[roll[7].id], eid, [], confirm_invalid=True),
                 _phone_vote(phone, link[roll[8].id], eid, [ids[1], ids[2]])]
    assert len(set(receipts)) == 6

    # live turnout for the hall: counts only
    turnout = client.get(f"{base}/turnout.json").get_json()
    assert {k: turnout[k] for k in ("issued_paper", "voted_electronic", "slips", "slips_issued", "total",
                                    "present")} == \
        {"issued_paper": 3, "voted_electronic": 4, "slips": 2, "slips_issued": 2, "total": 9, "present": 9}

    # the board enters the three paper ballots (numbers of the names struck)
    for reading in ("3 4", "3 4", "*"):
        entry = client.get(f"{base}/entry").get_data(as_text=True)
        assert _post_form(client, f"{base}/entry", entry, reading=reading, team="1").status_code == 302

    # close: the count reconciles (the service refuses to close otherwise)
    result_html = client.get(f"{base}/result").get_data(as_text=True)
    closed = _post_form(client, f"{base}/close", result_html)
    assert closed.status_code == 302 and "/result" in closed.headers["Location"], closed.headers["Location"]
    s = fresh(session)
    rnd = elections.current_round(s, election)
    assert rnd.status == "closed"
    assert (rnd.issued, rnd.returned, rnd.valid, rnd.invalid) == (9, 9, 7, 2)
    votes = {c.id: rc.votes for rc, c in elections.round_candidates(s, rnd)}
    # cand 1: paper A, B, slip 1, slip 2, phones 5, 6 → 6; cand 2: A, B, slip 1, phones 5, 8 → 5
    assert [votes[i] for i in ids] == [6, 5, 2, 1]
    assert rnd.outcome == "complete"
    assert {c.id for rc, c in elections.round_candidates(s, rnd) if rc.is_elected} == {ids[0], ids[1]}
    assert elections.round_tally(s, rnd)["problems"] == []

    # after close: every e-voter finds their receipt on the public page (no login)
    public = app.test_client()
    from flask import url_for
    with app.test_request_context():
        page = url_for("voting.receipts", cid=cid, eid=eid)       # the public link carries its key (issue 11)
    key = page.split("k=")[1]
    listed = re.findall(r"<li(?: class=\"hit\")?>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</li>",
                        public.get(page).get_data(as_text=True))
    assert listed == sorted(receipts)
    for code in receipts:
        found = public.get(page.split("?")[0], query_string={"k": key, "code": code}).get_data(as_text=True)
        assert "đã được kiểm" in found
    # and the published ballots let anyone recount: same votes, same seal
    published = public.get(page).get_data(as_text=True)
    assert rnd.seal_sha256 in published
    api_user = client.post("/api/v1/auth/token", json={"username": _admin_name(s), "password": "matkhau123"})
    data = client.get(f"/api/v1/elections/{eid}/ballots",
                      headers={"Authorization": f"Bearer {api_user.get_json()['token']}"}).get_json()
    recount = {i: 0 for i in ids}
    for b in data["ballots"]:
        if not b.get("invalid"):
            for k in b["kept"]:
                recount[k] += 1
    assert recount == votes and len(data["ballots"]) == 9
    assert elections.seal(eid, 1, [{"kept": b["kept"], "reason": b.get("reason")} for b in data["ballots"]]) \
        == rnd.seal_sha256


def _admin_name(session):
    from sqlalchemy import select

    from election_app.auth.models import User
    return session.scalars(select(User.username).where(User.role == "admin")).first()
