"""/api/v1/openapi.json is kept true: every API route is described, nothing else is."""
from __future__ import annotations

import re


def _routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, method.lower()))
    return out


def test_openapi_matches_routes(app, client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routes = _routes(app)
    assert routes - described == set(), f"routes missing from openapi.json: {sorted(routes - described)}"
    assert described - routes == set(), f"openapi.json describes what the server lacks: {sorted(described - routes)}"


def test_every_operation_has_a_success_response(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, operation in ops.items():
            codes = [c for c in operation["responses"] if c.startswith("2")]
            assert codes, f"{method.upper()} {path} has no 2xx response"
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
