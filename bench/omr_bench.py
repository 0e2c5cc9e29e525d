"""Camera counting accuracy and speed (issue 18): synthetic phone photos of marked ballots,
made from the real ballot PDFs (tests/omr_synth.py), read by ``election_app.omr.reader``.

Per distortion: ballots, photos, rows, rows read right, rows put to a person (unsure), rows
read WRONG without being flagged (must be 0), photos not read, and ms per photo. A row is
"right" when the reading equals the truth (kept / struck); a tick or circle (truth: kept)
read as unsure counts as unsure, not right; a circle read "kept" with its mark flagged for the
board counts as right (the row is kept, RULES §4.2; the mark is shown to the board), and the
flagged rows are counted apart, and so are the rows the third look decided (``resolve``: the two
readings were unsure). ``OMR_BENCH_BALLOTS`` (default 2000) sets the size,
``OMR_BENCH_SEED`` the generator's seed (a seed never used while tuning the reader is a held-out
set) and ``OMR_BENCH_NAME`` the results file (default ``omr``); results are written every 20
ballots so a long run can be watched, with the machine, the load average and the command.
Ballot ``i`` is made from its own random stream (``"SEED/i"``), so ballots are made and read by a
pool of ``OMR_BENCH_WORKERS`` processes (default: one per core) and any one can be made again
alone (``make_ballot``); a row read wrong without a flag is listed with its ballot and row."""
from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

from .common import write_results

ROOT = Path(__file__).resolve().parent.parent
SIZES = (5, 8, 12, 18, 25, 32, 40, 48, 55, 60)


_PRINTED: list = []


def printed_ballots(app, seed: int) -> list:
    """The ten printed ballot lists (5 to 60 names) of a run, from its seed."""
    from tests import omr_synth
    rng = random.Random(seed)
    return [omr_synth.printed_ballot(app, omr_synth.ballot_data(n, rng), 900 + i) for i, n in enumerate(SIZES)]


def make_ballot(seed: int, i: int, printed: list):
    """Ballot ``i`` of a run: its own random stream (``seed``/``i``), so any ballot can be made
    again alone, and the ballots can be made and read in any order by any process."""
    from tests import omr_synth
    rng = random.Random(f"{seed}/{i}")
    d = omr_synth.DISTORTIONS[i % len(omr_synth.DISTORTIONS)]
    ballot = rng.choice(printed)
    photos, truth, kinds = omr_synth.photograph(ballot, rng, d)
    return d, ballot, photos, truth, kinds


def read_ballot(args) -> tuple:
    """Make and read ballot ``i``: (distortion, [per photo: None if not read, else (ms, [(row,
    kind, truth, state, mark, reason)])])."""
    from election_app.omr import reader
    seed, i = args
    d, ballot, photos, truth, kinds = make_ballot(seed, i, _PRINTED)
    out = []
    for photo in photos:
        t = time.perf_counter()
        try:
            reading = reader.read_photo(photo, ballot.lookup)
        except reader.ReadError:
            out.append(None)
            continue
        ms = (time.perf_counter() - t) * 1000
        out.append((ms, [(r.number, kinds[r.number], truth[r.number], r.state, r.mark, r.reason)
                         for r in reading.rows]))
    return i, d, out


def run(ballots: int | None = None, seed: int | None = None, workers: int | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    from election_app import create_app
    from election_app.omr import reader
    from tests import omr_synth

    global _PRINTED
    ballots = ballots or int(os.environ.get("OMR_BENCH_BALLOTS", "2000"))
    seed = seed if seed is not None else int(os.environ.get("OMR_BENCH_SEED", "20261130"))
    workers = workers or int(os.environ.get("OMR_BENCH_WORKERS", str(os.cpu_count() or 1)))
    name = os.environ.get("OMR_BENCH_NAME", "omr")
    started, load_start = time.time(), os.getloadavg()
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench-" + "x" * 30})
    t0 = time.perf_counter()
    _PRINTED = printed_ballots(app, seed)
    layout_s = time.perf_counter() - t0
    per: dict[str, dict] = {d: {"ballots": 0, "photos": 0, "rows": 0, "right": 0, "unsure": 0,
                                "wrong_unflagged": 0, "photos_not_read": 0, "flagged_marks": 0,
                                "third_look_decided": 0, "ms": []}
                            for d in omr_synth.DISTORTIONS}
    by_kind: dict[str, dict] = {}
    wrong: list = []
    result = {}
    # the pool's processes are forked after the ballots are printed: each reads with its own copy
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) if workers > 1 else _Serial() as pool:
        for done, (i, d, out) in enumerate(pool.imap_unordered(read_ballot, [(seed, i) for i in range(ballots)],
                                                               chunksize=2), start=1):
            f = per[d]
            f["ballots"] += 1
            for photo in out:
                f["photos"] += 1
                if photo is None:
                    f["photos_not_read"] += 1
                    continue
                ms, rows = photo
                f["ms"].append(ms)
                for number, kind, truth, state, mark, reason in rows:
                    f["rows"] += 1
                    if state != reader.UNSURE and reason.startswith(reader.RESOLVED_PREFIX):
                        f["third_look_decided"] += 1
                    k = by_kind.setdefault(kind, {"rows": 0, "right": 0, "unsure": 0, "wrong_unflagged": 0,
                                                  "flagged_marks": 0})
                    k["rows"] += 1
                    if mark:
                        f["flagged_marks"] += 1
                        k["flagged_marks"] += 1
                    if state == reader.UNSURE:
                        f["unsure"] += 1
                        k["unsure"] += 1
                    elif state == truth:
                        f["right"] += 1
                        k["right"] += 1
                    else:
                        f["wrong_unflagged"] += 1
                        k["wrong_unflagged"] += 1
                        wrong.append({"ballot": i, "distortion": d, "row": number, "marking": kind,
                                      "truth": truth, "read": state,
                                      "by_third_look": reason.startswith(reader.RESOLVED_PREFIX)})
            if done % 20 == 0 or done == ballots:
                run_info = {"seed": seed, "command": "python -m bench " + " ".join(sys.argv[1:]),
                            "env": {k: v for k, v in os.environ.items() if k.startswith("OMR_BENCH_")},
                            "workers": workers, "nice": os.nice(0),
                            "load_average_at_start": [round(x, 2) for x in load_start],
                            "load_average_now": [round(x, 2) for x in os.getloadavg()],
                            "wall_seconds": round(time.time() - started), "cpu": _cpu_model()}
                result = _write(per, by_kind, done, ballots, layout_s, name, run_info, wrong)
    return result


class _Serial:
    """``imap_unordered`` in this process (one worker: nothing to fork)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def imap_unordered(self, fn, items, chunksize=1):
        return map(fn, items)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _write(per, by_kind, done, planned, layout_s, name="omr", run_info=None, wrong=None):
    out, tot = {}, {"ballots": 0, "photos": 0, "rows": 0, "right": 0, "unsure": 0, "wrong_unflagged": 0,
                    "photos_not_read": 0, "flagged_marks": 0, "third_look_decided": 0}
    all_ms = []
    for d, f in per.items():
        ms = f["ms"]
        all_ms += ms
        out[d] = {k: v for k, v in f.items() if k != "ms"}
        out[d]["rows_right_pct"] = round(100 * f["right"] / f["rows"], 2) if f["rows"] else None
        out[d]["ms_per_photo_median"] = round(statistics.median(ms)) if ms else None
        for k in tot:
            tot[k] += f[k]
    tot["rows_right_pct"] = round(100 * tot["right"] / tot["rows"], 3) if tot["rows"] else None
    tot["rows_unsure_pct"] = round(100 * tot["unsure"] / tot["rows"], 3) if tot["rows"] else None
    tot["rows_wrong_unflagged_pct"] = round(100 * tot["wrong_unflagged"] / tot["rows"], 3) if tot["rows"] else None
    ms_sorted = sorted(all_ms)
    timing = {"ms_per_photo_median": round(statistics.median(all_ms)) if all_ms else None,
              "ms_per_photo_p95": round(ms_sorted[int(0.95 * (len(ms_sorted) - 1))]) if all_ms else None,
              "ballot_layout_and_reference_s_per_list": round(layout_s / 10, 2),
              "note": "per photo, in one process of a pool (one per core) on a shared 2-core machine; "
                      "photos about 1,600 × 2,200 px"}
    return write_results(name, {"run": run_info or {}, "ballots_done": done, "ballots_planned": planned, "names_per_list": "5–60",
                                 "target": {"rows_right_pct": 99.5, "rows_wrong_unflagged": 0},
                                 "total": tot, "per_distortion": out, "per_marking": by_kind, "timing": timing,
                                 "wrong_unflagged_rows": wrong or [],
                                 "third_look_weights": _weights_notes()})


def _weights_notes() -> dict:
    from election_app.omr import resolve
    return resolve.notes()


if __name__ == "__main__":
    run()
