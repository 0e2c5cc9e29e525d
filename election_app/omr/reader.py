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

from . import codes
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


def find_page(gray: np.ndarray) -> np.ndarray:
    """Homography from image pixels to page millimetres, from the corner markers."""
    corners, ids, _ = _detector().detectMarkers(gray)
    src, dst = [], []
    seen = set()
    if ids is not None:
        for c, i in zip(corners, ids.ravel()):
            i = int(i)
            if i in MARKERS_MM and i not in seen:
                seen.add(i)
                x, y = MARKERS_MM[i]
                s = codes.MARKER_MM
                src += list(c.reshape(4, 2))
                dst += [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
    if len(seen) < 3:
        raise ReadError("Không thấy đủ các ô mốc ở góc phiếu: chụp lại cho thấy cả bốn góc tờ phiếu.")
    h, _ = cv2.findHomography(np.float32(src), np.float32(dst), 0)
    if h is None:
        raise ReadError("Không dựng lại được tờ phiếu từ ảnh: chụp lại thẳng hơn.")
    return h


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


def find_strokes(ink: np.ndarray, new: np.ndarray, region: tuple[int, int, int, int]
                 ) -> list[tuple[float, float, float, float]]:
    """Straight strokes in ``region`` (x0, y0, x1, y1 px) as segments (x0, y0, x1, y1) in px.
    A stroke is a run along some angle where the photo is inked almost all the way and a
    good part of that ink is not printed text (``new``)."""
    x0, y0, x1, y1 = region
    sub = ink[y0:y1, x0:x1].astype(np.uint8)
    subn = new[y0:y1, x0:x1].astype(np.uint8)
    h, w = sub.shape
    cx, cy = w / 2, h / 2
    diag = int(np.hypot(w, h)) + 2
    min_len = int(MIN_RUN_MM * PX_PER_MM)
    cands = []
    for a in ANGLES:
        m = cv2.getRotationMatrix2D((cx, cy), float(a), 1.0)
        m[0, 2] += (diag - w) / 2
        m[1, 2] += (diag - h) / 2
        r = cv2.warpAffine(sub, m, (diag, diag), flags=cv2.INTER_NEAREST)
        rn = cv2.warpAffine(subn, m, (diag, diag), flags=cv2.INTER_NEAREST)
        band = cv2.dilate(r, np.ones((3, 1), np.uint8))            # ±1 px: angle steps, wobble
        closed = cv2.morphologyEx(band, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8))
        rows, starts, ends = _runs(closed, min_len)
        if not len(rows):
            continue
        bandn = cv2.dilate(rn, np.ones((3, 1), np.uint8))
        cs_fill = np.cumsum(np.pad(band, ((0, 0), (1, 0))), axis=1)
        cs_new = np.cumsum(np.pad(bandn, ((0, 0), (1, 0))), axis=1)
        length = ends - starts
        fill = (cs_fill[rows, ends] - cs_fill[rows, starts]) / length
        newf = (cs_new[rows, ends] - cs_new[rows, starts]) / length
        ok = (fill >= 0.93) & (newf >= 0.3)
        if not ok.any():
            continue
        inv = cv2.invertAffineTransform(m)
        for rr, s, e in zip(rows[ok], starts[ok], ends[ok]):
            p = np.array([[s, rr, 1.0], [e - 1, rr, 1.0]]) @ inv.T
            cands.append((e - s, p[0, 0] + x0, p[0, 1] + y0, p[1, 0] + x0, p[1, 1] + y0))
    # Longest first; a candidate mostly on strokes already kept is the same stroke again.
    cands.sort(key=lambda c: -c[0])
    drawn = np.zeros(ink.shape, np.uint8)
    strokes = []
    for _, ax, ay, bx, by in cands:
        if _on_share(drawn, (ax, ay, bx, by)) > 0.5:
            continue
        seg = _extend(ink, (ax, ay, bx, by))
        if _on_share(drawn, seg) > 0.6:
            continue
        cv2.line(drawn, (int(seg[0]), int(seg[1])), (int(seg[2]), int(seg[3])), 1, 5)
        strokes.append(seg)
    return strokes


def _extend(ink: np.ndarray, seg, step_mm: float = 1.0, max_mm: float = 60.0):
    """Follow a stroke past its ends (through printed letters) while the ink goes on along
    the same line: a window of ``step_mm`` must be inked almost all the way (±1 px)."""
    ax, ay, bx, by = seg
    length = float(np.hypot(bx - ax, by - ay)) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    band = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8))
    step = step_mm * PX_PER_MM
    n = int(step)
    out = [ax, ay, bx, by]
    for sign, (i, j) in ((1, (2, 3)), (-1, (0, 1))):
        x, y = out[i], out[j]
        went = 0.0
        while went < max_mm * PX_PER_MM:
            ts = np.arange(1, n + 1)
            xs = np.round(x + sign * ux * ts).astype(int)
            ys = np.round(y + sign * uy * ts).astype(int)
            if xs.min() < 0 or ys.min() < 0 or xs.max() >= ink.shape[1] or ys.max() >= ink.shape[0]:
                break
            if band[ys, xs].mean() < 0.9:
                break
            x, y = x + sign * ux * n, y + sign * uy * n
            went += n
        out[i], out[j] = x, y
    return tuple(out)


def _on_share(mask: np.ndarray, seg) -> float:
    """Share of the points along ``seg`` that fall on ``mask``."""
    ax, ay, bx, by = seg
    n = max(2, int(np.hypot(bx - ax, by - ay)))
    xs = np.clip(np.round(np.linspace(ax, bx, n)).astype(int), 0, mask.shape[1] - 1)
    ys = np.clip(np.round(np.linspace(ay, by, n)).astype(int), 0, mask.shape[0] - 1)
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


def classify_row(row: Row, segs_mm: list, marked: bool) -> RowReading:
    if marked:
        return RowReading(row.number, UNSURE, "Có nét lạ (không phải gạch ngang) trong dòng này.")
    if not segs_mm:
        return RowReading(row.number, KEPT)
    g = _cover(row.given, segs_mm)
    f = _cover(row.family, segs_mm) if row.family else g
    ty0, ty1 = row.text
    for s in segs_mm:
        my = (s[1] + s[3]) / 2
        if not (ty0 - 0.8 <= my <= ty1 + 0.8):
            return RowReading(row.number, UNSURE, "Nét gạch không đi qua giữa tên.", g, f)
    mids = sorted((s[1] + s[3]) / 2 for s in segs_mm)
    if len(mids) > 1 and mids[-1] - mids[0] >= 3.0:
        return RowReading(row.number, UNSURE, "Hai nét song song cách xa nhau: có thể là khoanh tròn.", g, f)
    if g >= 0.6 and f >= 0.6:
        return RowReading(row.number, STRUCK, "", g, f)
    if g <= 0.1:
        return RowReading(row.number, KEPT, "Chỉ gạch họ hoặc tên đệm: tính là không gạch.", g, f)
    return RowReading(row.number, UNSURE, "Gạch không hết họ và tên.", g, f)


def read_page(gray: np.ndarray, lookup: Lookup) -> SheetReading:
    """A decoded grayscale photo → the reading of that ballot page."""
    t0 = time.perf_counter()
    long_side = max(gray.shape)
    if long_side > MAX_SIDE:
        f = MAX_SIDE / long_side
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    h = find_page(gray)
    warped = straighten(gray, h)
    ratio = ink_ratio(warped)
    code = read_code(ratio)
    if code is None:
        raise ReadError("Không đọc được mã của tờ phiếu (dải ô vuông ở lề dưới): chụp lại rõ hơn.")
    found = lookup(code)
    if found is None:
        raise ReadError("Tờ phiếu này không thuộc lần bầu đang đếm (hoặc in từ một danh sách khác).")
    page, reference = found
    if reference.shape != warped.shape:
        fitted = np.full(warped.shape, 255, np.uint8)
        hh, ww = min(reference.shape[0], warped.shape[0]), min(reference.shape[1], warped.shape[1])
        fitted[:hh, :ww] = reference[:hh, :ww]
        reference = fitted
    ink = ratio < 0.72
    ref_ink = reference < 170
    ref_wide = cv2.dilate(ref_ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    # printed rules (table borders) are never part of a stroke
    rules = (cv2.morphologyEx(ref_ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, 41), np.uint8))
             | cv2.morphologyEx(ref_ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((41, 1), np.uint8)))
    rules = cv2.dilate(rules, np.ones((5, 5), np.uint8)).astype(bool)
    new = ink & ~ref_wide
    new = cv2.morphologyEx(new.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)).astype(bool)
    k = PX_PER_MM
    strokes_px: list = []
    if page.rows:
        tx0 = min(r.box[0] for r in page.rows)
        tx1 = max(r.box[2] for r in page.rows)
        ty0 = min(r.box[1] for r in page.rows)
        ty1 = max(r.box[3] for r in page.rows)
        region = (max(0, int((tx0 - 3) * k)), max(0, int((ty0 - 6) * k)),
                  min(ink.shape[1], int((tx1 + 3) * k)), min(ink.shape[0], int((ty1 + 6) * k)))
        thin = ink & ~cv2.dilate(ref_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        strokes_px = find_strokes(ink, thin, region)
    # the voter's ink that is not on a stroke: marks
    stroke_mask = np.zeros(ink.shape, np.uint8)
    for ax, ay, bx, by in strokes_px:
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
    readings, outside = [], []
    for row in page.rows:
        y0, y1 = row.box[1], row.box[3]
        mine = [s for s in segs_mm if y0 <= (s[1] + s[3]) / 2 < y1]
        marked = any(m[1] < y1 and m[3] > y0 and (m[1] + m[3]) / 2 >= y0 - 0.5 and (m[1] + m[3]) / 2 < y1 + 0.5
                     for m in marks_mm)
        readings.append(classify_row(row, mine, marked))
    for m in marks_mm:
        cy = (m[1] + m[3]) / 2
        if not any(r.box[1] - 0.5 <= cy < r.box[3] + 0.5 for r in page.rows):
            outside.append(m)
    return SheetReading(code=code, rows=readings, marks=outside, strokes=segs_mm,
                        row_marks=[m for m in marks_mm if m not in outside],
                        seconds=time.perf_counter() - t0)


def _encloses(comp: np.ndarray) -> bool:
    """A closed loop (a circle round a name) encloses paper: a hole of some size."""
    contours, hierarchy = cv2.findContours(comp.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    min_area = 12 * PX_PER_MM * PX_PER_MM
    return any(h[3] >= 0 and cv2.contourArea(c) >= min_area for c, h in zip(contours, hierarchy[0]))


def _mm_box_px(box, pad_mm: float):
    k = PX_PER_MM
    return ((box[0] - pad_mm) * k, (box[1] - pad_mm) * k, (box[2] + pad_mm) * k, (box[3] + pad_mm) * k)


def read_photo(data: bytes, lookup: Lookup) -> SheetReading:
    """Image bytes → reading. Nothing is written anywhere; the caller drops ``data``."""
    return read_page(decode_image(data), lookup)
