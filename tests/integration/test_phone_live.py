"""The delegate's phone page follows the hall (issue 13 §4): the one cheap endpoint it polls
(a version per congress behind a signed URL, ETag/304, two queries, nothing about anyone),
and the page's hooks for it (data-live, data-version read before the content, the script
inlined under the CSP hash). The browser side is tests/e2e/test_phone_follows_hall.py."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
from sqlalchemy import event

from election_app.db import db
from election_app.elections import services as elections
from test_voting_support import fresh, link_for, open_election


@pytest.fixture(autouse=True)
def _no_live_cache(app):
    app.config["PHONE_LIVE_TTL"] = 0     # every poll reads the database (the 0.3 s cache has its own test)


def _live(client, token):
    html = client.get(f"/v/{token}").get_data(as_text=True)
    url = re.search(r'data-live="([^"]+)"', html).group(1).replace("&amp;", "&")
    version = re.search(r'data-version="([^"]+)"', html).group(1)
    return html, url, version


def test_round_opening_and_closing_change_the_version(client, session, congress, roll):
    election, _ = open_election(session, congress, roll, opened=False)
    token = link_for(session, roll[5])
    html, url, version = _live(client, token)
    assert url.startswith(f"/live/{congress.id}.json?k=") and token not in url
    assert "Hiện chưa có cuộc bỏ phiếu nào đang mở" in html
    first = client.get(url)
    assert first.status_code == 200 and first.get_json() == {"v": version}
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"] == f'"{version}"'
    # nothing changed: a bodiless 304
    same = client.get(url, headers={"If-None-Match": f'"{version}"'})
    assert same.status_code == 304 and same.data == b""
    # the board opens the round: a new version, and the page it leads to shows the ballot
    elections.open_round(fresh(session), election=election)
    session.commit()
    opened = client.get(url, headers={"If-None-Match": f'"{version}"'})
    assert opened.status_code == 200 and opened.get_json()["v"] != version
    html2, _, version2 = _live(client, token)
    assert version2 == opened.get_json()["v"] and 'name="kept"' in html2
    # closing it: another version, the ballot gone
    s = fresh(session)
    elections.close_round(s, election=election)
    s.commit()
    closed = client.get(url, headers={"If-None-Match": f'"{version2}"'})
    assert closed.status_code == 200 and closed.get_json()["v"] != version2
    assert 'name="kept"' not in _live(client, token)[0]


def test_the_item_on_the_floor_changes_the_version(client, session, congress, roll):
    from election_app.agenda import services as agenda
    agenda.create_agenda_from_template(session, congress=congress)
    session.commit()
    token = link_for(session, roll[0])
    _, url, version = _live(client, token)
    item = agenda.list_items(session, congress.id)[2]
    congress.current_agenda_item_id = item.id
    session.commit()
    assert client.get(url).get_json()["v"] != version
    assert item.title in _live(client, token)[0]


def test_the_endpoint_is_signed_cheap_and_says_nothing(client, session, congress, roll):
    election, _ = open_election(session, congress, roll)
    token = link_for(session, roll[5])
    _, url, _ = _live(client, token)
    # unsigned, wrongly signed or another congress's id: the 404 of an unknown id
    assert client.get(f"/live/{congress.id}.json").status_code == 404
    assert client.get(url[:-3] + "abc").status_code == 404
    assert client.get(url.replace(f"/live/{congress.id}.", f"/live/{congress.id + 1}.")).status_code == 404
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    assert len(statements) <= 2, statements
    assert not any("delegate" in s.lower() or "participation" in s.lower() for s in statements), statements
    # the same answer for anyone, before and after a vote: nothing about who voted
    before = resp.get_json()
    client.post(f"/api/v1/vote/{token}/elections/{election.id}", json={"kept": []})
    assert client.get(url).get_json() == before
    assert set(before) == {"v"} and len(resp.data) < 40


def test_the_version_is_kept_a_moment_per_process(client, session, congress, roll, app):
    from election_app.voting import services
    election, _ = open_election(session, congress, roll, opened=False)
    cache: dict = {}
    v1 = services.phone_live_version(session, congress_id=congress.id, cache=cache)
    elections.open_round(fresh(session), election=election)
    session.commit()
    assert services.phone_live_version(session, congress_id=congress.id, ttl=60, cache=cache) == v1  # kept
    assert services.phone_live_version(session, congress_id=congress.id, ttl=0, cache=cache) != v1   # read again
    assert services.phone_live_version(session, congress_id=congress.id) != v1                       # no cache


def test_the_script_runs_under_the_csp_and_the_page_stays_usable_without_it(client, session, congress, roll):
    token = link_for(session, roll[0])
    resp = client.get(f"/v/{token}")
    html = resp.get_data(as_text=True)
    csp = resp.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 2        # the ballot's and the live one's
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert any("data-live" in s and "setInterval" in s for s in scripts)
    # without JavaScript the reload button is still there
    assert "Tải lại" in html and 'class="nojs"' in html


def test_a_replaced_link_stops_with_the_page_error(client, session, congress, roll):
    token = link_for(session, roll[0])
    html, url, _ = _live(client, token)
    link_for(session, roll[0])      # reissued: the old page's next fetch is the error page
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert "data-version" not in page and "data-live" not in page
    assert client.get(url).status_code == 200       # the congress's version is not a credential


def test_an_unknown_congress_is_404_even_for_staff(client, login, session, congress):
    login("admin")          # staff who may see every congress need no key ...
    assert client.get(f"/live/{congress.id}.json").status_code == 200
    assert client.get(f"/live/{congress.id + 1000}.json").status_code == 404   # ... but no congress, no version


def test_a_fresh_version_is_answered_before_flask_exactly_as_by_flask(client, session, congress, roll, app):
    """Issue 17 §1: while the process holds a fresh version, the poll is answered by the
    middleware (no request context, no database) with Flask's very status, body and headers;
    a missing or wrong key, or a stale version, still goes to Flask (404, or read again)."""
    open_election(session, congress, roll)
    app.config["PHONE_LIVE_TTL"] = 60
    app.extensions["phone_live_versions"].clear()   # the app (and its cache) outlives each test's database
    token = link_for(session, roll[5])
    _, url, version = _live(client, token)           # the page reads the version: the cache is filled
    fast = app.wsgi_app
    app.extensions["phone_live_versions"].clear()
    by_flask = client.get(url)                        # read again by Flask, the cache filled again
    served = fast.served
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        early = client.get(url)
        not_modified = client.get(url, headers={"If-None-Match": by_flask.headers["ETag"]})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert fast.served == served + 2 and statements == []
    strip = lambda r: sorted((k, v) for k, v in r.headers.items() if k != "Date")  # noqa: E731
    assert (early.status_code, early.data, strip(early)) == (200, by_flask.data, strip(by_flask))
    assert early.get_json() == {"v": version}
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == f'"{version}"'
    # no key, a wrong key, another congress: Flask's 404, never the cached version
    assert client.get(f"/live/{congress.id}.json").status_code == 404
    assert client.get(url[:-3] + "abc").status_code == 404
    assert client.get(url.replace(f"/live/{congress.id}.", f"/live/{congress.id + 1}.")).status_code == 404
    assert fast.served == served + 2
    # a stale version goes to Flask, which reads it again
    app.config["PHONE_LIVE_TTL"] = 0
    assert client.get(url).status_code == 200 and fast.served == served + 2
