"""The JSON API's ballot answered in front of Flask (issue 17 §1).

``POST /api/v1/vote/<token>/elections/<eid>`` is the request a hall sends a thousand times
at once. Flask's request machinery (the request context, URL matching, the session, the
before/after hooks, the response object) cost about as much CPU as the ballot itself. This
middleware answers a *well-formed* ballot without it, with the very code of the Flask view
(``web.api_ballot``: the voter behind the failed-attempt limit, ``CastBallot`` parsed at the
door, ``services.cast_ballot`` in its unit of work — the one door; nothing about the vote is
written here) inside a bare app context, and writes the same answer: the same status, body
and headers as the view and its error handlers (a test compares them, case by case).

What it takes: a POST to that exact path with a plausible token and id, ``Content-Type:
application/json`` with a length, a JSON object whose only keys are ``kept`` and
``against``, lists of ids, no session cookie (a signed-in browser's POST may trigger the
automatic backup, an after-request hook), over HTTP or HTTPS. Everything else — and any
unexpected exception — goes on to Flask unchanged (the body put back), which answers it as
before. ``VOTE_FAST_PATH = False`` turns it off.

The secrecy rules are those of the view: nothing here logs, stores or keeps anything about
the request; the token is in the path only, as in Flask."""
from __future__ import annotations

import io
import re

from ..errors import DomainError
from ..hardening import DB_INT_MAX
from .live import FrontPath

_PATH = re.compile(r"/api/v1/vote/([A-Za-z0-9_-]{20,100})/elections/([1-9][0-9]{0,9})")
_MAX_BODY = 64 * 1024
_MAX_IDS = 2000
_KEYS = frozenset(("kept", "against"))
_REASONS = {201: "CREATED", 400: "BAD REQUEST", 403: "FORBIDDEN", 404: "NOT FOUND", 409: "CONFLICT",
            422: "UNPROCESSABLE ENTITY", 429: "TOO MANY REQUESTS"}


def _ids(value) -> bool:
    return (type(value) is list and len(value) <= _MAX_IDS
            and all(type(v) is int and 0 < v <= DB_INT_MAX for v in value))


class VoteFastPath(FrontPath):
    method = "POST"
    prefix = "/api/v1/vote/"

    def __init__(self, app, wsgi_app):
        super().__init__(app, wsgi_app)
        self._fixed: list[tuple[str, str]] | None = None

    def enabled(self) -> bool:
        return self.app.config.get("VOTE_FAST_PATH", True)

    def _answer(self, environ, start_response):
        match = _PATH.fullmatch(environ["PATH_INFO"])
        if match is None or int(match.group(2)) > DB_INT_MAX:
            return None
        if environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower() != "application/json":
            return None
        if environ.get("wsgi.url_scheme", "http") not in ("http", "https"):
            return None
        cookie = environ.get("HTTP_COOKIE")
        if cookie and self.app.config.get("SESSION_COOKIE_NAME", "session") in cookie:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= _MAX_BODY or environ.get("HTTP_TRANSFER_ENCODING"):
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)       # Flask reads it again if we hand on
        if len(body) != length:
            return None
        try:
            data = self.app.json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if (type(data) is not dict or "kept" not in data or not data.keys() <= _KEYS
                or not all(_ids(v) for v in data.values())):
            return None
        return self._cast(environ, start_response, match.group(1), int(match.group(2)), data)

    def _cast(self, environ, start_response, token: str, eid: int, data: dict):
        from ..db import db
        from .web import api_ballot
        with self.app.app_context():
            try:
                code = api_ballot(token, eid, data, address=environ.get("REMOTE_ADDR"),
                                  agent=environ.get("HTTP_USER_AGENT"))
                status, payload = 201, {"receipt": code}
            except DomainError as err:        # as the app's error handler answers it
                db.session.rollback()
                status, payload = err.status, err.to_json()
            except Exception:                 # not ours to answer: Flask does (logs, 400 or 500)
                db.session.rollback()
                environ["wsgi.input"].seek(0)
                return None
            body = self._json(payload)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *self._headers()]
        vary = [] if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower() else ["Accept-Encoding"]
        vary.append("Cookie")              # Flask's hooks ask the session (none here: empty)
        headers.append(("Vary", ", ".join(vary)))
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        self.served += 1
        start_response(f"{status} {_REASONS.get(status, 'ERROR')}", headers)
        return [body]

    def _json(self, payload: dict) -> bytes:
        """The bytes ``jsonify(payload)`` answers (Flask's JSON provider: compact unless
        debugging, a final newline), without building a response object."""
        provider = self.app.json
        pretty = (provider.compact is None and self.app.debug) or provider.compact is False
        args = {"indent": 2} if pretty else {"separators": (",", ":")}
        return (provider.dumps(payload, **args) + "\n").encode()

    def _headers(self) -> list[tuple[str, str]]:
        """The headers every answer of a token's API path carries (security, no cache)."""
        if self._fixed is None:
            from .. import _csp
            self._fixed = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"),
                           ("Referrer-Policy", "no-referrer"), ("Content-Security-Policy", _csp(())),
                           ("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow")]
        return self._fixed
