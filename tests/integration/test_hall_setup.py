"""Set-up and credentials as a new organizer meets them: the credentials report voted once,
a reversed term refused, a test congress deleted, no candidate added to a complete election;
each through the one door (audited)."""
from __future__ import annotations

import json

import sqlalchemy as sa

from election_app.audit.models import AuditEntry
from election_app.congress.models import Congress
from election_app.delegates.models import Delegate
from tests.conftest import csrf_from


def _log(session, cid):
    return [e.action for e in session.scalars(sa.select(AuditEntry).where(AuditEntry.chain == cid)
                                               .order_by(AuditEntry.seq))]


def test_credentials_accepted_in_one_vote_on_the_page(client, login, session, congress):
    from election_app.delegates.services import add_delegates, decide_credentials
    made = add_delegates(session, congress=congress, rows=[{"full_name": f"Nguyễn Văn {n}", "birth_year": 1970 + i}
                                                          for i, n in enumerate("An Bình Cường Dũng Giang".split())])
    decide_credentials(session, delegate=made[0], status="rejected", reason="Không thuộc đơn vị")
    session.commit()
    login("organizer")
    page = client.get(f"/congresses/{congress.id}/credentials").get_data(as_text=True)
    assert "công nhận tư cách 4 đại biểu còn chờ" in page
    resp = client.post(f"/congresses/{congress.id}/credentials/accept-pending",
                       data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Đã công nhận tư cách 4 đại biểu." in resp.get_data(as_text=True)
    statuses = sorted(session.scalars(sa.select(Delegate.credential_status)).all())
    assert statuses == ["accepted"] * 4 + ["rejected"]        # the exception is kept
    assert "accept-pending" not in client.get(f"/congresses/{congress.id}/credentials").get_data(as_text=True)
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "credentials.accept_pending")).one()
    assert json.loads(entry.data)["accepted"] == 4


def test_credentials_accepted_in_one_vote_through_the_api(api, session, congress, roll):
    from election_app.delegates.services import add_delegates
    add_delegates(session, congress=congress, rows=[{"full_name": "Trần Thị Mai", "birth_year": 1990}])
    session.commit()
    caller = api("organizer")
    resp = caller.post(f"/api/v1/congresses/{congress.id}/credentials/accept-pending")
    assert resp.status_code == 200 and resp.get_json() == {"accepted": 1}
    assert caller.post(f"/api/v1/congresses/{congress.id}/credentials/accept-pending").get_json() == {"accepted": 0}
    assert api("board").post(f"/api/v1/congresses/{congress.id}/credentials/accept-pending").status_code == 403


def test_reversed_term_is_refused(api):
    caller = api("organizer")
    body = {"name": "Đại hội thử", "organization": "CĐCS thử", "term": "2028 - 2023", "kind": "all_members"}
    resp = caller.post("/api/v1/congresses", json=body)
    assert resp.status_code == 422
    assert any(d["field"] == "term" and "đảo ngược" in d["message"] for d in resp.get_json()["details"])
    assert caller.post("/api/v1/congresses", json={**body, "term": "2023 - 2028"}).status_code == 201


def test_test_congress_is_deleted_after_typing_its_name(client, login, session, congress, roll):
    login("organizer")
    page = client.get(f"/congresses/{congress.id}/edit").get_data(as_text=True)
    token = csrf_from(page)
    wrong = client.post(f"/congresses/{congress.id}/delete", data={"csrf_token": token, "confirm_name": "sai"},
                        follow_redirects=True)
    assert "Gõ đúng tên đại hội" in wrong.get_data(as_text=True)
    assert session.get(Congress, congress.id) is not None
    name = congress.name
    cid = congress.id
    resp = client.post(f"/congresses/{cid}/delete", data={"csrf_token": token, "confirm_name": name},
                       follow_redirects=True)
    assert "Đã xoá đại hội" in resp.get_data(as_text=True)
    session.rollback()                   # a fresh read, after the request's commit
    assert session.get(Congress, cid) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Delegate)) == 0
    assert _log(session, cid)[-1] == "congress.delete"
    assert f"/congresses/{cid}" not in client.get("/congresses").get_data(as_text=True)


def test_no_candidate_added_once_every_seat_is_filled(api, session, congress, roll):
    from election_app.delegates.services import check_in
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin = api("admin")
    made = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu Chủ tịch", "body": "executive_committee", "seats": 1,
        "candidates": [{"delegate_id": roll[0].id}]}).get_json()
    eid = made["id"]
    assert admin.post(f"/api/v1/elections/{eid}/open").status_code == 200
    assert admin.post(f"/api/v1/elections/{eid}/paper-ballots",
                      json={"issued": 9, "ballots": [{"kept": [made["candidates"][0]["id"]]}] * 9}).status_code == 201
    assert admin.post(f"/api/v1/elections/{eid}/close").status_code == 200
    resp = admin.post(f"/api/v1/elections/{eid}/candidates", json={"delegate_id": roll[1].id})
    assert resp.status_code == 409 and "đủ số lượng trúng cử" in resp.get_json()["message"]
