"""The role × route matrix, read from the routes themselves: every page and API route is
either public (with a stated reason) or requires a capability; each role gets exactly
what PERMISSIONS grants it (403 otherwise) on REAL rows of its own congress (so a 404 never
passes as "allowed"), an account of another congress gets 403 or 404 on every route, and a
visitor without login is sent to the login page (pages) or gets 401 (API)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from election_app.auth.permissions import PERMISSIONS

ROLES = ("admin", "organizer", "board", "secretary")


def _view(app, endpoint):
    return app.view_functions[endpoint]


# Route arguments that name a real row of the world built below; any other argument (a token,
# a job id, a document kind) is filled with junk and may answer 404.
REAL_ARGS = ("cid", "eid", "mid", "did", "iid", "round_id")


def _guarded_rules(app, ids=None):
    ids = ids or {}
    # Deleting routes last, so the rows they remove are there for every other route.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule.endswith("/delete")):
        if rule.endpoint == "static":
            continue
        view = _view(app, rule.endpoint)
        perm = getattr(view, "required_permission", None)
        if perm is None:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]

        def fill(m):
            name = m.group(1)
            if name in ids:
                return str(ids[name])
            return "abc" if name in ("token", "code", "job_id", "kind", "name", "action") else "1"
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", fill, rule.rule)
        only_real = all(a in REAL_ARGS for a in rule.arguments)
        yield rule, method, url, perm, only_real


@pytest.fixture
def world(session):
    """Two congresses with real rows; ids of the first one's election, motion, delegate,
    agenda item and round."""
    from election_app.agenda.services import create_agenda_from_template
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates, decide_credentials
    from election_app.elections import services as el
    from election_app.motions.services import create_motion
    made = []
    for n in (1, 2):
        c = create_congress(session, data={"name": f"Đại hội Công đoàn cơ sở số {n}", "organization": f"CĐCS số {n}",
                                           "term": "2023–2028", "kind": "all_members", "date": "2026-12-12"})
        made.append(c)
    c = made[0]
    people = add_delegates(session, congress=c, rows=[{"full_name": f"Nguyễn Văn {x}", "birth_year": 1980 + i}
                                                      for i, x in enumerate(["An", "Bình", "Cường"])])
    for d in people:
        decide_credentials(session, delegate=d, status="accepted")
    election, _ = el.create_election(session, congress=c, title="Bầu Ban Chấp hành", body="executive_committee",
                                     seats=2, candidates=[{"delegate_id": d.id} for d in people])
    rnd = el.open_round(session, election=election)
    motion = create_motion(session, congress=c, title="Thông qua chương trình")
    create_agenda_from_template(session, congress=c)
    from election_app.agenda.models import AgendaItem
    item = session.scalars(sa.select(AgendaItem).where(AgendaItem.congress_id == c.id)).first()
    session.commit()
    return {"cid": c.id, "eid": election.id, "mid": motion.id, "did": people[0].id, "iid": item.id,
            "round_id": rnd.id, "other": made[1].id}


def test_every_route_is_guarded_or_declared_public(app):
    loose = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = _view(app, rule.endpoint)
        if not getattr(view, "required_permission", None) and not getattr(view, "is_public", None):
            loose.append(f"{rule.rule} ({rule.endpoint})")
    assert loose == [], f"routes with neither require(...) nor public(...): {loose}"


def test_matrix_covers_every_capability(app):
    used = {perm for _, _, _, perm, _ in _guarded_rules(app)}
    assert used <= set(PERMISSIONS)


def _allowed_status(resp, only_real):
    """Allowed means the action ran or refused on its merits: never 401/403, never a 500, and
    on real rows never 404."""
    bad = {401, 403} | ({404} if only_real else set())
    return resp.status_code not in bad and resp.status_code < 500


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(app, client, login, world, role):
    from tests.conftest import csrf_from
    login(role, congresses=[world["cid"]])
    token = csrf_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    for rule, method, url, perm, only_real in _guarded_rules(app, world):
        if rule.rule.startswith("/api/") or (method != "GET" and perm == "users.manage"):
            continue
        resp = client.open(url, method=method, data={"csrf_token": token})
        allowed = role in PERMISSIONS[perm]
        if allowed:
            assert _allowed_status(resp, only_real), f"{role} refused {method} {url} ({perm}): {resp.status_code}"
        else:
            assert resp.status_code == 403, f"{role} allowed {method} {url} ({perm}): {resp.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_api_by_role(app, client, api, world, role):
    caller = api(role, congresses=[world["cid"]])
    for rule, method, url, perm, only_real in _guarded_rules(app, world):
        if not rule.rule.startswith("/api/"):
            continue
        resp = client.open(url, method=method, json={}, headers=caller.headers)
        allowed = role in PERMISSIONS[perm]
        if allowed:
            assert _allowed_status(resp, only_real), f"{role} refused {method} {url} ({perm}): {resp.status_code}"
        else:
            assert resp.status_code == 403, f"{role} allowed {method} {url}: {resp.status_code}"
            body = resp.get_json()
            assert body["error"] == "forbidden" and body["message"]


@pytest.mark.parametrize("role", ("organizer", "board", "secretary"))
def test_account_of_another_congress_touches_nothing(app, client, login, api, world, role):
    """Tenancy: staff scoped to the second congress get 403 or 404 on every route that names
    the first congress or one of its rows, on pages and API alike, and its list omits it."""
    from election_app.audit.models import AuditEntry
    from tests.conftest import csrf_from
    caller = api(role, congresses=[world["other"]])
    login(role, congresses=[world["other"]])
    token = csrf_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    before = db_count(AuditEntry)
    checked = 0
    for rule, method, url, perm, only_real in _guarded_rules(app, world):
        if not any(a in REAL_ARGS for a in rule.arguments):
            continue
        if rule.rule.startswith("/api/"):
            resp = client.open(url, method=method, json={}, headers=caller.headers)
        else:
            resp = client.open(url, method=method, data={"csrf_token": token})
        assert resp.status_code in (403, 404), f"{role} of another congress: {method} {url} → {resp.status_code}"
        checked += 1
    assert checked > 60
    assert db_count(AuditEntry) == before           # nothing was done, nothing was logged
    listed = client.get("/api/v1/congresses", headers=caller.headers).get_json()["congresses"]
    assert [c["id"] for c in listed] == [world["other"]]
    assert f"/congresses/{world['cid']}" not in client.get("/congresses").get_data(as_text=True)


def db_count(model):
    from election_app.db import db
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_anonymous_visitor(app, client):
    for rule, method, url, perm, _ in _guarded_rules(app):
        resp = client.open(url, method=method, json={} if rule.rule.startswith("/api/") else None)
        if rule.rule.startswith("/api/"):
            assert resp.status_code == 401, f"{method} {url}: {resp.status_code}"
            assert resp.get_json()["error"] == "unauthorized"
        else:
            assert resp.status_code in (302, 400), f"{method} {url}: {resp.status_code}"
            if resp.status_code == 302:
                assert "/login" in resp.headers["Location"]


def test_bad_token_is_401(client):
    resp = client.get("/api/v1/congresses", headers={"Authorization": "Bearer nonsense"})
    assert resp.status_code == 401
    assert resp.get_json()["message"]
