"""The hall's background load during the vote bench, in a process of its own (so that its
threads never hold the voting client's GIL): ``phones`` phone pages each polling the live
version every ``period`` seconds with its ETag (as static/js/phone-live.js does: a 304 when
nothing changed) and the hall display polling its state every 1.5 s (static/js/display.js).

``python -m bench.pollers PORT LIVE_PATH DISPLAY_PATH [phones] [threads]``; runs until a line
(or EOF) arrives on stdin, then prints one JSON line: requests, answers by status, latency."""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time

PHONE_PERIOD = 1.2
DISPLAY_PERIOD = 1.5


def main(argv: list[str]) -> int:
    port, live, display = int(argv[0]), argv[1], argv[2]
    phones = int(argv[3]) if len(argv) > 3 else 1000
    n_threads = int(argv[4]) if len(argv) > 4 else 16
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"phone": {"codes": {}, "lat": []}, "display": {"codes": {}, "lat": []}}

    def loop(kind: str, path: str, count: int, period: float, offset: float):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        etags: list[str | None] = [None] * count
        due = [time.monotonic() + offset + period * i / max(count, 1) for i in range(count)]
        i = 0
        codes: dict[int, int] = {}
        lat: list[float] = []
        while not stop.is_set():
            wait = due[i] - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            headers = {"If-None-Match": f'"{etags[i]}"'} if etags[i] else {}
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                etag = resp.getheader("ETag")
                if etag:
                    etags[i] = etag.strip('"').removeprefix('W/"')
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            lat.append(time.perf_counter() - t0)
            codes[status] = codes.get(status, 0) + 1
            # a phone polls again ``period`` after its poll ended (setInterval, busy flag)
            due[i] = max(due[i] + period, time.monotonic())
            i = (i + 1) % count
        with lock:
            for k, v in codes.items():
                stats[kind]["codes"][k] = stats[kind]["codes"].get(k, 0) + v
            stats[kind]["lat"].extend(lat)

    per = [phones // n_threads + (1 if t < phones % n_threads else 0) for t in range(n_threads)]
    threads = [threading.Thread(target=loop, args=("phone", live, n, PHONE_PERIOD, t * PHONE_PERIOD / n_threads))
               for t, n in enumerate(per) if n]
    threads.append(threading.Thread(target=loop, args=("display", display, 1, DISPLAY_PERIOD, 0.0)))
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    print("ready", flush=True)
    sys.stdin.readline()
    wall = time.perf_counter() - t0
    stop.set()
    for t in threads:
        t.join()
    out = {"wall_s": round(wall, 2)}
    for kind, s in stats.items():
        xs = sorted(s["lat"])
        pick = (lambda q: round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1)) if xs else (lambda q: None)
        out[kind] = {"requests": len(xs), "per_s": round(len(xs) / wall, 1) if wall else None,
                     "codes": {str(k): v for k, v in sorted(s["codes"].items())},
                     "errors": sum(v for k, v in s["codes"].items() if k not in (200, 304)),
                     "p50_ms": pick(0.5), "p99_ms": pick(0.99)}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
