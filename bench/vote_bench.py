"""Fast votes against the floor (issue 17 §1), in ONE run with the same client.

Two servers in turn, each behind the settings of ``make run`` (gunicorn, 2 worker processes
× 8 threads, gthread, loopback):

- **floor**: bench/floor_app.py, a minimal Flask app that only looks up a token, inserts one
  row under a unique key and commits;
- **ours**: election_app with a congress of ``BENCH_VOTERS`` (default 1,000) delegates,
  all checked in, each with a personal voting link, one open round (5 seats, 7 candidates).

Against each, the same load: every voter casts one ballot (the JSON API's POST) from 16
client threads at once, while, from a process of their own, ``BENCH_PHONES`` (default 1,000)
phone pages poll the live version every 1.2 s with their ETag and the hall display polls its
state every 1.5 s. Measured: ballots/s (voters ÷ wall time of the burst), p50/p99 of a
ballot, errors (any answer but 201), the polls' rate, errors and p99, the peak RSS of each
worker process (VmRSS from /proc, sampled every 0.1 s), and reconciliation (ours: the round
closed, issued = returned = voters; floor: one row per voter). The result carries the
ratios ours / floor and issue 17's targets (ballots/s ≥ 0.5 × floor, p99 ≤ 2.5 × floor,
0 errors, reconciled, ≤ 250 MB per worker).

``python -m bench vote`` (SQLite files) and ``python -m bench vote_pg`` (PostgreSQL on
BENCH_PG_URL's server, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres: two new
databases, ours and the floor's, dropped at the end; the floor then uses psycopg, one
connection per thread). Results: bench/results/vote.json, vote_pg.json."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid

from .common import (ROOT, SECRET, Client, child_pids, cpu_seconds, gunicorn, latency_summary, make_app, migrate, rss_mb,
                     run_parallel, tmpdir, write_results)

VOTERS = int(os.environ.get("BENCH_VOTERS", "1000"))
PHONES = int(os.environ.get("BENCH_PHONES", "1000"))
CLIENT_THREADS = 16
TARGETS = {"ballots_per_s_ratio_min": 0.5, "p99_ratio_max": 2.5, "rss_mb_per_worker_max": 250}


# --- the two servers' data -------------------------------------------------------------

def _seed_ours(url: str) -> dict:
    from election_app.agenda.display import issue_display_token
    from election_app.auth.links import page_key
    from election_app.auth.services import create_user, issue_api_token
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting.services import issue_voting_links

    app = make_app(url)
    migrate(app)
    ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    dem = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
    ten = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hạnh", "Khoa", "Lan", "Mai", "Nam"]
    names = [f"{h} {d} {t}" for t in ten for h in ho for d in dem]
    with app.app_context():
        s = db.session
        user = create_user(s, username="bench", password="bench12345", role="admin")
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn Giáo dục tỉnh (thử tải bỏ phiếu)", "organization": "Công đoàn Giáo dục tỉnh",
            "term": "2023–2028", "kind": "delegates"})
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": names[i % len(names)], "birth_year": 1950 + (i // len(names)) % 50,
             "unit": f"Đơn vị {i % 40 + 1}"} for i in range(VOTERS)])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        election, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành (thử tải)", body="executive_committee", seats=5,
            candidates=[{"delegate_id": d.id} for d in people[:7]])
        rnd = elections.open_round(s, election=election, secret=SECRET)
        links = issue_voting_links(s, congress=congress, delegate_ids=[d.id for d in people], secret=SECRET)
        display = issue_display_token(s, congress=congress, secret=SECRET)
        token = issue_api_token(s, user=user, hours=2)
        cand = [rc.candidate_id for rc, _ in elections.round_candidates(s, rnd)]
        out = {"cid": congress.id, "eid": election.id, "candidates": cand, "admin_token": token,
               "tokens": [links[d.id] for d in people],
               "live": f"/live/{congress.id}.json?k={page_key(SECRET, 'voting.phone_live', {'cid': congress.id})}",
               "display": f"/display/{display}/state.json"}
        s.commit()
    return out


def _seed_floor(target: str) -> dict:
    from .floor_app import seed
    tokens = seed(target, voters=VOTERS, congress_id=1)
    return {"cid": 1, "eid": 1, "candidates": list(range(1, 8)), "tokens": tokens,
            "live": "/live/1.json", "display": "/display/1/state.json"}


# --- one server under the load -----------------------------------------------------------

class _RssSampler(threading.Thread):
    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.peak, self.stop = master, {}, threading.Event()

    def run(self):
        while not self.stop.wait(0.1):
            for pid in child_pids(self.master):
                mb = rss_mb(pid)
                if mb is not None:
                    self.peak[pid] = max(self.peak.get(pid, 0.0), mb)


def _burst(port: int, data: dict, reconcile) -> dict:
    pollers = subprocess.Popen([sys.executable, "-m", "bench.pollers", str(port), data["live"], data["display"],
                                str(PHONES)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pollers.stdout.readline()              # "ready"
    sampler = _RssSampler(gunicorn.pid)
    sampler.start()
    workers = child_pids(gunicorn.pid)
    time.sleep(0.5)                        # the phones' polling is under way before the first ballot
    idle0, t_idle = sum(cpu_seconds(p) for p in workers), time.perf_counter()
    time.sleep(1.0)                        # the server's CPU for the polls alone
    polls_cpu_per_s = (sum(cpu_seconds(p) for p in workers) - idle0) / (time.perf_counter() - t_idle)
    clients = [Client(port) for _ in range(CLIENT_THREADS)]
    eid, cand, tokens = data["eid"], data["candidates"], data["tokens"]
    # a server that has been up for a while: each connection asks its voters' page once first
    run_parallel(CLIENT_THREADS, list(range(CLIENT_THREADS * 4)),
                 lambda ti, i: clients[ti].request("GET", f"/api/v1/vote/{tokens[i % len(tokens)]}"))

    def vote(ti, i):
        return clients[ti].request("POST", f"/api/v1/vote/{tokens[i]}/elections/{eid}", {"kept": cand[: 5 - (i % 3)]})

    cpu0 = sum(cpu_seconds(p) for p in workers)
    results, wall = run_parallel(CLIENT_THREADS, list(range(len(tokens))), vote)
    cpu = sum(cpu_seconds(p) for p in workers) - cpu0
    time.sleep(0.5)
    pollers.stdin.write("stop\n")
    pollers.stdin.flush()
    polls = json.loads(pollers.stdout.readline())
    pollers.wait(timeout=60)
    sampler.stop.set()
    sampler.join()
    codes: dict[str, int] = {}
    for st, _, _ in results:
        codes[str(st)] = codes.get(str(st), 0) + 1
    lat = latency_summary([r[2] for r in results])
    return {"voters": len(tokens), "wall_s": round(wall, 3), "ballots_per_s": round(len(tokens) / wall, 1),
            "p50_ms": lat["p50_ms"], "p99_ms": lat["p99_ms"], "latency": lat, "status_codes": codes,
            "errors": sum(v for k, v in codes.items() if k != "201"),
            "server_cpu_s": round(cpu, 2),
            "server_cpu_ms_per_ballot": round(cpu / len(tokens) * 1000, 2),   # the phones' polls included
            "server_cpu_for_polls_per_s": round(polls_cpu_per_s, 3),
            "server_cpu_ms_per_ballot_without_polls": round(max(0.0, cpu - polls_cpu_per_s * wall) / len(tokens) * 1000, 2),
            "polls": polls, "rss_mb_per_worker": sorted(sampler.peak.values()),
            "reconciliation": reconcile(port)}


def _reconcile_ours(data: dict):
    def check(port: int) -> dict:
        admin = Client(port, {"Authorization": f"Bearer {data['admin_token']}"})
        s, b, _ = admin.request("POST", f"/api/v1/elections/{data['eid']}/close")
        result = json.loads(admin.request("GET", f"/api/v1/elections/{data['eid']}/result")[1])
        n = len(data["tokens"])
        return {"close_status": s, "issued": result.get("issued"), "returned": result.get("returned"),
                "valid": result.get("valid"),
                "reconciled": s == 200 and result.get("issued") == result.get("returned") == n}
    return check


def _reconcile_floor(data: dict):
    def check(port: int) -> dict:
        got = json.loads(Client(port).request("GET", f"/count/{data['eid']}")[1])
        n = len(data["tokens"])
        return {**got, "reconciled": got["ballots"] == got["voters"] == n}
    return check


def _pg_db(base: str) -> tuple[str, str]:
    import psycopg
    name = f"bench_vote_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name, name


def _pg_drop(base: str, name: str) -> None:
    import psycopg
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(pg: bool = False) -> dict:
    made: list[str] = []
    base = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    try:
        if pg:
            ours_url, name = _pg_db(base)
            made.append(name)
            floor_url, name = _pg_db(base)
            made.append(name)
            floor_target = floor_url.replace("postgresql+psycopg://", "postgresql://")
            floor_env = {"FLOOR_DATABASE_URL": floor_target}
        else:
            d = tmpdir()
            ours_url = f"sqlite:///{d / 'ours.sqlite3'}"
            floor_target = str(d / "floor.sqlite3")
            floor_env = {"FLOOR_DATABASE": floor_target}
        t0 = time.perf_counter()
        ours = _seed_ours(ours_url)
        floor = _seed_floor(floor_target)
        seed_s = time.perf_counter() - t0
        figures: dict = {
            "database": "postgresql" if pg else "sqlite", "voters": VOTERS, "phones_polling": PHONES,
            "client": f"{CLIENT_THREADS} threads, one keep-alive connection each, JSON API POST per ballot; "
                      "phones and display polled from a separate process",
            "server": "gunicorn 2 workers × 8 threads (gthread), loopback, same for both", "seed_s": round(seed_s, 1)}
        with gunicorn("unused", app="bench.floor_app:create_app()", env=floor_env, health="/health") as port:
            figures["floor"] = _burst(port, floor, _reconcile_floor(floor))
        with gunicorn(ours_url) as port:
            figures["ours"] = _burst(port, ours, _reconcile_ours(ours))
        f, o = figures["floor"], figures["ours"]
        ratio = round(o["ballots_per_s"] / f["ballots_per_s"], 2)
        p99_ratio = round(o["p99_ms"] / f["p99_ms"], 2) if f["p99_ms"] else None
        rss = max(o["rss_mb_per_worker"] or [0])
        figures["ratio_to_floor"] = {"ballots_per_s": ratio, "p99": p99_ratio}
        figures["targets"] = {**TARGETS, "met": {
            "ballots_per_s": ratio >= TARGETS["ballots_per_s_ratio_min"],
            "p99": p99_ratio is not None and p99_ratio <= TARGETS["p99_ratio_max"],
            "errors": o["errors"] == 0 and o["polls"]["phone"]["errors"] == 0 and o["polls"]["display"]["errors"] == 0,
            "reconciled": bool(o["reconciliation"]["reconciled"]),
            "rss": rss <= TARGETS["rss_mb_per_worker_max"]}}
        figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        return write_results("vote_pg" if pg else "vote", figures)
    finally:
        for name in made:
            _pg_drop(base, name)


def run_pg() -> dict:
    return run(pg=True)


if __name__ == "__main__":
    run()
