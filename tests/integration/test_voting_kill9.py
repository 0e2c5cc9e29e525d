"""A real server killed mid-burst (issue 10): 200 delegates vote from their phones against
gunicorn (2 workers × 4 threads) on the test database; once about 80 answers are in, the
whole server is killed with SIGKILL and started again. Every voter whose answer was lost
reopens their voting page, which shows the receipt again when the ballot had been
committed (derived from the token: nothing links voter and receipt in the database),
otherwise votes again. After close: every ballot answered 201 is counted exactly once, and
ballots = receipts = participations = voters."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.elections import services as elections
from election_app.elections.models import Ballot, Receipt, RoundParticipation, SealedBallot
from election_app.voting import services as voting
from test_voting_support import SECRET, fresh

N_VOTERS = 200
KILL_AFTER = 80
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--worker-class", "gthread",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "election_app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as resp:
                resp.read()
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    _kill(proc)
    raise RuntimeError("gunicorn did not start")


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL to the server's whole process group (master and workers): no clean-up runs."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    proc.stderr.close()


def _post_vote(base: str, token: str, eid: int, kept: list) -> tuple[int | None, str | None]:
    req = urllib.request.Request(f"{base}/api/v1/vote/{token}/elections/{eid}", method="POST",
                                 data=json.dumps({"kept": kept}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())["receipt"]
    except urllib.error.HTTPError as err:
        err.close()
        return err.code, None
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, OSError, ValueError):
        return None, None                 # no (whole) answer: the server died under the request


def _status(base: str, token: str, eid: int) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/vote/{token}", timeout=30) as resp:
        data = json.loads(resp.read())
    return next(e for e in data["elections"] if e["id"] == eid)


def test_kill9_mid_burst_loses_and_doubles_nothing(app, session, congress):
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    middles = ["Văn", "Thị"]
    given = ["An", "Bình", "Cường", "Dung", "Đức", "Hoa", "Giang", "Hạnh", "Khoa", "Lâm"]
    rows = [{"full_name": f"{families[i // 20]} {middles[(i // 10) % 2]} {given[i % 10]}"}
            for i in range(N_VOTERS)]
    people = add_delegates(session, congress=congress, rows=rows)
    for d in people:
        decide_credentials(session, delegate=d, status="accepted")
        check_in(session, delegate=d)
    election, _ = elections.create_election(session, congress=congress, title="Bầu Ban Chấp hành",
                                            body="executive_committee", seats=3,
                                            candidates=[{"delegate_id": d.id} for d in people[:5]])
    elections.open_round(session, election=election, secret=SECRET)
    session.commit()
    ids = [c.id for _, c in elections.round_candidates(session, elections.current_round(session, election))]
    tokens = voting.issue_voting_links(session, congress=congress, delegate_ids=[d.id for d in people],
                                       secret=SECRET)
    session.commit()
    eid = election.id
    fresh(session)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"

    answers: dict[int, tuple] = {}
    lock = threading.Lock()
    todo = list(tokens.items())
    server = _start_server(url, port)
    killed = threading.Event()

    def voter_thread(chunk):
        for did, token in chunk:
            code, receipt = _post_vote(base, token, eid, ids[did % 3: did % 3 + 2])
            with lock:
                answers[did] = (code, receipt)
                if not killed.is_set() and sum(1 for c, _ in answers.values() if c == 201) >= KILL_AFTER:
                    killed.set()
                    _kill(server)
    try:
        threads = [threading.Thread(target=voter_thread, args=(todo[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert killed.is_set()
        first = dict(answers)
        assert len(first) == N_VOTERS                 # every voter tried once
        answered = {did: r for did, (c, r) in first.items() if c == 201}
        lost = [did for did, (c, _) in first.items() if c is None]
        assert len(answered) >= KILL_AFTER and lost, (len(answered), len(lost))
        assert all(c in (201, None) for c, _ in first.values()), first

        server = _start_server(url, port)            # restarted on the same database
        recovered, revoted = {}, {}
        for did in lost:
            status = _status(base, tokens[did], eid)
            if status["receipt"]:                     # committed before the kill: shown again
                assert status["may_vote"] is False
                recovered[did] = status["receipt"]
            else:
                code, receipt = _post_vote(base, tokens[did], eid, ids[:1])
                assert code == 201
                revoted[did] = receipt
        # a voter whose 201 arrived cannot vote twice, and sees the same receipt again
        some = next(iter(answered))
        assert _post_vote(base, tokens[some], eid, ids[:1])[0] == 409
        assert _status(base, tokens[some], eid)["receipt"] == answered[some]
    finally:
        _kill(server)

    s = fresh(session)
    rnd = elections.current_round(s, election)
    sealed = s.scalar(select(func.count()).select_from(SealedBallot))
    parts = s.scalar(select(func.count()).select_from(RoundParticipation))
    assert (sealed, parts) == (N_VOTERS, N_VOTERS), (sealed, parts, len(answered), len(recovered), len(revoted))
    elections.close_round(s, election=election, secret=SECRET)
    s.commit()
    s = fresh(session)
    rnd = elections.current_round(s, election)
    published = voting.round_receipts(s, round=rnd)
    counts = (s.scalar(select(func.count()).select_from(Ballot)),
              s.scalar(select(func.count()).select_from(Receipt)),
              s.scalar(select(func.count()).select_from(RoundParticipation)))
    print(f"\nkill -9 test: {len(answered)} answered 201 before the kill, {len(recovered)} lost answers "
          f"recovered from the page, {len(revoted)} voted again; ballots/receipts/participations = {counts}")
    assert counts == (N_VOTERS, N_VOTERS, N_VOTERS) and rnd.returned == N_VOTERS
    every = {**answered, **recovered, **revoted}
    assert len(every) == N_VOTERS
    assert sorted(every.values()) == published                # each 201 counted exactly once
