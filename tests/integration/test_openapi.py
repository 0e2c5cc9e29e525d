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


# --- request bodies come from the inputs the door validates (issue 9 §4) ----------------------

def _input_models():
    from pydantic import BaseModel

    from election_app.api.congresses import TokenRequest
    from election_app.door import ACTIONS
    from election_app.voting.inputs import CastBallot
    models = {a.input.__name__: a.input for a in ACTIONS.values() if a.input is not None}
    return {**models, "TokenRequest": TokenRequest, "CastBallot": CastBallot}, BaseModel


def test_every_json_request_body_is_generated_from_an_input_model(client):
    """No hand-built body: each JSON body is the JSON Schema of the very pydantic model the
    door validates (less the fields the route fills), nested models as components."""
    from election_app.api.openapi import ROUTE_FIELDS
    models, _ = _input_models()
    doc = client.get("/api/v1/openapi.json").get_json()
    seen = 0
    for path, ops in doc["paths"].items():
        for method, operation in ops.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = content["application/json"]["schema"]
            assert schema.get("title") in models, f"{method.upper()} {path}: body not from an input model"
            model = models[schema["title"]]
            generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
            route = {ROUTE_FIELDS.get(p["name"], p["name"]) for p in operation.get("parameters", [])}
            for name, prop in schema["properties"].items():
                assert generated["properties"][name] == prop, (path, name)
            assert set(generated["properties"]) - set(schema["properties"]) <= route | {
                "congress_id", "change", "nomination", "standard_code", "row_offset", "source"}, path
            for ref_name in generated.get("$defs", {}):
                assert ref_name in doc["components"]["schemas"], ref_name
            seen += 1
    assert seen >= 24


def test_the_document_carries_the_declared_bounds(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/congresses/{cid}/elections"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["entry_teams"]["maximum"] == 3
    assert body["properties"]["candidates"]["items"] == {"$ref": "#/components/schemas/CandidateIn"}
    person = doc["components"]["schemas"]["CandidateIn"]["properties"]
    assert {"self", "nominated"} <= set(person["nomination"]["enum"])
    hands = doc["paths"]["/motions/{mid}/result"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"agree", "disagree", "abstain"} == set(hands["properties"])       # the API's word for "other"


def test_no_door_input_is_left_untyped():
    """Every action input field has a real type: no bare ``Any`` or ``list[Any]``. Rows of a
    roll (``dict[str, Any]``: spreadsheet cells judged row by row by the roll's checker) and a
    backup file's content are objects, named here with their reason."""
    import typing
    from pydantic import BaseModel
    models, _ = _input_models()
    allowed = {("AddDelegates", "rows"), ("ImportRollFile", "rows"), ("UpdateDelegate", "data"),
               ("ImportCongress", "data")}
    bad = []

    def walk(model, seen=set()):
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            ann = field.annotation
            if ann is typing.Any or typing.get_args(ann) == (typing.Any,):
                if (model.__name__, name) not in allowed:
                    bad.append(f"{model.__name__}.{name}")
            for arg in (ann, *typing.get_args(ann)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    walk(arg)
    for model in models.values():
        walk(model)
    assert bad == []
