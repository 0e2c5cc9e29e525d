"""Reading the lists offices already keep (.xlsx, .xls, .ods, .csv; Unicode, TCVN3 or VNI;
title blocks, one- or two-row headers, summary lines) into plain records, for the roll and
for candidate lists, through the pages and the API alike.

``read_list`` reads, converts old-font text, finds the header and guesses each column;
``records`` turns the rows into dicts for the feature's service (all-or-nothing stays
there); a cell that cannot be read travels in its row's ``_problems`` with its column."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..errors import ValidationFailed
from ..rules import normalize_text
from . import legacy
from .layout import (CANDIDATE_FIELDS, FIELD_LABELS, ROLL_FIELDS, Layout, data_rows, find_layout, fold,
                     guess_field, header_score)
from .readers import ACCEPTED, Formula, Limits, Sheet, column_letter, read_sheet

__all__ = ["ACCEPTED", "FIELD_LABELS", "Limits", "Reading", "fold", "legacy", "parse_birth", "read_list", "records"]

CHOICES = {"roll": ROLL_FIELDS, "candidates": CANDIDATE_FIELDS}


@dataclass
class Reading:
    filename: str
    kind: str
    sheet: Sheet
    rows: list[list]
    encoding: str
    detected: str
    example: tuple[str, str] | None
    layout: Layout
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """The organizer must look first: old-font text, or a column not recognised for sure."""
        return self.detected != legacy.UNICODE or self.encoding != legacy.UNICODE or not self.layout.all_sure

    @property
    def choices(self) -> list[str]:
        return CHOICES[self.kind]

    def samples(self, n: int = 3) -> list[list[str]]:
        """For each column, its first ``n`` values (as converted)."""
        out: list[list[str]] = [[] for _ in self.layout.columns]
        secret = {c.index for c in self.layout.columns if c.field == "id_number" or guess_field(c.label)[0] == "id_number"}
        for count, (_line, cells, _section) in enumerate(data_rows(self.rows, self.sheet.merges, self.layout)):
            for i, c in enumerate(self.layout.columns):
                v = display(cells.get(c.index))
                if v and c.index in secret:       # an ID card number is never shown whole (any list)
                    v = "•" * 8 + v[-4:]
                if v and len(out[i]) < n:
                    out[i].append(v)
            if count > 50:
                break
        return out

    def preview(self, n: int = 8) -> list[dict]:
        """The first ``n`` people as they will be imported with the current choices."""
        try:
            recs = records(self)
        except ValidationFailed:
            return []
        return recs[:n]

    def column_of(self, field_name: str) -> str | None:
        """The sheet column letter a record field came from (for error messages)."""
        wanted = {"birth_year": ("birth", "birth_male", "birth_female"),
                  "full_name": ("full_name", "ho_dem", "ho", "ten_dem", "ten"),
                  "gender": ("gender", "gender_male", "gender_female", "birth_male", "birth_female"),
                  "position": ("position", "position_unit"), "unit": ("unit", "position_unit"),
                  "nomination": ("nomination", "nomination_self", "nomination_nominated")}.get(
            field_name, (field_name,))
        for col in self.layout.columns:
            if col.field in wanted:
                return col.letter
        return None


def display(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, bool):
        return "x" if v else ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return normalize_text(str(v))


def _all_text(rows):
    for row in rows:
        for v in row:
            if isinstance(v, str):
                yield v


def _converted(rows, encoding: str, codec: str):
    if encoding == legacy.UNICODE:
        return rows
    out = []
    for row in rows:
        new = []
        for v in row:
            if isinstance(v, str):
                text = legacy.to_unicode(v, encoding, codec)
                v = Formula(text) if isinstance(v, Formula) else text
            new.append(v)
        out.append(new)
    return out


def read_list(filename: str, data: bytes, *, kind: str = "roll", limits: Limits | None = None,
              encoding: str | None = None, mapping: list[str] | None = None,
              remembered=None) -> Reading:
    """Read and understand a list. ``encoding`` (unicode|tcvn3|vni) overrides the detected
    one; ``mapping`` (one field per column) overrides the guesses; ``remembered(signature)``
    gives the mapping saved for this file shape, used when it fits."""
    sheet = read_sheet(filename, data, limits=limits, header_score=header_score)
    detected, evidence = legacy.detect(_all_text(sheet.rows), sheet.codec)
    if encoding not in (None, "", legacy.UNICODE, legacy.TCVN3, legacy.VNI):
        raise ValidationFailed("Bảng mã không hợp lệ.", [{"field": "encoding", "message": "unicode, tcvn3 hoặc vni."}])
    chosen = encoding or detected
    rows = _converted(sheet.rows, chosen, sheet.codec)
    if not any(any(v not in (None, "") for v in row) for row in rows):
        raise ValidationFailed("Tệp trống: không có dữ liệu.", [{"row": 1, "field": "", "message": "Tệp không có dòng nào."}])
    layout = find_layout(rows, sheet.merges, choices=CHOICES[kind], mapping=mapping)
    if layout is not None and kind != "roll":
        for col in layout.columns:        # an ID card number is the roll's only: never kept elsewhere
            if col.field == "_keep" and guess_field(col.label)[0] == "id_number":
                col.field, col.sure = "_ignore", True
    if layout is None:
        raise ValidationFailed(
            "Không tìm thấy dòng tiêu đề có cột «Họ và tên» (hoặc «Họ tên», «Họ», «Tên»).",
            [{"row": 1, "field": "Họ và tên",
              "message": "Trong 40 dòng đầu không có ô tiêu đề «Họ và tên». Hãy kiểm tra tệp, hoặc dùng tệp mẫu."}])
    saved = remembered(layout.signature) if (mapping is None and remembered is not None) else None
    if saved and len(saved) == len(layout.columns):
        from .layout import apply_mapping
        apply_mapping(layout, saved, CHOICES[kind])
        layout.remembered = True
    if mapping is not None:
        from .layout import SINGLE
        seen: dict[str, str] = {}
        for col in layout.columns:
            if col.field in SINGLE and col.field in seen:
                label = FIELD_LABELS[col.field]
                raise ValidationFailed(
                    f"Cột {seen[col.field]} và cột {col.letter} cùng được chọn là «{label}»: mỗi ý nghĩa chỉ chọn cho một cột.",
                    [{"row": layout.header_row + 1, "field": col.field, "column": col.letter,
                      "message": f"«{label}» đã chọn cho cột {seen[col.field]}."}])
            seen.setdefault(col.field, col.letter)
    fields = {c.field for c in layout.columns}
    if not fields & {"full_name", "ten"}:
        raise ValidationFailed("Chưa có cột nào là «Họ và tên» (hoặc «Tên»).",
                               [{"row": layout.header_row + 1, "field": "full_name",
                                 "message": "Hãy chọn cột chứa họ và tên."}])
    reading = Reading(filename, kind, sheet, rows, chosen, detected, (evidence or {}).get("example"), layout)
    kept = [c for c in layout.columns if c.field == "_keep"]
    if kept and kind == "candidates":
        reading.warnings.append("Các cột không dùng cho danh sách bầu cử (không lưu): "
                                + ", ".join(f"«{c.label}» (cột {c.letter})" for c in kept) + ".")
    elif kept:
        reading.warnings.append("Các cột không thuộc mẫu được giữ lại nguyên văn (không dùng để tính toán): "
                                + ", ".join(f"«{c.label}» (cột {c.letter})" for c in kept) + ".")
    if chosen != legacy.UNICODE:
        ex = reading.example
        reading.warnings.append(f"Văn bản gõ bằng bảng mã {legacy.LABELS[chosen]}, đã chuyển sang Unicode"
                                + (f" (ví dụ «{ex[0]}» → «{ex[1]}»)." if ex else "."))
    return reading


# --- values -------------------------------------------------------------------------------

CATEGORY_WORDS = {
    "chinh thuc": "official", "official": "official", "dai bieu chinh thuc": "official", "bau": "official",
    "duong nhien": "ex_officio", "dai bieu duong nhien": "ex_officio", "ex officio": "ex_officio",
    "chi dinh": "appointed", "dai bieu chi dinh": "appointed", "appointed": "appointed",
    "du khuyet": "alternate", "dai bieu du khuyet": "alternate", "alternate": "alternate",
    "khach moi": "guest", "guest": "guest", "doan vien": "official",
}
YES = {"x", "co", "1", "dang vien", "yes", "true", "dv", "v", "dang vien chinh thuc", "dang vien du bi", "cs"}
NO = {"", "0", "khong", "no", "false", "-"}
NOMINATION_WORDS = {"ung cu": "self", "tu ung cu": "self", "de cu": "nominated", "duoc de cu": "nominated",
                    "gioi thieu": "nominated", "self": "self", "nominated": "nominated"}
REPORTED = {"birth": "birth_year", "birth_male": "birth_year", "birth_female": "birth_year",
            "gender_male": "gender", "gender_female": "gender", "position_unit": "position",
            "nomination_self": "nomination", "nomination_nominated": "nomination", "ho_dem": "full_name"}


def parse_birth(v) -> tuple[int | None, dt.date | None]:
    """(year, full date or None) from a cell; ValueError with a Vietnamese message."""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.year, v
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, (int, float)):
        if float(v).is_integer() and 1000 <= v <= 2999:
            return int(v), None
        if 3000 < v < 80000:       # an Excel date typed in a cell without a date format
            d = dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
            return d.year, d
        raise ValueError
    text = normalize_text(str(v))
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    m = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})", text)
    if m:
        d, mo, y = (int(x) for x in m.groups())
        if len(m.group(3)) == 2:
            y += 2000 if y <= 10 else 1900
        return y, dt.date(y, mo, d)           # ValueError on 31/02
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})", text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        return y, dt.date(y, mo, d)
    m = re.fullmatch(r"(?:(\d{1,2})\s*[/.\-]\s*)?(\d{4})", text)
    if m:
        return int(m.group(2)), None
    raise ValueError


def _title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def records(reading: Reading, *, limits: Limits | None = None) -> list[dict]:
    """One dict per person (keys of the feature's service), with ``_row`` (sheet line) and
    ``_problems`` (cells that cannot be read, naming row, field and column)."""
    limits = limits or Limits()
    layout = reading.layout
    legacy_font = reading.encoding != legacy.UNICODE
    out: list[dict] = []
    for line, cells, section in data_rows(reading.rows, reading.sheet.merges, layout):
        rec: dict = {"_row": line}
        problems: list[dict] = []
        extra: dict = {}

        def bad(col, message, _line=line, _problems=problems):
            _problems.append({"row": _line, "field": REPORTED.get(col.field, col.field), "column": col.letter,
                              "message": message})
        for col in layout.columns:
            f = col.field
            v = cells.get(col.index)
            if f in ("_ignore", "_index") or v is None or (isinstance(v, str) and not v.strip()):
                continue
            if isinstance(v, str) and (isinstance(v, Formula) or v.lstrip().startswith("=")):
                if f == "_keep":
                    continue
                bad(col, f"Ô chứa công thức «{normalize_text(v)[:40]}»: hãy nhập giá trị, không nhập công thức.")
                continue
            text = display(v)
            if f == "_keep":
                extra[col.label] = text
            elif f in ("birth", "birth_male", "birth_female"):
                try:
                    year, date = parse_birth(v)
                except ValueError:
                    bad(col, f"Năm sinh không hợp lệ: «{text}» (ghi năm 4 chữ số, hoặc ngày dd/mm/yyyy, d/m/yy).")
                    continue
                if "birth_year" in rec:
                    bad(col, "Năm sinh ghi ở cả cột Nam và cột Nữ: chỉ ghi ở một cột.")
                    continue
                rec["birth_year"] = year
                if date is not None:
                    rec["birth_date"] = date.isoformat()
                if f != "birth":
                    rec["gender"] = "nam" if f == "birth_male" else "nữ"
            elif f in ("gender_male", "gender_female"):
                if fold(text) in NO:
                    continue
                if rec.get("gender") and rec["gender"] != ("nam" if f == "gender_male" else "nữ"):
                    bad(col, "Đánh dấu ở cả cột Nam và cột Nữ: chỉ đánh một cột.")
                    continue
                rec["gender"] = "nam" if f == "gender_male" else "nữ"
            elif f == "position_unit":
                pos, sep, unit = text.partition(",")
                rec["position"] = pos.strip()
                if sep:
                    rec["unit"] = unit.strip()
            elif f == "category":
                code = CATEGORY_WORDS.get(fold(text))
                if code is None:
                    bad(col, f"Loại đại biểu «{text}» không hợp lệ (Chính thức, Đương nhiên, Chỉ định, Dự khuyết, Khách mời).")
                rec["category"] = code
            elif f == "is_party_member":
                word = fold(text)
                if isinstance(v, bool):
                    rec[f] = v
                elif word in YES or isinstance(v, dt.date) or re.fullmatch(r"(\d{1,2}[/.-])*\d{4}", text):
                    rec[f] = True              # "x", "Đảng viên", or the date they joined
                elif word in NO:
                    rec[f] = False
                else:
                    bad(col, f"Cột Đảng viên: ghi «x» hoặc để trống, không phải «{text}».")
            elif f == "nomination":
                code = NOMINATION_WORDS.get(fold(text))
                if code is None:
                    bad(col, f"Ghi «ứng cử» hoặc «đề cử», không phải «{text}».")
                rec[f] = code or "nominated"
            elif f in ("nomination_self", "nomination_nominated"):
                if fold(text) in NO:
                    continue
                code = "self" if f == "nomination_self" else "nominated"
                if rec.get("nomination") not in (None, code):
                    bad(col, "Đánh dấu ở cả cột Ứng cử và cột Đề cử: chỉ đánh một cột.")
                    continue
                rec["nomination"] = code
            elif f == "ho_dem":                  # "Nguyễn Thị" of "Nguyễn Thị | Hoà"
                ho, _sep, dem = (_title_words(text) if legacy_font else text).partition(" ")
                rec["ho"], rec["ten_dem"] = ho, dem.strip()
            elif f in ("full_name", "ho", "ten_dem", "ten"):
                rec[f] = _title_words(text) if legacy_font else text
            else:
                rec[f] = text
        if rec.get("ten") and not rec.get("full_name"):
            rec["full_name"] = " ".join(x for x in (rec.get("ho"), rec.get("ten_dem"), rec["ten"]) if x)
        if "category" not in rec and section and reading.kind == "roll":
            rec["category"] = section
        if extra:
            rec["extra"] = extra
        if problems:
            rec["_problems"] = problems
        out.append(rec)
    if not out:
        raise ValidationFailed("Tệp không có dòng đại biểu nào dưới dòng tiêu đề.",
                               [{"row": layout.data_start + 1, "field": "", "message": "Không có dữ liệu."}])
    if len(out) > limits.max_rows:
        raise ValidationFailed(f"Tệp có {len(out)} người, vượt quá giới hạn {limits.max_rows} người một lần nhập.",
                               [{"field": "file", "message": f"Tối đa {limits.max_rows} dòng mỗi lần nhập."}])
    return out
