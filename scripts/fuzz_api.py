"""`make fuzz`: Schemathesis over the project's own OpenAPI document (/api/v1/openapi.json).

A fresh SQLite database is built by the migrations and filled with a congress, its roll,
an election with candidates, a motion, an agenda and a delegate's voting link; the app is
served on a random loopback port; the document is taken from the server and every path
parameter is given the real id of that data as its ``example`` (so the examples, coverage
and fuzzing phases reach each operation with ids that exist, besides the random ones).
Checks: no server error, status codes, content types and bodies as the document says.
Exit status: 0 when Schemathesis found nothing, the server answered no 5xx, and at least
FUZZ_MIN_REQUESTS (10,000) requests were served within FUZZ_MAX_TIME seconds (default 270;
rounds of fresh seeds run until the minimum is reached). FUZZ_MAX_EXAMPLES: per operation
and phase (default 200). Figures go to test-artifacts/fuzz/summary.json."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(app) -> dict:
    from election_app.auth.services import create_user, issue_api_token
    from election_app.db import db
    from election_app.demo import seed_demo
    from election_app.congress.models import Congress
    from election_app.delegates.models import Delegate
    from sqlalchemy import select
    with app.app_context():
        seed_demo(db.session)
        user = create_user(db.session, username="fuzz", password="fuzz-matkhau-1", role="admin")
        token = issue_api_token(db.session, user=user, hours=2)
        db.session.commit()
        cid = db.session.scalar(select(Congress.id))
        dids = db.session.scalars(select(Delegate.id).where(Delegate.congress_id == cid)).all()
    client = app.test_client()
    h = {"Authorization": f"Bearer {token}"}
    el = client.post(f"/api/v1/congresses/{cid}/elections", headers=h, json={
        "title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": 2,
        "candidates": [{"delegate_id": d} for d in dids[:4]]}).get_json()
    mo = client.post(f"/api/v1/congresses/{cid}/motions", headers=h, json={"title": "Thông qua chương trình"}).get_json()
    link = client.post(f"/api/v1/congresses/{cid}/delegates/{dids[5]}/voting-link", headers=h).get_json()
    client.post(f"/api/v1/congresses/{cid}/delegates/{dids[5]}/check-in", headers=h)
    client.post(f"/api/v1/congresses/{cid}/agenda/from-template", headers=h, json={})
    job = client.post(f"/api/v1/congresses/{cid}/documents/jobs", headers=h,
                      json={"kind": "delegate-list"}).get_json() or {}
    # The federation: the congress belongs to a school union under a district; a dossier sent.
    from election_app.door import Actor, run
    from election_app.federation import actions as fed
    with app.app_context():
        system = Actor(id=None, name="(fuzz)", role="admin")
        district = run(fed.create_organization, actor=system,
                       cmd={"name": "Liên đoàn Lao động quận Ba Đình", "level": "ldld_huyen"})
        school = run(fed.create_organization, actor=system,
                     cmd={"name": "Công đoàn cơ sở Trường THCS Thành Công", "level": "cdcs",
                          "parent_id": district.id})
        run(fed.attach_congress, actor=system, cmd={"congress_id": cid, "organization_id": school.id})
    dossier = client.post(f"/api/v1/congresses/{cid}/dossier", headers=h).get_json() or {}
    return {"token": token, "cid": cid, "did": dids[6], "eid": el["id"], "cand_id": el["candidates"][0]["id"],
            "mid": mo.get("id"), "vote_token": link["url"].rsplit("/", 1)[-1],
            "job_id": job.get("id") or job.get("job_id") or "0", "dossier_id": dossier.get("id", 1)}


def main() -> int:
    from werkzeug.serving import make_server
    from flask_migrate import upgrade
    from election_app import create_app
    from election_app.db import db

    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    url = f"sqlite:///{tmp / 'fuzz.sqlite3'}"
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "fuzz-secret-key-0123456789abcdef",
                      "RENDER_INLINE": True, "VOTE_FAIL_LIMIT": 10**9})
    with app.app_context():
        upgrade(revision="heads")
    ids = seed(app)
    counts = {"requests": 0, "server_errors": 0}
    errors: list[str] = []
    lock = threading.Lock()
    inner = app.wsgi_app

    def counting(environ, start_response):
        def start(status, headers, exc_info=None):
            with lock:
                counts["requests"] += 1
                if status.startswith("5"):
                    counts["server_errors"] += 1
                    errors.append(f"{status} {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}")
            return start_response(status, headers, exc_info)
        return inner(environ, start)

    app.wsgi_app = counting
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}/api/v1"

    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    values = {"cid": ids["cid"], "did": ids["did"], "eid": ids["eid"], "mid": ids["mid"],
              "cand_id": ids["cand_id"], "token": ids["vote_token"], "job_id": ids["job_id"],
              "dossier_id": ids["dossier_id"]}
    for ops in spec["paths"].values():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param.get("in") == "path" and param["name"] in values:
                    param["example"] = values[param["name"]]
    spec["servers"] = [{"url": base}]
    spec_path = tmp / "openapi.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")

    max_examples = os.environ.get("FUZZ_MAX_EXAMPLES", "200")
    budget = int(os.environ.get("FUZZ_MAX_TIME", "270"))     # seconds for the whole run
    minimum = int(os.environ.get("FUZZ_MIN_REQUESTS", "10000"))
    started = time.monotonic()
    report = ROOT / "test-artifacts" / "fuzz"
    report.mkdir(parents=True, exist_ok=True)
    common = [str(Path(sys.executable).parent / "schemathesis"), "run", str(spec_path), "--url", base,
              "-H", f"Authorization: Bearer {ids['token']}",
              "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                          "response_schema_conformance",
              "--generation-allow-x00", "true", "--generation-database", "none", "--no-color",
              "--report", "junit,json", "--report-dir", str(report)]
    env = {**os.environ, "NO_COLOR": "1"}
    # The PDF documents take 0.1–1 s each to render: a short pass of their own (examples and
    # the coverage phase's boundary values), so the time goes to the JSON operations.
    pdf = r".*\.pdf$"
    rc_pdf = subprocess.call([*common, "--include-path-regex", pdf, "--phases", "examples,coverage",
                              "--max-examples", "5", "--request-timeout", "60", "--workers", "1"], env=env)
    # Schemathesis's workers are threads, and generating cases is most of its work: two
    # processes over two halves of the operations use both cores (one thread each: several
    # threads hit a thread-safety bug in Hypothesis's lambda-source cache, reported as
    # "Runtime Error … AST constructor recursion depth mismatch", not a finding about us). Each half keeps the
    # operations that create what it links to (congress → delegates, elections → rounds).
    # Rounds (each with a new seed) until the minimum number of requests is served or the
    # time budget is spent: a fast machine stops early, a slow one stops at the budget.
    halves = [r"^/(congresses|auth|openapi|federation|dossiers)", r"^/(elections|motions|vote)"]
    rc = rc_pdf
    rounds = 0
    while counts["requests"] < minimum and rounds < 20:
        left = budget - (time.monotonic() - started)
        if left < 20:
            break
        rounds += 1
        procs = [subprocess.Popen([*common, "--include-path-regex", half, "--exclude-path-regex", pdf,
                                   "--phases", "examples,coverage,fuzzing,stateful",
                                   "--max-examples", max_examples, "--max-time", str(int(min(left, 120))),
                                   "--request-timeout", "30",
                                   "--workers", os.environ.get("FUZZ_WORKERS", "1")],
                                  env=env) for half in halves]
        codes = [proc.wait() for proc in procs]          # always wait for both before another round
        rc = rc or next((c for c in codes if c), 0)
    server.shutdown()
    summary = {**counts, "rounds": rounds, "seconds": round(time.monotonic() - started), "schemathesis_exit": rc, "min_requests": minimum, "first_errors": errors[:20]}
    (report / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"fuzz: {counts['requests']} requests served, {counts['server_errors']} server errors "
          f"(schemathesis exit {rc})", flush=True)
    if counts["server_errors"] or counts["requests"] < minimum:
        rc = rc or 1
    with app.app_context():
        db.engine.dispose()
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
