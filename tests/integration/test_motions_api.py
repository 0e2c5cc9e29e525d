"""Show-of-hands motions (API.md "Motions", RULES §3): create, record against the number
present at that moment, refuse more hands than present, the standard motions per kind."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from election_app.congress.services import create_congress
from election_app.delegates.services import check_in, undo_check_in
from election_app.motions import services as mo
from election_app.motions.models import Motion


@pytest.fixture
def seven_present(session, roll):
    for d in roll[:7]:
        check_in(session, delegate=d)
    session.commit()
    return roll


def _create(client, congress, title="Thông qua chương trình đại hội"):
    resp = client.post(f"/api/v1/congresses/{congress.id}/motions", json={"title": title})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_create_and_list(api, congress):
    sec = api("secretary")
    made = _create(sec, congress)
    assert made["title"] == "Thông qua chương trình đại hội" and made["recorded"] is False
    assert made["passed"] is None
    listed = sec.get(f"/api/v1/congresses/{congress.id}/motions").get_json()["motions"]
    assert [m["id"] for m in listed] == [made["id"]]
    for bad in ({"title": ""}, {"title": "   "}, {}, {"title": "x" * 401}, {"title": 5}):
        resp = sec.post(f"/api/v1/congresses/{congress.id}/motions", json=bad)
        assert resp.status_code == 422, bad
        assert resp.get_json()["details"][0]["field"] == "title"
    assert sec.post("/api/v1/congresses/9999/motions", json={"title": "x"}).status_code == 404


@pytest.mark.parametrize("agree,disagree,abstain,passed", [
    (4, 3, 0, True),      # 2·4 > 7
    (3, 3, 1, False),     # 2·3 ≤ 7
    (7, 0, None, True),
    (0, 0, 0, False),
    (4, 0, 3, True),
])
def test_record_result_against_present(api, session, congress, seven_present, agree, disagree, abstain, passed):
    sec = api("secretary")
    mid = _create(sec, congress)["id"]
    body = {"agree": agree, "disagree": disagree}
    if abstain is not None:
        body["abstain"] = abstain
    resp = sec.post(f"/api/v1/motions/{mid}/result", json=body)
    assert resp.status_code == 200, resp.get_json()
    data = sec.get(f"/api/v1/motions/{mid}/result").get_json()
    assert data == {"agree": agree, "disagree": disagree, "abstain": abstain or 0, "passed": passed,
                    "present": 7, "agree_percent": round(agree * 100 / 7, 2)}


def test_more_hands_than_present_is_refused(api, session, congress, seven_present):
    sec = api("secretary")
    mid = _create(sec, congress)["id"]
    resp = sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 5, "disagree": 2, "abstain": 1})
    assert resp.status_code == 422
    assert "vượt quá số đại biểu có mặt (7)" in resp.get_json()["message"]
    session.expire_all()
    assert session.get(Motion, mid).agree is None                        # nothing written
    assert sec.get(f"/api/v1/motions/{mid}/result").get_json()["passed"] is None


def test_bad_counts_are_refused(api, congress, seven_present):
    sec = api("secretary")
    mid = _create(sec, congress)["id"]
    for body in ({"agree": -1, "disagree": 0}, {"agree": "nhiều", "disagree": 0}, {"disagree": 1},
                 {"agree": 1}, {"agree": 1.5, "disagree": 0}, {"agree": True, "disagree": 0}):
        assert sec.post(f"/api/v1/motions/{mid}/result", json=body).status_code == 422, body


def test_present_is_taken_at_the_moment_of_the_vote(api, session, congress, seven_present):
    sec = api("secretary")
    mid = _create(sec, congress)["id"]
    sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 4, "disagree": 3})
    undo_check_in(session, delegate=seven_present[0])
    session.commit()
    data = sec.get(f"/api/v1/motions/{mid}/result").get_json()
    assert data["present"] == 7 and data["passed"] is True               # the record keeps its moment
    # recording again uses the present count now (6): 4 + 3 > 6
    assert sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 4, "disagree": 3}).status_code == 422
    assert sec.post(f"/api/v1/motions/{mid}/result", json={"agree": 3, "disagree": 3}).status_code == 200
    assert sec.get(f"/api/v1/motions/{mid}/result").get_json()["passed"] is False   # 2·3 ≤ 6


def test_permissions(api, client, congress, seven_present):
    mid = _create(api("organizer"), congress)["id"]
    board = api("board")
    assert board.post(f"/api/v1/congresses/{congress.id}/motions", json={"title": "x"}).status_code == 403
    assert board.post(f"/api/v1/motions/{mid}/result", json={"agree": 1, "disagree": 0}).status_code == 403
    assert board.get(f"/api/v1/motions/{mid}/result").status_code == 200
    assert client.get(f"/api/v1/motions/{mid}/result").status_code == 401
    assert board.get("/api/v1/motions/99999/result").status_code == 404


def test_standard_motions_per_congress_kind(api, session, congress):
    sec = api("secretary")
    resp = sec.post(f"/api/v1/congresses/{congress.id}/motions/standard")
    assert resp.status_code == 201
    kinds = [m["kind"] for m in resp.get_json()["motions"]]
    assert kinds == ["presidium", "secretariat", "credentials_committee", "programme", "credentials",
                     "bch_seats", "candidate_list", "election_board", "voting_rules", "resolution"]
    again = sec.post(f"/api/v1/congresses/{congress.id}/motions/standard").get_json()
    assert again["created"] == 0 and len(again["motions"]) == 10
    members = create_congress(session, data={"name": "ĐH toàn thể", "organization": "CĐCS X", "term": "2023–2028",
                                             "kind": "all_members"})
    made = mo.ensure_standard_motions(session, congress=members)
    titles = {m.kind: m.title for m in made}
    assert "credentials_committee" not in titles
    assert "số lượng và tư cách đoàn viên" in titles["credentials"]
    assert session.scalar(select(func.count()).select_from(Motion).where(Motion.congress_id == members.id)) == 9
