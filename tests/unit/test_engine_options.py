"""Issue 17 §1: a connection is tested before each use (pool_pre_ping) only where it can go
stale — PostgreSQL — and not on SQLite, where the test is one more statement per request."""
from __future__ import annotations

from election_app.config import build_config


def test_pre_ping_on_postgresql_only(tmp_path):
    sqlite = build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}",
                                     "SECRET_KEY": "k" * 32})
    pg = build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:5432/x",
                                 "SECRET_KEY": "k" * 32})
    assert sqlite["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}
    assert pg["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
    own = build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32,
                                  "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "echo": False}})
    assert own["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True, "echo": False}
