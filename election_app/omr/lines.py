"""A second, independent reading of the name rows (issue 18): for each name, the straight
line through the middle of its letters (±17°) that follows the voter's ink best, measured on
the paper between and inside the printed letters. ``reader`` asks it beside its own stroke
finder and proposes "struck" only when both see a strike, "kept" when either sees a clean
name and the other no strike; anything else is put to a person.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from .layout import Row

PX_PER_MM = 5.0
KEPT, STRUCK, UNSURE = "kept", "struck", "unsure"
SOFT_INK = 0.85             # faint ink (a light pen, a blurred photo), for the safety checks


@dataclass
class LineReading:
    number: int
    state: str
    reason: str = ""
    given: float = 0.0
    family: float = 0.0
    partial: bool = False      # struck by the given name and part of the rest, not every part
    mark: str = ""             # a mark that is no strike (a circle round the name): for the board


LINE_ANGLES = np.radians(np.arange(-17.0, 17.01, 1.0))
STRUCK_MIN = 0.7            # every part of the name this much under one line: struck
MIDDLE_MM = 1.2            # a strike passes this near the middle of the letters
OFF_MAX_MM = 1.8           # a strike crosses the name's middle this near the middle of its letters
FIRM_MIN = 0.15            # ... and on the paper well away from the letters
FAINT_MAX = 0.3             # the given name less than this under the line (and no ink on it): kept
MID_BAND_MM = 0.8           # the middle of the letters: the text band less this at top and bottom
CIRCLE_MID_MAX = 0.12       # a circle leaves the middle of the name (nearly) free of ink
CIRCLE_REASON = "Tên được khoanh tròn, không gạch: tính là không gạch. Có thể là dấu hiệu riêng: Ban bầu cử xem tờ phiếu."
CORE_IN_MM = 0.4
PARTIAL_OFF_MM = 1.0        # a strike over only part of the name must run through its middle            # the given name's own letters start this far into its box


@dataclass
class LineFit:
    """The straight line that best follows the voter's ink over a name (pixels): its slope,
    where it crosses the middle of the name, and how much of the name it covers (share of
    the paper between the printed letters with ink on the line), as a whole and per part."""
    tan: float
    x_mid: float
    y_mid: float
    whole: float
    parts: dict[str, float]
    firm: dict[str, float]
    core: float = -1.0              # the given name's own letters only (not the space before it)
    firm_own: float = -1.0          # ``firm`` of the given name without the paper after it
    reach: float = -1.0             # the rightmost point of the line with the voter's ink (mm)

    def y_at(self, x):
        return self.y_mid + self.tan * (x - self.x_mid)


def name_parts(row: Row) -> dict[str, tuple[float, float]]:
    parts = {}
    if row.family:
        parts["family"] = row.family
    if row.middle:
        parts["middle"] = row.middle
    # the given name with the space before it and a little after: a bold short name (Hà, Vy)
    # has hardly any paper between its letters, a line through it crosses those
    before = (row.middle or row.family or (row.given[0] - 1.0, row.given[0] - 1.0))[1]
    parts["given"] = (min(before, row.given[0]), row.given[1] + 1.0)
    return parts


def _name_columns(voter: np.ndarray, row: Row):
    """The image's columns over the whole name (from the family name to 1 mm after the given
    name) as ``(x0_mm, x1_mm, columns)``, or None when the name is too short to fit a line."""
    k = PX_PER_MM
    x0 = (row.family or row.given)[0]
    x1 = row.given[1] + 1.0
    xs = np.clip(np.arange(int(x0 * k), int(x1 * k) + 1), 0, voter.shape[1] - 1)
    return (x0, x1, xs) if len(xs) >= 5 else None


def _sample_lines(voter: np.ndarray, blank: np.ndarray, xs, xm, cs, tans):
    """Every straight line of slope ``tans`` through each pixel row ``cs`` at column ``xm``,
    sampled over the columns ``xs``: its pixel rows, the paper under it (``blank``), the
    voter's ink on that paper, and the share of that paper inked (slope × row)."""
    ys = np.rint(cs[None, :, None] + tans[:, None, None] * (xs - xm)[None, None, :]).astype(np.intp)
    np.clip(ys, 0, voter.shape[0] - 1, out=ys)
    b = blank[ys, xs]
    v = voter[ys, xs] & b
    return ys, b, v, v.sum(axis=2) / np.maximum(b.sum(axis=2), 1)


def fit_line(voter: np.ndarray, blank: np.ndarray, row: Row, y_lo_mm: float, y_hi_mm: float,
             firm: tuple[np.ndarray, np.ndarray] | None = None) -> LineFit | None:
    """Try every straight line (±17°, 1° steps) crossing the middle of the name between
    ``y_lo_mm`` and ``y_hi_mm``; keep the one with the most ink on the paper between the
    printed letters over the whole name. ``voter`` is the voter's ink widened ±2 px across
    (a wobbling hand); ``blank`` the paper where nothing is printed. ``firm`` (ink, paper)
    measures the parts again on the chosen line with only the paper well away from the
    letters (fewer points, but no letter edges blurred into "ink")."""
    k = PX_PER_MM
    columns = _name_columns(voter, row)
    if columns is None:
        return None
    x0, x1, xs = columns
    xm = (x0 + x1) / 2 * k
    cs = np.arange(int(y_lo_mm * k), int(y_hi_mm * k) + 1)
    tans = np.tan(LINE_ANGLES)
    ys, b, v, score = _sample_lines(voter, blank, xs, xm, cs, tans)
    # only lines that pass through the middle of the letters somewhere over the name: the
    # top and bottom of a circle round the name never do
    centre = (row.text[0] + row.text[1]) / 2 * k
    ends = ys[:, :, [0, -1]]
    through = (ends.min(axis=2) - MIDDLE_MM * k <= centre) & (ends.max(axis=2) + MIDDLE_MM * k >= centre)
    score = np.where(through, score, -1.0)
    ai, ci = np.unravel_index(int(np.argmax(score)), score.shape)
    cover = {}
    for name, (p0, p1) in name_parts(row).items():
        cols = (xs >= p0 * k) & (xs <= p1 * k)
        nb = int(b[ai, ci, cols].sum())
        cover[name] = float(v[ai, ci, cols].sum() / nb) if nb >= 3 else -1.0
    cols = (xs >= (row.given[0] + CORE_IN_MM) * k) & (xs <= row.given[1] * k)
    nb = int(b[ai, ci, cols].sum())
    core = float(v[ai, ci, cols].sum() / nb) if nb >= 3 else -1.0
    firm_cover = {}
    if firm is not None:
        yy, bb = ys[ai, ci], firm[1][ys[ai, ci], xs]
        vv = firm[0][yy, xs] & bb
        for name, (p0, p1) in name_parts(row).items():
            cols = (xs >= p0 * k) & (xs <= p1 * k)
            nb = int(bb[cols].sum())
            firm_cover[name] = float(vv[cols].sum() / nb) if nb >= 3 else -1.0
        # the given name without the paper after it (a strike may stop at the name's end)
        cols = (xs >= name_parts(row)["given"][0] * k) & (xs <= row.given[1] * k)
        nb = int(bb[cols].sum())
        firm_own = float(vv[cols].sum() / nb) if nb >= 3 else -1.0
    else:
        firm_own = -1.0
    inked = xs[v[ai, ci]]
    reach = float(inked.max()) / k if len(inked) else -1.0
    return LineFit(float(tans[ai]), float(xm), float(cs[ci]), float(score[ai, ci]), cover, firm_cover, core,
                   firm_own, reach)


SECOND_MIN = 0.75           # a second line of a double strike covers this much of the name
SECOND_DEG = 5.0            # ... nearly parallel to the first
SECOND_THIRD_MIN = 0.7      # ... and this much of each third of it
SECOND_GAP_MM = 2.4         # ... at most this far from it halfway (a flat circle is taller)


def _second_line(voter: np.ndarray, blank: np.ndarray, row: Row, first: LineFit) -> LineFit | None:
    """The second line of a double strike: a straight line nearly parallel to ``first``
    (±``SECOND_DEG``), through the name's text band (±1 mm) and at most ``SECOND_GAP_MM``
    from the first halfway along it, with the voter's ink (``first`` left out)
    on the paper between the letters over ``SECOND_MIN`` of the whole name, 0.6 of every
    part and ``SECOND_THIRD_MIN`` of each third. A circle's top or bottom is curved: a straight line follows it over much less."""
    k = PX_PER_MM
    columns = _name_columns(voter, row)
    if columns is None:
        return None
    xs = columns[2]
    base = np.degrees(np.arctan(first.tan))
    tans = np.tan(np.radians(np.arange(base - SECOND_DEG, base + SECOND_DEG + 0.01, 1.0)))
    lo = max(row.text[0] - 1.0, first.y_mid / k - SECOND_GAP_MM)
    hi = min(row.text[1] + 1.0, first.y_mid / k + SECOND_GAP_MM)
    cs = np.arange(int(lo * k), int(hi * k) + 1)
    if len(cs) == 0:
        return None
    xm = first.x_mid
    _ys, b, v, score = _sample_lines(voter, blank, xs, xm, cs, tans)
    ai, ci = np.unravel_index(int(np.argmax(score)), score.shape)
    if score[ai, ci] < SECOND_MIN:
        return None
    for p0, p1 in name_parts(row).values():
        cols = (xs >= p0 * k) & (xs <= p1 * k)
        nb = int(b[ai, ci, cols].sum())
        if nb >= 8 and v[ai, ci, cols].sum() / nb < 0.6:
            return None
    # straight all along: each third of the name well covered (a flat circle's top or bottom
    # leaves the line at both ends)
    for third in np.array_split(np.arange(len(xs)), 3):
        nb = int(b[ai, ci, third].sum())
        if nb >= 5 and v[ai, ci, third].sum() / nb < SECOND_THIRD_MIN:
            return None
    return LineFit(float(tans[ai]), float(xm), float(cs[ci]), float(score[ai, ci]), {}, {})


def own_cover(voter: np.ndarray, blank: np.ndarray, row: Row, fit: LineFit, others: list) -> dict[str, tuple[float, float]]:
    """Per part (and ``core``, the given name's own letters): the cover on ``fit`` (as
    ``fit_line``) measured only where no other name's line runs, and the share of the part's
    paper left to measure it on (−1, 0 when too little paper). ``others`` holds (line, x0, x1)
    in pixels, each ±``OTHER_BAND_PX`` across. A steep strike through a neighbour runs on over
    this name's letters: a strike through this name's họ or tên đệm alone must not borrow it to
    reach the given name, while a strike of its own crossing the neighbour's is seen on each
    side of the crossing."""
    k = PX_PER_MM
    columns = _name_columns(voter, row)
    if columns is None:
        return {}
    xs = columns[2]
    ys = np.clip(np.rint(fit.y_at(xs)).astype(np.intp), 0, voter.shape[0] - 1)
    b = blank[ys, xs]
    theirs = np.zeros(len(xs), bool)
    for line, x0, x1 in others:
        theirs |= (np.abs(ys - line.y_at(xs)) <= OTHER_BAND_PX) & (xs >= x0) & (xs <= x1)
    v = voter[ys, xs] & b
    spans = dict(name_parts(row))
    spans["core"] = (row.given[0] + CORE_IN_MM, row.given[1])
    out = {}
    for name, (p0, p1) in spans.items():
        cols = (xs >= p0 * k) & (xs <= p1 * k)
        nb = int(b[cols].sum())
        left = cols & ~theirs
        nl = int(b[left].sum())
        out[name] = (float(v[left].sum() / nl) if nl >= 3 else -1.0, nl / nb if nb >= 3 else 1.0)
    return out


OTHER_BAND_PX = 4


def columns_px(row: Row) -> np.ndarray:
    return np.arange(int((row.family or row.given)[0] * PX_PER_MM), int(row.given[1] * PX_PER_MM) + 1)


def _centred(voter: np.ndarray, fit: LineFit, xs: np.ndarray, half: int = 4) -> LineFit:
    """``fit`` moved onto the middle of the ink it follows (least squares over the name's
    columns, ±``half`` px): the best line is one of several equally good ones (a pen 0.5 mm wide
    is covered by lines a few degrees apart), and far past the name's end, on a neighbour's
    letters, those lines are more than a pen's width apart."""
    xs = xs[(xs >= 0) & (xs < voter.shape[1])]
    if len(xs) < 10:
        return fit
    offsets = np.arange(-half, half + 1)
    ys = np.rint(fit.y_at(xs)).astype(np.intp)[None, :] + offsets[:, None]
    inside = (ys >= 0) & (ys < voter.shape[0])
    ink = voter[np.clip(ys, 0, voter.shape[0] - 1), xs[None, :]] & inside
    seen = ink.sum(axis=0)
    keep = seen > 0
    if keep.sum() < 10:
        return fit
    centre = (ink * offsets[:, None]).sum(axis=0)[keep] / seen[keep]
    slope, at = np.polyfit(xs[keep].astype(float), fit.y_at(xs[keep]) + centre, 1)
    return replace(fit, tan=float(slope), y_mid=float(slope * fit.x_mid + at))


def _line_band(shape, fit: LineFit, x0: float, x1: float, half_px: int) -> np.ndarray:
    band = np.zeros(shape, np.uint8)
    cv2.line(band, (int(x0), int(round(fit.y_at(x0)))), (int(x1), int(round(fit.y_at(x1)))), 1, 2 * half_px + 1)
    return band.astype(bool)


def _share(mask: np.ndarray, xr_mm, yr_mm, axis: int) -> float:
    """Share of the columns (``axis`` 0) or pixel rows (``axis`` 1) of the box ``xr_mm`` ×
    ``yr_mm`` (mm) holding some of ``mask``."""
    k = PX_PER_MM
    x0, x1 = int(xr_mm[0] * k), int(xr_mm[1] * k)
    y0, y1 = int(yr_mm[0] * k), int(yr_mm[1] * k)
    crop = mask[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if crop.size == 0:
        return 0.0
    return float(crop.any(axis=axis).mean())


def _share_cols(mask: np.ndarray, xr_mm, yr_mm) -> float:
    return _share(mask, xr_mm, yr_mm, 0)


def _share_rows(mask: np.ndarray, xr_mm, yr_mm) -> float:
    return _share(mask, xr_mm, yr_mm, 1)


def _ringed(mine: np.ndarray, row: Row) -> bool:
    """The voter's ink on all four sides of the name: above and below the middle of it, and
    across the line of the letters just before and just after it (a circle round the name)."""
    t0, t1 = row.text
    x0, x1 = (row.family or row.given)[0], row.given[1]
    w = x1 - x0
    inner = (x0 + 0.2 * w, x1 - 0.2 * w)
    above = _share_cols(mine, inner, (t0 - 2.8, t0 + 0.6))
    below = _share_cols(mine, inner, (t1 - 0.6, t1 + 2.8))
    left = _share_rows(mine, (x0 - 7.0, x0 - 0.3), (t0 + MID_BAND_MM, t1 - MID_BAND_MM))
    right = _share_rows(mine, (x1 + 0.3, x1 + 7.0), (t0 + MID_BAND_MM, t1 - MID_BAND_MM))
    # a thin row puts the top and bottom of the circle on the printed rules, where the voter's
    # ink cannot be told from the print: the ends of the circle across the line of the
    # letters, with nothing through the middle of the name (checked by the caller), suffice
    return min(left, right) >= 0.6 and (min(above, below) >= 0.7 or row.text[0] - row.box[1] < 1.5)


INNER_FREE_MAX = 0.04       # a circle leaves the inner part of the name's middle free of ink


def _ringed_loosely(mine: np.ndarray, row: Row) -> bool:
    """A circle whose top or bottom is partly hidden (on a printed rule, under the letters'
    accents and tails): the voter's ink across the line of the letters just before and just
    after the name, some above or below it, and the middle of the letters over the inner 70 %
    of the name free of ink (a strike, even at 15°, crosses that middle over a good part of
    the name). Measured on all the voter's ink (``soft``), a neighbour's line included: the
    middle must be free of any ink."""
    t0, t1 = row.text
    x0, x1 = (row.family or row.given)[0], row.given[1]
    w = x1 - x0
    left = _share_rows(mine, (x0 - 7.0, x0 - 0.3), (t0 + MID_BAND_MM, t1 - MID_BAND_MM))
    right = _share_rows(mine, (x1 + 0.3, x1 + 7.0), (t0 + MID_BAND_MM, t1 - MID_BAND_MM))
    if min(left, right) < 0.6:
        return False
    inner = (x0 + 0.15 * w, x1 - 0.15 * w)
    if _share_cols(mine, inner, (t0 + MID_BAND_MM, t1 - MID_BAND_MM)) >= INNER_FREE_MAX:
        return False
    above = _share_cols(mine, inner, (t0 - 2.8, t0 + 0.6))
    below = _share_cols(mine, inner, (t1 - 0.6, t1 + 2.8))
    return max(above, below) >= 0.7 or min(above, below) >= 0.4 or row.text[0] - row.box[1] < 1.5


def _along(mask: np.ndarray, fit: LineFit, x0_px: float, x1_px: float) -> float:
    """Share of the points of the line between x0 and x1 (px) that are on ``mask``."""
    if x1_px - x0_px < 2:
        return 0.0
    xs = np.arange(int(x0_px), int(x1_px) + 1)
    ys = np.clip(np.rint(fit.y_at(xs)).astype(int), 0, mask.shape[0] - 1)
    xs = np.clip(xs, 0, mask.shape[1] - 1)
    return float(mask[ys, xs].mean())


def classify_rows(rows: list[Row], voter: np.ndarray, soft: np.ndarray, blank: np.ndarray,
                  firm: tuple[np.ndarray, np.ndarray]) -> tuple[list[LineReading], list[tuple[float, float, float, float]], np.ndarray]:
    """Each name row → kept / struck / unsure (RULES §4.2); the strokes found (mm); the
    mask of the ink those strokes explain.

    ``voter``: the voter's ink (not printed), widened ±2 px across; ``soft``: the voter's
    ink at a lighter threshold (a faint pen, a blurred photo); ``blank``: the paper where
    nothing is printed. A row is struck when one straight line through the middle of the
    name covers every part of it (họ, tên đệm, tên); kept when no line covers the given name
    (tên) and no faint ink lies on it, so a strike through the họ or tên đệm only is "not
    struck"; anything else is put to a person. A steep strike through one name runs on over
    its neighbours' ends: that ink is explained by its line and does not trouble them."""
    k = PX_PER_MM
    fits: dict[int, LineFit | None] = {}
    owner = np.zeros(voter.shape, np.int32)
    strokes = []
    lined: list[tuple[int, LineFit, float, float]] = []      # the line striking a whole name, where one does
    for row in rows:
        fit = fit_line(voter, blank, row, row.text[0], row.text[1], firm) if row.given else None
        fits[row.number] = fit
        if fit is None or max(fit.parts.values()) < 0.6:
            continue
        parts = name_parts(row)
        x0, x1 = ((row.family or row.given)[0] - 15) * k, (row.given[1] + 15) * k
        # a line through this whole name (not part of it: that may be a neighbour's line)
        if min(c for c in fit.parts.values() if c >= 0) >= 0.6 \
                and abs(fit.y_mid / k - (row.text[0] + row.text[1]) / 2) <= OFF_MAX_MM:
            lined.append((row.number, _centred(voter, fit, columns_px(row)), x0, x1))
            second = _second_line(voter & ~_line_band(voter.shape, fit, x0 + 5 * k, x1 - 5 * k, 3), blank, row, fit)
            if second is not None:             # the other line of a double strike is this name's too
                lined.append((row.number, second, x0, x1))
        owner[_line_band(voter.shape, fit, x0, x1, 4) & soft & (owner == 0)] = row.number
        lo = min(parts[n][0] for n, c in fit.parts.items() if c >= 0.6)
        hi = max(parts[n][1] for n, c in fit.parts.items() if c >= 0.6)
        strokes.append((lo, fit.y_at(lo * k) / k, hi, fit.y_at(hi * k) / k))
    readings = []
    for row in rows:
        fit = fits[row.number]
        if fit is None:
            readings.append(LineReading(row.number, UNSURE, "Không tìm thấy chỗ của tên trên tờ phiếu."))
            continue
        cover = fit.parts
        g = cover["given"]
        f = cover.get("family", g)
        measured = [c for c in cover.values() if c >= 0]
        mine = soft & ~((owner != 0) & (owner != row.number))
        t0, t1 = row.text
        name0 = (row.family or row.given)[0]
        if _ringed(mine, row) and _share_cols(mine, (name0, row.given[1]), (t0 + MID_BAND_MM, t1 - MID_BAND_MM)) \
                < CIRCLE_MID_MAX or _ringed_loosely(soft, row):
            # a closed curve round the name and nothing through the middle of its letters:
            # a circle, not a strike (RULES §4.2); the board looks at it (a distinguishing mark?)
            readings.append(LineReading(row.number, KEPT, CIRCLE_REASON, g, f, mark="circle"))
            continue
        # where there is paper well away from the letters, the line must have ink there too
        # (blur spreads the tops of the letters into the paper between them, not that far)
        low = [n for n, c in fit.firm.items() if 0 <= c < FIRM_MIN]
        firm_low = "given" in low or len(low) >= 2
        if "given" in low and fit.firm_own >= FIRM_MIN and fit.core >= STRUCK_MIN:
            # the line stops at the end of the name, before the paper after it
            low.remove("given")
            firm_low = len(low) >= 2
        whole_name = g >= STRUCK_MIN and len(measured) >= 2 and min(measured) >= STRUCK_MIN \
            and fit.whole >= STRUCK_MIN + 0.05 and not firm_low
        # RULES §4.2: only a strike through the họ or tên đệm alone is "not struck"; a line
        # through the given name's own letters (not just the space before it) strikes the name
        # ... and on over the part just before it (the tên đệm, or the họ when there is none):
        # one straight line, not the top of a circle over one end and its bottom over the other
        before = cover.get("middle", -1.0) if row.middle else cover.get("family", -1.0)
        given_name = g >= STRUCK_MIN and fit.core >= STRUCK_MIN and "given" not in low and before >= 0.5 \
            and fit.firm.get("middle" if row.middle else "family", -1.0) != 0.0 \
            and abs(fit.y_mid / k - (t0 + t1) / 2) <= PARTIAL_OFF_MM
        # every part under the line, but little paper far from the letters over the given name
        # to confirm it (often the paper after the name, where the pen stopped): struck only if
        # the stroke finder sees the strike too (``partial``)
        faint_end = g >= STRUCK_MIN and len(measured) >= 2 and min(measured) >= STRUCK_MIN \
            and fit.whole >= STRUCK_MIN + 0.05 and len(low) < 2 and fit.core != 0
        if whole_name or given_name or faint_end:
            # ink both above and below the letters besides the line: a circle round the name
            rest = mine & ~_line_band(voter.shape, fit, name0 * k - 10, (row.given[1] + 10) * k, 4)
            second = _second_line(voter & ~_line_band(voter.shape, fit, name0 * k - 10, (row.given[1] + 10) * k, 3),
                                  blank, row, fit)
            if second is not None:
                # a second straight line along the first over the whole name: a double strike
                rest &= ~_line_band(voter.shape, second, name0 * k - 10, (row.given[1] + 10) * k, 4)
            above = _share_cols(rest, (name0, row.given[1]), (t0 - 2.0, t0 + 0.8))
            below = _share_cols(rest, (name0, row.given[1]), (t1 - 0.8, t1 + 2.0))
            off = fit.y_mid / k - (t0 + t1) / 2
            if second is not None and abs(second.y_mid / k - (t0 + t1) / 2) < abs(off):
                off = second.y_mid / k - (t0 + t1) / 2      # of a double strike, the line nearer the middle
            # (a line off the middle with some ink on the other side: the top of a flat circle
            # whose bottom hides under the rule; held-out photo)
            if abs(off) > OFF_MAX_MM or min(above, below) >= 0.4 or (off > 0.8 and above >= 0.2) \
                    or (off < -0.8 and below >= 0.2):
                readings.append(LineReading(row.number, UNSURE, "Có nét cong quanh tên (khoanh tròn?).", g, f))
            elif _borrowed(voter, blank, row, fit, lined):
                readings.append(LineReading(row.number, UNSURE, SHARED_STROKE, g, f))
            else:
                readings.append(LineReading(row.number, STRUCK, "", g, f, partial=not whole_name))
            continue
        # ink on the given name itself (the middle of its letters), or along the line over
        # it and a little past: not a clean "kept"
        on_given = _share_cols(mine, (row.given[0] + 0.6, row.given[1] - 0.2), (t0 + 0.6, t1 - 0.6))
        follow = _along(mine, fit, row.given[0] * k, (row.given[1] + 3) * k)
        g_firm = fit.firm.get("given", -1.0)
        # the given name's own letters, not the space before it (a strike through the tên đệm
        # may run on a little into that space)
        # where the given name's letters leave no paper to see, the line must stop before them
        if fit.core >= 0:
            given_clear = fit.core < FAINT_MAX
        else:
            given_clear = fit.reach <= row.given[0] + CORE_IN_MM
        if g >= STRUCK_MIN or not (given_clear or 0 <= g < FAINT_MAX or 0 <= g_firm < 0.15) or on_given >= 0.15 \
                or follow >= 0.3:
            if g >= STRUCK_MIN:
                why = "Gạch qua tên nhưng không hết họ và tên đệm."
            elif max(cover.values()) >= 0.5:
                why = "Gạch không hết họ và tên."
            else:
                why = "Có nét mực trên tên mà máy không chắc là gạch."
            readings.append(LineReading(row.number, UNSURE, why, g, f))
            continue
        # a long line along the top or the bottom of the row only (a circle has both)
        upper = _share_cols(mine, (name0, row.given[1]), (row.box[1] - 0.3, t0 + 0.6))
        lower = _share_cols(mine, (name0, row.given[1]), (t1 - 0.6, row.box[3] + 0.3))
        if max(upper, lower) >= 0.7 and min(upper, lower) < 0.35:
            readings.append(LineReading(row.number, UNSURE, "Có nét dài sát mép dòng: xem có phải gạch tên không.",
                                       g, f))
            continue
        why = "Chỉ gạch họ hoặc tên đệm: tính là không gạch." if max(cover.values()) >= 0.6 else ""
        readings.append(LineReading(row.number, KEPT, why, g, f))
    return readings, strokes, owner != 0


# one stroke through this name and the next: the reason both readings give (``reader``, ``resolve``)
SHARED_STROKE = "Một nét gạch đi qua cả tên này và tên bên cạnh."


def _borrowed(voter: np.ndarray, blank: np.ndarray, row: Row, fit: LineFit, lined: list) -> bool:
    """Does this name's strike reach its given name, or the part before it, only on ink that
    another name's line runs through (``own_cover``)? Then it is put to a person: the ink may
    be the end of the neighbour's steep strike (held-out photos: a surname-only and a
    middle-name-only strike read struck that way). Never used to read a row "kept"."""
    others = [(line, x0, x1) for number, line, x0, x1 in lined if number != row.number]
    if not others:
        return False
    own = own_cover(voter, blank, row, fit, others)
    if own.get("given", (-1.0, 1.0))[1] < OWN_LEFT_MIN:
        return True                            # the given name wholly under the neighbour's line
    # a part the neighbour's line runs over: what is left of it must be as well covered as a
    # strike of its own covers it (a part it does not run over is judged as before)
    return any(own.get(part, (-1.0, 1.0))[1] < 1.0 and 0 <= own[part][0] < OWN_MIN
               for part in ("given", "core", "middle" if row.middle else "family"))


# Measured on 400 ballots (seed 3, 5,292 rows beside another name's line): a strike of the row's
# own covers ≥ 0.94 of each part's paper clear of the neighbour's line; the borrowed ones 0.6–0.67.
OWN_MIN = 0.9
OWN_LEFT_MIN = 0.15         # less of the given name's paper than this clear of it: nothing to see


def masks(ratio: np.ndarray, reference: np.ndarray, ink_level: float):
    """(voter, soft, paper, firm) for ``classify_rows`` from the straightened photo (ink
    ratio) and the clean page."""
    ink = ratio < ink_level
    ref_ink = (reference < 170).astype(np.uint8)
    blank = ~cv2.dilate(ref_ink, np.ones((5, 5), np.uint8)).astype(bool)
    new = cv2.morphologyEx((ink & blank).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    # between and inside the printed letters: the paper a line through the name must cross
    near = ~cv2.dilate(ref_ink, np.ones((3, 3), np.uint8)).astype(bool)
    voter = cv2.dilate((ink & near).astype(np.uint8), np.ones((5, 1), np.uint8)).astype(bool)
    soft = cv2.morphologyEx(((ratio < SOFT_INK) & blank).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((2, 2), np.uint8)).astype(bool)
    firm = (cv2.dilate(new, np.ones((5, 1), np.uint8)).astype(bool), blank)
    return voter, soft, near, firm
