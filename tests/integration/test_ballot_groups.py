"""Group commit of electronic ballots on SQLite (election_app/elections/ballot_batch.py,
issue 17 §1): ballots arriving together are written in one transaction, each only while its
round is open with its box and has no bare count, once per voter; a failed group writes
nothing and every ballot in it raises. Always on a SQLite database file of its own (the path
exists only there), also when the suite runs on PostgreSQL."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from election_app import create_app
from election_app.db import db, writer_gate
from election_app.delegates.services import add_delegates, decide_credentials
from election_app.elections import ballot_batch
from election_app.elections import services as elections
from election_app.elections.models import RoundParticipation, SealedBallot
from election_app.elections.box import padded_size, seal
from test_voting_support import SECRET, link_for, open_election, vote_url


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    from flask_migrate import upgrade
    url = f"sqlite:///{tmp_path_factory.mktemp('groups') / 'groups.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return url


@pytest.fixture
def sapp(sqlite_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def _congress(n: int):
    from election_app.congress.services import create_congress
    s = db.session
    c = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường THPT Chu Văn An lần thứ IX",
                                 "organization": "Công đoàn cơ sở Trường THPT Chu Văn An",
                                 "term": "2023–2028", "kind": "delegates"})
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
    roll = add_delegates(s, congress=c, rows=[{"full_name": f"{family[i % 10]} Thị {given[i // 10 % 10]}",
                                               "birth_year": 1970 + i} for i in range(n)])
    for d in roll:
        decide_credentials(s, delegate=d, status="accepted")
    s.commit()
    return c, roll


def _counts() -> tuple[int, int]:
    s = db.session
    s.rollback()
    return (s.scalar(select(func.count()).select_from(RoundParticipation)),
            s.scalar(select(func.count()).select_from(SealedBallot)))


def test_ballots_arriving_together_are_written_in_one_transaction(sapp):
    congress, roll = _congress(12)         # 12 requests at once: within the pool's 15 connections
    election, ids = open_election(db.session, congress, roll, seats=3, n_candidates=5)
    tokens = [link_for(db.session, d) for d in roll]
    eid = election.id              # read here: the threads must not load it from this session
    groups = ballot_batch.ballot_groups(db.session)
    assert groups is not None
    db.session.rollback()
    before = groups.groups
    gate = writer_gate(db.engine.url.database)
    assert gate.acquire(timeout=5)        # another writer holds the lock: the ballots queue
    codes: list = [None] * len(tokens)

    def vote(i):
        with sapp.app_context():
            codes[i] = sapp.test_client().post(vote_url(tokens[i], eid), json={"kept": ids[:3]}).status_code

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(groups.pending) < len(tokens) and time.monotonic() < deadline:
        time.sleep(0.01)
    queued = len(groups.pending)
    gate.release()
    for t in threads:
        t.join(timeout=60)
    assert queued == len(tokens)
    assert codes == [201] * len(tokens)
    assert groups.groups - before == 1                 # 12 ballots, one transaction
    assert _counts() == (12, 12)
    rnd = elections.close_round(db.session, election=election, secret=SECRET)
    db.session.commit()
    assert rnd.issued == rnd.returned == 12
    # a second ballot of the same voter after the group: the ordinary answer
    again = sapp.test_client().post(vote_url(tokens[0], election.id), json={"kept": ids[:1]})
    assert again.status_code == 409


def _ballot(rnd, kept):
    return seal(rnd.box_public_key, kept=kept, receipt="ABCDE-12345", size=padded_size(5, False))


def test_a_group_writes_only_what_the_rule_allows(sapp):
    s = db.session
    congress, roll = _congress(8)
    election, ids = open_election(s, congress, roll, seats=3, n_candidates=5)
    rnd = elections.current_round(s, election)
    elections.issue_paper(s, election=election, delegate_ids=[roll[2].id])      # struck off for paper
    other, _ = elections.create_election(s, congress=congress, title="Bầu Ủy ban Kiểm tra", body="inspection_committee",
                                         seats=1, candidates=[{"delegate_id": roll[0].id}, {"delegate_id": roll[1].id}])
    elections.open_round(s, election=other)
    bare = elections.current_round(s, other)
    elections.set_paper_issued(s, election=other, issued=5)                     # a bare paper count
    s.commit()
    good = ballot_batch._Ballot(rnd.id, roll[0].id, rnd.box_public_key, _ballot(rnd, ids[:3]))
    twice = ballot_batch._Ballot(rnd.id, roll[0].id, rnd.box_public_key, _ballot(rnd, ids[:2]))
    paper = ballot_batch._Ballot(rnd.id, roll[2].id, rnd.box_public_key, _ballot(rnd, ids[:3]))
    wrong_box = ballot_batch._Ballot(rnd.id, roll[3].id, "A" * 44, _ballot(rnd, ids[:3]))
    counted = ballot_batch._Ballot(bare.id, roll[4].id, bare.box_public_key, _ballot(bare, []))
    second = ballot_batch._Ballot(rnd.id, roll[5].id, rnd.box_public_key, _ballot(rnd, ids[:1]))
    group = [good, twice, paper, wrong_box, counted, second]
    ballot_batch.BallotGroups(str(db.engine.url.database))._write(s.connection(), group)
    assert [b.written for b in group] == [True, False, False, False, False, True]
    assert all(b.done and b.error is None for b in group)
    s.rollback()
    rows = dict(((r.round_id, r.delegate_id), r.method) for r in s.scalars(select(RoundParticipation)))
    assert rows == {(rnd.id, roll[0].id): "electronic", (rnd.id, roll[2].id): "paper",
                    (rnd.id, roll[5].id): "electronic"}
    assert s.scalar(select(func.count()).select_from(SealedBallot).where(SealedBallot.round_id == rnd.id)) == 2
    assert s.scalar(select(func.count()).select_from(SealedBallot).where(SealedBallot.round_id == bare.id)) == 0


def test_a_failed_group_writes_nothing_and_each_ballot_raises(sapp):
    s = db.session
    congress, roll = _congress(4)
    election, ids = open_election(s, congress, roll, seats=3, n_candidates=4)
    rnd = elections.current_round(s, election)
    s.commit()
    fine = ballot_batch._Ballot(rnd.id, roll[0].id, rnd.box_public_key, _ballot(rnd, ids[:3]))
    broken = ballot_batch._Ballot(rnd.id, roll[1].id, rnd.box_public_key, None)    # NOT NULL refuses it
    groups = ballot_batch.BallotGroups(str(db.engine.url.database))
    groups._write(s.connection(), [fine, broken])
    assert isinstance(fine.error, IntegrityError) and isinstance(broken.error, IntegrityError)
    assert not fine.written and not broken.written
    assert _counts() == (0, 0)
    assert not s.connection().connection.dbapi_connection.in_transaction     # rolled back
    # through ``write``: the caller gets the error as its own exception, and the lock is free
    with pytest.raises(IntegrityError):
        groups.write(s.connection(), round_id=rnd.id, delegate_id=roll[1].id, public_key=rnd.box_public_key,
                     sealed=None)
    assert not groups.pending and not groups.writing
    assert groups.write(s.connection(), round_id=rnd.id, delegate_id=roll[1].id, public_key=rnd.box_public_key,
                        sealed=_ballot(rnd, ids[:3])) is True
    assert _counts() == (1, 1)


def test_not_a_file_or_a_session_holding_the_lock_takes_the_ordinary_path(sapp):
    s = db.session
    assert ballot_batch.ballot_groups(s) is not None
    s.connection().exec_driver_sql("BEGIN IMMEDIATE")       # this session writes already
    assert ballot_batch.ballot_groups(s) is None
    s.rollback()
    memory = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": SECRET, "TESTING": True})
    with memory.app_context():
        assert ballot_batch.ballot_groups(db.session) is None
        db.session.remove()
