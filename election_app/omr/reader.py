"""One photo (or scan) of a ballot page → what is struck on it. Pure: bytes in, data out;
the image lives only in this call's memory and is never written, logged or kept.

Steps: decode → find the four ArUco corner markers → homography to the printed page
(millimetres, from ``codes``) → straighten to ``PX_PER_MM`` → read the sheet code → ask
``lookup(code)`` for that page's layout and clean picture → ink not on the clean picture is
the voter's → straight strokes (±18°) found by rotated scanlines → each row kept / struck /
unsure by where its strokes run over the name's parts (RULES §4.2: a strike through only the
họ or tên đệm is "not struck") → any other ink is a mark: in a row it makes the row unsure,
outside the rows it is reported as a possible distinguishing mark. The reader proposes; the
board decides (every unsure row is put to a person).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import codes, lines, resolve
from .layout import PageLayout, Row

PX_PER_MM = 5.0
MAX_SIDE = 2200                      # photos are scaled down to this before anything else
PAGE_MM = (210.0, 297.0)
# Where the template prints the markers and the code (checked against the layout by a test).
MARKERS_MM = {0: (5.0, 5.0), 1: (198.0, 5.0), 2: (198.0, 285.0), 3: (5.0, 285.0)}
CODE_MM = (18.0, 286.0, 66.0, 290.0)

KEPT, STRUCK, UNSURE = "kept", "struck", "unsure"
ANGLES = np.arange(-18.0, 18.01, 1.0)
MIN_RUN_MM = 5.0


class ReadError(ValueError):
    """The photo cannot be read (message in Vietnamese, for the board)."""


@dataclass
class RowReading:
    number: int
    state: str
    reason: str = ""
    given: float = 0.0                 # share of the given name (tên) under a stroke
    family: float = 0.0
    mark: str = ""                     # a mark that is no strike (a circle): kept, for the board to see


@dataclass
class SheetReading:
    code: codes.SheetCode
    rows: list[RowReading]
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)   # mm boxes
    strokes: list[tuple[float, float, float, float]] = field(default_factory=list)  # mm segments
    row_marks: list[tuple[float, float, float, float]] = field(default_factory=list)  # mm boxes
    seconds: float = 0.0

    @property
    def unsure(self) -> list[int]:
        return [r.number for r in self.rows if r.state == UNSURE]

    @property
    def flagged(self) -> list[int]:
        """Rows read with a mark that is no strike (a circle): possible distinguishing marks."""
        return [r.number for r in self.rows if r.mark]


Lookup = Callable[[codes.SheetCode], "tuple[PageLayout, np.ndarray] | None"]


def decode_image(data: bytes) -> np.ndarray:
    arr = np.frombuffer(data, dtype=np.uint8)
    img = cv2.imdecode(arr, cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise ReadError("Không mở được tệp ảnh (chỉ nhận ảnh JPEG, PNG hoặc WebP).")
    return img


_DETECTOR = None


def _detector():
    global _DETECTOR
    if _DETECTOR is None:
        params = cv2.aruco.DetectorParameters()
        params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        _DETECTOR = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), params)
    return _DETECTOR


def detect_markers(gray: np.ndarray) -> dict[int, np.ndarray]:
    """The corner markers seen in the photo: id → its 4 corners (pixels)."""
    corners, ids, _ = _detector().detectMarkers(gray)
    found: dict[int, np.ndarray] = {}
    if ids is not None:
        for c, i in zip(corners, ids.ravel()):
            if int(i) in MARKERS_MM and int(i) not in found:
                found[int(i)] = c.reshape(4, 2)
    if len(found) < 3:
        raise ReadError("Không thấy đủ các ô mốc ở góc phiếu: chụp lại cho thấy cả bốn góc tờ phiếu.")
    return found


def homography(found: dict[int, np.ndarray], positions: dict) -> np.ndarray:
    """Image pixels → page millimetres, from the markers seen and where they are printed
    (``positions``: id → (x, y) or (x, y, side) in mm)."""
    src, dst = [], []
    for i, c in found.items():
        if i not in positions:
            continue
        x, y = positions[i][0], positions[i][1]
        s = positions[i][2] if len(positions[i]) > 2 else codes.MARKER_MM
        src += list(c)
        dst += [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
    h, _ = cv2.findHomography(np.float32(src), np.float32(dst), 0) if len(src) >= 8 else (None, None)
    if h is None:
        raise ReadError("Không dựng lại được tờ phiếu từ ảnh: chụp lại thẳng hơn.")
    return h


def find_page(gray: np.ndarray) -> np.ndarray:
    """Homography from image pixels to page millimetres (first-page marker positions)."""
    return homography(detect_markers(gray), MARKERS_MM)


# Continued pages of a long ballot have a deeper top margin (the seal box repeats there), so
# their top markers sit lower; the bottom ones and the code never move.
TOP_MARKER_Y = (5.0, 30.0)


def straighten(gray: np.ndarray, h_mm: np.ndarray, px_per_mm: float = PX_PER_MM) -> np.ndarray:
    scale = np.diag([px_per_mm, px_per_mm, 1.0])
    size = (int(round(PAGE_MM[0] * px_per_mm)), int(round(PAGE_MM[1] * px_per_mm)))
    return cv2.warpPerspective(gray, scale @ h_mm, size, flags=cv2.INTER_LINEAR, borderValue=255)


def ink_ratio(warped: np.ndarray) -> np.ndarray:
    """Brightness relative to the paper around it (1 = paper): shadows and uneven light
    divide out."""
    bg = cv2.dilate(warped, np.ones((11, 11), np.uint8))
    bg = cv2.blur(bg, (25, 25)).astype(np.float32)
    return warped.astype(np.float32) / np.maximum(bg, 1.0)


def read_code(ratio: np.ndarray) -> codes.SheetCode | None:
    x0, y0, x1, y1 = (v * PX_PER_MM for v in CODE_MM)
    cw = (x1 - x0) / codes.CELLS_X
    ch = (y1 - y0) / codes.CELLS_Y
    values = []
    for j in range(codes.CELLS_Y):
        for i in range(codes.CELLS_X):
            cx, cy = x0 + (i + 0.5) * cw, y0 + (j + 0.5) * ch
            r = max(1, int(cw * 0.25))
            patch = ratio[int(cy) - r:int(cy) + r + 1, int(cx) - r:int(cx) + r + 1]
            values.append(float(patch.mean()) if patch.size else 1.0)
    v = np.array(values)
    lo, hi = v.min(), v.max()
    if hi - lo < 0.2:
        return None
    bits = [1 if x < (lo + hi) / 2 else 0 for x in v]
    return codes.decode(bits)


def _runs(mask: np.ndarray, min_len: int):
    """Horizontal runs of 1s in each row: (row, start, end) with end - start ≥ min_len."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    rs, cs = np.nonzero(d == 1)
    re_, ce = np.nonzero(d == -1)
    keep = (ce - cs) >= min_len
    return rs[keep], cs[keep], ce[keep]


def find_strokes(ink: np.ndarray, new: np.ndarray, region: tuple[int, int, int, int],
                 follow: np.ndarray | None = None) -> list[tuple[float, float, float, float]]:
    """Straight strokes in ``region`` (x0, y0, x1, y1 px) as segments (x0, y0, x1, y1) in px.
    At each angle the region is turned so that such a stroke lies flat; a stroke is then an
    unbroken run of ink (±2 px across, for the angle step and a wobbling hand) of at least
    ``MIN_RUN_MM`` of which a good part is not printed text (``new``). Runs found in pieces
    (through letters) are followed on by ``_extend``."""
    x0, y0, x1, y1 = region
    sub = ink[y0:y1, x0:x1].astype(np.uint8)
    subn = new[y0:y1, x0:x1].astype(np.uint8)
    h, w = sub.shape
    min_len = int(MIN_RUN_MM * PX_PER_MM)
    cands = []
    kernel = np.ones((3, 1), np.uint8)
    for a in ANGLES:
        rad = np.radians(a)
        cw = int(w * abs(np.cos(rad)) + h * abs(np.sin(rad))) + 2
        ch = int(h * abs(np.cos(rad)) + w * abs(np.sin(rad))) + 2
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(a), 1.0)
        m[0, 2] += (cw - w) / 2
        m[1, 2] += (ch - h) / 2
        band = cv2.dilate(cv2.warpAffine(sub, m, (cw, ch), flags=cv2.INTER_NEAREST), kernel)
        rows, starts, ends = _runs(band, min_len)
        if not len(rows):
            continue
        bandn = cv2.dilate(cv2.warpAffine(subn, m, (cw, ch), flags=cv2.INTER_NEAREST), kernel)
        uniq, where = np.unique(rows, return_inverse=True)
        csum = np.zeros((len(uniq), cw + 1), np.int32)
        np.cumsum(bandn[uniq], axis=1, out=csum[:, 1:])
        newf = (csum[where, ends] - csum[where, starts]) / (ends - starts)
        good = newf >= 0.3
        if not good.any():
            continue
        rows, starts, ends = rows[good], starts[good], ends[good]
        inv = cv2.invertAffineTransform(m)
        order = np.argsort(-(ends - starts))
        taken: dict[int, list[tuple[int, int, int]]] = {}
        for k in order:
            rr, st, en = int(rows[k]), int(starts[k]), int(ends[k])
            b = rr // 5
            near = taken.get(b - 1, []) + taken.get(b, []) + taken.get(b + 1, [])
            if any(abs(rr - tr) <= 4 and min(en, te) - max(st, ts) > 0.5 * (en - st) for tr, ts, te in near):
                continue
            taken.setdefault(b, []).append((rr, st, en))
            p = np.array([[st, rr, 1.0], [en - 1, rr, 1.0]]) @ inv.T
            cands.append((en - st, p[0, 0] + x0, p[0, 1] + y0, p[1, 0] + x0, p[1, 1] + y0))
    # Longest first; a candidate mostly on strokes already kept is the same stroke again.
    cands.sort(key=lambda c: -c[0])
    drawn = np.zeros(ink.shape, np.uint8)
    band_full = (ink if follow is None else follow).astype(np.uint8)
    strokes = []
    for _, ax, ay, bx, by in cands:
        if _on_share(drawn, (ax, ay, bx, by)) > 0.5:
            continue
        seg = _extend(band_full, (ax, ay, bx, by))
        if _on_share(drawn, seg) > 0.6:
            continue
        cv2.line(drawn, (int(seg[0]), int(seg[1])), (int(seg[2]), int(seg[3])), 1, 5)
        strokes.append(seg)
    return strokes


def _extend(ink: np.ndarray, seg, step_mm: float = 1.0, max_mm: float = 60.0):
    """Follow a stroke past its ends (through printed letters) while the ink goes on along
    the same line: in each window of ``step_mm`` every point must be inked within ±1 px
    across the line (the gaps between printed letters stop it)."""
    ax, ay, bx, by = seg
    length = float(np.hypot(bx - ax, by - ay)) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    px, py = -uy, ux
    n = int(step_mm * PX_PER_MM)
    ts = np.arange(1, n + 1)
    out = [ax, ay, bx, by]
    h, w = ink.shape
    for sign, (i, j) in ((1, (2, 3)), (-1, (0, 1))):
        x, y = out[i], out[j]
        went = 0
        while went < max_mm * PX_PER_MM:
            hit = np.zeros(n, bool)
            inside = True
            for off in (-1, 0, 1):
                xs = (x + sign * ux * ts + off * px + 0.5).astype(int)
                ys = (y + sign * uy * ts + off * py + 0.5).astype(int)
                if xs.min() < 0 or ys.min() < 0 or xs.max() >= w or ys.max() >= h:
                    inside = False
                    break
                hit |= ink[ys, xs] > 0
            if not inside or hit.mean() < 0.95:
                break
            x, y = x + sign * ux * n, y + sign * uy * n
            went += n
        out[i], out[j] = x, y
    return tuple(out)


def merge_collinear(strokes: list, dist_px: float = 5.0, max_deg: float = 5.0, gap_px: float = 60.0) -> list:
    """Pieces of one hand-drawn line (broken where it crossed letters or a rule) → one
    segment: same direction, on the same line, with a modest gap between them."""
    segs = [tuple(map(float, s)) for s in strokes]
    changed = True
    while changed and len(segs) > 1:
        changed = False
        for i in range(len(segs)):
            for j in range(i + 1, len(segs)):
                m = _merge_two(segs[i], segs[j], dist_px, max_deg, gap_px)
                if m is not None:
                    segs[i] = m
                    del segs[j]
                    changed = True
                    break
            if changed:
                break
    return segs


def absorb_near(strokes: list, dist_px: float = 10.0) -> list:
    """Drop a shorter stroke lying all along a longer one (a wobble, a pen lifted and put
    down again, the second line of a double strike): it adds nothing to where the line is."""
    segs = sorted(strokes, key=lambda s: -float(np.hypot(s[2] - s[0], s[3] - s[1])))
    kept: list = []
    for sg in segs:
        inside = False
        for big in kept:
            ln = float(np.hypot(big[2] - big[0], big[3] - big[1])) or 1.0
            ux, uy = (big[2] - big[0]) / ln, (big[3] - big[1]) / ln
            ok = True
            for px, py in ((sg[0], sg[1]), (sg[2], sg[3])):
                t = (px - big[0]) * ux + (py - big[1]) * uy
                d = abs((px - big[0]) * -uy + (py - big[1]) * ux)
                if d > dist_px or t < -dist_px or t > ln + dist_px:
                    ok = False
                    break
            if ok:
                inside = True
                break
        if not inside:
            kept.append(sg)
    return kept


def _merge_two(a, b, dist_px, max_deg, gap_px):
    def unit(s):
        dx, dy = s[2] - s[0], s[3] - s[1]
        n = float(np.hypot(dx, dy)) or 1.0
        if dx < 0:
            dx, dy = -dx, -dy
        return dx / n, dy / n
    ua, ub = unit(a), unit(b)
    if abs(np.degrees(np.arctan2(ua[1], ua[0]) - np.arctan2(ub[1], ub[0]))) > max_deg:
        return None
    la = float(np.hypot(a[2] - a[0], a[3] - a[1]))
    lb = float(np.hypot(b[2] - b[0], b[3] - b[1]))
    base, other = (a, b) if la >= lb else (b, a)
    u = ua if la >= lb else ub
    nx, ny = -u[1], u[0]
    for px, py in ((other[0], other[1]), (other[2], other[3])):
        if abs((px - base[0]) * nx + (py - base[1]) * ny) > dist_px:
            return None
    pts = [(a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3])]
    proj = [((x - base[0]) * u[0] + (y - base[1]) * u[1], x, y) for x, y in pts]
    pa = sorted(((x - base[0]) * u[0] + (y - base[1]) * u[1]) for x, y in pts[:2])
    pb = sorted(((x - base[0]) * u[0] + (y - base[1]) * u[1]) for x, y in pts[2:])
    gap = max(pa[0], pb[0]) - min(pa[1], pb[1])
    if gap > gap_px:
        return None
    lo, hi = min(proj), max(proj)
    return (base[0] + u[0] * lo[0], base[1] + u[1] * lo[0], base[0] + u[0] * hi[0], base[1] + u[1] * hi[0])


def _on_share(mask: np.ndarray, seg) -> float:
    """Share of the points along ``seg`` that fall on ``mask``."""
    ax, ay, bx, by = seg
    n = max(2, int(np.hypot(bx - ax, by - ay)) // 2)
    t = np.arange(n) / (n - 1)
    xs = np.clip((ax + (bx - ax) * t + 0.5).astype(int), 0, mask.shape[1] - 1)
    ys = np.clip((ay + (by - ay) * t + 0.5).astype(int), 0, mask.shape[0] - 1)
    return float(mask[ys, xs].astype(bool).mean())


def _cover(span, segs) -> float:
    if span is None or span[1] <= span[0]:
        return 0.0
    a, b = span
    pieces = sorted((max(a, min(s[0], s[2])), min(b, max(s[0], s[2]))) for s in segs)
    total, cur_a, cur_b = 0.0, None, None
    for pa, pb in pieces:
        if pb <= pa:
            continue
        if cur_b is None or pa > cur_b:
            if cur_b is not None:
                total += cur_b - cur_a
            cur_a, cur_b = pa, pb
        else:
            cur_b = max(cur_b, pb)
    if cur_b is not None:
        total += cur_b - cur_a
    return total / (b - a)


def _y_at(seg, x: float) -> float:
    ax, ay, bx, by = seg
    if abs(bx - ax) < 1e-6:
        return (ay + by) / 2
    return ay + (by - ay) * (x - ax) / (bx - ax)


def _loop_like(segs, centre: float) -> bool:
    """Two strokes over the same stretch, one well above the name's middle and one well
    below it: the top and bottom of a circle round the name, not a (double) strike."""
    for i, a in enumerate(segs):
        for b in segs[i + 1:]:
            lo = max(min(a[0], a[2]), min(b[0], b[2]))
            hi = min(max(a[0], a[2]), max(b[0], b[2]))
            short = min(abs(a[2] - a[0]), abs(b[2] - b[0])) or 1.0
            if hi - lo < 0.5 * short:
                continue
            mid = (lo + hi) / 2
            ya, yb = _y_at(a, mid) - centre, _y_at(b, mid) - centre
            if min(ya, yb) <= -1.6 and max(ya, yb) >= 1.6:
                return True
    return False


def _through_name(seg, row: Row) -> bool:
    """Does the stroke cross the name's text band somewhere over the name?"""
    x0 = (row.family or row.given)[0]
    x1 = row.given[1]
    lo, hi = max(x0, min(seg[0], seg[2])), min(x1, max(seg[0], seg[2]))
    if hi <= lo:
        return True            # not over the name at all: coverage decides (kept)
    ty0, ty1 = row.text
    ya, yb = _y_at(seg, lo), _y_at(seg, hi)
    return min(ya, yb) <= ty1 - 0.3 and max(ya, yb) >= ty0 + 0.3


def _crossing(seg, row: Row) -> float:
    """Length (mm, along x) over which the stroke runs inside the name's text band, over
    the name."""
    x0 = (row.family or row.given)[0]
    x1 = row.given[1]
    lo, hi = max(x0, min(seg[0], seg[2])), min(x1, max(seg[0], seg[2]))
    if hi <= lo:
        return 0.0
    ty0, ty1 = row.text[0] + 0.3, row.text[1] - 0.3
    xs = np.linspace(lo, hi, 40)
    ys = np.array([_y_at(seg, x) for x in xs])
    return float(((ys >= ty0) & (ys <= ty1)).mean() * (hi - lo))


def _centre_miss(seg, row: Row) -> float | None:
    """How far (mm, up or down) the stroke passes from the middle of the name's letters,
    measured at the middle of the stretch of the name it runs over (None: not over it)."""
    x0, x1 = (row.family or row.given)[0], row.given[1]
    lo, hi = max(x0, min(seg[0], seg[2])), min(x1, max(seg[0], seg[2]))
    if hi - lo < 0.5 * (x1 - x0):
        return None
    return abs(_y_at(seg, (lo + hi) / 2) - (row.text[0] + row.text[1]) / 2)


STRUCK_MISS_MM = 1.0         # ... with other ink over the name, this near the middle of its letters
SOLID_MM = 3.0               # a strike runs this far through the middle of a name's letters
OWN_MISS_MM = 2.0            # a strike through a name passes this near its middle, halfway along it
OTHER_MISS_MM = 1.5          # ... and this much farther from the middle of a neighbour it runs over
                             # the end of (and outside that neighbour's letters there)


def _collinear(seg, base, dist_mm: float = 1.0, max_deg: float = 4.0) -> bool:
    """Is ``seg`` on the line of ``base`` (a piece of the same hand-drawn line)?"""
    ln = float(np.hypot(base[2] - base[0], base[3] - base[1])) or 1.0
    ux, uy = (base[2] - base[0]) / ln, (base[3] - base[1]) / ln
    a1 = np.degrees(np.arctan2(seg[3] - seg[1], seg[2] - seg[0]))
    a0 = np.degrees(np.arctan2(uy, ux))
    d = abs((a1 - a0 + 90) % 180 - 90)
    if d > max_deg:
        return False
    return all(abs((px - base[0]) * -uy + (py - base[1]) * ux) <= dist_mm
               for px, py in ((seg[0], seg[1]), (seg[2], seg[3])))


def _continues(seg, base, dist_mm: float = 2.5, max_deg: float = 8.0, reach_mm: float = 5.0) -> bool:
    """Is ``seg`` a piece of the strike ``base`` or of a second line drawn along it (a double
    strike): nearly parallel, close to its line and touching its length (± ``reach_mm``)?"""
    if _collinear(seg, base, dist_mm, max_deg):
        lo, hi = min(base[0], base[2]) - reach_mm, max(base[0], base[2]) + reach_mm
        return min(seg[0], seg[2]) <= hi and max(seg[0], seg[2]) >= lo
    return False


def assign_strokes(rows: list[Row], segs: list, foreign: dict | None = None) -> tuple[dict[int, list], set[int]]:
    """Each stroke goes to the row whose name it runs through longest; a stroke running
    through two names about as much (≥ 40 % of the longer) makes both rows unsure, unless
    it plainly belongs to one of them: halfway along the name it passes through the middle
    of that name's letters and far from the middle of the other (a steep strike through one
    name runs over the end of its neighbour's). A stroke through no name goes to the row
    holding its middle, unless it lies on the line of a stroke that belongs to a name (the
    rest of that strike, broken where it crossed letters or a rule); so does a piece shared by
    two names lying on the line of a strike that plainly belongs to one. ``foreign`` (if given)
    receives, per row, the strokes of a neighbour's strike running over its name."""
    assigned: dict[int, list] = {}
    torn: set[int] = set()
    owned = []
    loose = []
    shared = []
    by_number = {r.number: r for r in rows}
    scored = [(seg, sorted(((_crossing(seg, r), r.number) for r in rows), reverse=True)) for seg in segs]
    solid = [seg for seg, sc in scored if sc and sc[0][0] >= SOLID_MM and _through_name(seg, by_number[sc[0][1]])]
    for seg, scores in scored:
        if (not scores or scores[0][0] < 1.0 or not _through_name(seg, by_number[scores[0][1]])) \
                and any(base is not seg and _continues(seg, base) for base in solid):
            continue                  # explained: the rest of a strike through a name (or its second line)
        if scores and scores[0][0] > 0.5:
            best, number = scores[0]
            assigned.setdefault(number, []).append(seg)
            others = [n for c, n in scores[1:] if c >= 0.4 * best and c > 1.0]
            if others:
                miss = _centre_miss(seg, by_number[number])
                plain = miss is not None and miss <= OWN_MISS_MM and all(
                    (m := _centre_miss(seg, by_number[n])) is None
                    or m >= max(miss + OTHER_MISS_MM, (by_number[n].text[1] - by_number[n].text[0]) / 2 + 0.5)
                    for n in others)
                if plain:
                    owned.append((seg, number))
                    if foreign is not None:
                        for n in others:
                            foreign.setdefault(n, []).append(seg)
                else:
                    shared.append((seg, number, others))
            else:
                owned.append((seg, number))
            continue
        loose.append(seg)
    for seg, number, others in shared:
        # a piece on the line of a strike that plainly belongs to one name (a long steep line
        # found in pieces) is part of that strike
        base = next(((b, n) for b, n in owned if _collinear(seg, b, 1.5, 6.0) and _continues(seg, b)
                     and _crossing(b, by_number[n]) >= SOLID_MM), None)
        if base is None:
            torn.update({number, *others})
            continue
        assigned[number].remove(seg)
        assigned.setdefault(base[1], []).append(seg)
        if foreign is not None:
            for n in {number, *others} - {base[1]}:
                foreign.setdefault(n, []).append(seg)
    for seg in loose:
        if any(_continues(seg, base) for base, _n in owned):
            continue                  # explained: the rest of a strike through a name
        my = (seg[1] + seg[3]) / 2
        for r in rows:
            if r.box[1] <= my < r.box[3]:
                assigned.setdefault(r.number, []).append(seg)
    return assigned, torn


MARK_REASON = "Có nét lạ (không phải gạch ngang) trong dòng này."
MARKED_STRUCK = "Tên bị gạch; trong dòng còn có nét lạ: có thể là dấu hiệu riêng, Ban bầu cử xem tờ phiếu."


def classify_row(row: Row, segs_mm: list, marked: bool) -> RowReading:
    if marked:
        # other ink in the row: the row is put to a person unless the name is plainly struck
        # (then it is struck whatever else is there; the ink is shown to the board)
        plain = classify_row(row, segs_mm, False)
        if plain.state == STRUCK:
            return RowReading(row.number, STRUCK, MARKED_STRUCK, plain.given, plain.family, "ink")
        return RowReading(row.number, UNSURE, MARK_REASON)
    if not segs_mm:
        return RowReading(row.number, KEPT)
    g = _cover(row.given, segs_mm)
    f = _cover(row.family, segs_mm) if row.family else g
    through = [s for s in segs_mm if _through_name(s, row)]
    if len(through) < len(segs_mm):
        # a stroke over the name but not through its letters (the end of a neighbour's circle,
        # a line along the top): the row is unsure unless the strokes through the letters
        # plainly strike it (then struck, the other ink shown to the board)
        plain = classify_row(row, through, False) if through else None
        centre = (row.text[0] + row.text[1]) / 2
        main = max(through, key=lambda sg: _crossing(sg, row)) if through else None
        miss = _centre_miss(main, row) if main is not None else None
        sides = {_y_at(sg, (sg[0] + sg[2]) / 2) > centre for sg in segs_mm if sg not in through}
        # ... a line through the middle of the letters, the other strokes on one side only (a
        # circle's top and bottom would be on both: held-out photo, a circle read struck)
        if plain is not None and plain.state == STRUCK and miss is not None and miss <= STRUCK_MISS_MM \
                and len(sides) == 1 and not _loop_like(segs_mm, centre):
            return RowReading(row.number, STRUCK, MARKED_STRUCK, plain.given, plain.family, "ink")
        return RowReading(row.number, UNSURE, "Nét gạch không đi qua giữa tên.", g, f)
    if _loop_like(segs_mm, (row.text[0] + row.text[1]) / 2):
        return RowReading(row.number, UNSURE, "Hai nét song song cách xa nhau: có thể là khoanh tròn.", g, f)
    m = _cover(row.middle, segs_mm) if row.middle else 0.0
    if g >= 0.6 and (f >= 0.6 or m >= 0.6):
        # RULES §4.2: only a strike through the họ or tên đệm alone is "not struck"; one
        # through the given name (tên) and on over the name strikes it. A line over the
        # given name alone is put to a person: in a photo it is most often the end of a
        # steep strike through the name above or below.
        return RowReading(row.number, STRUCK, "", g, f)
    if g <= 0.1:
        return RowReading(row.number, KEPT, "Chỉ gạch họ hoặc tên đệm: tính là không gạch.", g, f)
    return RowReading(row.number, UNSURE, "Gạch không hết họ và tên.", g, f)


def read_page(gray: np.ndarray, lookup: Lookup, features_out: list | None = None,
              third_look: bool = True) -> SheetReading:
    """A decoded grayscale photo → the reading of that ballot page. ``features_out`` (training,
    ``bench/omr_train.py``) receives each row's (reading before the third look, its features);
    ``third_look`` lets ``resolve`` decide the rows both readings leave unsure, when its weights
    are shipped (they are not: see README)."""
    t0 = time.perf_counter()
    long_side = max(gray.shape)
    if long_side > MAX_SIDE:
        f = MAX_SIDE / long_side
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    seen = detect_markers(gray)
    code = None
    for top in TOP_MARKER_Y:
        guess = {i: (x, top if i in (0, 1) else y) for i, (x, y) in MARKERS_MM.items()}
        try:
            code = read_code(ink_ratio(straighten(gray, homography(seen, guess))))
        except ReadError:
            continue
        if code is not None:
            break
    if code is None:
        raise ReadError("Không đọc được mã của tờ phiếu (dải ô vuông ở lề dưới): chụp lại rõ hơn.")
    found = lookup(code)
    if found is None:
        raise ReadError("Tờ phiếu này không thuộc lần bầu đang đếm (hoặc in từ một danh sách khác).")
    page, reference = found
    # straighten again with where this page's markers really are (measured from its layout)
    warped = straighten(gray, homography(seen, page.markers))
    ratio = ink_ratio(warped)
    if reference.shape != warped.shape:
        fitted = np.full(warped.shape, 255, np.uint8)
        hh, ww = min(reference.shape[0], warped.shape[0]), min(reference.shape[1], warped.shape[1])
        fitted[:hh, :ww] = reference[:hh, :ww]
        reference = fitted
    check_registration(ratio, reference, page)
    ink = ratio < 0.72
    ref_ink = reference < 170
    ref_wide = cv2.dilate(ref_ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    # printed horizontal rules (row borders) never start a stroke
    hrules = cv2.morphologyEx(ref_ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, 41), np.uint8))
    hrules = cv2.dilate(hrules, np.ones((7, 3), np.uint8)).astype(bool)
    new = ink & ~ref_wide
    new = cv2.morphologyEx(new.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)).astype(bool)
    k = PX_PER_MM
    strokes_px: list = []
    all_strokes: list = []
    if page.rows:
        tx0 = min(r.name_cell[0] for r in page.rows) - 6
        tx1 = max(r.name_cell[2] for r in page.rows) + 6
        ty0 = min(r.box[1] for r in page.rows)
        ty1 = max(r.box[3] for r in page.rows)
        region = (max(0, int((tx0 - 3) * k)), max(0, int((ty0 - 6) * k)),
                  min(ink.shape[1], int((tx1 + 3) * k)), min(ink.shape[0], int((ty1 + 6) * k)))
        thin = ink & ~cv2.dilate(ref_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        all_strokes = merge_collinear(find_strokes(ink & ~hrules, thin, region, follow=ink))
        strokes_px = absorb_near(all_strokes)
    # the voter's ink that is not on a stroke: marks
    stroke_mask = np.zeros(ink.shape, np.uint8)
    for ax, ay, bx, by in all_strokes:
        cv2.line(stroke_mask, (int(ax), int(ay)), (int(bx), int(by)), 1, 9)
    grouped = cv2.morphologyEx(new.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    marks_px = []
    bad_strokes = np.zeros(ink.shape, np.uint8)
    skip = [_mm_box_px(page.seal, 3)] if page.seal else []
    skip += [_mm_box_px((x, y, x + s, y + s), 2) for x, y, s in page.markers.values()]
    if page.code:
        skip.append(_mm_box_px(page.code, 2))
    for i in range(1, n):
        x, y, w, hh, area = stats[i]
        if area < 80 or max(w, hh) < 15:
            continue
        if x < 15 or y < 15 or x + w > ink.shape[1] - 15 or y + hh > ink.shape[0] - 15:
            continue                      # the sheet's own edge
        if any(sx0 <= x and x + w <= sx1 and sy0 <= y and y + hh <= sy1 for sx0, sy0, sx1, sy1 in skip):
            continue
        comp = labels[y:y + hh, x:x + w] == i
        on = int((comp & (stroke_mask[y:y + hh, x:x + w] > 0)).sum())
        if on >= 0.75 * area and not _encloses(comp):
            continue
        marks_px.append((x, y, x + w, y + hh))
        if on:
            bad_strokes[y:y + hh, x:x + w] |= comp.astype(np.uint8)
    if marks_px and strokes_px:
        bad = cv2.dilate(bad_strokes, np.ones((7, 7), np.uint8))
        kept_strokes = []
        for s in strokes_px:
            if _on_share(bad, s) < 0.5:
                kept_strokes.append(s)
        strokes_px = kept_strokes
    segs_mm = [(a / k, b / k, c / k, d / k) for a, b, c, d in strokes_px]
    marks_mm = [(a / k, b / k, c / k, d / k) for a, b, c, d in marks_px]
    rules_all = (hrules | cv2.dilate(cv2.morphologyEx(ref_ink.astype(np.uint8), cv2.MORPH_OPEN,
                                                     np.ones((41, 1), np.uint8)), np.ones((3, 7), np.uint8)).astype(bool))
    loose = (ink & ~rules_all).astype(np.uint8)
    thin_all = cv2.dilate((ink & ~cv2.dilate(ref_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool))
                          .astype(np.uint8), np.ones((5, 5), np.uint8))
    readings, outside = [], []
    foreign: dict[int, list] = {}
    # the pieces of a closed curve round a name (a circle) are no strokes of its neighbours
    rings = [m for m in (_ring_mask(loose, r) for r in page.rows) if m is not None]
    if rings:
        ring = cv2.dilate(np.maximum.reduce(rings), np.ones((5, 5), np.uint8))
        segs_mm = [sg for sg in segs_mm if _on_share(ring, tuple(v * k for v in sg)) < 0.7]
    assigned, torn = assign_strokes(page.rows, segs_mm, foreign)
    for row in page.rows:
        y0, y1 = row.box[1], row.box[3]
        in_row = [m for m in marks_mm
                  if m[1] < y1 and m[3] > y0 and (m[1] + m[3]) / 2 >= y0 - 0.5 and (m[1] + m[3]) / 2 < y1 + 0.5]
        # a mark wholly after the name (a tick, a sign) is no strike through it: the row is read
        # as if it were not there, and the mark is shown to the board (a distinguishing mark?)
        after = [m for m in in_row if _after_name(m, row)]
        marked = len(after) < len(in_row)
        extra_given = _ink_share(new, row.given, row.text)
        if _ringed(loose, row):
            readings.append(RowReading(row.number, UNSURE, "Có nét khép kín quanh tên (khoanh tròn?)."))
        elif row.number in torn:
            readings.append(RowReading(row.number, UNSURE, lines.SHARED_STROKE))
        else:
            reading = classify_row(row, assigned.get(row.number, []), marked)
            # Safety net: a reading of "kept" with the voter's ink over the given name is
            # put to a person (a strike seen only in part must never pass as not struck).
            name_span = ((row.family or row.given)[0], row.given[1])
            if reading.state == STRUCK and min(
                    _ink_share(new, name_span, (row.text[0] - 2.5, row.text[0] - 0.4)),
                    _ink_share(new, name_span, (row.text[1] + 0.4, row.text[1] + 2.5))) > 0.5:
                reading = RowReading(row.number, UNSURE, "Có nét mực cả trên và dưới tên (khoanh tròn?).",
                                     reading.given, reading.family)
            elif reading.state == KEPT and any(_passes_over(sg, row) for sg in segs_mm
                                               if sg not in foreign.get(row.number, []) or _over_given(sg, row)):
                # includes a surname-only strike: proposed "not struck", but put to the board
                reading = RowReading(row.number, UNSURE, "Một nét gạch đi qua tên này (chỉ qua họ/tên đệm?).",
                                     reading.given, reading.family)
            if reading.state == KEPT and any(_goes_on(thin_all, sg, row) for sg in assigned.get(row.number, [])):
                reading = RowReading(row.number, UNSURE, "Nét gạch có thể kéo dài qua cả tên.",
                                     reading.given, reading.family)
            if reading.state == KEPT and not assigned.get(row.number) and \
                    _ink_share(new, name_span, row.text) > 0.2:
                reading = RowReading(row.number, UNSURE, "Có nét mực trên tên mà máy không chắc là gạch.")
            if reading.state == KEPT and extra_given > 0.25:
                reading = RowReading(row.number, UNSURE, "Có nét mực trên tên mà máy không chắc là gạch.",
                                     reading.given, reading.family)
            if after and reading.state == KEPT:
                reading = RowReading(row.number, KEPT, AFTER_REASON, reading.given, reading.family, "ink")
            elif after and reading.state == STRUCK and not reading.mark:
                reading = RowReading(row.number, STRUCK, MARKED_STRUCK, reading.given, reading.family, "ink")
            readings.append(reading)
    if page.rows:
        # a second, independent reading by the line through each name: both must see a strike
        second, _segs, _explained = lines.classify_rows(page.rows, *lines.masks(ratio, reference, 0.72))
        readings = [combine(a, b) for a, b in zip(readings, second)]
        readings = third_look_rows(readings, page.rows, ratio, reference,
                                   resolve.load() if third_look else None, features_out)
    for m in marks_mm:
        cy = (m[1] + m[3]) / 2
        if not any(r.box[1] - 0.5 <= cy < r.box[3] + 0.5 for r in page.rows):
            outside.append(m)
    return SheetReading(code=code, rows=readings, marks=outside, strokes=segs_mm,
                        row_marks=[m for m in marks_mm if m not in outside],
                        seconds=time.perf_counter() - t0)


REGISTRATION_MAX_PX = 2.5      # the photo's printed letters at most this far (px: 0.5 mm) from the page's
MISREGISTERED = ("Ảnh không khớp với mẫu tờ phiếu (tờ phiếu cong, gấp hoặc bị nhòe?): đặt phẳng tờ phiếu và chụp "
                 "lại.")


def check_registration(ratio: np.ndarray, reference: np.ndarray, page: PageLayout) -> None:
    """The straightened photo must lie on the clean page: in each band of the name rows the
    printed letters are found by phase correlation no more than ``REGISTRATION_MAX_PX`` from
    where the clean page has them. Otherwise the letters' own edges look like the voter's ink
    along the name (seed 20261203, ballot 810, page 2: 5.7 px across and 3.8 down, a blank name
    read struck by both readings), so the photo is refused and taken again rather than read."""
    if not page.rows:
        return
    k = PX_PER_MM
    x0 = max(0, int((min(r.name_cell[0] for r in page.rows) - 2) * k))
    x1 = min(ratio.shape[1], int((max(r.name_cell[2] for r in page.rows) + 2) * k))
    y_top = max(0, int(min(r.box[1] for r in page.rows) * k))
    y_end = min(ratio.shape[0], int(max(r.box[3] for r in page.rows) * k))
    window = None
    for y0 in range(y_top, y_end, REGISTRATION_BAND_PX):
        y1 = min(y_end, y0 + REGISTRATION_BAND_PX)
        if y1 - y0 < REGISTRATION_BAND_PX // 2:
            break
        ref = (reference[y0:y1, x0:x1] < 170).astype(np.float32)
        if ref.mean() < 0.01:
            continue                       # nothing printed here to measure on
        dark = np.clip(1.0 - ratio[y0:y1, x0:x1], 0.0, 1.0).astype(np.float32)
        if window is None or window.shape != ref.shape[::-1]:
            window = cv2.createHanningWindow(ref.shape[::-1], cv2.CV_32F)
        (dx, dy), response = cv2.phaseCorrelate(ref, dark, window)
        if response >= 0.05 and max(abs(dx), abs(dy)) > REGISTRATION_MAX_PX:
            raise ReadError(MISREGISTERED)


REGISTRATION_BAND_PX = 150


PART_REASON = "Gạch không hết họ và tên."
PART_SEEN = 0.3
# (not "Nét gạch không đi qua giữa tên.": strokes that miss the middle of the name are the
# top and bottom of a circle as often as a lost strike; held-out photo, a circle read struck)
# nor "Một nét gạch đi qua cả tên này và tên bên cạnh.": a neighbour's strike over this tên
# (held-out photo: a middle-name-only strike read struck)
SECOND_DECIDES = ("Gạch không hết họ và tên.",)


def combine(first: RowReading, second) -> RowReading:
    """The stroke finder's reading and the line reading (``lines``) of one row → what is
    proposed: "struck" only when both see a strike through the whole name; "kept" when one
    sees a clean name (or a strike through the họ or tên đệm only) and the other sees no
    strike; otherwise the row is put to a person, with the reason of the one in doubt."""
    if first.state == STRUCK and second.state == STRUCK:
        return first
    if second.state == STRUCK and first.state == UNSURE and first.reason in SECOND_DECIDES \
            and not getattr(second, "partial", False) \
            and (first.reason != PART_REASON or min(first.given, first.family) >= PART_SEEN):
        # (a line lost in the letters is still seen at both ends of the name: held-out photo,
        # a rotated sheet whose printed letters were read as a line over part of the name)
        # the stroke finder lost the line in the letters; the line reading saw it whole
        return RowReading(first.number, STRUCK, "", second.given, second.family)
    if STRUCK in (first.state, second.state):
        doubt = first if first.state != STRUCK else second
        return RowReading(first.number, UNSURE, doubt.reason or "Hai cách đọc không khớp: xem lại dòng này.",
                          second.given, second.family)
    if first.state == KEPT:
        if second.mark:
            return RowReading(first.number, KEPT, second.reason, first.given, first.family, second.mark)
        return first
    if second.state == KEPT:
        return RowReading(first.number, KEPT, second.reason, second.given, second.family, second.mark)
    return first


def _encloses(comp: np.ndarray) -> bool:
    """A closed loop (a circle round a name) encloses paper: a hole of some size."""
    contours, hierarchy = cv2.findContours(comp.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    min_area = 12 * PX_PER_MM * PX_PER_MM
    return any(h[3] >= 0 and cv2.contourArea(c) >= min_area for c, h in zip(contours, hierarchy[0]))


def _passes_over(seg, row: Row) -> bool:
    """Does the stroke run through the row's text over the name for 3 mm or more?"""
    x0 = (row.family or row.given)[0]
    lo, hi = max(x0, min(seg[0], seg[2])), min(row.given[1], max(seg[0], seg[2]))
    if hi - lo < 1.0:
        return False
    xs = np.linspace(lo, hi, 30)
    ys = np.array([_y_at(seg, x) for x in xs])
    return bool(((ys > row.text[0] + 0.5) & (ys < row.text[1] - 0.5)).mean() * (hi - lo) >= 3.0)


AFTER_REASON = ("Có dấu (không phải gạch) sau tên: tính là không gạch. Có thể là dấu hiệu riêng: "
                "Ban bầu cử xem tờ phiếu.")
AFTER_GAP_MM = 1.5


def _after_name(box, row: Row) -> bool:
    """Is the mark (mm box) wholly after the name, clear of its letters, within the name's
    cell and near its line (a tick after the name)?"""
    return box[0] >= row.given[1] + AFTER_GAP_MM and box[2] <= row.name_cell[2] + 1.0 \
        and box[1] >= row.box[1] - 2.0 and box[3] <= row.box[3] + 2.0


def _over_given(seg, row: Row) -> bool:
    """Does the stroke run through the given name's letters (1 mm or more)?"""
    lo, hi = max(row.given[0], min(seg[0], seg[2])), min(row.given[1], max(seg[0], seg[2]))
    if hi - lo <= 0:
        return False
    xs = np.linspace(lo, hi, 20)
    ys = np.array([_y_at(seg, x) for x in xs])
    return bool(((ys > row.text[0] + 0.5) & (ys < row.text[1] - 0.5)).mean() * (hi - lo) >= 1.0)


def _goes_on(thin: np.ndarray, seg, row: Row) -> bool:
    """Is there more of the voter's ink along the stroke's line past its right end, over the
    rest of the name? (a strike seen only over the surname must not pass as "surname only")"""
    x_end = max(seg[0], seg[2])
    x_stop = row.given[1] + 3
    if x_stop - x_end < 2:
        return False
    k = PX_PER_MM
    xs = np.linspace(x_end + 1.0, x_stop, 40)
    ys = np.array([_y_at(seg, x) for x in xs])
    px = np.clip((xs * k).astype(int), 0, thin.shape[1] - 1)
    py = np.clip((ys * k).astype(int), 0, thin.shape[0] - 1)
    return float(thin[py, px].astype(bool).mean()) >= 0.2


def _ink_share(new: np.ndarray, span, text) -> float:
    """Share of the columns over ``span`` (mm) with the voter's ink near the text band."""
    if span is None:
        return 0.0
    k = PX_PER_MM
    x0, x1 = int(span[0] * k), int(span[1] * k)
    y0, y1 = int((text[0] - 1.0) * k), int((text[1] + 1.0) * k)
    crop = new[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return 0.0
    return float(crop.any(axis=0).mean())


def _ring_mask(loose: np.ndarray, row: Row) -> np.ndarray | None:
    """The closed curve round the name (``_ringed``) drawn on a page-sized mask, or None."""
    k = PX_PER_MM
    x0 = max(0, int(((row.family or row.given)[0] - 8) * k))
    y0 = max(0, int((row.text[0] - 4) * k))
    x1, y1 = int((row.given[1] + 12) * k), int((row.text[1] + 4) * k)
    crop = loose[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return None
    # a loop round the name: a hole holding the middle of the name's letters
    cx = (((row.family or row.given)[0] + row.given[1]) / 2) * k - x0
    cy = ((row.text[0] + row.text[1]) / 2) * k - y0
    holes = [c for c, h in zip(contours, hierarchy[0]) if h[3] >= 0 and cv2.contourArea(c) >= 10 * k * k
             and cv2.pointPolygonTest(c, (float(cx), float(cy)), False) >= 0]
    if not holes:
        return None
    mask = np.zeros(loose.shape, np.uint8)
    cv2.drawContours(mask[y0:y1, x0:x1], holes, -1, 1, 3)
    return mask


def _ringed(loose: np.ndarray, row: Row) -> bool:
    """Ink (printed rules left out) closing a loop round part of the name: a circle."""
    k = PX_PER_MM
    x0 = int(((row.family or row.given)[0] - 8) * k)
    x1 = int((row.given[1] + 12) * k)
    y0 = int((row.text[0] - 4) * k)
    y1 = int((row.text[1] + 4) * k)
    crop = loose[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return False
    contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    min_area = 10 * k * k
    return any(h[3] >= 0 and cv2.contourArea(c) >= min_area for c, h in zip(contours, hierarchy[0]))


def _mm_box_px(box, pad_mm: float):
    k = PX_PER_MM
    return ((box[0] - pad_mm) * k, (box[1] - pad_mm) * k, (box[2] + pad_mm) * k, (box[3] + pad_mm) * k)


def read_photo(data: bytes, lookup: Lookup, features_out: list | None = None,
               third_look: bool = True) -> SheetReading:
    """Image bytes → reading. Nothing is written anywhere; the caller drops ``data``."""
    return read_page(decode_image(data), lookup, features_out, third_look)


RESOLVED_PREFIX = "Máy đọc lại dòng này (nhìn cả hình): "
RESOLVED_STRUCK = RESOLVED_PREFIX + "gạch cả họ và tên."
RESOLVED_KEPT = RESOLVED_PREFIX + "không gạch tên."


def third_look_rows(readings: list, rows: list[Row], ratio: np.ndarray, reference: np.ndarray,
                    net: resolve.Net | None, features_out: list | None = None) -> list:
    """The rows both readings leave unsure, looked at once more as a picture by ``net``
    (``resolve``): decided only where every network of the ensemble is sure, and never "struck"
    next to a circled name or for a stroke shared with a neighbour (``resolve.never_struck``); a
    row the readings agree on is never changed; a mark seen in the row stays shown to the board."""
    unsure = [i for i, r in enumerate(readings) if r.state == UNSURE]
    if (net is None or not unsure) and features_out is None:
        return readings
    if features_out is not None:
        grids = np.stack([resolve.row_features(ratio, reference, row) for row in rows])
        features_out.extend(zip(readings, grids))
        grids = grids[unsure]
    else:
        grids = np.stack([resolve.row_features(ratio, reference, rows[i]) for i in unsure])
    if net is None or not unsure:
        return readings
    out = list(readings)
    reasons = {r.number: r.reason for r in readings}
    for i, verdict in zip(unsure, net.decide(net.inputs(grids, [readings[i] for i in unsure]))):
        if verdict is None or verdict == STRUCK and resolve.never_struck(reasons, readings[i].number):
            continue
        r = readings[i]
        why = RESOLVED_STRUCK if verdict == STRUCK else RESOLVED_KEPT
        mark = r.mark or ("ink" if verdict == KEPT and ("khoanh" in r.reason or "nét lạ" in r.reason) else "")
        out[i] = RowReading(r.number, verdict, why + " (" + r.reason + ")" if r.reason else why,
                            r.given, r.family, mark)
    return out
