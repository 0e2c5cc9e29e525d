"""Configuration: defaults, environment overrides (DATABASE_URL, SECRET_KEY,
PUBLIC_BASE_URL, ...) and validation. Nothing here touches the network or prompts."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: Path) -> str:
    """SECRET_KEY when the environment gives none: generated once, kept under instance/
    so that every app process (and every restart) shares it."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, one writes and both read the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    instance_path = Path(instance_path)
    # HTTPS=1 (make run with its certificate, or behind a TLS proxy): cookies only over TLS.
    https = os.environ.get("HTTPS", "").strip().lower() not in ("", "0", "false", "no")
    cfg: dict = {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'election_app.sqlite3'}",
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "WTF_CSRF_TIME_LIMIT": None,  # a congress day is long; the token lives with the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "HTTPS": https,
        "API_TOKEN_HOURS": int(os.environ.get("API_TOKEN_HOURS", "24")),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "IMPORT_MAX_ROWS": 20000,
        "IMPORT_MAX_BYTES": 5 * 1024 * 1024,   # one imported list (election_app/imports/readers.py)
        "RENDER_INLINE": os.environ.get("RENDER_INLINE", "") == "1",
        # Worker processes that lay out a big card sheet in parallel (issue 17); 1 = in process.
        "RENDER_PROCESSES": _render_processes(os.environ.get("RENDER_PROCESSES")),
    }
    secret = os.environ.get("SECRET_KEY")
    cfg["SECRET_KEY"] = secret or None
    if overrides:
        cfg.update(overrides)
    # A connection is tested before each use where it can go stale (a PostgreSQL server restarted
    # or a dropped socket: one round trip a request). A SQLite connection is a file handle that
    # cannot: the test would be one more statement on every request, each ballot's included.
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                   {"pool_pre_ping": not str(cfg["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")})
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(instance_path)
    validate(cfg)
    return cfg


def _render_processes(value: str | None) -> int:
    if value is None or not value.strip():
        return min(2, os.cpu_count() or 1)
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"RENDER_PROCESSES phải là một số nguyên ≥ 1 (đang là {value!r}).") from None
    if n < 1:
        raise ValueError(f"RENDER_PROCESSES phải là một số nguyên ≥ 1 (đang là {value!r}).")
    return n


def validate(cfg: dict) -> None:
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is what we ship; make the common spelling work.
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
        cfg["SQLALCHEMY_DATABASE_URI"] = uri
    if len(cfg["SECRET_KEY"]) < 16:
        raise ValueError("SECRET_KEY quá ngắn (cần ít nhất 16 ký tự).")
    base = cfg.get("PUBLIC_BASE_URL") or ""
    if base and not (base.startswith("http://") or base.startswith("https://")):
        raise ValueError("PUBLIC_BASE_URL phải bắt đầu bằng http:// hoặc https://")
