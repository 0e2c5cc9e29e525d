"""Agree/disagree ballots (phiếu đồng ý / không đồng ý, issue 16.4) end to end through the
API: the ballot type chosen and refused with a surplus, paper entry by two teams (their
comparison), phone votes in the sealed box, the close, the result with agree and disagree
per name against the rulebook's threshold, and the published ballots."""
from __future__ import annotations

import json
import re
import subprocess

import pytest
from sqlalchemy import select

from election_app.delegates.services import check_in
from election_app.elections import services as el
from election_app.elections.models import Ballot, PaperBallotEntry, SealedBallot
from election_app.rules import DEFAULT_PRESET
from test_voting_support import fresh, link_for, vote_url


def _create(admin, congress, roll, *, seats, n, ballot_type="yes_no", teams=2, body="executive_committee"):
    return admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": body, "seats": seats, "entry_teams": teams,
        "ballot_type": ballot_type, "candidates": [{"delegate_id": d.id} for d in roll[:n]]})


def test_yes_no_is_refused_with_a_surplus_and_stored_otherwise(api, session, congress, roll):
    admin = api("organizer")
    refused = _create(admin, congress, roll, seats=3, n=4)
    assert refused.status_code == 422
    body = refused.get_json()
    assert any(d["field"] == "ballot_type" for d in body["details"])
    assert "không có số dư" in body["message"]
    assert admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "X", "seats": 1, "ballot_type": "gạch", "candidates": [{"delegate_id": roll[0].id}]}
    ).status_code == 422                                              # strictly typed: only the two types
    made = _create(admin, congress, roll, seats=3, n=3)
    assert made.status_code == 201 and made.get_json()["ballot_type"] == "yes_no"
    eid = made.get_json()["id"]
    assert admin.get(f"/api/v1/elections/{eid}").get_json()["ballot_type_label"] == "Phiếu đồng ý / không đồng ý"
    # a fourth name would make a surplus: refused while the type is yes/no
    added = admin.post(f"/api/v1/elections/{eid}/candidates", json={"delegate_id": roll[5].id})
    assert added.status_code == 422 and "không có số dư" in added.get_json()["message"]
    # a strike-out election is unchanged by default
    plain = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Y", "seats": 1, "candidates": [{"delegate_id": roll[6].id}, {"delegate_id": roll[7].id}]})
    assert plain.get_json()["ballot_type"] == "strike"


def test_switching_type_is_checked_against_the_list(session, congress, roll):
    election, _ = el.create_election(session, congress=congress, title="Bầu", body="other", seats=2,
                                     candidates=[{"delegate_id": d.id} for d in roll[:3]])
    with pytest.raises(Exception, match="không có số dư"):
        el.update_election(session, election=election, ballot_type="yes_no")
    el.update_election(session, election=election, seats=3, ballot_type="yes_no")
    assert election.ballot_type == "yes_no"


def _pdf_text(resp, tmp_path, name: str) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.get_data()[:300]
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(resp.data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def test_full_round_two_teams_phone_votes_close_and_result(app, api, client, session, congress, roll, tmp_path):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    eid = _create(admin, congress, roll, seats=3, n=3).get_json()["id"]
    opened = board.post(f"/api/v1/elections/{eid}/open")
    assert opened.status_code == 200, opened.get_json()
    a, b, c = [x["id"] for x in opened.get_json()["candidates"]]
    assert board.post(f"/api/v1/elections/{eid}/issue-paper",
                      json={"delegate_ids": [d.id for d in roll[:5]]}).status_code == 200

    paper = [
        {"kept": [a, b, c]},                                 # agree to all
        {"kept": [a, b], "against": [c]},
        {"kept": [a, c], "against": [b, c]},                 # c: both boxes → neither
        {"kept": []},                                        # nothing marked: valid, for nobody
        {"kept": [a, b, c], "spoiled": "no_seal"},           # no seal: invalid
    ]
    r1 = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": paper, "team": 1})
    assert r1.status_code == 201, r1.get_json()
    misread = [dict(p) for p in paper]
    misread[2] = {"kept": [a, c], "against": [b]}            # team 2 missed the second box on c
    assert board.post(f"/api/v1/elections/{eid}/paper-ballots",
                      json={"ballots": misread, "team": 2}).status_code == 201
    # a strike-out-only field is refused on nothing; an id off the list is refused with its field
    bad = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"against": [99999]}]})
    assert bad.status_code == 422 and bad.get_json()["details"][0]["field"] == "against"

    phone = [([a, b, c], []), ([a], [b, c]), ([a, b], [c]), ([], [a, b, c])]
    for d, (kept, against) in zip(roll[5:9], phone):
        token = link_for(session, d)
        resp = client.post(vote_url(token, eid), json={"kept": kept, "against": against})
        assert resp.status_code == 201, resp.get_json()
    session = fresh(session)
    assert session.scalar(select(Ballot.id)) is None               # sealed while the round is open
    sizes = {len(ct) for ct in session.scalars(select(SealedBallot.ciphertext))}
    assert len(sizes) == 1                                           # one padded length for every ballot

    refused = board.post(f"/api/v1/elections/{eid}/close")
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert "phiếu số 3" in message
    detail = refused.get_json()["details"][0]["message"]
    assert "đánh cả hai ô số 3" in detail and "không đồng ý số 2" in detail

    r = el.current_round(session, el.get_election(session, eid))
    el.correct_paper_ballot(session, round=r, team=2, number=3, kept=[a, c], against=[b, c],
                            reason="đọc lại phiếu: ô thứ hai có đánh dấu")
    session.commit()

    closed = board.post(f"/api/v1/elections/{eid}/close")
    assert closed.status_code == 200, closed.get_json()
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert result["ballot_type"] == "yes_no"
    assert (result["returned"], result["valid"], result["invalid"]) == (9, 8, 1)
    got = {x["id"]: (x["votes"], x["against"]) for x in result["candidates"]}
    assert got == {a: (6, 1), b: (4, 3), c: (2, 4)}
    # the rulebook's threshold: 2 × agree > returned under the default rulebook
    assert DEFAULT_PRESET.elect_den * 6 > DEFAULT_PRESET.elect_num * 9
    assert not DEFAULT_PRESET.elect_den * 4 > DEFAULT_PRESET.elect_num * 9
    assert result["elected"] == [a] and result["outcome"] == "insufficient"

    published = board.get(f"/api/v1/elections/{eid}/ballots").get_json()
    assert len(published["ballots"]) == 9
    assert {"kept": [a, c], "against": [b, c]} in published["ballots"]
    assert {"kept": [], "against": [a, b, c]} in published["ballots"]
    session = fresh(session)
    stored = sorted((json.loads(x.kept), json.loads(x.against)) for x in session.scalars(select(Ballot)))
    assert stored == sorted((sorted(k), sorted(g)) for k, g in phone)
    # the seal covers the disagree marks: recomputed from the published ballots
    lines = [{"kept": p["kept"], "reason": p.get("reason"), "against": p["against"]} for p in published["ballots"]]
    assert el.seal(eid, 1, lines) == published["seal_sha256"]

    # the printed ballot has the two boxes per name; the count minutes print agree and
    # disagree per name and the threshold from the rulebook
    ballot = _pdf_text(board.get(f"/api/v1/elections/{eid}/documents/ballot.pdf?round=1"), tmp_path, "ballot")
    assert "Đồng ý" in ballot and "Không đồng ý" in ballot and "ô «Đồng ý» hoặc ô «Không đồng ý»" in ballot
    minutes = _pdf_text(board.get(f"/api/v1/elections/{eid}/documents/count-minutes.pdf"), tmp_path, "minutes")
    flat = " ".join(minutes.split())
    assert "Số phiếu đồng ý, không đồng ý cho từng người" in flat
    preset = DEFAULT_PRESET
    assert f"({preset.fraction('elect')})" in flat and "từ 5 phiếu trở lên" in flat
    assert "6/9 66,67% 1/9 11,11%" in flat          # a: agree 6, disagree 1 of 9 returned
    assert "4/9 44,44% 3/9 33,33%" in flat and "2/9 22,22% 4/9 44,44%" in flat
    assert "số phiếu đồng ý đạt quá" in flat


def test_chair_confidence_vote_one_name(api, client, session, congress, roll, tmp_path):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    made = _create(admin, congress, roll, seats=1, n=1, body="chair", teams=1)
    assert made.status_code == 201
    eid = made.get_json()["id"]
    (cid,) = [x["id"] for x in board.post(f"/api/v1/elections/{eid}/open").get_json()["candidates"]]
    for d, (kept, against) in zip(roll[:5], [([cid], [])] * 3 + [([], [cid]), ([], [])]):
        assert client.post(vote_url(link_for(session, d), eid),
                           json={"kept": kept, "against": against}).status_code == 201
    # one name both agreed and disagreed is not a phone ballot: refused, nothing recorded
    both = client.post(vote_url(link_for(session, roll[6]), eid), json={"kept": [cid], "against": [cid]})
    assert both.status_code == 422 and both.get_json()["details"][0]["field"] == "against"
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 200
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert result["returned"] == 5
    assert result["candidates"][0]["votes"] == 3 and result["candidates"][0]["against"] == 1
    assert result["elected"] == [cid] and result["outcome"] == "complete"     # 3 of 5 returned
    # the count minutes of the confidence vote: agree, disagree, and the ballots marking neither box
    minutes = " ".join(_pdf_text(board.get(f"/api/v1/elections/{eid}/documents/count-minutes.pdf"),
                                 tmp_path, "chair").split())
    assert "đồng ý 3 phiếu (60,00%); không đồng ý 1 phiếu (20,00%)" in minutes
    assert "để trống hoặc đánh cả hai ô: 1 phiếu" in minutes
    assert "được 3/5 phiếu đồng ý (60,00%)" in minutes and "trúng cử" in minutes
    # the congress minutes name the votes for and against the one elected
    congress_minutes = " ".join(_pdf_text(api("secretary").get(
        f"/api/v1/congresses/{congress.id}/documents/minutes.pdf"), tmp_path, "congress").split())
    assert "Đồng ý Không đồng ý Số phiếu Tỉ lệ Số phiếu Tỉ lệ" in congress_minutes   # a column each
    assert "3/5 60,00% 1/5 20,00%" in congress_minutes


def test_a_strike_out_election_refuses_disagree_marks(api, client, session, congress, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    eid = _create(admin, congress, roll, seats=1, n=2, ballot_type="strike").get_json()["id"]
    a, b = [x["id"] for x in board.post(f"/api/v1/elections/{eid}/open").get_json()["candidates"]]
    resp = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"kept": [a], "against": [b]}]})
    assert resp.status_code == 422
    cast = client.post(vote_url(link_for(session, roll[3]), eid), json={"kept": [a], "against": [b]})
    assert cast.status_code == 422
    session = fresh(session)
    assert session.scalar(select(PaperBallotEntry.id)) is None


# --- the pages: the create form, the board's keyboard entry, the phone ballot --------------

from tests.conftest import csrf_from  # noqa: E402


def test_create_page_offers_and_refuses_the_type(login, client, session, congress, roll):
    login("organizer")
    page = client.get(f"/congresses/{congress.id}/elections/new").get_data(as_text=True)
    assert 'name="ballot_type"' in page and "Phiếu đồng ý / không đồng ý" in page
    data = {"csrf_token": csrf_from(page), "title": "Bầu Chủ tịch", "body": "chair", "seats": "1",
            "entry_teams": "1", "ballot_type": "yes_no", "delegate_id": [str(roll[0].id), str(roll[1].id)]}
    refused = client.post(f"/congresses/{congress.id}/elections/new", data=data, follow_redirects=True)
    assert "không có số dư" in refused.get_data(as_text=True)
    assert el.list_elections(fresh(session), congress.id) == []
    data["delegate_id"] = [str(roll[0].id)]
    made = client.post(f"/congresses/{congress.id}/elections/new", data=data, follow_redirects=True)
    assert made.status_code == 200
    (election,) = el.list_elections(fresh(session), congress.id)
    assert election.ballot_type == "yes_no"
    assert "Phiếu đồng ý / không đồng ý" in made.get_data(as_text=True)


def _open_yes_no(session, congress, roll, *, n=3, teams=2):
    for d in roll:
        check_in(session, delegate=d)
    election, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                                     seats=n, entry_teams=teams, ballot_type="yes_no",
                                     candidates=[{"delegate_id": d.id} for d in roll[:n]])
    el.open_round(session, election=election)
    session.commit()
    return election, [c.id for _, c in el.round_candidates(session, el.current_round(session, election))]


def test_keyboard_entry_marks_per_name(login, client, session, congress, roll):
    election, (a, b, c) = _open_yes_no(session, congress, roll)
    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    page = client.get(f"{base}/entry?team=1").get_data(as_text=True)
    assert 'data-mode="yes_no"' in page and "Đồng ý tất cả" in page
    token = csrf_from(page)

    def enter(reading, key="", team=1):
        return client.post(f"{base}/entry?team={team}", data={"csrf_token": token, "team": team, "reading": reading,
                                                                "key": key}, headers={"Accept": "application/json"})
    ok = enter("AKH")
    assert ok.status_code == 200 and ok.get_json()["ok"], ok.get_json()
    assert "1 đồng ý, 1 không đồng ý" in ok.get_json()["message"]
    assert ok.get_json()["count"]["votes"][str(a)] == 1 and ok.get_json()["count"]["against"][str(b)] == 1
    assert enter("", key="+").get_json()["ok"]                       # agree to all
    spoiled = enter("a-k D").get_json()
    assert spoiled["ok"] and spoiled["kind"] == "warning" and "KHÔNG HỢP LỆ" in spoiled["message"]
    short = enter("AK")
    assert short.status_code == 422 and "gõ đủ 3 dấu" in short.get_json()["message"]
    entries = el.paper_entries(fresh(session), el.current_round(fresh(session), election), 1)
    assert [(json.loads(e.kept), json.loads(e.against), e.defect) for e in entries] == [
        ([a, c], [b, c], None), ([a, b, c], [], None), ([a], [c], "no_seal")]
    # team 2 reads ballot 1 as "AK-": the comparison page shows both readings as typed
    for reading, key in (("AK-", ""), ("", "+"), ("a-k", "d")):
        enter(reading, key, team=2)
    compare = client.get(f"{base}/compare").get_data(as_text=True)
    assert "AKH" in compare and "AK-" in compare
    fixed = client.post(f"{base}/entry/correct", data={"csrf_token": token, "team": 2, "number": 1, "reading": "AKH",
                                                      "reason": "đọc lại: tên thứ ba đánh cả hai ô"},
                        follow_redirects=True)
    assert fixed.status_code == 200
    assert el.compare_teams(fresh(session), el.current_round(fresh(session), election))["disagreements"] == []
    log = client.get(f"{base}/rounds/1/log").get_data(as_text=True)
    assert "AK-" in log and "AKH" in log                              # the correction's trace, as typed


def test_phone_page_agree_disagree_blank(client, session, congress, roll):
    election, (a, b, c) = _open_yes_no(session, congress, roll, teams=1)
    token = link_for(session, roll[5])
    path = f"/v/{token}"
    page = client.get(path).get_data(as_text=True)
    assert f'name="mark-{a}" value="against"' in page and "Để trống" in page
    review = client.post(path, data={"csrf_token": csrf_from(page), "election_id": election.id, "step": "review",
                                     f"mark-{a}": "agree", f"mark-{b}": "against", f"mark-{c}": ""})
    html = review.get_data(as_text=True)
    assert review.status_code == 200 and "Xác nhận bỏ phiếu" in html
    assert f'name="against" value="{b}"' in html and f'name="kept" value="{a}"' in html
    cast = client.post(path, data={"csrf_token": csrf_from(html), "election_id": election.id, "step": "cast",
                                   "kept": [str(a)], "against": [str(b)]})
    assert cast.status_code == 200 and "Mã biên nhận" in cast.get_data(as_text=True)
    session = fresh(session)
    assert session.scalar(select(Ballot.id)) is None and len(session.scalars(select(SealedBallot)).all()) == 1
    el.close_round(session, election=election)
    session.commit()
    result = el.round_result(session, election)
    assert {x["id"]: (x["votes"], x["against"]) for x in result["candidates"]} == {a: (1, 0), b: (0, 1), c: (0, 0)}
    # the published ballots (public after close) show both lists by ballot number
    with client.application.test_request_context():
        from flask import url_for
        signed = url_for("voting.receipts", cid=congress.id, eid=election.id)   # a signed link (issue 10)
    page = client.get(signed).get_data(as_text=True)
    assert "Đồng ý (số thứ tự trên phiếu)" in page and "Không đồng ý" in page
    assert re.search(r"<td>1</td>\s*<td>2</td>", page)


def test_result_page_hall_display_and_camera(login, client, session, congress, roll):
    from election_app.agenda import display, services as agenda
    from tests.conftest import TEST_SECRET
    agenda.create_agenda_from_template(session, congress=congress)
    election, (a, b, c) = _open_yes_no(session, congress, roll, teams=1)
    agenda.link_standard_items(session, congress=congress)
    r = el.current_round(session, election)
    el.issue_paper(session, election=election, delegate_ids=[d.id for d in roll[:5]])
    for agree, against in (([a, b, c], []), ([a, b], [c]), ([a], [b, c]), ([a, c], [b, c]), ([], [])):
        el.enter_paper_ballot(session, round=r, kept=agree, against=against)
    el.close_round(session, election=election)
    token = display.issue_display_token(session, congress=congress, secret=TEST_SECRET)
    result_item = next(i for i in agenda.list_items(session, congress.id) if i.code == "bch_result")
    agenda.set_current_item(session, congress=congress, item=result_item)
    session.commit()

    state = client.get(f"/display/{token}/state.json").get_json()
    result = state["election"]["result"]
    assert result["yes_no"] and result["votes_needed"] == 3
    assert [(x["votes"], x["against"]) for x in result["rows"]] == [(4, 0), (2, 2), (1, 2)]   # c: both boxes once
    hall = client.get(f"/display/{token}").get_data(as_text=True)
    assert "Không đồng ý" in hall and "Trúng cử khi có từ <b>3</b> phiếu đồng ý" in hall

    login("board")
    base = f"/congresses/{congress.id}/elections/{election.id}"
    page = client.get(f"{base}/result").get_data(as_text=True)
    assert "Không đồng ý" in page and f'data-against="{b}">2/5' in page and "từ 3 phiếu trở lên" in page
    assert "Đếm phiếu bằng máy ảnh" not in page                       # no camera tab
    camera = client.get(f"/congresses/{congress.id}/elections/{election.id}/camera").get_data(as_text=True)
    assert 'data-testid="camera-yes-no"' in camera
