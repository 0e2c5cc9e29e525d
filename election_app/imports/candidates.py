"""Candidate lists (ứng cử / đề cử) kept in a spreadsheet, read like the roll.

``read_candidates`` is ``read_list`` for kind "candidates" (the same formats, title blocks,
two-row headers, old fonts and mapping step); ``candidate_rows`` turns its records into the
candidates of ``elections.create``: a person on the roll (same name, and birth year when both
are known) becomes ``{"delegate_id"}``, anyone else an outside candidate. A cell that cannot
be read names its sheet row and column; ``sheet_problems`` does the same for a problem the
election service finds in a row it was given (a name with digits, one person twice …)."""
from __future__ import annotations

from ..errors import ValidationFailed
from ..rules import duplicate_key
from . import Limits, Reading, read_list, records

MAX_CANDIDATES = 2000


def read_candidates(filename: str, data: bytes, *, limits: Limits | None = None, encoding: str | None = None,
                    mapping: list[str] | None = None, remembered=None) -> tuple[Reading, list[dict]]:
    limits = limits or Limits(max_rows=MAX_CANDIDATES)
    reading = read_list(filename, data, kind="candidates", limits=limits, encoding=encoding, mapping=mapping,
                        remembered=remembered)
    return reading, records(reading, limits=limits)


def _where(p: dict) -> str:
    return f"Tệp ứng cử, đề cử — dòng {p['row']}" + (f", cột {p['column']}" if p.get("column") else "")


def candidate_rows(rows: list[dict], delegates) -> tuple[list[dict], list[int]]:
    """(candidates for ``elections.create``, the sheet row of each). Every unreadable cell of
    the file → one ValidationFailed naming each row and column; nothing is created here."""
    problems = [{**p, "message": f"{_where(p)}: {p['message']}"} for r in rows for p in r.get("_problems", ())]
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    on_roll: dict[str, list] = {}
    for d in delegates:
        on_roll.setdefault(duplicate_key(d.full_name), []).append(d)
    out, lines = [], []
    for r in rows:
        name = r.get("full_name") or " ".join(x for x in (r.get("ho"), r.get("ten_dem"), r.get("ten")) if x)
        match = [d for d in on_roll.get(duplicate_key(name), [])
                 if r.get("birth_year") is None or d.birth_year in (None, r.get("birth_year"))]
        nomination = r.get("nomination") or "nominated"
        if len(match) == 1:
            out.append({"delegate_id": match[0].id, "nomination": nomination})
        else:
            out.append({k: v for k, v in {"full_name": name, "birth_year": r.get("birth_year"),
                                           "position": r.get("position"), "unit": r.get("unit"),
                                           "nomination": nomination}.items() if v not in (None, "")})
        lines.append(r["_row"])
    return out, lines


def sheet_problems(problems: list[dict], *, first: int, lines: list[int], reading: Reading | None) -> list[dict]:
    """Problems of ``elections.create`` whose ``row`` (1-based position in the candidates it
    was given) falls on a file row, told as the sheet row and column instead. ``first`` is
    the position of the file's first candidate."""
    out = []
    for p in problems:
        row = p.get("row")
        if isinstance(row, int) and first <= row < first + len(lines):
            p = {**p, "row": lines[row - first]}
            letter = reading.column_of(p.get("field") or "") if reading is not None else None
            if p.get("field") == "candidates":
                letter = reading.column_of("full_name") or reading.column_of("ten") if reading else None
            if letter:
                p["column"] = letter
            p["message"] = f"{_where(p)}: {p['message']}"
        out.append(p)
    return out
