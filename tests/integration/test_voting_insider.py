"""One insider cannot add a ballot unseen (issue 10): every link issued or reissued, slip
printed, slip strike-off and staff check-in during an open round is recorded with the
account and shows on the board's monitor (page and API); the hall display counts the links
reissued in the round; the two-person rule makes a reissue during an open round wait for a
second account."""
from __future__ import annotations

from election_app.agenda.display import election_panel
from election_app.elections.models import CredentialEvent
from sqlalchemy import select
from test_voting_support import fresh, open_election, vote_url


def _audit(session, congress):
    """(action, actor name, data) of the congress's audit entries."""
    from election_app.audit.models import AuditEntry
    return [(e.action, e.actor_name, e.data) for e in fresh(session).scalars(
        select(AuditEntry).where(AuditEntry.congress_id == congress.id).order_by(AuditEntry.seq))]


def _panel(session, election):
    return election_panel(fresh(session), election, present=9)


def test_organizer_alone_checks_in_reissues_and_votes_and_the_hall_sees_it(client, api, login, session,
                                                                          congress, roll):
    election, ids = open_election(session, congress, roll, checked_in=False)
    organizer = api("organizer")
    # cards were printed before the vote: every delegate has a link
    first = organizer.post(f"/api/v1/congresses/{congress.id}/voting-links",
                           json={"delegate_ids": [d.id for d in roll]})
    assert first.status_code == 200
    assert _panel(session, election)["links_reissued"] == 0
    # the insider checks in three absent delegates by hand, reissues their links and votes
    for d in roll[:3]:
        assert organizer.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/check-in").status_code == 200
        resp = organizer.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/voting-link")
        assert resp.status_code == 200
        token = resp.get_json()["url"].rsplit("/", 1)[1]
        assert client.post(vote_url(token, election.id), json={"kept": ids[:1]}).status_code == 201
    # the hall display counts them, the board's monitor names them and who did it
    assert _panel(session, election)["links_reissued"] == 3
    monitor = api("board").get(f"/api/v1/congresses/{congress.id}/voting-monitor").get_json()
    assert monitor["open"] is True and monitor["links_reissued"] == 3
    reissues = [e for e in monitor["events"] if e["kind"] == "link_reissued"]
    assert sorted(e["delegate"] for e in reissues) == sorted(d.full_name for d in roll[:3])
    assert {e["by"] for e in reissues} == {organizer_name(session, organizer)}
    assert sorted(c["delegate"] for c in monitor["checkins"]) == sorted(d.full_name for d in roll[:3])
    assert {c["by"] for c in monitor["checkins"]} == {organizer_name(session, organizer)}
    # the first links, issued while the round was already open, show too
    assert len([e for e in monitor["events"] if e["kind"] == "link_issued"]) == len(roll)
    # the audit log has each step with the account, and no token
    log = _audit(session, congress)
    name = organizer_name(session, organizer)
    assert [a for a, who, _ in log if who == name].count("attendance.check_in") == 3
    assert [a for a, who, _ in log if who == name].count("voting.issue_link") == 3
    assert [a for a, who, _ in log if who == name].count("voting.issue_links") == 1
    assert not any("/v/" in data or "token" in data for _, _, data in log)
    login("board")
    page = client.get(f"/congresses/{congress.id}/voting").get_data(as_text=True)
    assert "Giám sát trong lúc bỏ phiếu" in page and page.count("Cấp lại liên kết") == 3
    assert all(d.full_name in page for d in roll[:3])


def organizer_name(session, api_client) -> str:
    from election_app.auth.models import ApiToken, User
    import hashlib
    token = api_client.headers["Authorization"].split()[1]
    s = fresh(session)
    for t in s.scalars(select(ApiToken)):
        user = s.get(User, t.user_id)
        if getattr(t, "token_hash", None) in (hashlib.sha256(token.encode()).hexdigest(),):
            return user.username
    # fall back: the only organizer
    return s.scalars(select(User).where(User.role == "organizer")).one().username


def test_board_member_alone_prints_slips_and_strikes_off_and_the_monitor_shows_it(client, api, session,
                                                                                 congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("board")
    slips = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 3})
    assert slips.status_code == 201
    for d in roll[:3]:
        assert board.post(f"/api/v1/elections/{election.id}/issue-slip",
                          json={"delegate_ids": [d.id]}).status_code == 200
    for url in slips.get_json()["urls"]:
        token = url.rsplit("/", 1)[1]
        assert client.post(vote_url(token, election.id), json={"kept": ids[:1]}).status_code == 201
    monitor = api("board").get(f"/api/v1/congresses/{congress.id}/voting-monitor").get_json()
    kinds = [e["kind"] for e in monitor["events"]]
    assert kinds.count("slips_printed") == 1 and kinds.count("slip_issued") == 3
    printed = next(e for e in monitor["events"] if e["kind"] == "slips_printed")
    assert printed["count"] == 3 and printed["by"] != "—"
    assert sorted(e["delegate"] for e in monitor["events"] if e["kind"] == "slip_issued") == \
        sorted(d.full_name for d in roll[:3])
    log = _audit(session, congress)
    assert [a for a, _, _ in log].count("voting.generate_slips") == 1
    assert [a for a, _, _ in log].count("voting.issue_slips") == 3
    assert not any("/s/" in data for _, _, data in log)
    # never a token or a ballot in these records
    for e in fresh(session).scalars(select(CredentialEvent)):
        assert set(vars(e)) >= {"kind"} and not any("/" in str(v) for v in (e.kind, e.status))


def test_two_person_rule_for_reissuing_during_an_open_round(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    first, second = api("organizer"), api("organizer")
    assert first.post(f"/api/v1/congresses/{congress.id}/voting-links",
                      json={"delegate_ids": [d.id for d in roll]}).status_code == 200
    assert first.post(f"/api/v1/congresses/{congress.id}/voting-policy",
                      json={"two_person_reissue": "có"}).status_code == 422
    assert first.post(f"/api/v1/congresses/{congress.id}/voting-policy",
                      json={"two_person_reissue": True}).status_code == 200
    did = roll[5].id
    before = fresh(session).get(type(roll[5]), did).voting_token_hash
    asked = first.post(f"/api/v1/congresses/{congress.id}/delegates/{did}/voting-link")
    assert asked.status_code == 202 and asked.get_json()["pending"] is True
    assert "tài khoản khác" in asked.get_json()["message"]
    assert fresh(session).get(type(roll[5]), did).voting_token_hash == before     # nothing issued yet
    rid = asked.get_json()["request_id"]
    # the same account cannot confirm its own request; a bulk reissue is refused
    own = first.post(f"/api/v1/congresses/{congress.id}/voting-link-requests/{rid}/confirm")
    assert own.status_code == 403 and own.get_json()["error"] == "same_account"
    bulk = first.post(f"/api/v1/congresses/{congress.id}/voting-links", json={"delegate_ids": [did]})
    assert bulk.status_code == 409 and bulk.get_json()["error"] == "two_person_rule"
    ok = second.post(f"/api/v1/congresses/{congress.id}/voting-link-requests/{rid}/confirm")
    assert ok.status_code == 200, ok.get_json()
    actions = [a for a, _, _ in _audit(session, congress)]
    assert "voting.set_policy" in actions and "voting.confirm_link" in actions
    assert fresh(session).get(type(roll[5]), did).voting_token_hash != before
    again = second.post(f"/api/v1/congresses/{congress.id}/voting-link-requests/{rid}/confirm")
    assert again.status_code == 409
    token = ok.get_json()["url"].rsplit("/", 1)[1]
    assert client.post(vote_url(token, election.id), json={"kept": ids[:1]}).status_code == 201
    monitor = api("board").get(f"/api/v1/congresses/{congress.id}/voting-monitor").get_json()
    done = [e for e in monitor["events"] if e["kind"] == "link_reissued" and e["status"] == "done"]
    assert len(done) == 1 and done[0]["confirmed_by"] and done[0]["confirmed_by"] != done[0]["by"]
    assert _panel(session, election)["links_reissued"] == 1
    # with no round open the rule does not apply: a reissue is immediate
    assert api("board").post(f"/api/v1/elections/{election.id}/close").status_code == 200
    assert first.post(f"/api/v1/congresses/{congress.id}/delegates/{did}/voting-link").status_code == 200
