"""The audit log: every staff action through the one door leaves exactly one hash-chained
entry written in the action's own transaction (a failed action leaves none), nothing secret is
in it, re-recorded results keep the old value, tampering of any kind is found by
``audit verify``, and the page and the API show the log to the congress's staff only."""
from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa

from election_app.audit.models import AuditEntry, AuditHead
from election_app.audit.services import record_audit, verify_chains
from election_app.db import db
from election_app.door import ACTIONS, Actor, Command, action, run
from election_app.errors import ValidationFailed
from tests.conftest import csrf_from


def entries(congress_id=None):
    q = sa.select(AuditEntry).order_by(AuditEntry.chain, AuditEntry.seq)
    if congress_id is not None:
        q = q.where(AuditEntry.chain == congress_id)
    return list(db.session.scalars(q))


def admin_actor():
    return Actor(id=None, name="tester", role="admin", via="cli")


# --- one entry per action, in the same transaction -------------------------------------------

class Rename(Command):
    congress_id: int
    name: str
    fail_after_write: bool = False


@action("test.rename_congress", permission="congress.manage", input=Rename)
def _rename(session, *, actor, cmd):
    from election_app.congress.models import Congress
    c = session.get(Congress, cmd.congress_id)
    c.name = cmd.name
    session.flush()
    if cmd.fail_after_write:
        raise ValidationFailed("Từ chối sau khi đã ghi.")
    return c


def test_successful_action_commits_change_and_entry_together(session, congress):
    run("test.rename_congress", actor=admin_actor(), cmd={"congress_id": congress.id, "name": "Tên mới"})
    db.session.expire_all()
    assert congress.name == "Tên mới"
    (e,) = entries(congress.id)
    assert (e.action, e.actor_name, e.congress_id, e.seq) == ("test.rename_congress", "tester", congress.id, 1)
    assert json.loads(e.data)["name"] == "Tên mới"


def test_failed_action_leaves_no_entry_and_no_change(session, congress):
    before = congress.name
    with pytest.raises(ValidationFailed):
        run("test.rename_congress", actor=admin_actor(),
            cmd={"congress_id": congress.id, "name": "Không được lưu", "fail_after_write": True})
    db.session.expire_all()
    assert congress.name == before
    assert entries() == []


def test_entry_that_cannot_be_written_undoes_the_action(session, congress):
    """Same transaction, the other way round: if appending the entry fails (a forged row holds
    the next place of the chain), the action's own change is rolled back too."""
    from election_app.audit.services import GENESIS
    db.session.add(AuditEntry(chain=congress.id, seq=1, actor_name="x", action="forged", data="{}",
                              outcome="ok", prev_hash=GENESIS, hash=GENESIS))
    db.session.commit()
    before = congress.name
    with pytest.raises(Exception):
        run("test.rename_congress", actor=admin_actor(), cmd={"congress_id": congress.id, "name": "Không lưu"})
    db.session.expire_all()
    assert congress.name == before


def test_wrong_role_or_other_congress_is_refused_before_anything(session, congress):
    from election_app.auth.services import create_user
    from election_app.congress.services import create_congress
    from election_app.errors import Forbidden
    other = create_congress(session, data={"name": "Đại hội khác", "organization": "CĐCS khác",
                                           "term": "2023–2028", "kind": "all_members"})
    board = create_user(session, username="bbc_x", password="matkhau123", role="board", congress_ids=[congress.id])
    organizer = create_user(session, username="btc_x", password="matkhau123", role="organizer",
                            congress_ids=[other.id])
    session.commit()
    with pytest.raises(Forbidden):
        run("test.rename_congress", actor=Actor.of(board), cmd={"congress_id": congress.id, "name": "x"})
    with pytest.raises(Forbidden):
        run("test.rename_congress", actor=Actor.of(organizer), cmd={"congress_id": congress.id, "name": "x"})
    assert entries(congress.id) == []


# Every registered action of the product is written once, has a permission from the table and
# runs through ``run`` (the only committer): the registry is the list of what is audited.
def test_every_action_is_registered_once_with_a_known_permission(app):
    from election_app.auth.permissions import PERMISSIONS
    product = {n: a for n, a in ACTIONS.items() if not n.startswith("test.")}
    assert len(product) >= 40
    for name, act in product.items():
        assert act.permission in PERMISSIONS, name
        assert act.audit, f"{name} is not audited"


def test_nothing_commits_but_the_door():
    """The unit of work (``door.run`` for staff actions, ``door.unit`` for the rest: a ballot,
    signing in, a render, the demo seed) is the only place that commits a session: no view,
    API handler, service, worker or CLI command commits by itself."""
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2] / "election_app"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "door.py" and path.parent == root:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.commit\(\)", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
    # Counters and the renderer's job rows are written on a connection of their own, by
    # design, never through a session: the failed-attempt counts must hold when the request
    # rolls back (and be counted before the password is checked), and a job's progress must
    # be seen at once by every process. Nothing else opens its own transaction.
    own = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                 if re.search(r"\.begin\(\)", p.read_text(encoding="utf-8")))
    assert own == ["documents/jobs.py", "ratelimit.py"]


# --- what the pages and the API leave in the log ---------------------------------------------

def test_checkin_strike_off_and_rerecorded_hands_are_logged(client, login, session, congress, roll):
    from election_app.elections import services as el
    from election_app.motions.services import create_motion
    motion = create_motion(session, congress=congress, title="Thông qua chương trình")
    session.commit()
    user = login("secretary")
    token = csrf_from(client.get(f"/congresses/{congress.id}/checkin").get_data(as_text=True))
    for d in roll[:6]:
        client.post(f"/congresses/{congress.id}/checkin", data={"csrf_token": token, "code": d.code})
    client.post(f"/congresses/{congress.id}/checkin", data={"csrf_token": token, "code": roll[6].code,
                                                               "delegate_id": str(roll[6].id)})
    url = f"/congresses/{congress.id}/motions/{motion.id}/result"
    client.post(url, data={"csrf_token": token, "agree": "5", "disagree": "1"})
    client.post(url, data={"csrf_token": token, "agree": "6", "disagree": "0"})
    log = entries(congress.id)
    checkins = [e for e in log if e.action == "attendance.check_in"]
    assert len(checkins) == 7 and all(e.actor_name == user.username for e in checkins)
    assert [json.loads(e.data)["method"] for e in checkins] == ["card"] * 6 + ["manual"]
    first, second = [e for e in log if e.action == "motions.record_result"]
    assert "previous" not in json.loads(first.data)
    assert json.loads(second.data)["previous"] == {"agree": 5, "disagree": 1, "other": 0, "present": 7}
    # strike-off by the board: who received a paper ballot is logged, never what anyone voted
    election, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee",
                                     seats=2, candidates=[{"delegate_id": d.id} for d in roll[:4]])
    session.commit()
    client.post("/logout", data={"csrf_token": token})
    login("board")
    token = csrf_from(client.get(f"/congresses/{congress.id}/elections/{election.id}").get_data(as_text=True))
    client.post(f"/congresses/{congress.id}/elections/{election.id}/open", data={"csrf_token": token})
    client.post(f"/congresses/{congress.id}/elections/{election.id}/issue",
                data={"csrf_token": token, "delegate_id": str(roll[0].id)})
    client.post(f"/congresses/{congress.id}/elections/{election.id}/entry",
                data={"csrf_token": token, "reading": "1", "key": ""})
    actions = [e.action for e in entries(congress.id)]
    assert actions[-3:] == ["rounds.open", "rounds.issue_paper", "paper.enter"]
    entered = entries(congress.id)[-1]
    assert "kept" not in json.loads(entered.data) and "defect" in json.loads(entered.data)
    assert verify_chains(session) == (len(entries()), [])


def test_secrets_never_reach_the_log(session, congress):
    record_audit(session, actor_id=None, actor_name="x", congress_id=congress.id, action="t",
                 data={"password": "p@ss", "token": "abc", "kept": [1, 2], "nested": {"passphrase": "s"},
                       "ballots": [{"kept": [1]}], "name": "ok"})
    session.commit()
    (e,) = entries(congress.id)
    assert json.loads(e.data) == {"name": "ok", "nested": {}}


def test_account_changes_are_logged_on_their_congress_chain(app, session, congress):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["user", "create", "btc2", "--role", "organizer", "--password", "matkhau123",
                              "--congress", str(congress.id)])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["user", "revoke", "btc2", str(congress.id)])
    assert out.exit_code == 0 and "đã thu hồi" in out.output
    names = [e.action for e in entries()]
    assert names == ["users.create", "users.revoke_congress"]
    assert json.loads(entries()[0].data).get("password") is None
    assert [e.chain for e in entries()] == [0, congress.id]


# --- tampering ---------------------------------------------------------------------------------

def _five(session, congress):
    for n in range(5):
        run("test.rename_congress", actor=admin_actor(), cmd={"congress_id": congress.id, "name": f"Tên {n}"})
    return entries(congress.id)


def _verify_cli(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_intact_chain_verifies(app, session, congress):
    _five(session, congress)
    out = _verify_cli(app)
    assert out.exit_code == 0 and "5 mục" in out.output


@pytest.mark.parametrize("tamper", ["edit", "edit_and_rehash", "delete_middle", "delete_last", "reorder",
                                    "insert"])
def test_tampering_is_found_and_named(app, session, congress, tamper):
    log = _five(session, congress)
    t = AuditEntry.__table__
    with db.engine.begin() as conn:
        if tamper == "edit":
            conn.execute(t.update().where(t.c.id == log[2].id).values(data='{"name":"Tên giả"}'))
        elif tamper == "edit_and_rehash":          # recomputing its own hash breaks the next link
            from election_app.audit.services import entry_hash
            e = log[2]
            forged = entry_hash(prev_hash=e.prev_hash, chain=e.chain, seq=e.seq, at=e.at, actor_id=e.actor_id,
                                actor_name="kẻ giả", congress_id=e.congress_id, action=e.action, data=e.data,
                                outcome=e.outcome)
            conn.execute(t.update().where(t.c.id == e.id).values(actor_name="kẻ giả", hash=forged))
        elif tamper == "delete_middle":
            conn.execute(t.delete().where(t.c.id == log[2].id))
        elif tamper == "delete_last":
            conn.execute(t.delete().where(t.c.id == log[4].id))
        elif tamper == "reorder":
            conn.execute(t.update().where(t.c.id == log[1].id).values(seq=-1))
            conn.execute(t.update().where(t.c.id == log[2].id).values(seq=2))
            conn.execute(t.update().where(t.c.id == log[1].id).values(seq=3))
        elif tamper == "insert":
            conn.execute(t.update().where(t.c.chain == congress.id, t.c.seq >= 3).values(seq=t.c.seq + 10))
            conn.execute(t.insert().values(chain=congress.id, seq=3, at=log[2].at, actor_name="x", action="forged",
                                           data="{}", outcome="ok", prev_hash=log[1].hash, hash="0" * 64))
    out = _verify_cli(app)
    assert out.exit_code != 0
    text = out.output + (out.stderr if hasattr(out, "stderr") else "")
    assert "HỎNG" in text
    expected_at = {"edit": log[2], "edit_and_rehash": log[3], "delete_middle": log[3], "reorder": log[2],
                   "insert": None}.get(tamper)
    if expected_at is not None:
        assert f"mục #{expected_at.id} " in text, text
    elif tamper == "delete_last":
        assert "cuối chuỗi" in text


def test_concurrent_appends_keep_one_chain(app, session, congress):
    """Eight threads appending to one chain at once (SQLite: the lock retry; PostgreSQL: the
    head row's lock): every entry is linked, no number is used twice."""
    errors = []
    cid = congress.id

    def work(n):
        with app.app_context():
            try:
                for k in range(5):
                    run("test.rename_congress", actor=admin_actor(),
                        cmd={"congress_id": cid, "name": f"Luồng {n}.{k}"})
            except Exception as exc:  # pragma: no cover - reported below
                import traceback
                errors.append(traceback.format_exc())
            finally:
                db.session.remove()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    assert [e.seq for e in entries(congress.id)] == list(range(1, 41))
    assert db.session.get(AuditHead, congress.id).seq == 40
    assert verify_chains(db.session) == (40, [])


# --- the page and the API ----------------------------------------------------------------------

def test_log_page_filters_and_is_scoped(client, login, session, congress, roll):
    from election_app.delegates.services import list_delegates
    login("secretary")
    token = csrf_from(client.get(f"/congresses/{congress.id}/checkin").get_data(as_text=True))
    for d in list_delegates(session, congress.id)[:3]:
        client.post(f"/congresses/{congress.id}/checkin", data={"csrf_token": token, "code": d.code})
    html = client.get(f"/congresses/{congress.id}/audit?action=attendance.").get_data(as_text=True)
    assert html.count("attendance.check_in") == 3 and "nguyên vẹn" in html
    html = client.get(f"/congresses/{congress.id}/audit?actor=nobody").get_data(as_text=True)
    assert "attendance.check_in" not in html


def test_log_api(api, session, congress, roll):
    caller = api("organizer")
    for d in roll[:2]:
        caller.post(f"/api/v1/congresses/{congress.id}/delegates/{d.id}/check-in")
    body = caller.get(f"/api/v1/congresses/{congress.id}/audit").get_json()
    assert body["intact"] is True and body["count"] == 2
    assert [e["action"] for e in body["entries"]] == ["attendance.check_in"] * 2
    assert body["entries"][0]["data"]["via"] == "api" and body["entries"][0]["seq"] == 2
    assert caller.get(f"/api/v1/congresses/{congress.id}/audit?since=hôm-qua").status_code == 422
    outsider = api("organizer", congresses=[])
    assert outsider.get(f"/api/v1/congresses/{congress.id}/audit").status_code == 403
