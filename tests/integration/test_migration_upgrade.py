"""Upgrading a database that already holds a congress day keeps its data: migration 0004
rebuilds ``users`` on SQLite (batch mode), which must not cascade into API tokens or the
"recorded by" columns, and turns the old one-congress binding into scopes."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from election_app import create_app
from election_app.db import db
from tests.conftest import TEST_SECRET, _make_database_url


def test_upgrade_from_0003_keeps_tokens_and_scopes_accounts(tmp_path_factory):
    url, drop = _make_database_url(tmp_path_factory)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "TESTING": True})
        with app.app_context():
            upgrade(revision="0003")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO congresses (id, name, organization, parent_organization, term, ordinal, kind, "
                    "venue, place, preset_code, chair_mode, created_at, updated_at) VALUES "
                    "(1, 'ĐH A', 'CĐCS A', '', '2023–2028', '', 'all_members', '', '', 'dieu_le_2020', 'by_bch', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), (2, 'ĐH B', 'CĐCS B', '', '2023–2028', '', 'all_members', '', '', "
                    "'dieu_le_2020', 'by_bch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
                for uid, name, role, cid in ((1, "admin", "admin", None), (2, "btc", "organizer", None),
                                             (3, "host", "board", 2)):
                    conn.execute(sa.text(
                        "INSERT INTO users (id, username, full_name, password_hash, role, congress_id, "
                        "is_active_account, created_at) VALUES (:i, :n, '', 'x', :r, :c, :t, CURRENT_TIMESTAMP)"),
                        {"i": uid, "n": name, "r": role, "c": cid, "t": True})
                conn.execute(sa.text("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES "
                                     "(2, :h, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"h": "a" * 64})
                conn.execute(sa.text("INSERT INTO motions (congress_id, title, kind, position, recorded_by, created_at) "
                                     "VALUES (1, 'Thông qua chương trình', 'custom', 1, 2, CURRENT_TIMESTAMP)"))
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM api_tokens")).scalar() == 1
                assert conn.execute(sa.text("SELECT recorded_by FROM motions")).scalar() == 2
                scopes = sorted(conn.execute(sa.text("SELECT user_id, congress_id FROM user_congresses")).all())
                # the unbound organizer keeps every congress it could see; the bound account its one
                assert scopes == [(2, 1), (2, 2), (3, 2)]
                if conn.dialect.name == "sqlite":
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                    assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            db.engine.dispose()
    finally:
        drop()
