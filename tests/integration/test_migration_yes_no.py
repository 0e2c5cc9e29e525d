"""Migration s4_yesno: elections made before it are strike-out elections; paper entries keep
their reading with no names disagreed; the ballots table stays WITHOUT ROWID on SQLite (no
hidden insertion order, RULES §5) after the column is added."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from election_app import create_app
from election_app.db import db
from tests.conftest import TEST_SECRET, _make_database_url


def test_upgrade_keeps_old_elections_strike_out(tmp_path_factory):
    url, drop = _make_database_url(tmp_path_factory)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "TESTING": True})
        with app.app_context():
            upgrade(revision="s3_rules2c")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO congresses (id, name, organization, parent_organization, term, ordinal, kind, "
                    "venue, place, preset_code, chair_mode, created_at, updated_at) VALUES "
                    "(1, 'ĐH A', 'CĐCS A', '', '2023–2028', '', 'all_members', '', '', 'dieu_le_2020', 'by_bch', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
                conn.execute(sa.text(
                    "INSERT INTO elections (id, congress_id, title, body, seats, entry_teams, position, created_at) "
                    "VALUES (1, 1, 'Bầu BCH', 'executive_committee', 1, 1, 1, CURRENT_TIMESTAMP)"))
                conn.execute(sa.text(
                    "INSERT INTO rounds (id, election_id, number, seats, status) VALUES (1, 1, 1, 1, 'open')"))
                conn.execute(sa.text(
                    "INSERT INTO paper_ballot_entries (round_id, team, number, kept, entered_at, is_void) "
                    "VALUES (1, 1, 1, '[5]', CURRENT_TIMESTAMP, false)"))
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT ballot_type FROM elections")).scalar_one() == "strike"
                assert conn.execute(sa.text("SELECT against FROM paper_ballot_entries")).scalar_one() == "[]"
                if db.engine.dialect.name == "sqlite":
                    sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'ballots'")).scalar_one()
                    assert "WITHOUT ROWID" in sql.upper() and "against" in sql
            with db.engine.begin() as conn:
                bad = conn.begin_nested()
                try:
                    conn.execute(sa.text("UPDATE elections SET ballot_type = 'x'"))
                    raise AssertionError("the check constraint let an unknown ballot type in")
                except sa.exc.IntegrityError:
                    bad.rollback()
            downgrade(revision="s3_rules2c")
            with db.engine.connect() as conn:
                cols = {c["name"] for c in sa.inspect(conn).get_columns("elections")}
                assert "ballot_type" not in cols
            db.engine.dispose()
    finally:
        drop()
