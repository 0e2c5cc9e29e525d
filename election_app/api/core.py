"""The JSON API v1 blueprint and its doors: bearer-token auth, role checks, JSON input
and the error shape of API.md ({"error", "message", "details"})."""
from __future__ import annotations

from functools import lru_cache, wraps

from flask import Blueprint, g, request

from ..auth.permissions import PERMISSIONS, route_scope_allows
from ..auth.services import user_for_token
from ..db import db
from ..errors import Forbidden, ValidationFailed

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def api_auth(permission: str):
    """Bearer token, then capability; also sets ``g.api_user``. 401 / 403 as API.md says."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            user = user_for_token(db.session, token)
            if user.role not in PERMISSIONS[permission]:
                raise Forbidden("Vai trò của bạn không được phép thực hiện thao tác này.")
            g.api_user = user
            if not route_scope_allows(user):
                raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")
            return view(*args, **kwargs)
        wrapped.required_permission = permission
        return wrapped
    return decorator


def json_body(optional: bool = False) -> dict:
    """The request's JSON object, its types checked at the door against the operation's
    request schema in the OpenAPI document: a field of the wrong type
    (``title`` as a list, ``kept: ["x"]``) is a 422 with one ``details`` item per problem and
    never reaches a service. Malformed JSON (also NaN/Infinity, deep nesting: see
    ``hardening``) is a 422 too."""
    data = request.get_json(silent=True)
    if data is None and optional:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.",
                               [{"field": "", "message": "Cần JSON dạng đối tượng {...}."}])
    schema = _request_schema()
    if schema is not None:
        problems = schema_problems(schema, data)
        if problems:
            raise ValidationFailed("Dữ liệu gửi lên chưa đúng kiểu.", problems[:50])
    return data


_SCHEMAS: dict | None = None


def _request_schema() -> dict | None:
    global _SCHEMAS
    if _SCHEMAS is None:
        from .openapi import collect_paths
        table = {}
        for path, ops in collect_paths().items():
            for method, operation in ops.items():
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    table[(path, method.upper())] = content["application/json"]["schema"]
        _SCHEMAS = table
    rule = request.url_rule.rule if request.url_rule else ""
    if not rule.startswith(bp.url_prefix or ""):
        return None
    return _SCHEMAS.get((_openapi_path(rule), request.method))


@lru_cache(maxsize=None)
def _openapi_path(rule: str) -> str:
    """/api/v1/vote/<token> → /vote/{token} (one per route: cached)."""
    import re
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule[len(bp.url_prefix):])


_TYPE_NAMES = {"string": "chuỗi", "integer": "số nguyên", "number": "số", "boolean": "đúng/sai (true/false)",
               "array": "danh sách", "object": "đối tượng", "null": "null"}


def _is_type(value, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    if name == "null":
        return value is None
    return True


def schema_problems(schema: dict, value, field: str = "") -> list[dict]:
    """The *types* of a body against the OpenAPI schema (type, properties, items, oneOf/anyOf
    as "one of these shapes"): a list of ``{"field", "message"}`` in Vietnamese, empty when
    the value fits. Values (enums, lengths, formats, missing fields) are the services' to
    judge: they report every problem of a request at once, in the domain's words."""
    label = field or "nội dung"
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        results = [schema_problems(alt, value, field) for alt in alternatives]
        if any(not r for r in results):
            return []
        return min(results, key=len)
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_is_type(value, n) for n in names):
            want = " hoặc ".join(_TYPE_NAMES.get(n, n) for n in names)
            return [{"field": field, "message": f"«{label}» phải là {want}."}]
    problems: list[dict] = []
    if isinstance(value, dict):
        for name, sub_schema in (schema.get("properties") or {}).items():
            # null is left to the service, which reports it with the other missing fields
            if name in value and value[name] is not None:
                problems += schema_problems(sub_schema, value[name], f"{field}.{name}" if field else name)
    # Lists of objects (roll rows, ballots, candidates) are judged row by row by the services,
    # which number the rows in their answer; the door checks lists of plain values only.
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict) and items.get("type") not in (None, "object"):
        for i, item in enumerate(value):
            problems += schema_problems(schema["items"], item, f"{field}[{i}]")
            if len(problems) > 50:
                break
    return problems


