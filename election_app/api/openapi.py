"""/api/v1/openapi.json, assembled from the ``OPENAPI_PATHS`` each API module declares
next to its routes. A test checks that every API route is described and every described
path/method is a route, so the document cannot drift from the server."""
from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from ..auth.permissions import public
from .core import bp

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string", "description": "Câu thông báo tiếng Việt"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "row": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


# A path parameter and the input field it fills (``api_run(..., congress_id=cid)``).
ROUTE_FIELDS = {"cid": "congress_id", "eid": "election_id", "mid": "motion_id", "did": "delegate_id",
                "cand_id": "candidate_id", "rid": "request_id", "iid": "item_id", "job_id": "job_id",
                "sid": "session_id"}


def op(summary: str, *, body: type[BaseModel] | dict | None = None, ok: int = 200,
       response: dict | None = None, auth: bool = True, errors: tuple[int, ...] = (),
       content_type: str = "application/json", multipart: bool = False, params: list[str] | None = None,
       fixed: tuple[str, ...] = (), optional_body: bool = False) -> dict:
    """A compact way to write one operation. ``body`` is the action's input model: its JSON
    Schema is the request body, less the fields the route fills (path ids and ``fixed``, the
    ones the handler sets itself)."""
    out: dict = {"summary": summary, "responses": {}}
    # The API never takes a congress in the body: it is the path's, or the row's.
    body = schema_of(body, omit=("congress_id", *(ROUTE_FIELDS.get(p, p) for p in params or ()), *fixed))
    if response is None:
        response = {"type": "object"}
    elif content_type == "application/json":
        response = answer_schema(response)
    out["responses"][str(ok)] = {"description": "OK", "content": {content_type: {"schema": response}}}
    # Every operation may answer 400 (malformed request: bad JSON, a value of the wrong kind);
    # one that takes a body or path ids may answer 422 / 404 for its contents.
    implied = {400}
    if body is not None:
        implied.add(422)
    if params:
        implied.add(404)
    for status in sorted({*errors, *implied, *((401, 403) if auth else ())}):
        out["responses"][str(status)] = {"description": "Lỗi", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if body is not None:
        media = "multipart/form-data" if multipart else "application/json"
        out["requestBody"] = {"required": not optional_body, "content": {media: {"schema": body}}}
    if not auth:
        out["security"] = []
    if params:
        out["parameters"] = [{"name": p, "in": "path", "required": True,
                              "schema": {"type": "string" if p == "token" else "integer"}} for p in params]
    return out


def answer_schema(schema):
    """A response schema as the server really answers: an optional property may be ``null``
    (an empty date, an outcome not decided yet), and alternatives are ``anyOf`` (an invalid
    ballot also lists what it kept). Required properties keep their type."""
    if isinstance(schema, list):
        return [answer_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: answer_schema(v) for k, v in schema.items()}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    props = out.get("properties")
    if isinstance(props, dict):
        required = set(out.get("required", []))
        out["properties"] = {name: (sub if name in required else _nullable(sub)) for name, sub in props.items()}
    return out


def _nullable(schema: dict) -> dict:
    if not isinstance(schema, dict):
        return schema
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if "null" not in types:
            return {**schema, "type": [*types, "null"]}
        return schema
    if "enum" in schema and None not in schema["enum"]:
        return {**schema, "enum": [*schema["enum"], None]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if "const" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


COMPONENTS: dict[str, dict] = {}


def schema_of(model, omit: tuple[str, ...] = ()):
    """A pydantic input model (the type the door validates) → its JSON Schema, so the
    document is generated from the very declaration that checks the request: the nested
    models (``$defs``) become components, the fields in ``omit`` (filled by the route) go."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            COMPONENTS[name] = sub
        props = schema.get("properties", {})
        for name in omit:
            props.pop(name, None)
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r in props]
            if not schema["required"]:
                del schema["required"]
        return schema
    return model


def obj(required: list[str] | None = None, **props) -> dict:
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}


def collect_paths() -> dict:
    from . import agenda, audit, congresses, documents, elections, federation, motions, sessions, vote
    paths: dict = {}
    for module in (congresses, elections, motions, vote, documents, agenda, audit, federation, sessions):
        for path, ops in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(ops)
    return paths


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "election_app API", "version": "1",
                 "description": "JSON API v1 của hệ thống Đại hội Công đoàn (xem API.md)."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA, **COMPONENTS},
        },
        "security": [{"bearer": []}],
        "paths": collect_paths(),
    }


@bp.get("/openapi.json")
@public("the published API description")
def openapi_json():
    return jsonify(spec())
