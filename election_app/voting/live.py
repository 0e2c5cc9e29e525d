"""The phone pages' poll answered before Flask (issue 17 §1).

A thousand phones each ask ``/live/<cid>.json?k=…`` every 1.2 s: most of a hall's requests
during a vote. The answer is one opaque version per congress that every process keeps for
``PHONE_LIVE_TTL`` seconds (voting.services.phone_live_version). While this process holds
a fresh version and the request carries the right key ``k``, this middleware answers it
itself — the same status, body and headers as the Flask view — without a request context,
the session, the hooks or the database. Anything else (no fresh version, no or a wrong key,
another path or method) goes on to Flask unchanged, which reads the version, refreshes the
cache and answers 404 where it must. Nothing here tells anything about anyone: the version
is the same for every phone of the congress."""
from __future__ import annotations

import hmac
import json
import re
import time
from urllib.parse import parse_qsl

from werkzeug.http import parse_etags

from ..auth.links import page_key

_PATH = re.compile(r"/live/([1-9][0-9]{0,17})\.json")


class FrontPath:
    """A WSGI middleware that answers some requests in front of Flask: those of ``method``
    whose path starts with ``prefix``, while ``enabled()``, and only when ``_answer`` gives an
    answer (None: the request goes on to Flask unchanged). Used by the phones' poll here and
    the API's ballot (``fast.VoteFastPath``)."""
    method = "GET"
    prefix = "/"

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.served = 0

    def enabled(self) -> bool:
        return True

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") == self.method and environ.get("PATH_INFO", "").startswith(self.prefix)
                and self.enabled()):
            answer = self._answer(environ, start_response)
            if answer is not None:
                return answer
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ, start_response):
        raise NotImplementedError


class LiveFastPath(FrontPath):
    prefix = "/live/"

    def __init__(self, app, wsgi_app):
        super().__init__(app, wsgi_app)
        self.cache: dict = app.extensions.setdefault("phone_live_versions", {})
        self.keys: dict[int, str] = {}

    def _answer(self, environ, start_response):
        match = _PATH.fullmatch(environ["PATH_INFO"])
        if match is None:
            return None
        cid = int(match.group(1))
        hit = self.cache.get(cid)
        if hit is None or time.monotonic() - hit[0] >= float(self.app.config.get("PHONE_LIVE_TTL", 0.3)):
            return None
        given = next((v for k, v in parse_qsl(environ.get("QUERY_STRING", "")) if k == "k"), "")
        key = self.keys.get(cid)
        if key is None:
            key = self.keys[cid] = page_key(self.app.config["SECRET_KEY"], "voting.phone_live", {"cid": cid})
        if not given or not hmac.compare_digest(key, given):
            return None
        version = hit[1]
        headers = [("ETag", f'"{version}"'), ("Cache-Control", "no-cache"), ("X-Robots-Tag", "noindex"),
                   ("Vary", "Accept-Encoding, Cookie"), *self._security_headers()]
        self.served += 1
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(version):
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        body = (json.dumps({"v": version}, separators=(",", ":")) + "\n").encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                  *headers])
        return [body]

    def _security_headers(self) -> list[tuple[str, str]]:
        from .. import _csp
        return [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"),
                ("Referrer-Policy", "same-origin"), ("Content-Security-Policy", _csp(()))]
