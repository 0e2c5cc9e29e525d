"""Shared bench plumbing: a migrated database, a gunicorn server on loopback, a tiny
threaded HTTP client, percentiles and the results file."""
from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECRET = "bench-secret-key-0123456789abcdef"


def database_url(tmpdir: Path) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmpdir / 'bench.sqlite3'}"


def make_app(url: str):
    from election_app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})


def migrate(app) -> None:
    from flask_migrate import upgrade
    with app.app_context():
        upgrade(revision="heads")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@contextmanager
def gunicorn(url: str, workers: int = 2, threads: int = 8, *, app: str = "election_app:create_app()",
             env: dict | None = None, health: str = "/login"):
    """A gunicorn server on loopback (gthread, ``workers`` × ``threads``: the settings of
    ``make run``) serving ``app``; yields its port. The master's pid is ``gunicorn.pid``."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         app], cwd=ROOT, env=env)
    gunicorn.pid = proc.pid
    try:
        deadline = time.time() + 120   # four workers importing the app on a busy 2-core machine
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", health)
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers), from /proc."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process in MB (VmRSS from /proc), None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (from /proc/<pid>/stat), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_info() -> dict:
    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
        info["cpu_model"] = model
        with open("/proc/meminfo") as f:
            info["mem_total_mb"] = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    return info


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port = port
        self.headers = headers or {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                return resp.status, payload, time.perf_counter() - t0
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError


def run_parallel(n_threads: int, jobs: list, worker) -> tuple[list, float]:
    """Runs worker(client_index, job) over jobs with n_threads threads; returns results and wall time."""
    results: list = [None] * len(jobs)
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))

    def loop(ti: int):
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            results[i] = worker(ti, jobs[i])

    threads = [threading.Thread(target=loop, args=(t,)) for t in range(n_threads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - t0


def latency_summary(latencies: list[float]) -> dict:
    if not latencies:
        return {}
    xs = sorted(latencies)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]  # noqa: E731
    return {"count": len(xs), "p50_ms": round(pick(0.5) * 1000, 1), "p95_ms": round(pick(0.95) * 1000, 1),
            "p99_ms": round(pick(0.99) * 1000, 1), "max_ms": round(xs[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(xs) * 1000, 1)}


def command() -> str:
    """How this run was started, with the BENCH_* settings it read."""
    settings = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items())
                        if k.startswith("BENCH_") and "URL" not in k)
    args = " ".join(sys.argv[1:]) if Path(sys.argv[0]).name == "__main__.py" else Path(sys.argv[0]).stem
    return " ".join(x for x in (settings, "python -m bench", args) if x)


def write_results(name: str, figures: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {"bench": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": machine_info(), "command": command(), **figures}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return path


def tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="ea-bench-"))
