"""The floor of the vote bench (issue 17 §1): the least a server can do for one electronic
ballot, in the same shape as ours, so that ``python -m bench vote`` can say how far above it
election_app is with the same client, the same gunicorn settings and the same machine.

One ballot = look up the voter's token (its SHA-256, as a keyed store would), insert one row
under a unique key (round, voter), commit. The phone pages' poll answers a version read from
one row (ETag, 304 when unchanged) and the hall display a count of ballots. Nothing else: no
rate limit, no round lock, no candidate list, no sealing, no templates.

SQLite (``FLOOR_DATABASE``: a file path; WAL, synchronous=NORMAL and a busy timeout, as ours)
or PostgreSQL (``FLOOR_DATABASE_URL``: ``postgresql://...``; one connection per thread).
Served by ``gunicorn 'bench.floor_app:create_app()'``."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading

from flask import Flask, Response, request

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS voters (token_hash TEXT PRIMARY KEY, voter_id INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ballots (round_id INTEGER NOT NULL, voter_id INTEGER NOT NULL, "
    "content TEXT NOT NULL, PRIMARY KEY (round_id, voter_id))",
    "CREATE TABLE IF NOT EXISTS live (congress_id INTEGER PRIMARY KEY, version TEXT NOT NULL)",
]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class _Db:
    """One connection per thread; ``?`` placeholders on SQLite, ``%s`` on PostgreSQL."""

    def __init__(self, target: str):
        self.target = target
        self.pg = target.startswith("postgresql")
        self.local = threading.local()

    def conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            if self.pg:
                import psycopg
                c = psycopg.connect(self.target)
            else:
                import sqlite3
                c = sqlite3.connect(self.target, isolation_level=None, check_same_thread=False)
                c.execute("PRAGMA busy_timeout=15000")
                c.execute("PRAGMA journal_mode=WAL")
                c.execute("PRAGMA synchronous=NORMAL")
            self.local.conn = c
        return c

    def q(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def one(self, sql: str, args=()):
        c = self.conn()
        row = c.execute(self.q(sql), args).fetchone()
        if self.pg:
            c.commit()  # end the read's transaction
        return row

    def insert(self, sql: str, args) -> bool:
        """Run one INSERT and commit; False on a duplicate key."""
        c = self.conn()
        if self.pg:
            import psycopg
            try:
                c.execute(self.q(sql), args)
                c.commit()
                return True
            except psycopg.errors.UniqueViolation:
                c.rollback()
                return False
        import sqlite3
        try:
            c.execute("BEGIN IMMEDIATE")
            c.execute(sql, args)
            c.execute("COMMIT")
            return True
        except sqlite3.IntegrityError:
            c.execute("ROLLBACK")
            return False


def create_app(target: str | None = None) -> Flask:
    target = target or os.environ.get("FLOOR_DATABASE_URL") or os.environ["FLOOR_DATABASE"]
    db = _Db(target)
    app = Flask(__name__)

    def answer(status: int, body: dict) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    @app.post("/api/v1/vote/<token>/elections/<int:eid>")
    def vote(token: str, eid: int):
        row = db.one("SELECT voter_id FROM voters WHERE token_hash = ?", (token_hash(token),))
        if row is None:
            return answer(403, {"error": "invalid_token"})
        body = request.get_json(silent=True) or {}
        if not db.insert("INSERT INTO ballots (round_id, voter_id, content) VALUES (?, ?, ?)",
                         (eid, row[0], json.dumps(body.get("kept", [])))):
            return answer(409, {"error": "already_voted"})
        return answer(201, {"receipt": secrets.token_hex(5)})

    @app.get("/api/v1/vote/<token>")
    def status(token: str):
        row = db.one("SELECT voter_id FROM voters WHERE token_hash = ?", (token_hash(token),))
        return answer(200 if row else 403, {"ok": row is not None})

    @app.get("/live/<int:cid>.json")
    def live(cid: int):
        row = db.one("SELECT version FROM live WHERE congress_id = ?", (cid,))
        if row is None:
            return answer(404, {"error": "not_found"})
        resp = answer(200, {"v": row[0]})
        resp.set_etag(row[0])
        resp.headers["Cache-Control"] = "no-cache"
        return resp.make_conditional(request)

    @app.get("/display/<int:cid>/state.json")
    def display(cid: int):
        row = db.one("SELECT count(*) FROM ballots WHERE round_id = ?", (cid,))
        resp = answer(200, {"voted": row[0]})
        resp.set_etag(str(row[0]))
        return resp.make_conditional(request)

    @app.get("/count/<int:eid>")
    def count(eid: int):
        row = db.one("SELECT count(*), count(DISTINCT voter_id) FROM ballots WHERE round_id = ?", (eid,))
        return answer(200, {"ballots": row[0], "voters": row[1]})

    @app.get("/health")
    def health():
        return answer(200, {"ok": True})

    return app


def seed(target: str, *, voters: int, congress_id: int = 1) -> list[str]:
    """A fresh floor database with ``voters`` tokens; returns the tokens."""
    tokens = [secrets.token_urlsafe(24) for _ in range(voters)]
    if target.startswith("postgresql"):
        import psycopg
        with psycopg.connect(target) as c:
            for stmt in SCHEMA:
                c.execute(stmt)
            with c.cursor() as cur:
                cur.executemany("INSERT INTO voters VALUES (%s, %s)",
                                [(token_hash(t), i) for i, t in enumerate(tokens, start=1)])
            c.execute("INSERT INTO live VALUES (%s, %s)", (congress_id, secrets.token_hex(6)))
    else:
        import sqlite3
        c = sqlite3.connect(target)
        c.execute("PRAGMA journal_mode=WAL")
        for stmt in SCHEMA:
            c.execute(stmt)
        c.executemany("INSERT INTO voters VALUES (?, ?)", [(token_hash(t), i) for i, t in enumerate(tokens, start=1)])
        c.execute("INSERT INTO live VALUES (?, ?)", (congress_id, secrets.token_hex(6)))
        c.commit()
        c.close()
    return tokens
