"""Counting speed of the pure rules: judge and tally a large round (e.g. a 500-delegate
upper-level congress electing 35 of 42), repeated; no database."""
from __future__ import annotations

import random
import time

from election_app.rules import count_votes, decide_round, judge_ballot

from .common import write_results


def run() -> dict:
    rng = random.Random(20261123)
    figures = {}
    for voters, candidates, seats in ((50, 7, 5), (500, 42, 35), (1000, 60, 50)):
        ids = list(range(1, candidates + 1))
        raw = [rng.sample(ids, rng.randint(max(0, seats - 5), seats + (1 if rng.random() < 0.02 else 0)))
               for _ in range(voters)]
        t0 = time.perf_counter()
        reps = 20
        for _ in range(reps):
            verdicts = [judge_ballot(k, ids, seats) for k in raw]
            count = count_votes(verdicts, ids)
            decide_round(count.votes, seats, count.returned)
        per = (time.perf_counter() - t0) / reps
        figures[f"{voters}x{candidates}c{seats}s"] = {"ms_per_round": round(per * 1000, 2)}
    return write_results("tally", {"rounds": figures})


if __name__ == "__main__":
    run()
