"""Serving our own assets fast over a weak hall Wi-Fi.

Owns four things, for every page:

- **versioned static URLs**: ``url_for('static', filename=...)`` gets ``?v=<content hash>``;
  a request carrying the current hash is answered ``Cache-Control: public, max-age=1 year,
  immutable`` (a changed file gets a new URL, so the cache can never serve an old one);
  without it, or with an old hash, ``no-cache`` (revalidated by ETag);
- **inlining** for the delegate's phone pages, where every extra request on a slow network
  costs a full round trip: ``inline_style(path)`` and ``inline_script(path)`` put the
  file's text in the page; each inlined script's SHA-256 is added to that response's CSP
  (``script-src 'self' 'sha256-…'``), so no other inline script can run;
- **gzip** of text responses (HTML, CSS, JS, JSON, SVG) when the client accepts it, with
  ``Vary: Accept-Encoding``; a static file is compressed once per version and kept;
- ``/favicon.ico``: a real icon (browsers ask for it on every site).

Cost: a hash of each static file once per modification time; gzip level 6 of a 20 KB page is
~0.3 ms."""
from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from pathlib import Path

from flask import Flask, g, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from .auth.permissions import public

COMPRESSIBLE = ("text/html", "text/css", "text/javascript", "application/javascript",
                "application/json", "image/svg+xml", "text/plain")
MIN_SIZE = 600          # below one packet there is nothing to win
YEAR = 365 * 24 * 3600

_lock = threading.Lock()
_versions: dict[str, tuple[float, str]] = {}
_texts: dict[str, tuple[float, str, str]] = {}
_gz_cache: dict[tuple[str, float], bytes] = {}


def _static_path(app: Flask, filename: str) -> Path | None:
    root = Path(app.static_folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def static_version(app: Flask, filename: str) -> str | None:
    """A short hash of the file's contents (None when there is no such file)."""
    path = _static_path(app, filename)
    if path is None:
        return None
    mtime = path.stat().st_mtime
    with _lock:
        hit = _versions.get(filename)
    if hit and hit[0] == mtime:
        return hit[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    with _lock:
        _versions[filename] = (mtime, digest)
    return digest


def _text(app: Flask, filename: str) -> tuple[str, str]:
    """(the file's text, its CSP hash source ``'sha256-…'``), cached per modification time."""
    path = _static_path(app, filename)
    if path is None:
        raise FileNotFoundError(filename)
    mtime = path.stat().st_mtime
    with _lock:
        hit = _texts.get(filename)
    if hit and hit[0] == mtime:
        return hit[1], hit[2]
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{filename} cannot be inlined: it contains a closing tag")
    text = _squeeze(text, filename)
    source = "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
    with _lock:
        _texts[filename] = (mtime, text, source)
    return text, source


def _squeeze(text: str, filename: str) -> str:
    """A light minification of our own files for inlining: comments and indentation go
    (our CSS has no comment markers in strings; our scripts keep comments on lines of their own)."""
    if filename.endswith(".css"):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"\s*\n\s*", "\n", text)
        return re.sub(r"[ \t]{2,}", " ", text).strip()
    lines = []
    in_block = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_block:
            in_block = "*/" not in stripped
            continue
        if stripped.startswith("/*"):
            in_block = "*/" not in stripped
            continue
        if not stripped or stripped.startswith("//"):
            continue
        lines.append(stripped)
    return "\n".join(lines)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


class _AssetAwareSessions(SecureCookieSessionInterface):
    """The signed-cookie sessions, except that a request without a cookie opens an empty
    session at once, and a static file or the icon never carries ``Vary: Cookie`` (Flask-Login looks at the session on every response): the session
    cookie changes with every flashed message, and the browser would then fetch every
    cached asset again."""

    def open_session(self, app, request):
        # No cookie (a delegate's phone, the hall's screens, the API): an empty session
        # without building the signing serializer first (issue 17 §1: every ballot paid it).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.endpoint in ("static", "favicon") and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _AssetAwareSessions()

    @app.url_defaults
    def _version_static(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            v = static_version(app, values["filename"])
            if v:
                values["v"] = v

    def inline_style(filename: str) -> Markup:
        text, _ = _text(app, filename)
        return Markup("<style>") + Markup(text) + Markup("</style>")

    def inline_script(filename: str) -> Markup:
        text, source = _text(app, filename)
        hashes = g.setdefault("csp_script_hashes", [])
        if source not in hashes:
            hashes.append(source)
        return Markup("<script>") + Markup(text) + Markup("</script>")

    app.jinja_env.globals["inline_style"] = inline_style
    app.jinja_env.globals["inline_script"] = inline_script

    @app.route("/favicon.ico")
    @public("the site icon that every browser asks for")
    def favicon():
        resp = send_from_directory(app.static_folder, "favicon.ico", mimetype="image/x-icon",
                                   max_age=7 * 24 * 3600)
        return resp

    @app.after_request
    def _cache_and_compress(resp):
        if request.endpoint == "static":
            filename = (request.view_args or {}).get("filename", "")
            wanted = request.args.get("v")
            if wanted and wanted == static_version(app, filename):
                resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                resp.headers["Cache-Control"] = "no-cache"
        _compress(app, resp)
        return resp


def _compress(app: Flask, resp) -> None:
    if "gzip" not in request.headers.get("Accept-Encoding", "").lower():
        if resp.mimetype in COMPRESSIBLE:
            resp.vary.add("Accept-Encoding")
        return
    if (resp.status_code != 200 or resp.mimetype not in COMPRESSIBLE or "Content-Encoding" in resp.headers
            or request.method == "HEAD" or resp.is_streamed and not resp.direct_passthrough):
        return
    if resp.direct_passthrough:  # a static file: compress once per version
        filename = (request.view_args or {}).get("filename")
        path = _static_path(app, filename) if filename else None
        if path is None:
            return
        key = (str(path), path.stat().st_mtime)
        with _lock:
            body = _gz_cache.get(key)
        if body is None:
            raw = path.read_bytes()
            if len(raw) < MIN_SIZE:
                return
            body = _gzip(raw)
            with _lock:
                if len(_gz_cache) > 256:
                    _gz_cache.clear()
                _gz_cache[key] = body
        if hasattr(resp.response, "close"):
            resp.response.close()  # the file werkzeug opened to stream it
        resp.direct_passthrough = False
        resp.set_data(body)
    else:
        raw = resp.get_data()
        if len(raw) < MIN_SIZE:
            return
        resp.set_data(_gzip(raw))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    etag, weak = resp.get_etag()
    if etag and not weak:
        resp.set_etag(etag, weak=True)  # the gzip bytes differ from the file's: a weak validator


def csp_script_hashes() -> list[str]:
    """The hashes of the scripts inlined in the current response (for the CSP header)."""
    return list(g.get("csp_script_hashes", []))


__all__ = ["init_app", "static_version", "csp_script_hashes"]
