"""Synthetic phone photos of marked paper ballots, made from the REAL ballot PDFs (issue 18).

``printed_ballot(app, n)`` renders the ballot template of the app (the same code path as
the printed PDF: markers, sheet codes, layout) for a made-up list of ``n`` names.
``photograph(ballot, rng, distortion)`` marks one sheet of it like a voter (strikes with
varied pens, angles up to ±15°, lengths, double strikes, strikes through the surname or
middle name only, ticks and circles) and photographs it (perspective, rotation, blur, shadow,
uneven light, JPEG). It returns the JPEG bytes of each page and the truth per row:
``kept`` / ``struck`` (what a careful hand count says), plus the kind of marking, so a test
can tell a strike from a tick that a reader should put to a person.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np

from election_app.omr import sheets

PHOTO_PX_PER_MM = 7.0          # an A4 sheet filling most of a 1600 × 2200 phone frame
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Trịnh", "Lương", "Tạ"]
MIDDLE = ["Văn", "Thị", "Minh", "Thị Thu", "Hữu", "Đức", "Thị Ngọc", "Quang", "Thanh", "Xuân", "Văn Trường",
          "Thị Hồng", "Công", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Minh",
         "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vy", "Yến",
         "Nhung", "Huyền", "Khánh", "Nghĩa"]
POSITIONS = ["Giáo viên", "Tổ trưởng tổ Toán", "Phó Hiệu trưởng", "Nhân viên kế toán",
             "Chủ tịch Công đoàn cơ sở", "Tổ trưởng tổ Ngữ văn – Giáo dục công dân"]
UNITS = ["", "Trường THCS Thành Công", "Trường Tiểu học Thủ Lệ, quận Ba Đình, thành phố Hà Nội"]
DISTORTIONS = ("clean", "perspective", "rotation", "blur", "shadow", "uneven_light", "jpeg", "combined")
PENS = [(150, 60, 20), (40, 40, 40), (120, 40, 40), (30, 30, 170), (110, 110, 110), (170, 90, 30)]  # BGR


@dataclass
class PrintedBallot:
    election_id: int
    round_number: int
    laid: object                      # omr.sheets.LaidOutBallot
    pages_rgb: list                   # clean page images at PHOTO_PX_PER_MM (BGR)
    references: list                  # clean page images at the reader's scale (grayscale)

    def lookup(self, code):
        if (code.election, code.round, code.layout) != (self.election_id, self.round_number, self.laid.layout):
            return None
        if not 1 <= code.page <= len(self.laid.pages):
            return None
        return self.laid.pages[code.page - 1], self.references[code.page - 1]


def ballot_data(n: int, rng: random.Random, round_number: int = 1) -> dict:
    rows, seen = [], set()
    while len(rows) < n:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name in seen:
            continue
        seen.add(name)
        rows.append({"number": len(rows) + 1, "full_name": name, "birth_year": None,
                     "position": rng.choice(POSITIONS), "unit": rng.choice(UNITS)})
    return {"info": {"issuer": "ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS THÀNH CÔNG LẦN THỨ X",
                     "parent_upper": "CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH", "term": "2023–2028"},
            "kind": "PHIẾU BẦU", "what": "BAN CHẤP HÀNH NHIỆM KỲ 2023–2028", "election_title": "Bầu BCH",
            "round": round_number, "seats": str(max(1, n * 2 // 3)), "count": n, "rows": rows, "single": n == 1}


def printed_ballot(app, data: dict, election_id: int) -> PrintedBallot:
    """Lay the ballot out exactly as the documents feature prints it, then render its PDF."""
    from election_app.documents.jobs import lay_out_ballot_data
    with app.app_context():
        _renderer, laid = lay_out_ballot_data(data, election_id=election_id)
        pdf = laid.document.write_pdf()
    refs = sheets.reference_images(pdf)
    photos = [cv2.cvtColor(g, cv2.COLOR_GRAY2BGR) for g in sheets.reference_images(pdf, PHOTO_PX_PER_MM)]
    return PrintedBallot(election_id, int(data["round"]), laid, photos, refs)


def _pen_line(img, pts_mm, color, width_mm, rng):
    k = PHOTO_PX_PER_MM
    pts = np.array([[x * k, y * k] for x, y in pts_mm], np.float32)
    cv2.polylines(img, [np.round(pts * 4).astype(np.int32)], False, color,
                  max(1, int(round(width_mm * k))), cv2.LINE_AA, shift=2)


def _strike(img, x0, x1, yc, angle_deg, color, width, rng, wobble=0.25):
    """A hand-drawn line from x0 to x1 through (mid, yc) at ``angle_deg`` (a few wobbly points)."""
    n = 6
    t = math.tan(math.radians(angle_deg))
    mid = (x0 + x1) / 2
    pts = []
    for i in range(n + 1):
        x = x0 + (x1 - x0) * i / n
        pts.append((x, yc + (x - mid) * t + rng.gauss(0, wobble)))
    _pen_line(img, pts, color, width, rng)


def mark_sheet(pages, page_layouts, rng: random.Random, p_struck: float):
    """Draw a voter's marks on copies of the clean pages; returns (pages, truth, kinds)."""
    out = [p.copy() for p in pages]
    truth, kinds = {}, {}
    color = rng.choice(PENS)
    width = rng.uniform(0.3, 0.9)
    for pi, pl in enumerate(page_layouts):
        img = out[pi]
        for row in pl.rows:
            u = rng.random()
            fam = row.family or row.given
            gx1 = row.given[1]
            yc = (row.text[0] + row.text[1]) / 2 + rng.gauss(0, 0.4)
            angle = rng.uniform(-15, 15) if rng.random() < 0.5 else rng.gauss(0, 4)
            angle = max(-15.0, min(15.0, angle))
            if u < p_struck:
                x0 = fam[0] - rng.uniform(0, 6)
                x1 = gx1 + rng.uniform(0, 10)
                _strike(img, x0, x1, yc, angle, color, width, rng)
                kind = "struck"
                if rng.random() < 0.15:                       # double strike
                    _strike(img, x0 + rng.uniform(-2, 2), x1 + rng.uniform(-2, 2),
                            yc + rng.choice((-1, 1)) * rng.uniform(0.8, 1.6), angle + rng.uniform(-3, 3),
                            color, width, rng)
                    kind = "double"
                truth[row.number] = "struck"
            elif u < p_struck + 0.04 and row.family:           # surname only: not struck (RULES §4.2)
                _strike(img, row.family[0] - rng.uniform(0, 1.5), row.family[1] + rng.uniform(0, 1.0), yc,
                        rng.gauss(0, 4), color, width, rng)
                truth[row.number], kind = "kept", "surname_only"
            elif u < p_struck + 0.06 and row.middle:          # middle name only
                _strike(img, row.middle[0] - rng.uniform(0, 1.0), row.middle[1] + rng.uniform(0, 1.0), yc,
                        rng.gauss(0, 4), color, width, rng)
                truth[row.number], kind = "kept", "middle_only"
            elif u < p_struck + 0.075:                         # a tick after the name
                x = gx1 + rng.uniform(3, 10)
                _pen_line(img, [(x, yc), (x + 1.5, yc + 2), (x + 5, yc - 3)], color, width, rng)
                truth[row.number], kind = "kept", "tick"
            elif u < p_struck + 0.09:                          # a circle round the name
                cx, a = (fam[0] + gx1) / 2, (gx1 - fam[0]) / 2 + 4
                b = (row.text[1] - row.text[0]) / 2 + 1.0
                pts = [(cx + a * math.cos(t), yc + b * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 40)]
                _pen_line(img, pts, color, width, rng)
                truth[row.number], kind = "kept", "circle"
            else:
                truth[row.number], kind = "kept", "kept"
            kinds[row.number] = kind
    return out, truth, kinds


def _distort(img, rng: random.Random, kind: str) -> bytes:
    h, w = img.shape[:2]
    # lay the sheet on a table in a larger frame
    pad = int(0.08 * max(h, w))
    frame = np.full((h + 2 * pad, w + 2 * pad, 3), (70, 90, 110), np.uint8)
    frame[pad:pad + h, pad:pad + w] = img
    H, W = frame.shape[:2]
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    dst = src.copy()
    if kind in ("perspective", "combined"):
        j = 0.06 if kind == "perspective" else 0.04
        dst = dst + np.float32([[rng.uniform(-j, j) * w, rng.uniform(-j, j) * h] for _ in range(4)])
    if kind in ("rotation", "combined"):
        ang = rng.uniform(0, 360) if kind == "rotation" else rng.uniform(-20, 20)
        c = np.float32([W / 2, H / 2])
        r = np.float32([[math.cos(math.radians(ang)), -math.sin(math.radians(ang))],
                        [math.sin(math.radians(ang)), math.cos(math.radians(ang))]])
        dst = (dst - c) @ r.T * (0.62 if kind == "rotation" else 0.85) + c
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(frame, m, (W, H), borderValue=(70, 90, 110))
    f = out.astype(np.float32)
    if kind in ("uneven_light", "combined"):
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        ang = rng.uniform(0, 2 * math.pi)
        g = (xx * math.cos(ang) + yy * math.sin(ang))
        g = (g - g.min()) / (g.max() - g.min())
        low = rng.uniform(0.45, 0.7) if kind == "uneven_light" else rng.uniform(0.6, 0.8)
        f *= (low + (1 - low) * g)[..., None]
    if kind in ("shadow", "combined"):
        mask = np.zeros((H, W), np.float32)
        pts = np.int32([[rng.uniform(0, W), rng.uniform(0, H)] for _ in range(3)] + [[0, 0]])
        cv2.fillPoly(mask, [cv2.convexHull(pts)], 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), 25)
        depth = rng.uniform(0.35, 0.55) if kind == "shadow" else rng.uniform(0.2, 0.4)
        f *= (1 - depth * mask)[..., None]
    f += np.float32(rng.gauss(0, 1)) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 2.5, f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if kind in ("blur", "combined"):
        sigma = rng.uniform(0.8, 1.8) if kind == "blur" else rng.uniform(0.6, 1.2)
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    quality = rng.randint(30, 60) if kind in ("jpeg", "combined") else 88
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def photograph(ballot: PrintedBallot, rng: random.Random, distortion: str, p_struck: float | None = None):
    """One voter's marked sheet, photographed: (list of JPEG bytes per page, truth, kinds)."""
    if p_struck is None:
        p_struck = rng.choice((0.0, 0.2, 0.4, 0.6, 0.9))
    pages, truth, kinds = mark_sheet(ballot.pages_rgb, ballot.laid.pages, rng, p_struck)
    return [_distort(p, rng, distortion) for p in pages], truth, kinds
