"""Counting speed of the pure rules: judge and tally a large round (e.g. a 500-delegate
upper-level congress electing 35 of 42), repeated; no database. Issue 17's target: the
tally of 100,000 ballots × 60 names in at most 1 s (one round judged by ``BallotJudge``,
counted and decided by ``count_ballots``; best of 3, process CPU time beside the wall clock;
the same round counted the long way, a verdict per ballot, is checked equal and timed once)."""
from __future__ import annotations

import os
import random
import time

from election_app.rules import BallotJudge, count_ballots, count_votes, decide_round, judge_ballot

from .common import write_results

TARGET_100K_S = 1.0


def _ballots(rng: random.Random, voters: int, ids: list[int], seats: int) -> list[list[int]]:
    return [rng.sample(ids, rng.randint(max(0, seats - 5), seats + (1 if rng.random() < 0.02 else 0)))
            for _ in range(voters)]


def run() -> dict:
    rng = random.Random(20261123)
    figures: dict = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    rounds = {}
    for voters, candidates, seats in ((50, 7, 5), (500, 42, 35), (1000, 60, 50)):
        ids = list(range(1, candidates + 1))
        raw = _ballots(rng, voters, ids, seats)
        t0 = time.perf_counter()
        reps = 20
        for _ in range(reps):
            verdicts = [judge_ballot(k, ids, seats) for k in raw]
            count = count_votes(verdicts, ids)
            decide_round(count.votes, seats, count.returned)
        per = (time.perf_counter() - t0) / reps
        rounds[f"{voters}x{candidates}c{seats}s"] = {"ms_per_round": round(per * 1000, 2)}
    figures["rounds"] = rounds

    ids = list(range(1, 61))
    raw = _ballots(rng, 100_000, ids, 50)
    best_wall = best_cpu = None
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        count = count_ballots(raw, ids, 50)
        decision = decide_round(count.votes, 50, count.returned)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    # the same round the long way (a verdict object per ballot, then count_votes): the
    # reference the fast count is checked against, and what it used to cost
    w0 = time.perf_counter()
    judge = BallotJudge(ids, 50)
    reference = count_votes([judge(k) for k in raw], ids)
    verdict_wall = time.perf_counter() - w0
    figures["tally_100000_ballots_60_names"] = {
        "s": round(best_wall, 3), "cpu_s": round(best_cpu, 3), "target_s": TARGET_100K_S,
        "met": best_wall <= TARGET_100K_S, "returned": count.returned, "valid": count.valid,
        "outcome": decision.outcome, "how": "rules.count_ballots + decide_round, best of 3",
        "same_as_verdict_per_ballot": count == reference,
        "verdict_per_ballot_s": round(verdict_wall, 3)}
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return write_results("tally", figures)


if __name__ == "__main__":
    run()
