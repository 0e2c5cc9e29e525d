"""The JSON API v1 blueprint and its doors: bearer-token auth, role checks, JSON input
and the error shape of API.md ({"error", "message", "details"})."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

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


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.",
                               [{"field": "", "message": "Cần JSON dạng đối tượng {...}."}])
    return data


def created(payload: dict):
    db.session.commit()
    return jsonify(payload), 201


def ok(payload: dict):
    db.session.commit()
    return jsonify(payload), 200
