"""Shared fixtures. Databases are built by the Alembic migrations (never create_all), once
per test session, and so is the application; between tests every table that was written is
emptied. SQLite by default; set
TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run the same tests on
PostgreSQL (a uniquely named database is created and dropped)."""
from __future__ import annotations

import os
import re
import secrets
import uuid

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from election_app import create_app
from election_app.db import db

TEST_SECRET = "test-secret-key-0123456789abcdef"
TEST_PUBLIC_BASE_URL = "http://192.168.1.10:5000"


def _make_database_url(tmp_path_factory) -> tuple[str, callable]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        url = sa.engine.make_url(base)
        name = f"ea_test_{os.getpid()}_{secrets.token_hex(4)}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        test_url = url.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()
        return test_url, drop
    path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    return f"sqlite:///{path}", lambda: None


def pytest_collection_finish(session):
    """Less garbage-collector work in each test process (election_app/gc_tuning.py): what
    collection built lives to the end. Measured on the document and counting tests: about 15 %
    less CPU (21.2 → 17.6 s, three runs each)."""
    from election_app.gc_tuning import settle
    settle()


@pytest.fixture(autouse=True)
def _no_lan_detection(monkeypatch):
    """This machine's own network addresses never leak into a test: with PUBLIC_BASE_URL
    unset and a loopback request, no LAN address is found unless the test says so."""
    from election_app import addresses
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
    monkeypatch.setattr(addresses, "serves", lambda host, port: False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _make_database_url(tmp_path_factory)
    yield url
    drop()


@pytest.fixture(scope="session")
def _migrated(database_url, tmp_path_factory):
    from flask_migrate import upgrade
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": TEST_SECRET, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return database_url


class BufferedClient(FlaskClient):
    """Reads every response whole and closes it, as a real server does once it has sent it:
    a streamed file (``send_file``: an asset, a PDF, a backup) left open by a test that looks
    only at the headers would otherwise leak its file handle (a ResourceWarning, an error
    here). Every app of the test session uses it, also those a test builds for itself."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        # A multipart body over 500 KB is spooled by werkzeug's test client into a temporary
        # file that it never closes (a real server's input stream is the socket): close it.
        request = getattr(response, "request", None)
        stream = request.environ.get("wsgi.input") if request is not None else None
        if stream is not None and hasattr(stream, "close"):
            stream.close()
        return response


Flask.test_client_class = BufferedClient


class IsolatedClient(BufferedClient):
    """Each request runs in a fresh app context (fresh ``g`` and DB session), as in a real
    server, even though the test itself holds an app context for its own DB work."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


# Cheap password hashing, in tests only (the real default is werkzeug's scrypt).
TEST_PASSWORD_METHOD = "pbkdf2:sha256:1"


@pytest.fixture(scope="session")
def _app(_migrated):
    """One application for the whole test session: building one costs about half a second
    (werkzeug compiles ~460 URL rules), so each test gets a fresh app context instead."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": _migrated, "SECRET_KEY": TEST_SECRET, "TESTING": True,
                      "RENDER_INLINE": True, "PASSWORD_HASH_METHOD": TEST_PASSWORD_METHOD,
                      # the hall's address, as a real congress sets it: QR codes and links for phones
                      # need a reachable one (tests of the loopback refusal set it to None)
                      "PUBLIC_BASE_URL": TEST_PUBLIC_BASE_URL})
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app):
    saved = dict(_app.config)          # a test may change the config: it is put back after
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_all_tables()
    _app.config.clear()
    _app.config.update(saved)


def _empty_all_tables():
    if db.engine.dialect.name == "postgresql":
        # DELETE, children first, in one transaction: about 20 ms, where a TRUNCATE of every
        # table takes a lock and a new file per table (0.3–0.9 s a test on this machine).
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            # ids start at 1 again in every test, as on SQLite (a seal binds the election's id, and
            # a restore into a fresh database gives the same ids only then)
            sequences = conn.exec_driver_sql(
                "SELECT sequence_schema, sequence_name FROM information_schema.sequences").all()
            if sequences:
                conn.exec_driver_sql("; ".join(f'ALTER SEQUENCE "{schema}"."{name}" RESTART'
                                               for schema, name in sequences))
        return
    # SQLite: PRAGMA foreign_keys is ignored inside a transaction, so it is switched off and
    # back on between commits (the pooled connection is reused by the next test).
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.fixture
def other_app(app):
    """other_app(**config) -> a second application on the same database, as another gunicorn
    worker in production. Its connection pool is closed after the test: a pool dropped with
    its app would leave open connections for the garbage collector (on PostgreSQL, psycopg's
    "deleted while still open" inside some later test)."""
    made: list[Flask] = []

    def make(**config) -> Flask:
        other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                            "PASSWORD_HASH_METHOD": TEST_PASSWORD_METHOD, **config})
        made.append(other)
        return other
    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


# --- helpers ---------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token in page"
    return m.group(1) or m.group(2)


def make_user(role: str, username: str | None = None, password: str = "matkhau123",
              congresses=None):
    """A staff account. Tenancy: unless ``congresses`` (ids) is given, a non-admin account is
    scoped to every congress that exists when it is made (the fixtures' congress), as an admin
    would bind the staff of that congress; pass ``congresses=[]`` for an unscoped account."""
    from election_app.auth.services import create_user
    from election_app.congress.models import Congress
    if congresses is None:
        congresses = [] if role == "admin" else list(db.session.scalars(sa.select(Congress.id)))
    user = create_user(db.session, username=username or f"{role}_{uuid.uuid4().hex[:6]}",
                       password=password, role=role, congress_ids=congresses)
    db.session.commit()
    return user


@pytest.fixture
def login(client):
    """login(role) -> user; logs the test client in through the real login form (CSRF on)."""
    def do(role: str = "admin", congresses=None):
        user = make_user(role, congresses=congresses)
        page = client.get("/login")
        token = csrf_from(page.get_data(as_text=True))
        resp = client.post("/login", data={"username": user.username, "password": "matkhau123",
                                           "csrf_token": token})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return user
    return do


@pytest.fixture
def api(client):
    """api(role) -> a small client that sends the bearer token of a new user of that role."""
    class Api:
        def __init__(self, token):
            self.headers = {"Authorization": f"Bearer {token}"}

        def get(self, url, **kw):
            return client.get(url, headers=self.headers, **kw)

        def post(self, url, json=None, **kw):
            return client.post(url, json=json, headers=self.headers, **kw)

        def put(self, url, json=None, **kw):
            return client.put(url, json=json, headers=self.headers, **kw)

        def delete(self, url, **kw):
            return client.delete(url, headers=self.headers, **kw)

    def do(role: str = "admin", congresses=None):
        user = make_user(role, congresses=congresses)
        resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": "matkhau123"})
        assert resp.status_code == 200, resp.get_json()
        return Api(resp.get_json()["token"])
    return do


@pytest.fixture
def congress(session):
    from election_app.congress.services import create_congress
    c = create_congress(session, data={"name": "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X",
                                       "organization": "Công đoàn cơ sở Trường THCS Thành Công",
                                       "parent_organization": "Công đoàn Giáo dục quận Ba Đình",
                                       "term": "2023–2028", "kind": "delegates", "date": "2026-12-12",
                                       "place": "Ba Đình", "venue": "Hội trường"})
    session.commit()
    return c


@pytest.fixture
def roll(session, congress):
    """A congress with 9 accepted official delegates (not checked in)."""
    from election_app.delegates.services import add_delegates, decide_credentials
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
             "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa"]
    made = add_delegates(session, congress=congress, rows=[
        {"full_name": n, "birth_year": 1980 + i, "gender": "nữ" if "Thị" in n else "nam"}
        for i, n in enumerate(names)])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return made
