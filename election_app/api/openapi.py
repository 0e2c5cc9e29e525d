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


def op(summary: str, *, body: dict | None = None, ok: int = 200, response: dict | None = None,
       auth: bool = True, errors: tuple[int, ...] = (), content_type: str = "application/json",
       multipart: bool = False, params: list[str] | None = None) -> dict:
    """A compact way to write one operation."""
    out: dict = {"summary": summary, "responses": {}}
    body = schema_of(body)
    if response is None:
        response = {"type": "object"}
    out["responses"][str(ok)] = {"description": "OK", "content": {content_type: {"schema": response}}}
    for status in sorted({*errors, *((401, 403) if auth else ())}):
        out["responses"][str(status)] = {"description": "Lỗi", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if body is not None:
        media = "multipart/form-data" if multipart else "application/json"
        out["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    if not auth:
        out["security"] = []
    if params:
        out["parameters"] = [{"name": p, "in": "path", "required": True,
                              "schema": {"type": "string" if p == "token" else "integer"}} for p in params]
    return out


COMPONENTS: dict[str, dict] = {}


def schema_of(model):
    """A pydantic input model (the type the door validates) → its JSON Schema, so the
    document is generated from the very declaration that checks the request."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            COMPONENTS[name] = sub
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
    from . import agenda, audit, congresses, documents, elections, motions, vote
    paths: dict = {}
    for module in (congresses, elections, motions, vote, documents, agenda, audit):
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
