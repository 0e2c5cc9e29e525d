"""The role × route matrix, read from the routes themselves: every page and API route is
either public (with a stated reason) or requires a capability; each role gets exactly
what PERMISSIONS grants it (403 otherwise), and a visitor without login is sent to the
login page (pages) or gets 401 (API)."""
from __future__ import annotations

import re

import pytest

from election_app.auth.permissions import PERMISSIONS

ROLES = ("admin", "organizer", "board", "secretary")


def _view(app, endpoint):
    return app.view_functions[endpoint]


def _guarded_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = _view(app, rule.endpoint)
        perm = getattr(view, "required_permission", None)
        if perm is None:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "abc" if m.group(1) in ("token", "code", "job_id") else "1", rule.rule)
        yield rule, method, url, perm


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
    used = {perm for _, _, _, perm in _guarded_rules(app)}
    assert used <= set(PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(app, client, login, role):
    from tests.conftest import csrf_from
    login(role)
    token = csrf_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    for rule, method, url, perm in _guarded_rules(app):
        if rule.rule.startswith("/api/"):
            continue
        resp = client.open(url, method=method, data={"csrf_token": token})
        allowed = role in PERMISSIONS[perm]
        if allowed:
            assert resp.status_code != 403, f"{role} refused {method} {url} ({perm})"
        else:
            assert resp.status_code == 403, f"{role} allowed {method} {url} ({perm}): {resp.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_api_by_role(app, client, api, role):
    caller = api(role)
    for rule, method, url, perm in _guarded_rules(app):
        if not rule.rule.startswith("/api/"):
            continue
        resp = client.open(url, method=method, json={}, headers=caller.headers)
        allowed = role in PERMISSIONS[perm]
        if allowed:
            assert resp.status_code not in (401, 403), f"{role} refused {method} {url} ({perm})"
        else:
            assert resp.status_code == 403, f"{role} allowed {method} {url}: {resp.status_code}"
            body = resp.get_json()
            assert body["error"] == "forbidden" and body["message"]


def test_anonymous_visitor(app, client):
    for rule, method, url, perm in _guarded_rules(app):
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
