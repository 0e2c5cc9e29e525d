"""Voting credentials: the personal voting link of a delegate (``/v/<token>``) and the
anonymous one-time slip (``/s/<token>``), plus the log redaction that keeps both out of
every log line.

A token is 24 random bytes (192 bits, 32 URL-safe characters). Only a keyed hash is ever
stored: HMAC-SHA-256 under a key derived from the app's SECRET_KEY, with a separate
purpose for links and slips, so that a database copy alone can neither rebuild a link nor
tell which hash belongs to which purpose. Changing SECRET_KEY invalidates every link and
slip (they must then be issued again).

No Flask import at module level: the secret is passed in, or read from the current app
when the caller runs inside one (views, CLI, document rendering)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from functools import lru_cache

TOKEN_BYTES = 24
# What a token can look like (URL-safe base64). Anything else is refused before any lookup.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
PURPOSE_LINK = "link"
PURPOSE_SLIP = "slip"

# Human-friendly receipt alphabet: Crockford base32 (no I, L, O, U).
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(token: str) -> bool:
    return bool(token) and TOKEN_RE.fullmatch(token) is not None


def current_secret() -> str:
    """SECRET_KEY of the running app (views, CLI and jobs all run inside an app context)."""
    from flask import current_app  # lazy: this module stays importable without an app
    return current_app.config["SECRET_KEY"]


@lru_cache(maxsize=8)      # per SECRET_KEY: two HMACs less per ballot (issue 17 §1)
def _derived_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"election_app/voting-credential/v1", hashlib.sha256).digest()


def hash_token(token: str, *, purpose: str = PURPOSE_LINK, secret: str | None = None) -> str:
    """HMAC-SHA-256 (hex, 64 chars) of ``purpose:token`` under the derived key."""
    key = _derived_key(secret if secret is not None else current_secret())
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def seal_link(token: str, *, delegate_id: int, secret: str | None = None) -> bytes:
    """The personal link's token sealed for keeping (issue 13 §5: cards printed again keep the
    links handed out): SecretBox under a key derived from SECRET_KEY and the delegate, so a
    copy of the database alone holds no token in clear."""
    from ..elections import box  # lazy: PyNaCl only where a link is sealed or opened
    return box.seal_document(token.encode(), secret=secret if secret is not None else current_secret(),
                             name=f"voting-link:{delegate_id}")


def open_link(sealed: bytes | None, *, delegate_id: int, expected_hash: str | None,
              secret: str | None = None) -> str | None:
    """The delegate's current token back from its sealed copy, or None (nothing kept, another
    SECRET_KEY, or a copy that is not the current link's)."""
    if not sealed or not expected_hash:
        return None
    from ..elections import box
    secret = secret if secret is not None else current_secret()
    try:
        token = box.open_document(sealed, secret=secret, name=f"voting-link:{delegate_id}").decode()
    except (box.BoxError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(hash_token(token, purpose=PURPOSE_LINK, secret=secret), expected_hash):
        return None
    return token


def receipt_for(token: str, *, purpose: str, round_id: int, secret: str | None = None) -> str:
    """The receipt code of the ballot cast with ``token`` in round ``round_id``: derived
    (HMAC under the derived key), never stored beside the voter, so the voter's page can
    show it again after an answer was lost, and only the token's holder can recompute it.
    12 base32 characters (60 bits) as ``XXXX-XXXX-XXXX``."""
    key = _derived_key(secret if secret is not None else current_secret())
    digest = hmac.new(key, f"receipt:{purpose}:{round_id}:{token}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big") >> 4          # 60 bits
    chars = "".join(RECEIPT_ALPHABET[(value >> (5 * i)) & 31] for i in range(11, -1, -1))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def new_receipt_code() -> str:
    """12 random base32 characters (60 bits) as ``XXXX-XXXX-XXXX``."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalize_receipt_code(code: str) -> str:
    """What a voter types back ("k7qf m2xd 9p0a", "K7QFM2XD9POA") → the canonical code."""
    raw = re.sub(r"[^0-9A-Za-z]", "", code or "").upper()
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(raw) != 12:
        return (code or "").strip().upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def link_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/v/{token}"


def slip_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/s/{token}"


# --- keeping tokens out of logs --------------------------------------------------------

_TOKEN_IN_PATH = re.compile(r"(/v/|/s/|/api/v1/vote/|/display/)[^/\s?\"'#]+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
REDACTED = "[token]"


def redact(text: str) -> str:
    """``/v/abc…`` → ``/v/[token]`` (also ``/s/``, ``/api/v1/vote/`` and the hall display's
    ``/display/``), whatever the encoding: a line with percent-escapes (``/%76/<token>``,
    double-encoded ``%2576``) is decoded until it stops changing, then redacted, so the
    server routes and the log hides the same path."""
    decoded = text
    if "%" in text:
        from urllib.parse import unquote
        for _ in range(4):
            nxt = unquote(decoded, errors="replace")
            if nxt == decoded:
                break
            decoded = nxt
    cleaned = _TOKEN_IN_PATH.sub(lambda m: m.group(1) + REDACTED, decoded)
    if cleaned == decoded:
        return text          # nothing to hide: the line stays as it was
    return cleaned


class RedactTokensFilter(logging.Filter):
    """Rewrites any log record so that a voting token in a path never reaches a handler.
    The record is formatted once here (``getMessage``) and its args dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix; leave it as is
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = ()
        return True


_FILTER = RedactTokensFilter()
LOGGER_NAMES = ("werkzeug", "gunicorn.access", "gunicorn.error", "election_app", "flask.app")


def install_log_redaction(extra_loggers: tuple[str, ...] = ()) -> None:
    """Attach the filter to the web servers' and the app's loggers and to every handler
    of the root logger (records propagated from any other logger pass through those).
    Idempotent."""
    for name in (*LOGGER_NAMES, *extra_loggers):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
