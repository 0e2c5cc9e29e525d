"""Guessing voting tokens: failed attempts are counted per client address in the database
(shared by every app process); past the limit the client gets 429 with a Vietnamese
message, whatever token it sends, until the window ends."""
from __future__ import annotations

import threading

from sqlalchemy import select

from election_app import create_app
from election_app.db import db
from election_app import ratelimit
from election_app.ratelimit import RateLimitBucket
from test_voting_support import SECRET, fresh, link_for, open_election, vote_url

BAD = "N" * 32


def test_limit_after_failures_then_429_for_everything(app, client, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    good = link_for(session, roll[0])
    app.config.update(VOTE_FAIL_LIMIT=5, VOTE_FAIL_WINDOW=300)
    paths = [f"/v/{BAD}", f"/s/{BAD}", f"/api/v1/vote/{BAD}", vote_url(BAD, election.id), f"/v/{'x' * 5}"]
    for path in paths:
        resp = client.post(path, json={"kept": []}) if "elections" in path else client.get(path)
        assert resp.status_code == 403
    blocked = client.get(f"/v/{BAD}")
    assert blocked.status_code == 429
    assert "quá nhiều liên kết bỏ phiếu" in blocked.get_data(as_text=True)
    api_blocked = client.post(vote_url(BAD, election.id), json={"kept": []})
    assert api_blocked.status_code == 429
    assert api_blocked.get_json()["error"] == "rate_limited" and "quá nhiều" in api_blocked.get_json()["message"]
    # while blocked, a genuine token from the same address is refused too (no oracle)
    assert client.post(vote_url(good, election.id), json={"kept": []}).status_code == 429
    # another address is not affected
    other = client.post(vote_url(good, election.id), json={"kept": []},
                        environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert other.status_code == 201
    # what is stored: the address and a count, never a token
    rows = fresh(session).scalars(select(RateLimitBucket)).all()
    assert sorted((r.key.split(":")[0], r.count) for r in rows) == [("vote-fail", 5), ("vote-fail-dev", 5)]
    assert all(BAD not in r.key for r in rows)


def test_successes_do_not_count(app, client, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    app.config.update(VOTE_FAIL_LIMIT=2)
    token = link_for(session, roll[0])
    for _ in range(5):
        assert client.get(f"/v/{token}").status_code == 200
    assert fresh(session).scalars(select(RateLimitBucket)).all() == []


def test_default_limit_is_20_per_5_minutes(app, client, session, congress, roll):
    open_election(session, congress, roll)
    assert (app.config["VOTE_FAIL_LIMIT"], app.config["VOTE_FAIL_WINDOW"]) == (20, 300)
    codes = [client.get(f"/v/{BAD}").status_code for _ in range(21)]
    assert codes == [403] * 20 + [429]


def test_window_moves_on(app, session):
    key = "vote-fail:192.0.2.1"
    t0 = 1_700_000_100.0
    for _ in range(3):
        ratelimit.record_hit(session, key=key, window_seconds=300, now=t0)
    session.commit()
    assert ratelimit.hits(session, key=key, window_seconds=300, now=t0 + 10) == 3
    import pytest
    from election_app.errors import TooManyRequests
    with pytest.raises(TooManyRequests):
        ratelimit.check_limit(session, key=key, limit=3, window_seconds=300, now=t0 + 10)
    later = t0 + 300
    assert ratelimit.hits(session, key=key, window_seconds=300, now=later) == 0
    ratelimit.check_limit(session, key=key, limit=3, window_seconds=300, now=later)
    assert ratelimit.record_hit(session, key=key, window_seconds=300, now=later) == 1   # reset, not 4
    assert ratelimit.purge_old(session, prefix="vote-fail:", window_seconds=300, now=later + 600) == 1
    session.commit()


def test_counts_are_shared_by_separate_app_processes(app, client, session, congress, roll):
    """Two app instances (own engines and pools, as two gunicorn workers) on one database:
    failures counted by one block the client on the other."""
    open_election(session, congress, roll)
    app.config["VOTE_FAIL_LIMIT"] = 4
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SECRET_KEY": SECRET, "TESTING": True, "VOTE_FAIL_LIMIT": 4})
    other_client = other.test_client()
    try:
        assert client.get(f"/v/{BAD}").status_code == 403
        assert other_client.get(f"/v/{BAD}").status_code == 403
        assert client.get(f"/v/{BAD}").status_code == 403
        assert other_client.get(f"/v/{BAD}").status_code == 403
        assert client.get(f"/v/{BAD}").status_code == 429
        assert other_client.get(f"/v/{BAD}").status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()


def test_concurrent_failures_are_all_counted(app, session, congress, roll):
    open_election(session, congress, roll)
    app.config["VOTE_FAIL_LIMIT"] = 1000
    barrier = threading.Barrier(16)
    codes = []

    def work():
        c = app.test_client()
        barrier.wait(timeout=30)
        codes.append(c.get(f"/v/{BAD}").status_code)
    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [403] * 16
    assert fresh(session).scalars(select(RateLimitBucket.count)).all() == [16, 16]   # device and address


def test_one_phone_does_not_lock_out_the_hall(app, client, session, congress, roll):
    """Issue 11: every phone of the hall comes from one Wi-Fi address. One phone that fails
    again and again is blocked (its device limit); another phone behind the same address
    still votes."""
    election, ids = open_election(session, congress, roll)
    good = link_for(session, roll[0])
    clumsy = {"User-Agent": "Mozilla/5.0 (Linux; Android 9; Redmi 7A)"}
    other = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X)"}
    codes = [client.get(f"/v/{BAD}", headers=clumsy).status_code for _ in range(21)]
    assert codes == [403] * 20 + [429]
    assert client.post(vote_url(good, election.id), json={"kept": []}, headers=other).status_code == 201
    # the address limit is the high one: a flood from the address does block it
    app.config["VOTE_FAIL_LIMIT_ADDRESS"] = 25
    for i in range(5):
        client.get(f"/v/{BAD}", headers={"User-Agent": f"flood {i}"})
    assert client.get(f"/v/{BAD}", headers={"User-Agent": "new phone"}).status_code == 429
