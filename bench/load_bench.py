"""Load on one laptop-sized server: gunicorn (2 processes × 8 threads) on loopback over
SQLite (or BENCH_DATABASE_URL for PostgreSQL), with a congress of N delegates:

1. the door: N check-ins through the API from 8 parallel clients;
2. the hall: 200 screens polling the attendance JSON for a fixed time;
3. the vote: every delegate casts an electronic ballot at once from 32 parallel clients
   (when the e-voting feature is present), then the round must reconcile exactly.

Bounded in count and time; loopback only."""
from __future__ import annotations

import json
import os
import time

from .common import (Client, database_url, gunicorn, latency_summary, make_app, migrate,
                     run_parallel, tmpdir, write_results)

N = int(os.environ.get("BENCH_DELEGATES", "600"))


def _seed(app):
    from election_app.auth.services import create_user, issue_api_token
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, decide_credentials
    with app.app_context():
        user = create_user(db.session, username="bench", password="bench12345", role="admin")
        congress = create_congress(db.session, data={
            "name": "Đại hội Công đoàn Giáo dục tỉnh (thử tải)", "organization": "Công đoàn Giáo dục tỉnh",
            "term": "2023–2028", "kind": "delegates"})
        ho = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
        dem = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
        ten = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hạnh", "Khoa", "Lan", "Mai", "Nam"]
        names = [f"{h} {d} {t}" for t in ten for h in ho for d in dem]  # 960 distinct names
        # namesakes are different people when their birth years differ
        rows = [{"full_name": names[i % len(names)], "birth_year": 1950 + (i // len(names)) % 50,
                 "unit": f"Đơn vị {i % 40 + 1}"} for i in range(N)]
        made = add_delegates(db.session, congress=congress, rows=rows)
        for d in made:
            decide_credentials(db.session, delegate=d, status="accepted")
        token = issue_api_token(db.session, user=user, hours=2)
        db.session.commit()
        return congress.id, [d.id for d in made], token


def _vote_phase(app, port, cid, ids, token) -> dict | None:
    try:
        from election_app.voting import services as voting  # noqa: F401
        from election_app.elections import services as elections  # noqa: F401
    except ImportError:
        return None
    admin = Client(port, {"Authorization": f"Bearer {token}"})
    status, body, _ = admin.request("POST", f"/api/v1/congresses/{cid}/elections", {
        "title": "Bầu Ban Chấp hành (thử tải)", "body": "executive_committee", "seats": 5,
        "candidates": [{"delegate_id": i} for i in ids[:7]]})
    if status != 201:
        return {"error": f"create election {status} {body[:200]!r}"}
    eid = json.loads(body)["id"]
    cand = [c["id"] for c in json.loads(body)["candidates"]]
    links = []
    for did in ids:
        s, b, _ = admin.request("POST", f"/api/v1/congresses/{cid}/delegates/{did}/voting-link")
        links.append(json.loads(b)["url"].rsplit("/v/", 1)[1])
    s, b, _ = admin.request("POST", f"/api/v1/elections/{eid}/open")
    if s != 200:
        return {"error": f"open {s} {b[:200]!r}"}
    clients = [Client(port) for _ in range(32)]

    def vote(ti, i):
        kept = cand[: 5 - (i % 3)]
        return clients[ti].request("POST", f"/api/v1/vote/{links[i]}/elections/{eid}", {"kept": kept})

    results, wall = run_parallel(32, list(range(len(links))), vote)
    codes: dict[int, int] = {}
    for st, _, _ in results:
        codes[st] = codes.get(st, 0) + 1
    s, b, _ = admin.request("POST", f"/api/v1/elections/{eid}/close")
    result = json.loads(admin.request("GET", f"/api/v1/elections/{eid}/result")[1])
    return {"voters": len(links), "wall_s": round(wall, 2), "votes_per_s": round(len(links) / wall, 1),
            "status_codes": codes, "latency": latency_summary([r[2] for r in results]),
            "close_status": s, "returned": result.get("returned"), "issued": result.get("issued"),
            "reconciled": result.get("returned") == len(links) == result.get("issued")}


def run() -> dict:
    d = tmpdir()
    url = database_url(d)
    app = make_app(url)
    migrate(app)
    cid, ids, token = _seed(app)
    figures: dict = {"database": url.split(":", 1)[0], "delegates": N, "server": "gunicorn 2×8 gthread"}
    with gunicorn(url) as port:
        clients = [Client(port, {"Authorization": f"Bearer {token}"}) for _ in range(8)]

        def checkin(ti, did):
            return clients[ti].request("POST", f"/api/v1/congresses/{cid}/delegates/{did}/check-in")

        results, wall = run_parallel(8, ids, checkin)
        figures["checkin"] = {"requests": len(ids), "wall_s": round(wall, 2),
                              "per_s": round(len(ids) / wall, 1),
                              "errors": sum(1 for r in results if r[0] != 200),
                              "latency": latency_summary([r[2] for r in results])}
        # the hall: 200 screens, each polling every 2 s, for 10 s → ~1,000 requests
        screens = 200
        pollers = [Client(port, {"Authorization": f"Bearer {token}"}) for _ in range(16)]
        jobs = [s for s in range(screens) for _ in range(5)]
        t_end = time.time() + 60

        def poll(ti, _):
            if time.time() > t_end:
                return (0, b"", 0.0)
            return pollers[ti].request("GET", f"/api/v1/congresses/{cid}/attendance")

        results, wall = run_parallel(16, jobs, poll)
        ok = [r for r in results if r[0] == 200]
        figures["attendance_poll"] = {"requests": len(ok), "wall_s": round(wall, 2),
                                      "per_s": round(len(ok) / wall, 1),
                                      "errors": sum(1 for r in results if r[0] not in (200, 0)),
                                      "latency": latency_summary([r[2] for r in ok]),
                                      "last": json.loads(ok[-1][1]) if ok else None}
        vote = _vote_phase(app, port, cid, ids, token)
        if vote is not None:
            figures["vote_burst"] = vote
    return write_results("load" + ("_pg" if url.startswith("postgresql") else ""), figures)


if __name__ == "__main__":
    run()
