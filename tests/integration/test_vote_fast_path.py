"""Issue 17 §1: the JSON API's ballot answered in front of Flask (voting/fast.py) is the
Flask view's ballot: for each case the same status, body and headers with the path on and
off (each with a voter of its own), the same rows written, a wrong token counted once,
and whatever is not a well-formed ballot handed to Flask untouched."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from election_app.elections import services as elections
from election_app.elections.models import RoundParticipation, SealedBallot
from election_app.ratelimit import RateLimitBucket
from test_voting_support import fresh, link_for, open_election, vote_url

UA = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) điện thoại"}


@pytest.fixture
def fast(app):
    app.config["VOTE_FAST_PATH"] = True
    return app.extensions["vote_fast_path"]


def _post(client, token, eid, body, headers=None, raw=None, **kw):
    data = raw if raw is not None else json.dumps(body)
    return client.post(vote_url(token, eid), data=data, content_type=kw.pop("content_type", "application/json"),
                       headers={**UA, **(headers or {})}, **kw)


def _shape(resp):
    """Status, JSON body (the receipt's value aside: each voter has their own) and headers."""
    body = resp.get_json()
    if isinstance(body, dict) and "receipt" in body:
        assert len(body["receipt"]) == 14
        body = {**body, "receipt": "…"}
    headers = sorted((k, v) for k, v in resp.headers.items() if k != "Date")
    return resp.status_code, body, headers


def _both(app, fast, send):
    """``send(on)`` with the fast path off (Flask) and on; asserts the path served only the
    second; returns both answers."""
    app.config["VOTE_FAST_PATH"] = False
    served = fast.served
    by_flask = send(False)
    assert fast.served == served
    app.config["VOTE_FAST_PATH"] = True
    early = send(True)
    return by_flask, early


def test_a_ballot_and_its_resubmission_answer_as_flask(app, client, session, congress, roll, fast):
    election, ids = open_election(session, congress, roll)
    tokens = {False: link_for(session, roll[1]), True: link_for(session, roll[2])}
    served = fast.served
    for headers in ({}, {"Accept-Encoding": "gzip, deflate"}):
        first = _both(app, fast, lambda on: _post(client, tokens[on], election.id, {"kept": ids[:2]}, headers))
        if not headers:
            assert _shape(first[0]) == _shape(first[1]) and first[1].status_code == 201
            assert first[0].get_json()["receipt"] != first[1].get_json()["receipt"]
        again = _both(app, fast, lambda on: _post(client, tokens[on], election.id, {"kept": ids[:1]}, headers))
        assert _shape(again[0]) == _shape(again[1])
        assert again[1].status_code == 409 and again[1].get_json()["error"] == "already_voted"
        assert "Mỗi đại biểu chỉ được bỏ một phiếu" in again[1].get_json()["message"]
    assert fast.served == served + 4
    s = fresh(session)
    assert s.scalar(select(func.count()).select_from(SealedBallot)) == 2
    assert s.scalar(select(func.count()).select_from(RoundParticipation)
                    .where(RoundParticipation.method == "electronic")) == 2


def test_refusals_answer_as_flask(app, client, session, congress, roll, fast):
    election, ids = open_election(session, congress, roll)
    tokens = {False: link_for(session, roll[1]), True: link_for(session, roll[2])}
    # a name not on the ballot, too many names kept: 422 in the domain's words
    for body in ({"kept": [999999]}, {"kept": ids[:3]}):
        a, b = _both(app, fast, lambda on: _post(client, tokens[on], election.id, body))
        assert _shape(a) == _shape(b) and b.status_code == 422
    # another election's id, an id too large for the database: 404
    for eid in (election.id + 50, 2**31):
        a, b = _both(app, fast, lambda on: _post(client, tokens[on], eid, {"kept": ids[:1]}))
        assert _shape(a) == _shape(b) and b.status_code == 404
    # the round closed: refused
    elections.close_round(session, election=election)
    session.commit()
    a, b = _both(app, fast, lambda on: _post(client, tokens[on], election.id, {"kept": ids[:1]}))
    assert _shape(a) == _shape(b) and b.status_code == 409 and b.get_json()["error"] == "round_not_open"


def test_a_wrong_token_is_counted_once_and_the_limit_holds(app, client, session, congress, roll, fast):
    election, ids = open_election(session, congress, roll)
    app.config.update(VOTE_FAIL_LIMIT=3)

    def counts():
        return sorted(r.count for r in fresh(session).scalars(select(RateLimitBucket)))
    a, b = _both(app, fast, lambda on: _post(client, ("B" if on else "A") * 32, election.id, {"kept": ids[:1]}))
    assert _shape(a) == _shape(b) and b.status_code == 403 and b.get_json()["error"] == "invalid_token"
    assert counts() == [2, 2]                        # device and address: one failure each, twice
    _post(client, "C" * 32, election.id, {"kept": ids[:1]})
    token = link_for(session, roll[3])
    a, b = _both(app, fast, lambda on: _post(client, token, election.id, {"kept": ids[:1]}))
    assert _shape(a) == _shape(b) and b.status_code == 429 and b.get_json()["error"] == "rate_limited"
    assert fresh(session).scalar(select(func.count()).select_from(SealedBallot)) == 0


def test_over_https_the_answer_carries_hsts_as_flask(app, client, session, congress, roll, fast):
    election, ids = open_election(session, congress, roll)
    tokens = {False: link_for(session, roll[1]), True: link_for(session, roll[2])}
    a, b = _both(app, fast, lambda on: _post(client, tokens[on], election.id, {"kept": ids[:1]},
                                              base_url="https://localhost"))
    assert _shape(a) == _shape(b) and b.status_code == 201
    assert b.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("case", ["kept of strings", "not an object", "extra key", "bool id", "not json",
                                  "form body", "NaN", "session cookie", "short token"])
def test_anything_but_a_well_formed_ballot_goes_to_flask(app, client, session, congress, roll, fast, case):
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[1])
    kwargs: dict = {}
    body: object = {"kept": ids[:1]}
    if case == "kept of strings":
        body = {"kept": ["x"]}
    elif case == "not an object":
        body = [ids[0]]
    elif case == "extra key":
        body = {"kept": ids[:1], "note": "x"}
    elif case == "bool id":
        body = {"kept": [True]}
    elif case == "not json":
        kwargs["raw"] = b"{kept"
    elif case == "form body":
        kwargs.update(raw="kept=1", content_type="application/x-www-form-urlencoded")
    elif case == "NaN":
        kwargs["raw"] = b'{"kept": [NaN]}'
    elif case == "session cookie":
        client.set_cookie("session", "x", domain="localhost")
    elif case == "short token":
        token = "abc"
    served = fast.served
    resp = _post(client, token, election.id, body, **kwargs)
    assert fast.served == served
    expected = {"extra key": 201, "session cookie": 201, "short token": 403}.get(case, 422)
    assert resp.status_code == expected, resp.get_data(as_text=True)
    assert resp.get_json()["receipt" if expected == 201 else "error"]
