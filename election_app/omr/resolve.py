"""A third look at the rows the two readings leave unsure (issue 18).

The stroke finder and the line reading (``reader``, ``lines``) put to a person every row they do
not both read plainly. Many of those rows are plain to the eye: a double strike whose two lines
blurred into one thick band, a circle drawn flat, a strike through the surname that stops well
before the given name. This module looks at such a row the way a person does, as a picture: the
ink over and around each part of the name (họ, tên đệm, tên) on a fixed grid, and asks a small
network, trained on synthetic photos of marked ballots (``bench/omr_train.py``), whether the name
is struck. It answers only when every member of an ensemble of such networks is sure (the
thresholds are chosen on photos none of them was trained on); otherwise the row stays unsure
and goes to the board as before. It never changes a row the two readings agree on.

The weights (``resolve.npz``) are plain arrays: numpy only, no model file that runs code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from . import lines
from .layout import Row

WEIGHTS = Path(__file__).with_name("resolve.npz")
PX_PER_MM = 5.0
BANDS = 12                   # from 3 mm above the name's letters to 3 mm below them
ABOVE_MM = BELOW_MM = 3.0
COLS = (("pre", 2), ("family", 6), ("middle", 4), ("given", 6), ("post", 4))
PRE_MM, POST_MM = 6.0, 10.0
N_GRID = BANDS * sum(n for _, n in COLS) * 2


def row_features(ratio: np.ndarray, reference: np.ndarray, row: Row) -> np.ndarray:
    """The row as a picture on a fixed grid: per cell, how dark the photo is there and how much
    of that is not printed (the voter's ink), over each part of the name and before and after
    it; then the parts' sizes. ``ratio`` is the straightened photo relative to its paper
    (``reader.ink_ratio``), ``reference`` the clean page at the same scale."""
    k = PX_PER_MM
    h, w = ratio.shape
    y0 = int(round((row.text[0] - ABOVE_MM) * k))
    y1 = int(round((row.text[1] + BELOW_MM) * k))
    first = row.family or row.middle or row.given
    spans = {"pre": (first[0] - PRE_MM, first[0]), "family": row.family, "middle": row.middle,
             "given": row.given, "post": (row.given[1], row.given[1] + POST_MM)}
    ys0, ys1 = max(0, y0), min(h, y1)
    dark = np.clip(1.0 - ratio[ys0:ys1], 0.0, 1.0).astype(np.float32)
    printed = cv2.dilate((reference[ys0:ys1] < 170).astype(np.uint8), np.ones((3, 3), np.uint8))
    voter = dark * (1 - printed)
    if ys0 != y0 or ys1 != y1:                       # a row at the page's edge: paper beyond it
        pad = ((ys0 - y0, y1 - ys1), (0, 0))
        dark, voter = np.pad(dark, pad), np.pad(voter, pad)
    out = []
    for name, n in COLS:
        span = spans[name]
        if span is None or span[1] - span[0] < 0.5:
            out.append(np.zeros(BANDS * n * 2, np.float32))
            continue
        x0, x1 = max(0, int(round(span[0] * k))), min(w, int(round(span[1] * k)))
        if x1 - x0 < 2:
            out.append(np.zeros(BANDS * n * 2, np.float32))
            continue
        for img in (dark, voter):
            out.append(cv2.resize(img[:, x0:x1], (n, BANDS), interpolation=cv2.INTER_AREA).ravel())
    sizes = [((s[1] - s[0]) / 20.0) if s else 0.0 for s in (row.family, row.middle, row.given)]
    sizes.append((row.text[1] - row.text[0]) / 5.0)
    return np.concatenate(out + [np.float32(sizes)])


def reading_features(given: float, family: float, reason: str, reasons: tuple[str, ...]) -> np.ndarray:
    """What the two readings said of the row: the shares of the given and family names under
    a stroke (0 when not measured), whether each was not measured at all (−1: a part with no
    paper between its letters to see), and why they left it unsure (one of ``reasons``, or
    another). "Not measured" is its own input, not a share below zero: a network that had seen
    it rarely read a struck name "kept" on it (README)."""
    out = np.zeros(N_SAID + len(reasons) + 1, np.float32)
    out[0], out[1] = max(given, 0.0), max(family, 0.0)
    out[2], out[3] = float(given < 0), float(family < 0)
    out[N_SAID + (reasons.index(reason) if reason in reasons else len(reasons))] = 1.0
    return out


CIRCLE_WORD = "khoanh"       # in every reason the readings give for a circle-like mark


def beside_circle(reasons: dict[int, str], number: int) -> bool:
    """Is the row next to one read (or put to a person) as circled? A circle round a name runs
    over its neighbours' letters, and on this row's picture alone its arc looks like a strike
    (seed 3, ballot 374, row 57: decided "struck" by every network): such a row is never decided
    "struck". ``reasons``: each row's reason on the page, by number."""
    return any(CIRCLE_WORD in reasons.get(n, "") for n in (number - 1, number + 1))


SHARED_STROKE = lines.SHARED_STROKE     # the readings' reason for a stroke through two names


def never_struck(reasons: dict[int, str], number: int) -> bool:
    """Rows the third look must never decide "struck": next to a circled name
    (``beside_circle``), or where the readings saw a stroke running through this name and its
    neighbour. On this row's picture alone the neighbour's steep strike through the given name
    looks like this row's own (seed 20261204, ballot 567, row 44: a middle-name-only strike,
    decided "struck" by every network)."""
    return beside_circle(reasons, number) or reasons.get(number, "") == SHARED_STROKE


N_SAID = 4                  # given, family, given not measured, family not measured
GUARD_QUANTILE = 0.995      # a row farther from the training rows than this share of them is refused
GUARD_DIMS = 24
MIN_SEEN = 30               # a value of a yes/no input seen on fewer training rows than this is refused


@dataclass
class Guard:
    """What the networks were trained on, to refuse a row unlike it: the principal directions
    of the training rows the readings left unsure (standardized inputs), the largest distance
    along them and off them that ``GUARD_QUANTILE`` of those rows have, and the yes/no inputs'
    values seen too rarely to have been learned (index, value)."""
    mean: np.ndarray
    components: np.ndarray      # inputs × GUARD_DIMS
    variance: np.ndarray        # GUARD_DIMS
    inside_max: float
    outside_max: float
    rare: np.ndarray            # (index, value) rows

    @classmethod
    def fit(cls, z: np.ndarray, raw: np.ndarray, binary: list[int]) -> "Guard":
        mean = z.mean(0)
        _u, sv, vt = np.linalg.svd(z - mean, full_matrices=False)
        dims = min(GUARD_DIMS, len(sv))
        comp = vt[:dims].T.astype(np.float32)
        var = (sv[:dims] ** 2 / max(len(z) - 1, 1)).astype(np.float32) + 1e-6
        inside, outside = cls._distances(z, mean, comp, var)
        rare = [(j, v) for j in binary for v in (0.0, 1.0) if int((raw[:, j] == v).sum()) < MIN_SEEN]
        return cls(mean.astype(np.float32), comp, var, float(np.quantile(inside, GUARD_QUANTILE)),
                   float(np.quantile(outside, GUARD_QUANTILE)), np.array(rare, np.float32).reshape(-1, 2))

    @staticmethod
    def _distances(z, mean, comp, var):
        d = z - mean
        t = d @ comp
        inside = np.sqrt(((t * t) / var).sum(1) / comp.shape[1])
        outside = np.sqrt(((d - t @ comp.T) ** 2).mean(1))
        return inside, outside

    def familiar(self, z: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Per row of standardized inputs ``z`` (and the same rows unstandardized): like the
        training rows?"""
        inside, outside = self._distances(z, self.mean, self.components, self.variance)
        ok = (inside <= self.inside_max) & (outside <= self.outside_max)
        for j, v in self.rare:
            ok &= raw[:, int(j)] != v
        return ok


@dataclass
class Net:
    mean: np.ndarray
    scale: np.ndarray
    layers: list               # per member: (W1, b1, W2, b2)
    lo: float                  # every member's p(struck) at most this: kept
    hi: float                  # ... at least this: struck
    reasons: tuple[str, ...] = ()   # the readings' reasons it knows (``reading_features``)
    guard: Guard | None = None      # rows unlike its training are refused

    def inputs(self, grid: np.ndarray, readings: list) -> np.ndarray:
        """Grid features (rows × ``N_GRID + 4``) and the readings of the same rows → the net's
        input. (The rows above and below were tried as a third part, on 1,600 ballots: more
        rows decided wrong at every threshold, so they are not used.)"""
        said = np.stack([reading_features(r.given, r.family, r.reason, self.reasons) for r in readings])
        return np.concatenate([np.atleast_2d(grid), said], axis=1)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """p(struck) of each member for each row of ``x`` (rows × members)."""
        z = (np.atleast_2d(x) - self.mean) / self.scale
        out = []
        for w1, b1, w2, b2 in self.layers:
            hidden = np.maximum(z @ w1 + b1, 0.0)
            out.append(1.0 / (1.0 + np.exp(-(hidden @ w2 + b2).ravel())))
        return np.stack(out, axis=1)

    def familiar(self, x: np.ndarray) -> np.ndarray:
        """Per row of ``x``: like the rows the networks learned from (a reason the readings gave
        that the networks never learned is not; nor, with a guard, a row unlike the training rows)."""
        x = np.atleast_2d(x)
        ok = x[:, -1] == 0
        if self.guard is not None:
            ok &= self.guard.familiar((x - self.mean) / self.scale, x)
        return ok

    def decide(self, x: np.ndarray) -> list[str | None]:
        """"struck", "kept" or None (still unsure) per row of ``x``: decided only for a familiar
        row on which every member is sure."""
        p = self.probabilities(x)
        ok = self.familiar(x)
        return ["struck" if k and q.min() >= self.hi else "kept" if k and q.max() <= self.lo else None
                for q, k in zip(p, ok)]


@lru_cache(maxsize=1)
def load(path: str | None = None) -> Net | None:
    """The trained ensemble, or None when no weights are shipped (the rows stay unsure)."""
    p = Path(path) if path else WEIGHTS
    if not p.exists():
        return None
    with np.load(p, allow_pickle=False) as z:
        members = int(z["members"])
        layers = [(z[f"w1_{i}"], z[f"b1_{i}"], z[f"w2_{i}"], z[f"b2_{i}"]) for i in range(members)]
        guard = None
        if "guard_mean" in z.files:
            guard = Guard(z["guard_mean"], z["guard_components"], z["guard_variance"],
                          float(z["guard_inside_max"]), float(z["guard_outside_max"]), z["guard_rare"])
        return Net(z["mean"], z["scale"], layers, float(z["lo"]), float(z["hi"]),
                   tuple(str(r) for r in z["reasons"]), guard)


def notes(path: str | None = None) -> dict:
    """What the weights were made from (seeds and ballots of training and calibration), as
    written by ``bench/omr_train.py fit``; {} when none."""
    p = Path(path) if path else WEIGHTS
    if not p.exists():
        return {}
    with np.load(p, allow_pickle=False) as z:
        return json.loads(str(z["notes"])) if "notes" in z.files else {}


def save(path: Path, mean, scale, layers, lo: float, hi: float, reasons: tuple[str, ...] = (),
         guard: Guard | None = None, about: dict | None = None) -> None:
    arrays = {"mean": np.float32(mean), "scale": np.float32(scale), "members": np.int64(len(layers)),
              "lo": np.float64(lo), "hi": np.float64(hi), "reasons": np.array(list(reasons), dtype=str),
              "notes": np.array(json.dumps(about or {}, ensure_ascii=False))}
    for i, (w1, b1, w2, b2) in enumerate(layers):
        arrays.update({f"w1_{i}": np.float32(w1), f"b1_{i}": np.float32(b1), f"w2_{i}": np.float32(w2),
                       f"b2_{i}": np.float32(b2)})
    if guard is not None:
        arrays.update({"guard_mean": guard.mean, "guard_components": guard.components,
                       "guard_variance": guard.variance, "guard_inside_max": np.float64(guard.inside_max),
                       "guard_outside_max": np.float64(guard.outside_max), "guard_rare": guard.rare})
    np.savez_compressed(path, **arrays)
