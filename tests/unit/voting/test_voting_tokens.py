"""Voting credentials, receipt codes and log redaction (election_app.voting.tokens):
table-driven, no app and no database."""
from __future__ import annotations

import logging
import re

import pytest

from election_app.voting import tokens

SECRET = "unit-secret-0123456789abcdef"


def test_new_tokens_are_long_random_and_url_safe():
    seen = {tokens.new_token() for _ in range(2000)}
    assert len(seen) == 2000
    for t in list(seen)[:50]:
        assert len(t) == 32                         # 24 bytes = 192 bits
        assert re.fullmatch(r"[A-Za-z0-9_-]+", t)
        assert tokens.looks_like_token(t)


@pytest.mark.parametrize("value,ok", [
    ("A" * 32, True), ("a-b_c" * 5, True), ("A" * 19, False), ("A" * 101, False), ("", False),
    ("abc/def" * 4, False), ("abc.def" * 4, False), ("abc def" * 4, False), ("Đại" * 10, False),
    (None, False),
])
def test_looks_like_token(value, ok):
    assert tokens.looks_like_token(value) is ok


def test_hash_is_keyed_purpose_bound_and_stable():
    t = tokens.new_token()
    h = tokens.hash_token(t, secret=SECRET)
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert h == tokens.hash_token(t, secret=SECRET)
    assert h != tokens.hash_token(t, secret=SECRET + "x")                       # keyed
    assert h != tokens.hash_token(t, purpose=tokens.PURPOSE_SLIP, secret=SECRET)  # link ≠ slip
    import hashlib
    assert h != hashlib.sha256(t.encode()).hexdigest()                          # not a bare hash
    assert t not in h


def test_receipt_codes():
    codes = {tokens.new_receipt_code() for _ in range(3000)}
    assert len(codes) == 3000
    for c in list(codes)[:100]:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", c)


@pytest.mark.parametrize("typed,canonical", [
    ("K7QF-M2XD-9P0A", "K7QF-M2XD-9P0A"),
    ("k7qf m2xd 9p0a", "K7QF-M2XD-9P0A"),
    ("K7QFM2XD9POA", "K7QF-M2XD-9P0A"),     # O read as 0
    (" k7qf-m2xd-9pOa ", "K7QF-M2XD-9P0A"),
    ("IL00-0000-0000", "1100-0000-0000"),     # I and L read as 1
    ("short", "SHORT"),
])
def test_normalize_receipt_code(typed, canonical):
    assert tokens.normalize_receipt_code(typed) == canonical


@pytest.mark.parametrize("line,expected", [
    ('127.0.0.1 - - "GET /v/AbC_12-xyZ HTTP/1.1" 200 -', '127.0.0.1 - - "GET /v/[token] HTTP/1.1" 200 -'),
    ('"POST /v/AbC_12-xyZ?x=1 HTTP/1.1" 303', '"POST /v/[token]?x=1 HTTP/1.1" 303'),
    ('"GET /s/SLIPTOKEN123 HTTP/1.1" 200', '"GET /s/[token] HTTP/1.1" 200'),
    ('"POST /api/v1/vote/TOKEN99/elections/4 HTTP/1.1" 201', '"POST /api/v1/vote/[token]/elections/4 HTTP/1.1" 201'),
    ('10.0.0.2 "GET /api/v1/vote/TOKEN99" 403 0.01s', '10.0.0.2 "GET /api/v1/vote/[token]" 403 0.01s'),
    ("Exception on /v/SECRETTOKEN [POST]", "Exception on /v/[token] [POST]"),
    ('"GET /static/css/vote.css HTTP/1.1" 200', '"GET /static/css/vote.css HTTP/1.1" 200'),
    ('"GET /congresses/1/elections/2/slips HTTP/1.1" 200', '"GET /congresses/1/elections/2/slips HTTP/1.1" 200'),
    ('"GET /api/v1/elections/2/ballots HTTP/1.1" 200', '"GET /api/v1/elections/2/ballots HTTP/1.1" 200'),
])
def test_redact(line, expected):
    assert tokens.redact(line) == expected


def test_filter_rewrites_records_with_args():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s %s',
                               ("127.0.0.1", "GET /v/TOPSECRETTOKEN1234567890 HTTP/1.1", "200", "-"), None)
    assert tokens.RedactTokensFilter().filter(record) is True
    assert "TOPSECRET" not in record.getMessage()
    assert record.getMessage() == '127.0.0.1 - - "GET /v/[token] HTTP/1.1" 200 -'


def test_install_is_idempotent_and_covers_server_loggers():
    tokens.install_log_redaction()
    tokens.install_log_redaction()
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "election_app"):
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, tokens.RedactTokensFilter)]
        assert len(filters) == 1


def test_urls():
    assert tokens.link_url("http://10.0.0.1:5000/", "TOK") == "http://10.0.0.1:5000/v/TOK"
    assert tokens.slip_url("http://10.0.0.1:5000", "TOK") == "http://10.0.0.1:5000/s/TOK"
