"""``python -m bench [name ...]``: runs the benchmarks (all by default) and writes
bench/results/<name>.json; a run of several also writes bench/results/run.json (seconds per
bench and in all)."""
from __future__ import annotations

import importlib
import sys
import time
import traceback

BENCHES = {"tally": "bench.tally_bench", "load": "bench.load_bench", "pdf": "bench.pdf_bench",
           "ballot": "bench.ballot_bench", "box": "bench.box_bench", "omr": "bench.omr_bench",
           "federation": "bench.federation_bench", "vote": "bench.vote_bench",
           "vote_pg": "bench.vote_bench:run_pg"}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    took: dict[str, float] = {}
    failed: dict[str, str] = {}
    start = time.perf_counter()
    for name in names:
        module_name, _, function = (BENCHES.get(name) or "").partition(":")
        if not module_name:
            print(f"unknown bench {name}; known: {', '.join(BENCHES)}")
            return 2
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            print(f"[{name}] not available: {exc}")
            continue
        print(f"== {name}")
        t0 = time.perf_counter()
        try:
            getattr(module, function or "run")()
        except Exception:  # one bench failing (no PostgreSQL, no Chromium) does not stop the others
            traceback.print_exc()
            failed[name] = traceback.format_exc(limit=1).strip().splitlines()[-1]
        took[name] = round(time.perf_counter() - t0, 1)
        print(f"== {name}: {took[name]} s")
    if len(took) > 1:   # the whole run (make bench): how long each bench took, for the time budget
        from .common import write_results
        write_results("run", {"seconds": took, "total_s": round(time.perf_counter() - start, 1), "failed": failed})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
