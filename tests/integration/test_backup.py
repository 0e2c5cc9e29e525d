"""Issue 11 §3: a whole congress round-trips through `congress export` / `congress import`
with the same results, receipts and seals (ids remapped); a backup is written automatically
before a round closes, and restoring that automatic backup gives the closed count again;
the admin downloads backups from a page; a backup never links a ballot to a voter."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from election_app.backup import files
from election_app.backup.services import congress_tables, export_congress, import_congress
from election_app.congress.models import Congress
from election_app.db import db
from tests.conftest import csrf_from
from test_voting_support import link_for, open_election, vote_url


@pytest.fixture
def backup_dir(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    return tmp_path / "backups"


def _run_round(client, api, session, congress, roll):
    """Round 1 with 3 phone ballots and 3 paper ballots, then closed."""
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    receipts = []
    for d, kept in zip(roll[5:8], ([ids[0], ids[1]], [ids[0]], [])):
        resp = client.post(vote_url(link_for(session, d), election.id), json={"kept": kept})
        assert resp.status_code == 201, resp.get_json()
        receipts.append(resp.get_json()["receipt"])
    board = api("board")
    assert board.post(f"/api/v1/elections/{election.id}/issue-paper",
                      json={"delegate_ids": [d.id for d in roll[:3]]}).status_code == 200
    assert board.post(f"/api/v1/elections/{election.id}/paper-ballots", json={"ballots": [
        {"kept": [ids[0], ids[2]]}, {"kept": [ids[1]]}, {"spoiled": "no_stamp"}]}).status_code == 201
    assert board.post(f"/api/v1/elections/{election.id}/close").status_code == 200
    return election, ids, sorted(receipts), board


def _strip_ids(result: dict, names: dict) -> dict:
    """A result with candidate ids replaced by names (ids differ after import)."""
    out = dict(result)
    out["candidates"] = [{k: v for k, v in c.items() if k != "id"} for c in result["candidates"]]
    for key in ("elected", "tied", "elected_so_far"):
        out[key] = sorted(names[i] for i in result[key])
    return out


def _snapshot(board, eid):
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    ballots = board.get(f"/api/v1/elections/{eid}/ballots").get_json()
    names = {c["id"]: c["full_name"] for c in result["candidates"]}
    canon = sorted(json.dumps({"kept": sorted(names[i] for i in b.get("kept", [])), "invalid": b.get("invalid", False),
                               "reason": b.get("reason")}, ensure_ascii=False, sort_keys=True) for b in ballots["ballots"])
    return _strip_ids(result, names), ballots["receipts"], ballots.get("seal_sha256"), canon


def test_export_import_round_trip_same_results_receipts_seals(app, client, api, session, congress, roll, tmp_path,
                                                                backup_dir):
    election, ids, receipts, board = _run_round(client, api, session, congress, roll)
    before = _snapshot(board, election.id)
    assert before[1] == receipts and before[2]

    runner = app.test_cli_runner()
    out = tmp_path / "dh.json.gz"
    result = runner.invoke(args=["congress", "export", str(congress.id), "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(gzip.decompress(out.read_bytes()))
    assert {"delegates", "elections", "rounds", "ballots", "receipts", "round_participations"} <= set(data["tables"])
    assert "users" not in data["tables"] and "api_tokens" not in data["tables"]

    # restore into a fresh installation: a second database built by the migrations
    from flask_migrate import upgrade
    from election_app import create_app
    other_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    other = create_app({"SQLALCHEMY_DATABASE_URI": other_url, "SECRET_KEY": app.config["SECRET_KEY"],
                        "TESTING": True})
    with other.app_context():   # the CLI runs in the app context it finds
        upgrade(revision="heads")
        result = other.test_cli_runner().invoke(args=["congress", "import", str(out)])
        assert result.exit_code == 0, result.output
        from election_app.auth.services import create_user, issue_api_token
        from election_app.elections.models import Election
        user = create_user(db.session, username="kiemtra", password="matkhau123", role="admin")
        token = issue_api_token(db.session, user=user)
        db.session.commit()
        new_eid = db.session.scalar(select(Election.id))
        db.engine.dispose()
    oc = other.test_client()

    class B:
        def get(self, url):
            return oc.get(url, headers={"Authorization": f"Bearer {token}"})
    assert _snapshot(B(), new_eid) == before

    # and a second copy next to the original in the same database: new ids, same count,
    # the copy's voting links voided (they belong to the original)
    with pytest.raises(Exception) as err:
        import_congress(db.session, data=data)
    db.session.rollback()
    assert "đã có" in str(err.value)         # the receipts are this database's already


def test_automatic_backup_before_close_restores(app, client, api, session, congress, roll, tmp_path, backup_dir):
    election, ids, receipts, board = _run_round(client, api, session, congress, roll)
    made = files.list_backups(app, congress.id)
    assert [b["reason"] for b in made] == ["before-close"]
    before = _snapshot(board, election.id)
    path = backup_dir / made[0]["name"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = files.load_file(path)
    # the open-round state just before close: the count is there, the status still open
    rounds = data["tables"]["rounds"]
    status_at = rounds["columns"].index("status")
    assert [r[status_at] for r in rounds["rows"]] == ["open"]

    # the laptop is lost: a fresh database, restore the automatic backup, close again
    from flask_migrate import upgrade
    from election_app import create_app
    url = f"sqlite:///{tmp_path / 'lost.sqlite3'}"
    other = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                        "BACKUP_DIR": str(tmp_path / "other-backups")})
    with other.app_context():
        upgrade(revision="heads")
        assert other.test_cli_runner().invoke(args=["congress", "import", str(path)]).exit_code == 0
        from election_app.auth.services import create_user, issue_api_token
        from election_app.elections.models import Election
        user = create_user(db.session, username="kiemtra", password="matkhau123", role="admin")
        token = issue_api_token(db.session, user=user)
        db.session.commit()
        new_eid = db.session.scalar(select(Election.id))
        db.engine.dispose()
    oc = other.test_client()
    h = {"Authorization": f"Bearer {token}"}
    assert oc.post(f"/api/v1/elections/{new_eid}/close", headers=h).status_code == 200

    class B:
        def get(self, url):
            return oc.get(url, headers=h)
    assert _snapshot(B(), new_eid) == before


def test_backup_has_nothing_linking_a_ballot_to_a_voter(app, client, session, congress, roll, backup_dir):
    """An open round, exported: ballots carry no delegate, time or order; participations are
    ordered by delegate; receipts by code."""
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    for d in roll[3:9]:
        assert client.post(vote_url(link_for(session, d), election.id), json={"kept": [ids[0]]}).status_code == 201
    data = export_congress(db.session, congress_id=congress.id)
    ballots = data["tables"]["ballots"]
    assert set(ballots["columns"]) <= {"id", "round_id", "kept", "against", "is_valid", "invalid_reason"}
    bid = ballots["columns"].index("id")
    assert [r[bid] for r in ballots["rows"]] == sorted(r[bid] for r in ballots["rows"])   # random order
    parts = data["tables"]["round_participations"]
    assert not any(c.endswith("_at") or "time" in c for c in parts["columns"])
    codes = [r[0] for r in data["tables"]["receipts"]["rows"]]
    assert codes == sorted(codes)


def test_generic_tables_cover_every_congress_table(app):
    """Every table with a foreign-key path to congresses is carried, except the excluded ones."""
    from election_app.db import Base
    names = {t.name for t in congress_tables()}
    for table in Base.metadata.sorted_tables:
        if table.name in ("users", "api_tokens", "user_congresses", "rate_limit_buckets", "render_jobs",
                          "organizations", "user_organizations", "congress_organizations") \
                or table.name.startswith("audit"):
            assert table.name not in names
        elif any(fk.column.table.name in names for fk in table.foreign_keys):
            assert table.name in names, table.name


def test_admin_backup_page_and_download(app, client, login, congress, backup_dir):
    login("admin")
    page = client.get("/backups")
    assert page.status_code == 200
    resp = client.post("/backups", data={"congress_id": congress.id, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 302
    made = files.list_backups(app, congress.id)
    assert made and made[0]["reason"] == "manual"
    page = client.get("/backups").get_data(as_text=True)
    assert made[0]["name"] in page
    dl = client.get(f"/backups/{made[0]['name']}")
    assert dl.status_code == 200
    assert json.loads(gzip.decompress(dl.data))["congress_id"] == congress.id
    assert client.get("/backups/..%2Fsecret_key").status_code == 404
    assert client.get("/backups/congress-1-20260101T000000Z-x.json.gz").status_code == 404


def test_backup_page_admin_only(client, login, congress, backup_dir):
    login("organizer")
    assert client.get("/backups").status_code == 403


def test_periodic_and_end_of_day_backups(app, session, congress, backup_dir):
    import datetime as dt
    t0 = dt.datetime(2026, 12, 12, 2, 0, tzinfo=dt.timezone.utc)
    assert [p.name.rsplit("-", 1)[-1] for p in files.due_backups(session, app, now=t0)] == ["auto.json.gz"]
    assert files.due_backups(session, app, now=t0 + dt.timedelta(minutes=20)) == []   # nothing changed
    congress.venue = "Hội trường B"
    session.commit()
    assert files.due_backups(session, app, now=t0 + dt.timedelta(minutes=5)) == []     # not due yet
    assert len(files.due_backups(session, app, now=t0 + dt.timedelta(minutes=40))) == 1
    congress.venue = "Hội trường C"
    session.commit()
    next_day = t0 + dt.timedelta(days=1)
    made = files.due_backups(session, app, now=next_day)
    assert [p.name.endswith("-end-of-day.json.gz") for p in made] == [True]


def test_rotation_keeps_the_newest(app, session, congress, backup_dir):
    app.config["BACKUP_KEEP"] = 3
    for _ in range(5):
        files.write_backup(session, app, congress_id=congress.id, reason="manual")
    assert len(files.list_backups(app, congress.id)) == 3


def test_import_refuses_junk(app, tmp_path, session):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = app.test_cli_runner().invoke(args=["congress", "import", str(bad)])
    assert result.exit_code != 0 and "không phải là bản sao lưu" in result.output
    bad.write_bytes(b"\x1f\x8b not gzip")
    result = app.test_cli_runner().invoke(args=["congress", "import", str(bad)])
    assert result.exit_code != 0 and "Không đọc được" in result.output
    assert session.scalar(select(func.count()).select_from(Congress)) == 0
    result = app.test_cli_runner().invoke(args=["congress", "export", "999", "--output", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "Không có đại hội" in result.output
