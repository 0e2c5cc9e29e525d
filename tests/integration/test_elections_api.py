"""The elections API (API.md "Elections"): every endpoint, its 2xx answer and its 401 / 403 /
404 / 409 / 422 refusals, and "nothing is partly written" after each refusal."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from election_app.delegates.services import check_in, decide_credentials
from election_app.elections.models import (Candidate, Election, PaperBallotEntry, Round,
                                           RoundParticipation)

RESULT_KEYS = {"round", "status", "seats", "issued", "returned", "valid", "invalid", "candidates",
               "outcome", "elected", "tied", "elected_so_far"}


def _present(session, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()


def _count(session, model, **where) -> int:
    session.expire_all()
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return session.scalar(stmt)


@pytest.fixture
def admin(api):
    return api("admin")


@pytest.fixture
def board(api, congress):
    return api("board")


def _create(admin, congress, roll, seats=2, n=4, **extra):
    body = {"title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": seats,
            "candidates": [{"delegate_id": d.id} for d in roll[:n]], **extra}
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


# --- create ------------------------------------------------------------------------------

def test_create_returns_candidates_in_ballot_order_with_warnings(admin, congress, roll):
    body = {"title": "Bầu BCH", "body": "executive_committee", "seats": 2,
            "candidates": [{"delegate_id": roll[4].id}, {"full_name": "Ngô Thị Ánh"},
                           {"delegate_id": roll[0].id}, {"full_name": "Trần Văn Ánh", "nomination": "self"}]}
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections", json=body)
    assert resp.status_code == 201
    data = resp.get_json()
    # tên first (An < Ánh < Đức), then họ (Ngô < Trần)
    assert [c["full_name"] for c in data["candidates"]] == [
        "Nguyễn Văn An", "Ngô Thị Ánh", "Trần Văn Ánh", "Hoàng Văn Đức"]
    assert isinstance(data["id"], int) and all("id" in c for c in data["candidates"])
    assert data["warnings"] and "30%" in data["warnings"][0]   # 2 surplus on 2 seats = 100 %
    assert data["candidates"][2]["nomination"] == "self"
    # the roll's data is copied onto the candidate
    assert data["candidates"][0]["birth_year"] == roll[0].birth_year
    assert data["candidates"][0]["delegate_id"] == roll[0].id


def test_create_warns_when_no_surplus(admin, congress, roll):
    data = _create(admin, congress, roll, seats=3, n=3)
    assert any("không có số dư" in w for w in data["warnings"])
    data = _create(admin, congress, roll, seats=3, n=4)   # 33 % > 30 %
    assert any("vượt quá 30%" in w for w in data["warnings"])
    data = _create(admin, congress, roll, seats=4, n=5)   # 25 %
    assert data["warnings"] == []


@pytest.mark.parametrize("seats,candidates,field,needle", [
    (3, 2, "candidates", "ít hơn số lượng bầu"),
    (0, 2, "seats", "từ 1 trở lên"),
    (-1, 2, "seats", "từ 1 trở lên"),
    ("ba", 2, "seats", "số nguyên"),
])
def test_create_hard_errors(admin, session, congress, roll, seats, candidates, field, needle):
    body = {"title": "Bầu BCH", "body": "executive_committee", "seats": seats,
            "candidates": [{"delegate_id": d.id} for d in roll[:candidates]]}
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections", json=body)
    assert resp.status_code == 422
    data = resp.get_json()
    assert data["error"] == "invalid"
    assert any(d["field"] == field and needle in d["message"] for d in data["details"]), data
    assert _count(session, Election) == 0 and _count(session, Candidate) == 0


@pytest.mark.parametrize("people", [
    "same_delegate_twice", "same_outside_name_twice", "roll_and_outside_same_person", "tone_placement",
])
def test_create_refuses_one_person_twice(admin, session, congress, roll, people):
    candidates = {
        "same_delegate_twice": [{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id}, {"delegate_id": roll[0].id}],
        "same_outside_name_twice": [{"full_name": "Lê Văn Tám"}, {"delegate_id": roll[1].id}, {"full_name": "lê  văn tám"}],
        "roll_and_outside_same_person": [{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id},
                                         {"full_name": "Nguyễn Văn An", "birth_year": 1980}],
        "tone_placement": [{"full_name": "Đỗ Thị Hoà"}, {"delegate_id": roll[1].id}, {"full_name": "Đỗ Thị Hòa"}],
    }[people]
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections",
                      json={"title": "Bầu BCH", "body": "executive_committee", "seats": 2, "candidates": candidates})
    assert resp.status_code == 422, resp.get_json()
    details = resp.get_json()["details"]
    assert any(d.get("row") == 3 and "hai lần" in d["message"] for d in details), details
    assert _count(session, Election) == 0


def test_create_other_bad_input(admin, session, congress, roll):
    url = f"/api/v1/congresses/{congress.id}/elections"
    cases = [
        ({"title": "", "body": "executive_committee", "seats": 1, "candidates": [{"delegate_id": roll[0].id}]}, "title"),
        ({"title": "X", "body": "dance_committee", "seats": 1, "candidates": [{"delegate_id": roll[0].id}]}, "body"),
        ({"title": "X", "body": "other", "seats": 1, "candidates": [{"delegate_id": 999999}]}, "delegate_id"),
        ({"title": "X", "body": "other", "seats": 1, "candidates": [{"full_name": "  "}]}, "full_name"),
        ({"title": "X", "body": "other", "seats": 1, "candidates": [{"full_name": "A B", "birth_year": "x"}]}, "birth_year"),
        ({"title": "X", "body": "chair", "seats": 2, "candidates": [{"delegate_id": d.id} for d in roll[:3]]}, "seats"),
        ({"title": "X", "body": "other", "seats": 1, "entry_teams": 4, "candidates": [{"delegate_id": roll[0].id}]}, "entry_teams"),
    ]
    for body, field in cases:
        resp = admin.post(url, json=body)
        assert resp.status_code == 422, (body, resp.get_json())
        assert any(d["field"] == field for d in resp.get_json()["details"]), (body, resp.get_json())
    assert admin.post(url, data="not json", content_type="text/plain").status_code == 422
    assert _count(session, Election) == 0


def test_upper_delegates_only_official_delegates_of_this_congress(admin, session, congress, roll):
    from election_app.delegates.services import add_delegates
    (alt,) = add_delegates(session, congress=congress, rows=[{"full_name": "Mai Văn Dự", "category": "alternate"}])
    (guest,) = add_delegates(session, congress=congress, rows=[{"full_name": "Khách Văn Mời", "category": "guest"}])
    session.commit()
    url = f"/api/v1/congresses/{congress.id}/elections"
    base = {"title": "Bầu đại biểu đi dự đại hội cấp trên", "body": "upper_delegates", "seats": 1}
    for bad in ({"full_name": "Người Ngoài"}, {"delegate_id": alt.id}, {"delegate_id": guest.id}):
        resp = admin.post(url, json={**base, "candidates": [{"delegate_id": roll[0].id}, bad]})
        assert resp.status_code == 422, bad
        assert "chính thức" in resp.get_json()["details"][0]["message"]
    resp = admin.post(url, json={**base, "candidates": [{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id}]})
    assert resp.status_code == 201


def test_create_requires_auth_and_role(client, api, congress, roll):
    url = f"/api/v1/congresses/{congress.id}/elections"
    body = {"title": "X", "body": "other", "seats": 1, "candidates": [{"delegate_id": roll[0].id}]}
    assert client.post(url, json=body).status_code == 401
    assert api("board").post(url, json=body).status_code == 403
    assert api("secretary").post(url, json=body).status_code == 403
    assert api("organizer").post(url, json=body).status_code == 201
    assert api("admin").post("/api/v1/congresses/9999/elections", json=body).status_code == 404


def test_list_and_get(admin, board, congress, roll):
    made = _create(admin, congress, roll)
    listed = board.get(f"/api/v1/congresses/{congress.id}/elections").get_json()["elections"]
    assert [e["id"] for e in listed] == [made["id"]]
    one = board.get(f"/api/v1/elections/{made['id']}").get_json()
    assert one["status"] == "draft" and one["seats"] == 2 and len(one["candidates"]) == 4
    assert board.get("/api/v1/elections/99999").status_code == 404


# --- candidates ----------------------------------------------------------------------------

def test_add_and_withdraw_candidates(admin, session, congress, roll):
    made = _create(admin, congress, roll, seats=2, n=3)
    eid = made["id"]
    resp = admin.post(f"/api/v1/elections/{eid}/candidates", json={"delegate_id": roll[5].id, "nomination": "self"})
    assert resp.status_code == 201 and resp.get_json()["candidate"]["nomination"] == "self"
    assert admin.post(f"/api/v1/elections/{eid}/candidates", json={"delegate_id": roll[5].id}).status_code == 422
    cid = made["candidates"][0]["id"]
    assert admin.post(f"/api/v1/elections/{eid}/candidates/{cid}/withdraw", json={"reason": ""}).status_code == 422
    resp = admin.post(f"/api/v1/elections/{eid}/candidates/{cid}/withdraw", json={"reason": "Lý do sức khoẻ"})
    assert resp.status_code == 200
    data = resp.get_json()
    assert cid not in [c["id"] for c in data["candidates"]]
    assert data["withdrawn"][0]["withdrawal_reason"] == "Lý do sức khoẻ"
    assert admin.post(f"/api/v1/elections/{eid}/candidates/{cid}/withdraw", json={"reason": "x"}).status_code == 409
    # round 1 is built from the list without the withdrawn person; no withdrawal afterwards
    opened = admin.post(f"/api/v1/elections/{eid}/open").get_json()
    assert cid not in [c["id"] for c in opened["candidates"]] and len(opened["candidates"]) == 3
    other = made["candidates"][1]["id"]
    assert admin.post(f"/api/v1/elections/{eid}/candidates/{other}/withdraw", json={"reason": "x"}).status_code == 409
    assert admin.post(f"/api/v1/elections/{eid}/candidates", json={"full_name": "Mới Văn Thêm"}).status_code == 409


def test_open_refused_when_withdrawals_leave_too_few(admin, congress, roll):
    made = _create(admin, congress, roll, seats=2, n=2)
    cid = made["candidates"][0]["id"]
    assert admin.post(f"/api/v1/elections/{made['id']}/candidates/{cid}/withdraw", json={"reason": "x"}).status_code == 200
    resp = admin.post(f"/api/v1/elections/{made['id']}/open")
    assert resp.status_code == 422 and "ít hơn số lượng bầu" in resp.get_json()["message"]


# --- rounds, strike-off, paper ----------------------------------------------------------------

def test_open_close_and_their_refusals(admin, board, session, congress, roll):
    _present(session, roll)
    eid = _create(admin, congress, roll)["id"]
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 409      # nothing open
    resp = board.post(f"/api/v1/elections/{eid}/open")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["round"] == 1 and data["status"] == "open" and data["present_at_open"] == 9
    assert [c["number"] for c in data["candidates"]] == [1, 2, 3, 4]
    assert board.post(f"/api/v1/elections/{eid}/open").status_code == 409       # already open
    resp = board.post(f"/api/v1/elections/{eid}/close")                          # nothing cast: 0 of 0
    assert resp.status_code == 200
    assert resp.get_json()["outcome"] == "insufficient" and resp.get_json()["status"] == "closed"
    assert board.post(f"/api/v1/elections/{eid}/open").status_code == 409       # closed: needs a new round
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 409


def test_count_permissions(api, admin, congress, roll):
    eid = _create(admin, congress, roll)["id"]
    for role in ("secretary", "organizer"):
        client = api(role)
        for path in ("open", "close", "rounds", "issue-paper", "paper-ballots"):
            assert client.post(f"/api/v1/elections/{eid}/{path}", json={}).status_code == 403, (role, path)
        assert client.get(f"/api/v1/elections/{eid}/result").status_code == 200


def test_issue_paper_all_or_nothing(admin, board, session, congress, roll):
    _present(session, roll[:8])   # roll[8] is not present
    eid = _create(admin, congress, roll)["id"]
    url = f"/api/v1/elections/{eid}/issue-paper"
    assert board.post(url, json={"delegate_ids": [roll[0].id]}).status_code == 409   # no open round
    board.post(f"/api/v1/elections/{eid}/open")
    resp = board.post(url, json={"delegate_ids": [roll[0].id, roll[1].id]})
    assert resp.status_code == 200 and resp.get_json()["issued"] == [roll[0].id, roll[1].id]
    # one already has a ballot: 409, and the other is not struck off either
    resp = board.post(url, json={"delegate_ids": [roll[2].id, roll[1].id]})
    assert resp.status_code == 409 and "đã nhận phiếu" in resp.get_json()["message"]
    assert _count(session, RoundParticipation) == 2
    # not present / credentials rejected / unknown / twice in one request: 422, nothing written
    decide_credentials(session, delegate=roll[7], status="rejected", reason="Đang bị kỷ luật")
    session.commit()
    for ids in ([roll[2].id, roll[8].id], [roll[2].id, roll[7].id], [roll[2].id, 999999], [roll[2].id, roll[2].id], []):
        resp = board.post(url, json={"delegate_ids": ids})
        assert resp.status_code == 422, (ids, resp.get_json())
    assert _count(session, RoundParticipation) == 2
    assert "chưa điểm danh" in board.post(url, json={"delegate_ids": [roll[8].id]}).get_json()["message"]


def test_paper_ballots_recorded_validated_and_refused_after_close(admin, board, session, congress, roll):
    _present(session, roll)
    made = _create(admin, congress, roll)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    url = f"/api/v1/elections/{eid}/paper-ballots"
    assert board.post(url, json={"ballots": [{"kept": ids[:1]}]}).status_code == 409   # not open yet
    board.post(f"/api/v1/elections/{eid}/open")
    resp = board.post(url, json={"issued": 9, "ballots": [{"kept": ids[:2]}, {"kept": [ids[0]]},
                                                          {"spoiled": "no_seal"}, {"kept": ids[:3]}, {"kept": []}]})
    assert resp.status_code == 201 and resp.get_json() == {"recorded": 5, "round": 1}
    bad_batches = [
        [{"kept": [ids[0]]}, {"kept": [999999]}],           # not on the ballot
        [{"kept": [ids[0], ids[0]]}],                      # same name kept twice
        [{"spoiled": "vết \x07 cà phê"}],                  # the board's words with a control character
        [{"spoiled": "x" * 201}],                          # words over 200 characters
        [{"neither": 1}],
        "not a list",
    ]
    for ballots in bad_batches:
        resp = board.post(url, json={"ballots": ballots})
        assert resp.status_code == 422, ballots
    resp = board.post(url, json={"ballots": [{"kept": [ids[0]]}, {"kept": [999999]}]})
    assert resp.get_json()["details"][0]["row"] == 2
    assert _count(session, PaperBallotEntry) == 5
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert result["outcome"] == "pending" and result["status"] == "open"
    assert (result["issued"], result["returned"], result["valid"], result["invalid"]) == (9, 5, 2, 3)
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 200
    resp = board.post(url, json={"ballots": [{"kept": [ids[0]]}]})
    assert resp.status_code == 409        # vote after close
    assert board.post(f"/api/v1/elections/{eid}/issue-paper", json={"delegate_ids": [roll[0].id]}).status_code == 409


def test_spoiled_reasons_accept_codes_and_plain_words(admin, board, session, congress, roll):
    _present(session, roll)
    made = _create(admin, congress, roll)
    eid = made["id"]
    board.post(f"/api/v1/elections/{eid}/open")
    ballots = [{"spoiled": s} for s in ("no stamp", "extra marks", "not the official form", "name_added",
                                         "Phiếu gạch không rõ ràng, không xác định được người bị gạch")]
    assert board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"issued": 5, "ballots": ballots}).status_code == 201
    result = board.post(f"/api/v1/elections/{eid}/close").get_json()
    assert result["invalid_by_reason"] == {"too_many_kept": 0, "all_struck": 0, "not_issued": 1, "no_seal": 1,
                                           "name_added": 1, "distinguishing_mark": 1, "unclear_strike": 1,
                                           "other": 0}


def test_close_refused_when_unreconciled(admin, board, session, congress, roll):
    _present(session, roll)
    made = _create(admin, congress, roll)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    board.post(f"/api/v1/elections/{eid}/open")
    board.post(f"/api/v1/elections/{eid}/issue-paper", json={"delegate_ids": [roll[0].id, roll[1].id]})
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"kept": ids[:2]}] * 3})
    resp = board.post(f"/api/v1/elections/{eid}/close")
    assert resp.status_code == 409
    data = resp.get_json()
    assert data["error"] == "unreconciled"
    assert "thu về (3) lớn hơn số phiếu phát ra (2)" in data["message"]
    session.expire_all()
    assert session.scalar(select(Round.status)) == "open"
    # the board's count does not replace the strike-off once someone was struck off
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"issued": 3, "ballots": []})
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 409
    board.post(f"/api/v1/elections/{eid}/issue-paper", json={"delegate_ids": [roll[2].id]})
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 200


def test_close_refused_when_more_voted_than_present(admin, board, session, congress, roll):
    _present(session, roll[:3])
    made = _create(admin, congress, roll)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    board.post(f"/api/v1/elections/{eid}/open")
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"issued": 4, "ballots": [{"kept": ids[:2]}] * 4})
    resp = board.post(f"/api/v1/elections/{eid}/close")
    assert resp.status_code == 409 and "có mặt (3)" in resp.get_json()["message"]


def test_result_shape_and_percent(admin, board, session, congress, roll):
    _present(session, roll)
    made = _create(admin, congress, roll, seats=2, n=3)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    board.post(f"/api/v1/elections/{eid}/open")
    before = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert RESULT_KEYS <= set(before) and before["outcome"] == "pending"
    ballots = [{"kept": [ids[0], ids[1]]}] * 5 + [{"kept": [ids[0], ids[2]]}] * 1 + [{"spoiled": "no_seal"}]
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"issued": 7, "ballots": ballots})
    board.post(f"/api/v1/elections/{eid}/close")
    data = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert RESULT_KEYS <= set(data)
    assert (data["round"], data["status"], data["seats"]) == (1, "closed", 2)
    assert (data["issued"], data["returned"], data["valid"], data["invalid"]) == (7, 7, 6, 1)
    votes = {c["id"]: (c["votes"], c["percent"], c["elected"]) for c in data["candidates"]}
    assert votes[ids[0]] == (6, 85.71, True)     # 6/7 = 85.714…
    assert votes[ids[1]] == (5, 71.43, True)
    assert votes[ids[2]] == (1, 14.29, False)
    assert data["outcome"] == "complete" and data["elected"] == [ids[0], ids[1]] and data["tied"] == []
    assert data["elected_so_far"] == [ids[0], ids[1]]
    assert [c["id"] for c in data["candidates"]] == ids    # ballot order


def test_further_round_refusals(admin, board, session, congress, roll):
    _present(session, roll)
    made = _create(admin, congress, roll, seats=2, n=4)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    url = f"/api/v1/elections/{eid}/rounds"
    assert board.post(url, json={"candidate_ids": ids[:2], "seats": 1}).status_code == 409   # no round yet
    board.post(f"/api/v1/elections/{eid}/open")
    assert board.post(url, json={"candidate_ids": ids[:2], "seats": 1}).status_code == 409   # before close
    # 9 ballots: A 9, B 4, C 4, D 0 → A elected, B and C below the threshold (4·2 ≤ 9)
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={
        "issued": 9, "ballots": [{"kept": [ids[0], ids[1]]}] * 4 + [{"kept": [ids[0], ids[2]]}] * 4 + [{"kept": [ids[0]]}]})
    assert board.post(f"/api/v1/elections/{eid}/close").get_json()["outcome"] == "insufficient"
    for body in ({"candidate_ids": ids[1:3], "seats": 2},          # more seats than left (1)
                 {"candidate_ids": ids[1:3], "seats": 0},
                 {"candidate_ids": [ids[0], ids[1]], "seats": 1},  # ids[0] is already elected
                 {"candidate_ids": [ids[1], ids[1]], "seats": 1},
                 {"candidate_ids": [999999], "seats": 1},
                 {"candidate_ids": [], "seats": 1}):
        resp = board.post(url, json=body)
        assert resp.status_code == 422, (body, resp.get_json())
    assert _count(session, Round) == 1
    resp = board.post(url, json={"candidate_ids": [ids[2], ids[1]], "seats": 1})
    assert resp.status_code == 201
    data = resp.get_json()
    assert data["round"] == 2 and data["status"] == "draft" and data["seats"] == 1
    assert [c["id"] for c in data["candidates"]] == [ids[1], ids[2]]
    assert board.post(url, json={"candidate_ids": ids[1:3], "seats": 1}).status_code == 409  # round 2 not closed


def test_bch_with_tie_and_second_round_on_paper(admin, board, session, congress, roll):
    """Done-when: a BCH election (5 seats, 6 candidates) with a tie at the last seat and a
    second round, start to finish on paper through the API."""
    _present(session, roll)
    made = _create(admin, congress, roll, seats=5, n=6)
    eid = made["id"]
    ids = [c["id"] for c in made["candidates"]]
    a, b, c, d, e, f = ids
    assert board.post(f"/api/v1/elections/{eid}/open").status_code == 200
    assert board.post(f"/api/v1/elections/{eid}/issue-paper",
                      json={"delegate_ids": [x.id for x in roll]}).status_code == 200
    # 9 ballots: a b c 9 each; d e f 6 each (tie for the last 2 seats among 3)
    ballots = ([{"kept": [a, b, c, d, e]}] * 3 + [{"kept": [a, b, c, d, f]}] * 3 + [{"kept": [a, b, c, e, f]}] * 3)
    assert board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": ballots}).status_code == 201
    r1 = board.post(f"/api/v1/elections/{eid}/close").get_json()
    assert r1["outcome"] == "tie"
    assert sorted(r1["elected"]) == sorted([a, b, c]) and sorted(r1["tied"]) == sorted([d, e, f])
    assert sorted(r1["elected_so_far"]) == sorted([a, b, c])
    # the congress votes a second round among the tied for the 2 seats left
    r2 = board.post(f"/api/v1/elections/{eid}/rounds", json={"candidate_ids": r1["tied"], "seats": 2})
    assert r2.status_code == 201
    assert board.post(f"/api/v1/elections/{eid}/open").status_code == 200
    assert board.post(f"/api/v1/elections/{eid}/issue-paper",
                      json={"delegate_ids": [x.id for x in roll]}).status_code == 200
    ballots = [{"kept": [d, e]}] * 5 + [{"kept": [d, f]}] * 3 + [{"kept": [d, e, f]}]   # last one: too many
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": ballots})
    result = board.post(f"/api/v1/elections/{eid}/close").get_json()
    assert result["round"] == 2 and result["outcome"] == "complete"
    assert result["elected"] == [d, e] and result["invalid"] == 1 and result["returned"] == 9
    assert sorted(result["elected_so_far"]) == sorted([a, b, c, d, e])
    assert board.get(f"/api/v1/elections/{eid}").get_json()["status"] == "complete"
    assert board.post(f"/api/v1/elections/{eid}/rounds", json={"candidate_ids": [f], "seats": 1}).status_code == 409


def test_paper_and_electronic_never_both(admin, board, session, congress, roll):
    """A delegate who voted electronically cannot be handed a paper ballot (409, nothing
    issued), and the electronic ballot counts in issued/returned."""
    _present(session, roll)
    made = _create(admin, congress, roll, seats=1, n=2)
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    board.post(f"/api/v1/elections/{eid}/open")
    url = admin.post(f"/api/v1/congresses/{congress.id}/delegates/{roll[0].id}/voting-link").get_json()["url"]
    token = url.rsplit("/", 1)[-1]
    resp = admin.post(f"/api/v1/vote/{token}/elections/{eid}", json={"kept": [ids[0]]})
    assert resp.status_code == 201, resp.get_json()
    resp = board.post(f"/api/v1/elections/{eid}/issue-paper", json={"delegate_ids": [roll[1].id, roll[0].id]})
    assert resp.status_code == 409 and "đã bỏ phiếu" in resp.get_json()["message"]
    assert _count(session, RoundParticipation, method="paper") == 0
    board.post(f"/api/v1/elections/{eid}/issue-paper", json={"delegate_ids": [roll[1].id, roll[2].id]})
    board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"kept": [ids[0]]}, {"kept": [ids[1]]}]})
    result = board.post(f"/api/v1/elections/{eid}/close").get_json()
    assert (result["issued"], result["returned"], result["valid"]) == (3, 3, 3)
    assert result["elected"] == [ids[0]]


def test_a_bad_candidate_row_is_named_by_row_and_field_in_vietnamese(admin, session, congress, roll):
    """The door's validation (pydantic) numbers a row of a list of objects like the services do."""
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu BCH", "body": "other", "seats": 1,
        "candidates": [{"delegate_id": roll[0].id}, {"full_name": "Lê Văn Mới", "birth_year": "năm ấy"}]})
    assert resp.status_code == 422
    assert resp.get_json()["details"] == [{"row": 2, "field": "birth_year", "message": "Phải là số nguyên."}]
    assert _count(session, Election) == 0
