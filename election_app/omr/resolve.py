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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

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
    a stroke, and why they left it unsure (one of ``reasons``, or another)."""
    out = np.zeros(2 + len(reasons) + 1, np.float32)
    out[0], out[1] = given, family
    out[2 + (reasons.index(reason) if reason in reasons else len(reasons))] = 1.0
    return out


@dataclass
class Net:
    mean: np.ndarray
    scale: np.ndarray
    layers: list               # per member: (W1, b1, W2, b2)
    lo: float                  # every member's p(struck) at most this: kept
    hi: float                  # ... at least this: struck
    reasons: tuple[str, ...] = ()   # the readings' reasons it knows (``reading_features``)

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

    def decide(self, x: np.ndarray) -> list[str | None]:
        """"struck", "kept" or None (still unsure) per row of ``x``."""
        p = self.probabilities(x)
        return ["struck" if q.min() >= self.hi else "kept" if q.max() <= self.lo else None for q in p]


@lru_cache(maxsize=1)
def load(path: str | None = None) -> Net | None:
    """The trained ensemble, or None when no weights are shipped (the rows stay unsure)."""
    p = Path(path) if path else WEIGHTS
    if not p.exists():
        return None
    with np.load(p, allow_pickle=False) as z:
        members = int(z["members"])
        layers = [(z[f"w1_{i}"], z[f"b1_{i}"], z[f"w2_{i}"], z[f"b2_{i}"]) for i in range(members)]
        return Net(z["mean"], z["scale"], layers, float(z["lo"]), float(z["hi"]),
                   tuple(str(r) for r in z["reasons"]))


def save(path: Path, mean, scale, layers, lo: float, hi: float, reasons: tuple[str, ...] = ()) -> None:
    arrays = {"mean": np.float32(mean), "scale": np.float32(scale), "members": np.int64(len(layers)),
              "lo": np.float64(lo), "hi": np.float64(hi), "reasons": np.array(list(reasons), dtype=str)}
    for i, (w1, b1, w2, b2) in enumerate(layers):
        arrays.update({f"w1_{i}": np.float32(w1), f"b1_{i}": np.float32(b1), f"w2_{i}": np.float32(w2),
                       f"b2_{i}": np.float32(b2)})
    np.savez_compressed(path, **arrays)
