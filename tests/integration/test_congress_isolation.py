"""Many congresses on one server (issue 17 §4): two congresses vote at the same moment; each
round counts its own ballots only, closing one leaves the other's box whole, and no statement
run for one congress reads or writes another's rows — the one declared exception being the
PostgreSQL close, which rewrites the still-sealed ciphertexts of every other open round
(secrecy: a TRUNCATE leaves no dead tuple) and is checked to put back exactly what it took."""
from __future__ import annotations

import re
import threading

import sqlalchemy as sa
from sqlalchemy import event, func, select

from election_app.congress.services import create_congress
from election_app.db import db
from election_app.delegates.services import add_delegates, decide_credentials
from election_app.elections.models import Round, RoundParticipation, SealedBallot
from test_voting_support import fresh, link_for, open_election, vote_url

# Tables whose rows belong to one congress (directly or through a round / election).
SCOPED = ("ballots", "receipts", "round_participations", "sealed_ballots", "rounds", "round_candidates",
          "candidates", "elections", "delegates", "paper_ballots", "check_ins", "motions")
SCOPED_RE = re.compile(r"\b(FROM|UPDATE|INTO|JOIN)\s+\"?(" + "|".join(SCOPED) + r")\"?\b", re.I)


def _second_congress(session):
    other = create_congress(session, data={
        "name": "Đại hội Công đoàn cơ sở Bệnh viện Đa khoa Đức Giang lần thứ V",
        "organization": "Công đoàn cơ sở Bệnh viện Đa khoa Đức Giang",
        "parent_organization": "Công đoàn ngành Y tế Hà Nội", "term": "2023–2028", "kind": "delegates",
        "date": "2026-12-13", "place": "Long Biên", "venue": "Hội trường tầng 3"})
    names = ["Ngô Thị Lan", "Trịnh Văn Minh", "Lý Thị Ngọc", "Mai Văn Phúc", "Tạ Thị Quyên",
             "Chu Văn Sơn", "Đinh Thị Tâm", "Hà Văn Uy", "Lưu Thị Vân", "Kiều Văn Xuân", "Mạc Thị Yến"]
    made = add_delegates(session, congress=other, rows=[
        {"full_name": n, "birth_year": 1975 + i, "gender": "nữ" if "Thị" in n else "nam"}
        for i, n in enumerate(names)])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    session.commit()
    return other, made


def _vote_all(app, jobs):
    """Every (token, election id, kept) at once, one thread each, released together."""
    barrier = threading.Barrier(len(jobs))
    codes: list = [None] * len(jobs)

    def work(i, token, eid, kept):
        client = app.test_client()
        barrier.wait(timeout=60)
        codes[i] = client.post(vote_url(token, eid), json={"kept": kept}).status_code
    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return codes


class Statements:
    """The SQL the engine runs while the block is open (every connection of the app)."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._take)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._take)

    def _take(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))

    def unscoped(self):
        """Statements on a congress's tables with no WHERE at all (a whole-table read or write)."""
        out = []
        for statement, _ in self.seen:
            flat = " ".join(statement.split())
            if not SCOPED_RE.search(flat):
                continue
            if flat.upper().startswith("INSERT"):
                continue                 # inserts name their own rows
            if " WHERE " not in flat.upper():
                out.append(flat)
        return out


def test_two_congresses_voting_at_once_count_only_their_own(app, session, congress, roll, api):
    other, other_roll = _second_congress(session)
    board = api("board")                                  # scoped to both congresses
    ea, ia = open_election(session, congress, roll, seats=2, n_candidates=4)
    eb, ib = open_election(session, other, other_roll, seats=3, n_candidates=5, title="Bầu Ban Chấp hành khóa V")
    jobs = [(link_for(session, d), ea.id, ia[:2]) for d in roll]                 # 9 ballots in A
    jobs += [(link_for(session, d), eb.id, ib[1:4]) for d in other_roll]         # 11 ballots in B
    jobs = jobs[::2] + jobs[1::2]                                                # interleaved
    assert _vote_all(app, jobs) == [201] * len(jobs)

    # A token of one congress opens nothing in the other: refused, and counts nothing.
    stray = link_for(session, other_roll[0])
    assert app.test_client().post(vote_url(stray, ea.id), json={"kept": ia[:1]}).status_code in (403, 404, 409)

    s = fresh(session)
    ra = s.scalar(select(Round).where(Round.election_id == ea.id))
    rb = s.scalar(select(Round).where(Round.election_id == eb.id))
    sealed_b_before = s.scalar(select(func.count()).select_from(SealedBallot).where(SealedBallot.round_id == rb.id))
    assert sealed_b_before == 11
    s.rollback()          # a transaction left open here would hold the box's table (PostgreSQL)

    with Statements() as sql:
        closing = board.post(f"/api/v1/elections/{ea.id}/close")
    assert closing.status_code == 200, closing.get_json()
    assert sql.unscoped() == []
    truncates = [st for st, _ in sql.seen if st.strip().upper().startswith("TRUNCATE")]
    if db.engine.dialect.name == "postgresql":
        # the declared exception: the ciphertexts' table is emptied and the other open rounds'
        # rows written back (checked below: B's box is whole)
        assert truncates == ["TRUNCATE sealed_ballots"]
    else:
        assert truncates == []

    s = fresh(session)
    # B's box is whole and still open; its participation untouched
    assert s.scalar(select(func.count()).select_from(SealedBallot).where(SealedBallot.round_id == rb.id)) == 11
    assert s.scalar(select(func.count()).select_from(RoundParticipation)
                    .where(RoundParticipation.round_id == rb.id)) == 11
    assert s.get(Round, rb.id).status == "open"
    s.rollback()
    # A counted exactly its own nine ballots
    result = board.get(f"/api/v1/elections/{ea.id}/result").get_json()
    assert result["status"] == "closed" and result["issued"] == result["returned"] == result["valid"] == 9
    assert sorted(c["votes"] for c in result["candidates"]) == [0, 0, 9, 9]
    out_a = board.get(f"/api/v1/elections/{ea.id}/ballots").get_json()
    assert len(out_a["ballots"]) == 9 and all(set(b["kept"]) <= set(ia) for b in out_a["ballots"])

    assert board.post(f"/api/v1/elections/{eb.id}/close").status_code == 200
    out_b = board.get(f"/api/v1/elections/{eb.id}/ballots").get_json()
    assert len(out_b["ballots"]) == 11 and all(sorted(b["kept"]) == sorted(ib[1:4]) for b in out_b["ballots"])
    assert not set(out_a["receipts"]) & set(out_b["receipts"])
    s = fresh(session)
    assert s.scalar(sa.text("SELECT count(*) FROM sealed_ballots")) == 0


def test_a_vote_touches_only_its_own_congress(app, session, congress, roll):
    """Every statement of one phone ballot is scoped (a WHERE, or an INSERT of its own rows)."""
    other, other_roll = _second_congress(session)
    ea, ia = open_election(session, congress, roll)
    open_election(session, other, other_roll)
    token = link_for(session, roll[0])
    client = app.test_client()
    with Statements() as sql:
        assert client.post(vote_url(token, ea.id), json={"kept": ia[:1]}).status_code == 201
    assert sql.seen, "no statement captured"
    assert sql.unscoped() == []
