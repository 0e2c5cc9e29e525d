"""Junk input never costs a 500: the shared layer every request passes through.

- ``<int:...>`` in every route only matches ids the database can hold (1 … 2³¹−1, the
  range of PostgreSQL's ``integer``; SQLite's is wider): anything beyond is a plain 404 on
  every page and API operation, before any query.
- JSON bodies are parsed strictly: ``NaN``/``Infinity`` (and numbers that overflow to them)
  and nesting deeper than ``MAX_JSON_DEPTH`` are refused as malformed (400), never reaching
  a service or blowing the parser's recursion.
- What still slips through as a conversion error on user input (``int("abc")`` of a form
  field, a number too large for the database driver) is answered 400 with the error shape
  (JSON under /api/, the error page elsewhere), the transaction rolled back, and logged with
  its traceback so the view can be fixed; it is never a 500.
"""
from __future__ import annotations

import json
import logging
import math

from flask import Flask, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1
MAX_JSON_DEPTH = 32

log = logging.getLogger("election_app.input")


class DbIntConverter(IntegerConverter):
    """``<int:x>``: an id beyond what the database can hold becomes 0, which no row has, so
    the view answers its ordinary 404 without the driver ever seeing the number. (Refusing
    the match instead would make werkzeug answer 405 when another rule has the same path.)"""

    def to_python(self, value: str):
        if len(value) > 10 or int(value) > DB_INT_MAX:
            return 0
        return int(value)


def _reject_constant(name: str):
    raise ValueError(f"JSON constant {name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _depth_ok(text: str | bytes, limit: int) -> bool:
    """Nesting depth of a JSON text, counted on the raw text (brackets outside strings)
    without recursing, so the parser is only ever given shallow documents."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", errors="replace")
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but loading refuses NaN/Infinity and deep nesting (ValueError, which
    Flask turns into 400 Bad Request)."""

    def loads(self, s, **kwargs):
        if not _depth_ok(s, MAX_JSON_DEPTH):
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH}")
        kwargs.setdefault("parse_constant", _reject_constant)
        kwargs.setdefault("parse_float", _finite_float)
        try:
            return json.loads(s, **kwargs)
        except RecursionError as err:  # pragma: no cover - the depth check comes first
            raise ValueError("JSON nested too deeply") from err


def _is_input_error(err: BaseException) -> bool:
    from sqlalchemy.exc import DataError, StatementError
    # AttributeError/KeyError: a service reached a value of the wrong shape (a dict where a
    # name was expected, a missing key) — the request's fault, logged so the view can be fixed.
    if isinstance(err, (ValueError, TypeError, AttributeError, KeyError, OverflowError, RecursionError,
                        UnicodeError, DataError)):
        return True
    if isinstance(err, StatementError) and isinstance(getattr(err, "orig", None), (OverflowError, ValueError)):
        return True
    return False


BAD_INPUT_MESSAGE = "Dữ liệu gửi lên không hợp lệ (sai kiểu hoặc vượt giới hạn). Không có gì được lưu."


def install(app: Flask) -> None:
    """Called by ``create_app`` before the blueprints are registered."""
    app.url_map.converters["int"] = DbIntConverter
    from .auth import links
    links.install(app)
    app.json_provider_class = StrictJSONProvider
    app.json = StrictJSONProvider(app)

    from .db import db

    @app.after_request
    def _transport(resp):
        """Over HTTPS: HSTS (a year), and every cookie marked Secure even when the app did not
        know it was behind TLS (HTTPS unset, a proxy that says X-Forwarded-Proto)."""
        if request.is_secure:
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            cookies = resp.headers.getlist("Set-Cookie")
            if cookies and any("secure" not in c.lower() for c in cookies):
                resp.headers.remove("Set-Cookie")
                for c in cookies:
                    resp.headers.add("Set-Cookie", c if "; secure" in c.lower() else c + "; Secure")
        return resp

    @app.errorhandler(Exception)
    def _unexpected(err):
        from werkzeug.exceptions import HTTPException
        if isinstance(err, HTTPException):
            return err
        if not _is_input_error(err):
            raise err
        db.session.rollback()
        log.warning("bad input on %s %s answered 400", request.method, request.path, exc_info=err)
        if request.path.startswith("/api/"):
            return jsonify({"error": "bad_request", "message": BAD_INPUT_MESSAGE, "details": []}), 400
        return render_template("errors/error.html", status=400, message=BAD_INPUT_MESSAGE), 400
