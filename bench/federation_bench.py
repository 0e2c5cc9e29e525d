"""Load on a federation server (issue 17, point 4): one PostgreSQL, gunicorn with four worker
processes, 60 grassroots congresses (30–100 delegates each) of one province under three
districts; 20 of them vote at the same moment (every delegate of those 20 casts a phone
ballot) while the province's district dashboard is polled. Reports the p99 of the votes and
of the dashboard, the errors, and checks that each congress's round reconciles with its own
delegates only (no count crosses congresses).

``python -m bench federation``; the database is a new one on BENCH_PG_URL's server
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), dropped at the end."""
from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid

from .common import Client, gunicorn, latency_summary, make_app, migrate, run_parallel, write_results

CONGRESSES = int(os.environ.get("BENCH_FED_CONGRESSES", "60"))
VOTING = int(os.environ.get("BENCH_FED_VOTING", "20"))
WORKERS = 4


def _server_url() -> str:
    return os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _create_db() -> tuple[str, str]:
    import psycopg
    base = _server_url()
    name = f"bench_fed_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name, name


def _drop_db(name: str) -> None:
    import psycopg
    with psycopg.connect(_server_url().replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(app) -> dict:
    from election_app.auth.services import create_user, issue_api_token
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, decide_credentials
    from election_app.door import Actor, run
    from election_app.federation import actions as fed

    rng = random.Random(2026)
    ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    dem = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
    ten = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Oanh"]
    names = [f"{h} {d} {t}" for t in ten for h in ho for d in dem]
    system = Actor(id=None, name="(bench)", role="admin")
    with app.app_context():
        admin = create_user(db.session, username="bench", password="bench12345", role="admin")
        officer = create_user(db.session, username="ldld_tinh", password="bench12345", role="organizer")
        db.session.commit()
        province = run(fed.create_organization, actor=system,
                       cmd={"name": "Liên đoàn Lao động tỉnh Bắc Ninh", "level": "ldld_tinh"})
        districts = [run(fed.create_organization, actor=system,
                         cmd={"name": f"Liên đoàn Lao động {n}", "level": "ldld_huyen", "parent_id": province.id})
                     for n in ("thành phố Bắc Ninh", "thị xã Từ Sơn", "huyện Tiên Du")]
        run(fed.grant_organization, actor=system, cmd={"user_id": officer.id, "organization_id": province.id})
        congresses = []
        for i in range(CONGRESSES):
            unit = run(fed.create_organization, actor=system, cmd={
                "name": f"Công đoàn cơ sở Công ty số {i + 1}", "level": "cdcs",
                "parent_id": districts[i % len(districts)].id})
            c = create_congress(db.session, data={
                "name": f"Đại hội Công đoàn cơ sở Công ty số {i + 1} lần thứ V",
                "organization": f"Công đoàn cơ sở Công ty số {i + 1}", "term": "2023–2028", "kind": "delegates"})
            size = rng.randint(30, 100)
            made = add_delegates(db.session, congress=c, rows=[
                {"full_name": names[(i * 7 + k) % len(names)], "birth_year": 1960 + k % 40} for k in range(size)])
            for d in made:
                decide_credentials(db.session, delegate=d, status="accepted")
            db.session.commit()
            run(fed.attach_congress, actor=system, cmd={"congress_id": c.id, "organization_id": unit.id})
            congresses.append((c.id, [d.id for d in made]))
        tokens = {"admin": issue_api_token(db.session, user=admin, hours=2),
                  "officer": issue_api_token(db.session, user=officer, hours=2)}
        db.session.commit()
    return {"congresses": congresses, "tokens": tokens}


def run() -> dict:
    url, name = _create_db()
    try:
        app = make_app(url)
        migrate(app)
        t0 = time.perf_counter()
        seeded = _seed(app)
        seed_s = time.perf_counter() - t0
        figures: dict = {"database": "postgresql", "server": f"gunicorn {WORKERS}×8 gthread",
                         "congresses": CONGRESSES, "voting_at_once": VOTING,
                         "delegates": sum(len(ids) for _, ids in seeded["congresses"]),
                         "seed_s": round(seed_s, 1),
                         "load_average_before": [round(x, 2) for x in os.getloadavg()]}
        with gunicorn(url, workers=WORKERS) as port:
            admin = Client(port, {"Authorization": f"Bearer {seeded['tokens']['admin']}"})
            voters, rounds = [], {}
            for cid, ids in seeded["congresses"][:VOTING]:
                st, body, _ = admin.request("POST", f"/api/v1/congresses/{cid}/elections", {
                    "title": "Bầu Ban Chấp hành khóa V", "body": "executive_committee", "seats": 5,
                    "candidates": [{"delegate_id": i} for i in ids[:7]]})
                el = json.loads(body)
                cand = [c["id"] for c in el["candidates"]]
                for did in ids:
                    admin.request("POST", f"/api/v1/congresses/{cid}/delegates/{did}/check-in")
                    _, b, _ = admin.request("POST", f"/api/v1/congresses/{cid}/delegates/{did}/voting-link")
                    voters.append((el["id"], json.loads(b)["url"].rsplit("/v/", 1)[1], cand))
                admin.request("POST", f"/api/v1/elections/{el['id']}/open")
                rounds[el["id"]] = (cid, len(ids))
            random.Random(7).shuffle(voters)
            clients = [Client(port) for _ in range(32)]
            stop = threading.Event()
            dash: list = []

            def watch():
                c = Client(port, {"Authorization": f"Bearer {seeded['tokens']['officer']}"})
                while not stop.is_set():
                    dash.append(c.request("GET", "/api/v1/federation/congresses"))
                    time.sleep(1.0)
            watchers = [threading.Thread(target=watch, daemon=True) for _ in range(2)]
            for w in watchers:
                w.start()

            def vote(ti, v):
                eid, token, cand = v
                return clients[ti].request("POST", f"/api/v1/vote/{token}/elections/{eid}", {"kept": cand[:5]})

            results, wall = run_parallel(32, voters, vote)
            stop.set()
            for w in watchers:
                w.join(timeout=30)
            codes: dict[int, int] = {}
            for st, _, _ in results:
                codes[st] = codes.get(st, 0) + 1
            reconciled, crossed = 0, 0
            for eid, (cid, n) in rounds.items():
                admin.request("POST", f"/api/v1/elections/{eid}/close")
                res = json.loads(admin.request("GET", f"/api/v1/elections/{eid}/result")[1])
                if res.get("returned") == n == res.get("issued"):
                    reconciled += 1
                if res.get("returned", 0) > n:
                    crossed += 1
            last = json.loads(dash[-1][1]) if dash and dash[-1][0] == 200 else {}
            board_ok = sum(1 for c in last.get("congresses", []) if c["status"] in ("in_session", "elections_done"))
            figures["votes"] = {"ballots": len(voters), "wall_s": round(wall, 2),
                                "per_s": round(len(voters) / wall, 1), "status_codes": codes,
                                "errors": sum(n for st, n in codes.items() if st != 201),
                                "latency": latency_summary([r[2] for r in results])}
            figures["dashboard"] = {"polls": len(dash), "errors": sum(1 for r in dash if r[0] != 200),
                                    "latency": latency_summary([r[2] for r in dash if r[0] == 200]),
                                    "congresses_listed": len(last.get("congresses", [])),
                                    "congresses_in_session_or_done": board_ok}
            figures["rounds"] = {"closed": len(rounds), "reconciled": reconciled, "crossed_congresses": crossed}
        figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        return write_results("federation", figures)
    finally:
        _drop_db(name)


if __name__ == "__main__":
    run()
