"""Simultaneous submits (RULES §4.5): exactly one ballot per delegate per round, across
phone and paper, with real threads and real processes against the same database file
(SQLite) or server (PostgreSQL, with TEST_DATABASE_URL). A burst of 50 voters never gets
a 500 ("database is locked")."""
from __future__ import annotations

import multiprocessing
import threading

import pytest

from sqlalchemy import func, select

from election_app import create_app
from election_app.db import db
from election_app.delegates.services import add_delegates, decide_credentials
from election_app.elections.models import Ballot, Receipt, RoundParticipation, SealedBallot
from election_app.voting.models import VotingSlip
from test_voting_support import SECRET, fresh, link_for, open_election, vote_url


def _run_threads(app, jobs):
    """Each job (path, json) in its own thread with its own client, released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def work(i, path, body):
        client = app.test_client()
        barrier.wait(timeout=60)
        try:
            resp = client.post(path, json=body, headers=body.pop("_headers", {}) if isinstance(body, dict) else {})
            results[i] = resp.status_code
        except Exception as exc:  # an exception is a failure the test must show
            results[i] = repr(exc)
    threads = [threading.Thread(target=work, args=(i, p, b)) for i, (p, b) in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _proc_worker(url, jobs, barrier, queue):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "TESTING": True})
    client = app.test_client()
    barrier.wait(timeout=60)
    for path, body in jobs:
        try:
            queue.put(client.post(path, json=body).status_code)
        except Exception as exc:
            queue.put(repr(exc))
    with app.app_context():
        db.engine.dispose()


def _run_processes(app, job_groups):
    """One process per group of jobs, all released together; the parent's connections are
    closed before forking. Returns every status code."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(job_groups))
    queue = ctx.Queue()
    procs = [ctx.Process(target=_proc_worker, args=(url, group, barrier, queue)) for group in job_groups]
    for p in procs:
        p.start()
    total = sum(len(g) for g in job_groups)
    codes = [queue.get(timeout=180) for _ in range(total)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return codes


def _counts(session):
    s = fresh(session)
    return {"ballots": (s.scalar(select(func.count()).select_from(Ballot)) + s.scalar(select(func.count()).select_from(SealedBallot))),
            "receipts": (s.scalar(select(func.count()).select_from(Receipt)) + s.scalar(select(func.count()).select_from(SealedBallot))),
            "participations": s.scalar(select(func.count()).select_from(RoundParticipation))}


def _big_roll(session, congress, n):
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
    rows = [{"full_name": f"{family[i % 10]} Văn {given[i // 10 % 10]}", "birth_year": 1970 + i // 100}
            for i in range(n)]
    made = add_delegates(session, congress=congress, rows=rows)
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return made


def test_burst_of_50_voters_threads_no_500(app, session, congress):
    roll = _big_roll(session, congress, 50)
    election, ids = open_election(session, congress, roll, seats=5, n_candidates=7)
    tokens = [link_for(session, d) for d in roll]
    jobs = [(vote_url(t, election.id), {"kept": ids[: 5 - i % 3]}) for i, t in enumerate(tokens)]
    codes = _run_threads(app, jobs)
    assert codes == [201] * 50, codes
    assert _counts(session) == {"ballots": 50, "receipts": 50, "participations": 50}


def test_same_delegate_many_threads_one_ballot(app, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[0])
    codes = _run_threads(app, [(vote_url(token, election.id), {"kept": ids[:1]}) for _ in range(12)])
    assert sorted(codes) == [201] + [409] * 11, codes
    assert _counts(session) == {"ballots": 1, "receipts": 1, "participations": 1}


def test_paper_and_phone_race_threads(app, api, session, congress, roll):
    """The board issues paper ballots while the same delegates vote on their phones: each
    delegate ends with exactly one participation, and ballots match electronic rows."""
    election, ids = open_election(session, congress, roll)
    board = api("admin")
    tokens = [link_for(session, d) for d in roll]
    jobs = []
    for d, t in zip(roll, tokens):
        jobs.append((vote_url(t, election.id), {"kept": ids[:1]}))
        jobs.append((f"/api/v1/elections/{election.id}/issue-paper",
                     {"delegate_ids": [d.id], "_headers": board.headers}))
    codes = _run_threads(app, jobs)
    assert set(codes) <= {200, 201, 409}, codes
    votes = codes[0::2].count(201)
    papers = codes[1::2].count(200)
    assert votes + papers == len(roll)
    s = fresh(session)
    methods = dict(s.execute(select(RoundParticipation.method, func.count())
                             .group_by(RoundParticipation.method)).all())
    assert methods.get("electronic", 0) == votes and methods.get("paper", 0) == papers
    assert _counts(session)["ballots"] == votes


def test_same_delegate_many_processes_one_ballot(app, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[0])
    codes = _run_processes(app, [[(vote_url(token, election.id), {"kept": ids[:1]})] for _ in range(6)])
    assert sorted(codes) == [201] + [409] * 5, codes
    assert _counts(session) == {"ballots": 1, "receipts": 1, "participations": 1}


def test_burst_across_processes(app, session, congress):
    roll = _big_roll(session, congress, 24)
    election, ids = open_election(session, congress, roll, seats=3, n_candidates=5)
    tokens = [link_for(session, d) for d in roll]
    # 4 processes × 6 voters; plus every process also retries voter 0 (only one wins)
    groups = [[(vote_url(t, election.id), {"kept": ids[:3]}) for t in tokens[i::4]] +
              [(vote_url(tokens[0], election.id), {"kept": ids[:1]})] for i in range(4)]
    codes = _run_processes(app, groups)
    assert codes.count(201) == 24 and codes.count(409) == 4, codes
    assert _counts(session) == {"ballots": 24, "receipts": 24, "participations": 24}


def test_slips_used_never_exceed_struck_off_threads(app, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("board")
    urls = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 8}).get_json()["urls"]
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[7].id, roll[8].id]})
    slip_tokens = [u.rsplit("/s/", 1)[1] for u in urls]
    codes = _run_threads(app, [(vote_url(t, election.id), {"kept": ids[:1]}) for t in slip_tokens])
    assert sorted(codes) == [201, 201] + [409] * 6, codes
    s = fresh(session)
    assert s.scalar(select(func.count()).select_from(VotingSlip).where(VotingSlip.is_used.is_(True))) == 2
    assert _counts(session)["ballots"] == 2


def test_slips_used_never_exceed_struck_off_processes(app, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("board")
    urls = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 6}).get_json()["urls"]
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[8].id]})
    slip_tokens = [u.rsplit("/s/", 1)[1] for u in urls]
    # the same slip twice from two processes, and four other slips
    jobs = [[(vote_url(slip_tokens[0], election.id), {"kept": []})],
            [(vote_url(slip_tokens[0], election.id), {"kept": []})]] + \
           [[(vote_url(t, election.id), {"kept": []})] for t in slip_tokens[1:5]]
    codes = _run_processes(app, jobs)
    assert sorted(codes) == [201] + [409] * 5, codes
    assert _counts(session)["ballots"] == 1


@pytest.mark.parametrize("exclusive,strike_off", [(False, False), (False, True), (True, False)])
def test_vote_transaction_holds_its_lock(app, session, congress, roll, exclusive, strike_off):
    """SQLite: the vote transaction starts with BEGIN IMMEDIATE, so while it is open a
    second writer cannot even begin (no deferred transaction failing on upgrade).
    PostgreSQL: casting holds the round row FOR SHARE, so closing the round (an UPDATE of
    that row) waits for ballots being cast; ``lock_round(exclusive=True)``, meant for the
    close, holds it FOR UPDATE, so ballots arriving meanwhile wait for the close."""
    from election_app.voting import services as voting
    election, ids = open_election(session, congress, roll)
    session.execute(select(1))
    if exclusive:
        voting.lock_round(session, round=voting.elections.current_round(session, election))
    else:
        rnd = voting.elections.current_round(session, election)
        if strike_off:   # a phone ballot's strike-off: written with the lock in one statement
            assert voting.elections.add_participation_if_open(session, round_id=rnd.id, delegate_id=roll[0].id,
                                                              method="electronic", box_public_key=rnd.box_public_key)
        else:            # what a slip's ballot and a refused ballot read under the lock
            voting.elections.lock_round_state(session, round_id=rnd.id, exclusive=False)
    if db.engine.dialect.name == "sqlite":
        import sqlite3
        assert session.connection().connection.dbapi_connection.in_transaction
        other = sqlite3.connect(db.engine.url.database, timeout=0.05)
        try:
            other.execute("BEGIN IMMEDIATE")
            locked = {"write": False}
        except sqlite3.OperationalError as err:
            locked = {"write": "locked" in str(err)}
        finally:
            other.close()
        expected = {"write": True}
    else:
        import sqlalchemy as sa
        from sqlalchemy.exc import OperationalError
        other = sa.create_engine(db.engine.url)
        locked = {}
        try:
            for mode in ("UPDATE", "SHARE"):
                try:
                    with other.connect() as conn:
                        conn.execute(sa.text(f"SELECT id FROM rounds WHERE election_id = :e FOR {mode} NOWAIT"),
                                     {"e": election.id})
                    locked[mode] = False
                except OperationalError as err:
                    locked[mode] = "lock" in str(err).lower()
        finally:
            other.dispose()
        expected = {"UPDATE": True, "SHARE": exclusive}
    session.rollback()
    assert locked == expected
