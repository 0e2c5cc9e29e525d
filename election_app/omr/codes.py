"""What the printed ballot carries so that a photo of it can find itself.

Corner markers: four ArUco markers (4×4 dictionary, ids 0–3: top-left, top-right,
bottom-right, bottom-left), the same on every sheet of every ballot.

Sheet code: 48 cells (2 rows × 24) printed black (1) or white (0) in the bottom margin:
2 bits version, 16 election id, 5 round, 6 page, 11 layout hash, 8 CRC. Every sheet of one
page of one round is identical (no serial, nothing that tells two voters' sheets apart).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache

VERSION = 1
CELLS_X, CELLS_Y = 24, 2
CELL_MM = 2.0
CODE_W_MM, CODE_H_MM = CELLS_X * CELL_MM, CELLS_Y * CELL_MM
MARKER_MM = 7.0
MARKER_IDS = (0, 1, 2, 3)      # top-left, top-right, bottom-right, bottom-left
_FIELDS = (("version", 2), ("election", 16), ("round", 5), ("page", 6), ("layout", 11))


class CodeError(ValueError):
    """A value does not fit the sheet code."""


@dataclass(frozen=True)
class SheetCode:
    election: int
    round: int
    page: int
    layout: int

    def bits(self) -> list[int]:
        values = {"version": VERSION, "election": self.election, "round": self.round,
                  "page": self.page, "layout": self.layout}
        out: list[int] = []
        for name, width in _FIELDS:
            v = values[name]
            if not 0 <= v < (1 << width):
                raise CodeError(f"{name}={v} does not fit in {width} bits")
            out += [(v >> (width - 1 - i)) & 1 for i in range(width)]
        return out + _crc8_bits(out)


def _crc8_bits(bits: list[int]) -> list[int]:
    crc = 0
    for b in bits:                       # CRC-8, polynomial 0x07, bit by bit
        top = ((crc >> 7) & 1) ^ b
        crc = ((crc << 1) & 0xFF) ^ (0x07 if top else 0)
    return [(crc >> (7 - i)) & 1 for i in range(8)]


def encode(code: SheetCode) -> list[int]:
    return code.bits()


def decode(bits: list[int]) -> SheetCode | None:
    """48 bits → the code, or None when the CRC or the version is wrong."""
    if len(bits) != CELLS_X * CELLS_Y:
        return None
    data, crc = list(bits[:-8]), list(bits[-8:])
    if _crc8_bits(data) != crc:
        return None
    values, pos = {}, 0
    for name, width in _FIELDS:
        v = 0
        for b in data[pos:pos + width]:
            v = (v << 1) | b
        values[name] = v
        pos += width
    if values["version"] != VERSION or values["page"] < 1 or values["round"] < 1:
        return None
    return SheetCode(values["election"], values["round"], values["page"], values["layout"])


def layout_hash(text: str) -> int:
    """11-bit hash of a layout's description (CRC-32 folded)."""
    import zlib
    return zlib.crc32(text.encode()) & 0x7FF


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def code_svg_uri(code: SheetCode) -> str:
    bits = code.bits()
    rects = "".join(f'<rect x="{i % CELLS_X}" y="{i // CELLS_X}" width="1.02" height="1.02"/>'
                    for i, b in enumerate(bits) if b)
    return _svg_uri(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CELLS_X} {CELLS_Y}" '
                    f'width="{CODE_W_MM}mm" height="{CODE_H_MM}mm" shape-rendering="crispEdges">'
                    f'{rects}</svg>')


@lru_cache(maxsize=None)
def aruco_bits(marker_id: int) -> tuple[tuple[int, ...], ...]:
    """The 6×6 cells (black border included) of one marker: 1 = black."""
    import cv2
    d = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    img = cv2.aruco.generateImageMarker(d, marker_id, 6)
    return tuple(tuple(0 if v > 127 else 1 for v in row) for row in img)


@lru_cache(maxsize=None)
def marker_svg_uri(marker_id: int) -> str:
    cells = aruco_bits(marker_id)
    rects = "".join(f'<rect x="{x}" y="{y}" width="1.02" height="1.02"/>'
                    for y, row in enumerate(cells) for x, b in enumerate(row) if b)
    return _svg_uri(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 6 6" '
                    f'width="{MARKER_MM}mm" height="{MARKER_MM}mm" shape-rendering="crispEdges">'
                    f'{rects}</svg>')
