"""Migration s3_cccd: a roll imported before it kept a "Số CCCD" column aside in clear
(``delegates.extra``); the upgrade turns each number into its keyed hash and removes it."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import upgrade

from election_app import create_app
from election_app.db import db
from election_app.delegates.idcard import id_hash
from tests.conftest import TEST_SECRET, _make_database_url


def test_numbers_kept_aside_become_hashes(tmp_path_factory):
    url, drop = _make_database_url(tmp_path_factory)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "TESTING": True})
        with app.app_context():
            upgrade(revision="0007")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO congresses (id, name, organization, parent_organization, term, ordinal, kind, "
                    "venue, place, preset_code, chair_mode, created_at, updated_at) VALUES "
                    "(1, 'ĐH A', 'CĐCS A', '', '2023–2028', '', 'all_members', '', '', 'dieu_le_2020', 'by_bch', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
                delegates = sa.table("delegates", *(sa.column(n) for n in (
                    "id", "congress_id", "code", "ho", "ten_dem", "ten", "full_name", "unit", "position", "category",
                    "is_party_member", "ethnicity", "education", "qualification", "political_theory",
                    "credential_status", "credential_reason", "absence_reason", "replacement_reason", "is_replaced",
                    "created_at")), sa.column("extra", sa.JSON))
                for i, extra in enumerate([{"Số CCCD": "001090012345", "Ghi chú": "tổ 1"}, {"CMND/CCCD": "12345678"},
                                           {"Ghi chú": "không có số"}, {"Số định danh": "001090012345"},
                                           {"CCCD": "sai số"}, None], start=1):
                    conn.execute(delegates.insert().values(
                        id=i, congress_id=1, code=f"00{i}", ho="", ten_dem="", ten=f"Người {i}", full_name=f"Người {i}",
                        unit="", position="", category="official", is_party_member=False, ethnicity="Kinh",
                        education="", qualification="", political_theory="", credential_status="pending",
                        credential_reason="", absence_reason="", replacement_reason="", is_replaced=False,
                        created_at=sa.func.current_timestamp(), extra=extra if extra is not None else sa.null()))
            upgrade()
            with db.engine.connect() as conn:
                rows = {r[0]: (r[1], r[2]) for r in conn.execute(sa.text("SELECT id, id_hash, extra FROM delegates"))}
            db.engine.dispose()
        load = lambda x: json.loads(x) if isinstance(x, str) else x  # noqa: E731
        assert rows[1][0] == id_hash("001090012345", secret=TEST_SECRET) and load(rows[1][1]) == {"Ghi chú": "tổ 1"}
        assert rows[2][0] == id_hash("012345678", secret=TEST_SECRET) and load(rows[2][1]) is None
        assert rows[3][0] is None and load(rows[3][1]) == {"Ghi chú": "không có số"}
        assert rows[4][0] is None and load(rows[4][1]) is None      # the same number twice: kept once, removed here
        assert rows[5][0] is None and load(rows[5][1]) is None      # not a number: removed all the same
        assert "001090012345" not in repr(rows) and "12345678" not in repr(rows)
    finally:
        drop()
