"""Issue 11 §4: junk input is a 4xx with the error shape, never a 500 — ids beyond the
database's integer range on every API operation and public page, wrong JSON types, NaN and
Infinity, deeply nested JSON on the unauthenticated token endpoint, letters where a form
expects an id."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from

HUGE = "99999999999999999999999"       # beyond 64 bits
BEYOND_INT32 = "2147483648"             # beyond PostgreSQL integer


def _error_shape(resp, status=None):
    body = resp.get_json()
    assert isinstance(body, dict) and set(body) >= {"error", "message", "details"}, resp.get_data(as_text=True)[:300]
    assert body["message"] and isinstance(body["details"], list)
    if status:
        assert resp.status_code == status, body
    return body


def _int_rules(app, prefix):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or "int:" not in str(rule) and not any(
                type(c).__name__ == "DbIntConverter" for c in rule._converters.values()):
            continue
        if not any(type(c).__name__ == "DbIntConverter" for c in rule._converters.values()):
            continue
        yield rule


def _fill(rule, big):
    values = {}
    for name, conv in rule._converters.items():
        values[name] = big if type(conv).__name__ == "DbIntConverter" else "AbCdEfGhIjKlMnOpQrStUvWx"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    return path


@pytest.mark.parametrize("big", [HUGE, BEYOND_INT32])
def test_every_api_operation_with_huge_ids_is_404(app, client, api, big):
    admin = api("admin")
    rules = list(_int_rules(app, "/api/v1/"))
    assert len(rules) >= 30
    for rule in rules:
        path = _fill(rule, big)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if "/vote/" in rule.rule:
                resp = client.open(path, method=method, json={"kept": []})
            else:
                resp = client.open(path, method=method, headers=admin.headers,
                                   **({} if method == "GET" else {"json": {}}))
            assert resp.status_code in (403, 404), (method, path, resp.status_code)
            _error_shape(resp)


@pytest.mark.parametrize("big", [HUGE, BEYOND_INT32])
def test_every_page_with_huge_ids_is_4xx(app, client, login, big):
    login("admin")
    for rule in _int_rules(app, "/"):
        if rule.rule.startswith("/api/"):
            continue
        path = _fill(rule, big)
        if "GET" in rule.methods:
            resp = client.get(path)
            assert resp.status_code in (302, 403, 404), (path, resp.status_code)
        if "POST" in rule.methods:
            resp = client.post(path, data={})
            assert 400 <= resp.status_code < 500 or resp.status_code == 302, (path, resp.status_code)


def test_wrong_json_types_are_422_with_the_shape(api, congress, roll):
    admin = api("admin")
    body = _error_shape(admin.post(f"/api/v1/congresses/{congress.id}/motions", json={"title": ["Thông qua"]}), 422)
    assert body["details"][0]["field"] == "title"
    body = _error_shape(admin.post("/api/v1/congresses", json={
        "name": {"x": 1}, "organization": "CĐCS", "term": "2023–2028", "kind": "delegates"}), 422)
    assert "name" in {d["field"] for d in body["details"]}
    _error_shape(admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu BCH", "body": "executive_committee", "seats": "hai", "candidates": []}), 422)
    _error_shape(admin.post(f"/api/v1/congresses/{congress.id}/elections", json=[1, 2]), 422)
    # found by Schemathesis: an object where a candidate's name should be
    resp = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "body": "executive_committee", "seats": 0, "title": "", "entry_teams": 1, "follows_election_id": 0,
        "candidates": [{"birth_year": 0, "full_name": {}, "gender": "nam", "nomination": "self"}]})
    assert 400 <= resp.status_code < 500
    _error_shape(resp)


@pytest.mark.parametrize("raw", [b'{"kept": [Infinity]}', b'{"kept": [NaN]}', b'{"kept": [1e999]}',
                                 b'{"kept": [-Infinity]}', b'{"kept": "' + b"x" * 10 + b'"}',
                                 b'{"kept": [' + b"9" * 5000 + b']}'])
def test_public_vote_endpoint_refuses_non_numbers(client, session, congress, roll, raw):
    from test_voting_support import link_for, open_election
    election, ids = open_election(session, congress, roll, seats=1, n_candidates=2)
    token = link_for(session, roll[0])
    resp = client.post(f"/api/v1/vote/{token}/elections/{election.id}", data=raw,
                       content_type="application/json")
    assert 400 <= resp.status_code < 500, resp.status_code
    _error_shape(resp)


def test_deeply_nested_json_on_the_token_endpoint(client):
    for raw in (b"[" * 100000 + b"]" * 100000, b'{"username": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                b'{"a":' * 3000 + b"1" + b"}" * 3000):
        resp = client.post("/api/v1/auth/token", data=raw, content_type="application/json")
        assert 400 <= resp.status_code < 500, resp.status_code
        _error_shape(resp)
    resp = client.post("/api/v1/auth/token", json={"username": ["admin"], "password": {"x": 1}})
    _error_shape(resp, 422)


def test_letters_for_an_id_in_the_check_in_form(client, login, congress, roll):
    login("secretary")
    page = client.get(f"/congresses/{congress.id}/checkin").get_data(as_text=True)
    token = csrf_from(page)
    for junk in ("abc", HUGE, "-1", "1.5"):
        resp = client.post(f"/congresses/{congress.id}/checkin", data={"delegate_id": junk, "csrf_token": token})
        assert 400 <= resp.status_code < 500 or resp.status_code == 302, (junk, resp.status_code)
        resp = client.post(f"/congresses/{congress.id}/checkin", data={"delegate_id": junk, "csrf_token": token},
                           headers={"Accept": "application/json"})
        assert 400 <= resp.status_code < 500, (junk, resp.status_code)


def test_openapi_says_null_where_answers_may_be_null(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    election = spec["paths"]["/elections/{eid}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    text = repr(election)
    assert "'null'" in text
    for ops in spec["paths"].values():
        for op in ops.values():
            assert "400" in op["responses"]


def test_a_route_id_of_zero_is_404_on_actions_too(api, congress):
    """Found by Schemathesis: the door answered 422 on «request_id» for /voting-link-requests/0/confirm."""
    caller = api("admin")
    for url in (f"/api/v1/congresses/{congress.id}/voting-link-requests/0/confirm",
                f"/api/v1/congresses/{congress.id}/voting-link-requests/{2**40}/confirm",
                "/api/v1/elections/0/open", "/api/v1/motions/0/result"):
        resp = caller.post(url, json={})
        assert resp.status_code == 404, (url, resp.status_code, resp.get_json())
        assert resp.get_json()["error"] == "not_found"
