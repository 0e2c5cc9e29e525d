"""Train the camera reader's third look (``election_app/omr/resolve.py``) on synthetic photos.

    python -m bench.omr_train collect SEED START COUNT OUT.npz   # read ballots, keep each row's picture
    python -m bench.omr_train fit OUT.npz TRAIN.npz... --calibrate CAL.npz... [--struck-only]
    python -m bench.omr_train evaluate WEIGHTS.npz ROWS.npz...   # decided / wrong on other ballots

``collect`` makes ballots ``START`` … ``START+COUNT-1`` of ``SEED`` exactly as ``bench.omr_bench``
does (the same generator, ``tests/omr_synth.py``), reads them with the two readings only, and
keeps per row: its grid features (``resolve.row_features``), the truth (kept / struck), whether
the two readings left it unsure, and the kind of marking. ``fit`` trains an ensemble of small
networks (one hidden layer, numpy, Adam) on the training files, each member on its own
bootstrap sample, then chooses the two thresholds on the calibration files (ballots of other
seeds): the lowest "struck" and the highest "kept" thresholds at which no unsure row of the
calibration set is decided wrong, each then moved a margin further. The seeds used are written
into the weights file's notes and the README; the held-out seed of ``python -m bench omr`` must be
none of them.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

HIDDEN = 64
MEMBERS = 5
EPOCHS = 40
SURE_SHARE = 1.0              # share of the rows both readings agree on kept in training
UNSURE_WEIGHT = 3.0
MARGIN = 0.02                 # thresholds moved this much past the last calibration error
FLOOR_LO, FLOOR_HI = 0.005, 0.995   # ... and never less strict than these: cross-validated on the
                              # 1,600 training ballots (two halves), 0.01 / 0.99 decided one row wrong


def _collect_one(args):
    from bench import omr_bench
    from election_app.omr import reader
    seed, i = args
    d, ballot, photos, truth, kinds = omr_bench.make_ballot(seed, i, omr_bench._PRINTED)
    rows = []
    for page, photo in enumerate(photos, start=1):
        feats: list = []
        try:
            reader.read_photo(photo, ballot.lookup, features_out=feats, third_look=False)
        except reader.ReadError:
            continue
        for reading, x in feats:
            rows.append((x, truth[reading.number] == "struck", reading.state == reader.UNSURE,
                         kinds[reading.number], i, reading.number, reading.given, reading.family, reading.reason, page))
    return rows


def collect(seed: int, start: int, count: int, out: str, workers: int | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import omr_bench
    from election_app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench-" + "x" * 30})
    omr_bench._PRINTED = omr_bench.printed_ballots(app, seed)
    workers = workers or os.cpu_count() or 1
    rows = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for part in pool.imap_unordered(_collect_one, [(seed, i) for i in range(start, start + count)], chunksize=2):
            rows += part
    save_rows(out, rows, {"seed": seed, "start": start, "count": count})


def save_rows(out: str, rows: list, info: dict) -> None:
    np.savez_compressed(out, x=np.stack([r[0] for r in rows]).astype(np.float32),
                        y=np.array([r[1] for r in rows], bool), unsure=np.array([r[2] for r in rows], bool),
                        kind=np.array([r[3] for r in rows]), ballot=np.array([r[4] for r in rows], np.int32),
                        number=np.array([r[5] for r in rows], np.int32),
                        given=np.array([r[6] for r in rows], np.float32), family=np.array([r[7] for r in rows], np.float32),
                        reason=np.array([r[8] for r in rows], dtype=str), page=np.array([r[9] for r in rows], np.int32),
                        info=json.dumps(info))


def load_rows(paths: list[str]) -> dict:
    """The collected rows of ``paths``, joined: x (grid), y (struck), unsure, kind, given, family,
    reason, ballot, number; and ``info``, what each file holds."""
    parts: dict[str, list] = {}
    infos = []
    for p in paths:
        with np.load(p, allow_pickle=False) as z:
            for key in ("x", "y", "unsure", "kind", "given", "family", "reason", "ballot", "number", "page"):
                parts.setdefault(key, []).append(z[key] if key in z.files else np.zeros(len(z["y"]), np.int32))
            infos.append(json.loads(str(z["info"])))
    out = {k: np.concatenate(v) for k, v in parts.items()}
    out["info"] = infos
    return out


def beside_circle(rows: dict) -> np.ndarray:
    """Per row: never to be decided "struck" (``resolve.never_struck``: next to a circled row of the
    same ballot and page, or a stroke shared with a neighbour)."""
    from election_app.omr import resolve
    pages: dict[tuple[int, int], dict[int, str]] = {}
    for b, p, n, r in zip(rows["ballot"], rows["page"], rows["number"], rows["reason"]):
        pages.setdefault((int(b), int(p)), {})[int(n)] = str(r)
    return np.array([resolve.never_struck(pages[(int(b), int(p))], int(n))
                     for b, p, n in zip(rows["ballot"], rows["page"], rows["number"])], bool)


def inputs(rows: dict, reasons: tuple[str, ...], mask=None) -> np.ndarray:
    """The network's input for the rows (``mask``) of ``rows``: grid and what the readings said."""
    from election_app.omr import resolve
    idx = np.arange(len(rows["y"])) if mask is None else np.flatnonzero(mask)
    said = np.stack([resolve.reading_features(float(rows["given"][i]), float(rows["family"][i]),
                                              str(rows["reason"][i]), reasons) for i in idx])
    return np.concatenate([rows["x"][idx], said], axis=1)


def _train_member(x, y, w, seed: int):
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w1 = rng.normal(0, np.sqrt(2.0 / d), (d, HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = rng.normal(0, np.sqrt(1.0 / HIDDEN), (HIDDEN, 1)).astype(np.float32)
    b2 = np.zeros(1, np.float32)
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, l2, step = 1e-3, 0.9, 0.999, 1e-4, 0
    batch = 256
    for _epoch in range(EPOCHS):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            xb, yb, wb = x[idx], y[idx], w[idx]
            h = np.maximum(xb @ w1 + b1, 0.0)
            p = 1.0 / (1.0 + np.exp(-(h @ w2 + b2).ravel()))
            g = ((p - yb) * wb / wb.sum())[:, None]
            gw2 = h.T @ g + l2 * w2
            gb2 = g.sum(0)
            gh = (g @ w2.T) * (h > 0)
            gw1 = xb.T @ gh + l2 * w1
            gb1 = gh.sum(0)
            step += 1
            for i, (p_, g_) in enumerate(zip(params, (gw1, gb1, gw2, gb2))):
                m[i] = beta1 * m[i] + (1 - beta1) * g_
                v[i] = beta2 * v[i] + (1 - beta2) * g_ * g_
                mh = m[i] / (1 - beta1 ** step)
                vh = v[i] / (1 - beta2 ** step)
                p_ -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    return params


def fit(out: str, train: list[str], calibrate: list[str], struck_only: bool = False) -> dict:
    sys.path.insert(0, str(ROOT))
    from election_app.omr import resolve
    rows = load_rows(train)
    rng = np.random.default_rng(20261130)
    unsure = rows["unsure"]
    keep = unsure | (rng.random(len(unsure)) < SURE_SHARE)
    # the reasons the readings give often enough on unsure rows to be learned from
    seen: dict[str, int] = {}
    for r in rows["reason"][unsure]:
        seen[str(r)] = seen.get(str(r), 0) + 1
    reasons = tuple(sorted(r for r, n in seen.items() if n >= 5))
    x = inputs(rows, reasons, keep)
    y = rows["y"][keep].astype(np.float32)
    u = unsure[keep]
    mean = x.mean(0)
    scale = x.std(0) + 1e-3
    z = ((x - mean) / scale).astype(np.float32)
    w = np.where(u, UNSURE_WEIGHT, 1.0).astype(np.float32)
    layers = []
    t = time.time()
    for k in range(MEMBERS):
        pick = rng.integers(0, len(y), len(y))
        layers.append(_train_member(z[pick], y[pick], w[pick], 1000 + k))
    # the guard: what the unsure training rows look like (a row unlike them is refused)
    start = resolve.N_GRID + 4
    binary = list(range(start + 2, x.shape[1]))
    guard = resolve.Guard.fit(z[u], x[u], binary)
    net = resolve.Net(mean, scale, layers, 0.0, 1.0, reasons, guard)
    cal = load_rows(calibrate)
    cu = cal["unsure"]
    cx = inputs(cal, reasons, cu)
    familiar = net.familiar(cx)
    circled = beside_circle(cal)[cu][familiar]          # never decided "struck" (the reader's rule)
    p = net.probabilities(cx)[familiar]
    truth = cal["y"][cu][familiar]
    pmin, pmax = np.where(circled, 0.0, p.min(1)), p.max(1)
    # the lowest "struck" threshold with no kept row at or above it, the highest "kept" one
    # with no struck row at or below it, each then a margin further
    hi = min(0.9999, max(FLOOR_HI, float(pmin[~truth].max(initial=0.0)) + MARGIN))
    lo = max(0.0001, min(FLOOR_LO, float(pmax[truth].min(initial=1.0)) - MARGIN))
    if struck_only:
        lo = -1.0                    # never "kept": a kept reading stays with the board
    decided_struck = pmin >= hi
    decided_kept = pmax <= lo
    report = {"train": rows["info"], "calibrate": cal["info"], "train_rows": int(len(y)),
              "train_unsure_rows": int(u.sum()), "reasons": len(reasons),
              "calibration_unsure_rows": int(cu.sum()), "calibration_familiar_rows": int(familiar.sum()),
              "guard": {"inside_max": guard.inside_max, "outside_max": guard.outside_max,
                        "rare": guard.rare.tolist(),
                        "training_unsure_refused": int((~net.familiar(x[u])).sum())},
              "lo": lo, "hi": hi, "struck_only": struck_only,
              "calibration_decided": int(decided_struck.sum() + decided_kept.sum()),
              "calibration_wrong": int((decided_struck & ~truth).sum() + (decided_kept & truth).sum()),
              "fit_seconds": round(time.time() - t, 1)}
    resolve.save(Path(out), mean, scale, layers, lo, hi, reasons, guard,
                 {"train": rows["info"], "calibrate": cal["info"], "lo": lo, "hi": hi,
                  "calibration_decided": report["calibration_decided"],
                  "calibration_wrong": report["calibration_wrong"]})
    return report


def evaluate(weights: str, paths: list[str]) -> dict:
    """How the weights decide the unsure rows of collected files (ballots none of them was
    trained or calibrated on): decided, wrong, refused by the guard, per marking."""
    sys.path.insert(0, str(ROOT))
    from election_app.omr import resolve
    net = resolve.load.__wrapped__(weights)
    rows = load_rows(paths)
    u = rows["unsure"]
    x = inputs(rows, net.reasons, u)
    verdicts = np.array([v or "" for v in net.decide(x)])
    verdicts[beside_circle(rows)[u] & (verdicts == "struck")] = ""      # as the reader does
    truth = rows["y"][u]
    kinds = rows["kind"][u]
    wrong = ((verdicts == "struck") & ~truth) | ((verdicts == "kept") & truth)
    per = {}
    for kind in sorted(set(kinds.tolist())):
        m = kinds == kind
        per[kind] = {"unsure": int(m.sum()), "decided": int((verdicts[m] != "").sum()), "wrong": int(wrong[m].sum())}
    return {"files": rows["info"], "rows": int(len(u)), "unsure": int(u.sum()),
            "refused_by_guard": int((~net.familiar(x)).sum()), "beside_circle": int(beside_circle(rows)[u].sum()),
            "decided_struck": int((verdicts == "struck").sum()), "decided_kept": int((verdicts == "kept").sum()),
            "wrong": int(wrong.sum()),
            "wrong_rows": [{"ballot": int(b), "row": int(n), "kind": str(k), "verdict": str(v)} for b, n, k, v in
                           zip(rows["ballot"][u][wrong], rows["number"][u][wrong], kinds[wrong], verdicts[wrong])],
            "per_marking": per}


def main(argv: list[str]) -> None:
    if argv[:1] == ["collect"]:
        collect(int(argv[1]), int(argv[2]), int(argv[3]), argv[4])
    elif argv[:1] == ["fit"]:
        struck_only = "--struck-only" in argv
        argv = [a for a in argv if a != "--struck-only"]
        cut = argv.index("--calibrate")
        print(json.dumps(fit(argv[1], argv[2:cut], argv[cut + 1:], struck_only), indent=1))
    elif argv[:1] == ["evaluate"]:
        print(json.dumps(evaluate(argv[1], argv[2:]), indent=1, ensure_ascii=False))
    else:
        print(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
