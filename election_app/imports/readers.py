"""The first sheet of an .xlsx, .xls, .ods or .csv file as a plain table of cell values,
with every limit checked while reading, before memory or time is spent:

- the upload's size (``max_bytes``);
- for the zipped formats (.xlsx, .ods): the sizes the archive declares for its parts, then
  the bytes actually inflated, counted chunk by chunk (a 1.6 KB "zip bomb" that inflates to
  gigabytes is refused from its directory, before anything is inflated);
- rows and columns that hold a value (a cell at row 1,048,576 or column XFD is refused as
  soon as the parser meets it, not after building a million empty rows);
- the length of one cell (a CSV cell over 128 KiB is refused by name, not by a crash).

.xlsx and .ods are read by our own streaming parsers on the standard library's expat (no
DTD, no entities): openpyxl in read-only mode pads every row up to the sheet's declared
dimension and does not report merged cells, and odfpy builds the whole document tree in
memory. .xls (Excel 97–2003) is read by xlrd, after the size check.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from ..errors import ValidationFailed

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * MiB          # the upload itself
    max_unzipped: int = 48 * MiB      # all parts of an .xlsx/.ods we read, inflated
    max_rows: int = 20000             # people in one import
    max_columns: int = 100            # columns holding a value
    max_cell_chars: int = 10000       # one cell's text

    @property
    def max_sheet_rows(self) -> int:  # title block, blank lines, footers on top of the people
        return self.max_rows + 2000


class Formula(str):
    """A cell holding a formula, kept as its text ("=SUM(A1:A3)")."""


@dataclass
class Sheet:
    rows: list[list]                                   # values: str int float bool date Formula None
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    kind: str = "xlsx"
    codec: str = "cp1252"                              # how text maps back to bytes (old fonts)
    note: str = ""                                     # e.g. the CSV's encoding


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _refuse(message: str, detail: str | None = None, **where) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "file", "message": detail or message, **where}])


def _mb(n: int) -> str:
    return f"{n / MiB:.1f}".replace(".", ",")


class _Budget:
    """Inflated bytes left for this file."""

    def __init__(self, limits: Limits, kind: str):
        self.left = limits.max_unzipped
        self.limits = limits
        self.kind = kind

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _bomb(self.kind, self.limits, None)


def _bomb(kind: str, limits: Limits, declared: int | None) -> ValidationFailed:
    size = f" lên tới {_mb(declared)} MB" if declared else f" vượt {_mb(limits.max_unzipped)} MB"
    return _refuse(
        f"Tệp {kind} bị từ chối: khi giải nén, nội dung{size} (giới hạn {_mb(limits.max_unzipped)} MB). "
        "Đây không phải một danh sách bình thường (có thể là «bom nén»); chưa nhập gì.",
        "Tệp nén bất thường: nội dung giải nén quá lớn.")


def _too_many_rows(limits: Limits, row: int) -> ValidationFailed:
    return ValidationFailed(
        f"Tệp có dữ liệu tới dòng {row}, vượt giới hạn {limits.max_sheet_rows} dòng "
        f"({limits.max_rows} người mỗi lần nhập); chưa nhập gì. Hãy chia danh sách thành nhiều tệp.",
        [{"row": row, "field": "file", "message": f"Quá {limits.max_sheet_rows} dòng."}])


def _too_many_columns(limits: Limits, row: int, col: int) -> ValidationFailed:
    return ValidationFailed(
        f"Dòng {row} có dữ liệu ở cột {column_letter(col)} (cột thứ {col + 1}), vượt giới hạn "
        f"{limits.max_columns} cột; chưa nhập gì.",
        [{"row": row, "field": "file", "message": f"Quá {limits.max_columns} cột."}])


def _cell_too_long(limits: Limits, row: int, col: int | None, n: int | None) -> ValidationFailed:
    where = f"ô {column_letter(col)}{row}" if col is not None else f"một ô ở dòng {row}"
    size = f"dài {n} ký tự, " if n else ""
    return ValidationFailed(
        f"Tệp bị từ chối: {where} {size}vượt giới hạn {limits.max_cell_chars} ký tự một ô; chưa nhập gì.",
        [{"row": row, "field": column_letter(col) if col is not None else "file",
          "message": f"Ô dài quá {limits.max_cell_chars} ký tự."}])


class _Table:
    """Cells as they come, kept sparse; limits checked on every value."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells: dict[int, dict[int, object]] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def put(self, row: int, col: int, value) -> None:
        if value is None or value == "":
            return
        if row >= self.limits.max_sheet_rows:
            raise _too_many_rows(self.limits, row + 1)
        if col >= self.limits.max_columns:
            raise _too_many_columns(self.limits, row + 1, col)
        if isinstance(value, str) and len(value) > self.limits.max_cell_chars:
            raise _cell_too_long(self.limits, row + 1, col, len(value))
        self.cells.setdefault(row, {})[col] = value

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if len(self.merges) < 10000 and r1 < self.limits.max_sheet_rows and c1 < self.limits.max_columns:
            self.merges.append((r1, c1, min(r2, self.limits.max_sheet_rows), min(c2, self.limits.max_columns)))

    def dense(self) -> list[list]:
        if not self.cells:
            return []
        width = max(max(r) for r in self.cells.values()) + 1
        out = []
        for r in range(max(self.cells) + 1):
            row = self.cells.get(r)
            out.append([row.get(c) for c in range(width)] if row else [None] * width)
        return out


# --- XML plumbing --------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _no_dtd(*_args):
    raise ValueError("DTD")


def _parse_member(zf: zipfile.ZipFile, name: str, budget: _Budget, start, end=None, text=None) -> None:
    p = expat.ParserCreate()
    p.StartDoctypeDeclHandler = _no_dtd
    p.EntityDeclHandler = _no_dtd
    p.buffer_text = True
    p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if text:
        p.CharacterDataHandler = text
    try:
        with zf.open(name) as fh:
            while True:
                chunk = fh.read(256 * 1024)
                budget.spend(len(chunk))
                if not chunk:
                    break
                p.Parse(chunk, False)
            p.Parse(b"", True)
    except _Stop:
        return


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _cell_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", ref or "")
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _open_zip(data: bytes, kind: str, limits: Limits) -> zipfile.ZipFile:
    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = zf.infolist()
    if len(infos) > 2000:
        raise _refuse(f"Tệp {kind} có {len(infos)} phần bên trong: không phải một danh sách bình thường.")
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unzipped * 4 or any(i.file_size > limits.max_unzipped for i in infos):
        raise _bomb(kind, limits, declared)
    return zf


# --- .xlsx --------------------------------------------------------------------------------

_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code or "").lower()
    return bool(re.search(r"[dy]", code)) or bool(re.search(r"m", code) and not re.search(r"[hs]", code))


def _excel_date(serial: float, date1904: bool) -> dt.date | None:
    if not 0 < serial < 2958466:
        return None
    base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=int(serial))


def _xlsx(data: bytes, limits: Limits) -> Sheet:
    kind = ".xlsx"
    zf = _open_zip(data, kind, limits)
    budget = _Budget(limits, kind)
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise ValueError("no workbook")

    wb: dict = {"rid": None, "date1904": False}

    def wb_start(tag, attrs):
        tag = _local(tag)
        if tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            wb["date1904"] = True
        elif tag == "sheet" and wb["rid"] is None:
            wb["rid"] = next((v for k, v in attrs.items() if _local(k) == "id"), None)
    _parse_member(zf, "xl/workbook.xml", budget, wb_start)

    target = "xl/worksheets/sheet1.xml"
    if "xl/_rels/workbook.xml.rels" in names and wb["rid"]:
        def rel_start(tag, attrs):
            nonlocal target
            if _local(tag) == "Relationship" and attrs.get("Id") == wb["rid"]:
                t = attrs.get("Target", "")
                target = t.lstrip("/") if t.startswith("/") else "xl/" + t
        _parse_member(zf, "xl/_rels/workbook.xml.rels", budget, rel_start)
    if target not in names:
        raise ValueError("no sheet")

    date_styles: list[bool] = []
    if "xl/styles.xml" in names:
        custom: dict[int, str] = {}
        state = {"xfs": False}

        def st_start(tag, attrs):
            tag = _local(tag)
            if tag == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif tag == "cellXfs":
                state["xfs"] = True
            elif tag == "xf" and state["xfs"]:
                try:
                    fid = int(attrs.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                date_styles.append(fid in _DATE_IDS or (fid in custom and _is_date_format(custom[fid])))

        def st_end(tag):
            if _local(tag) == "cellXfs":
                state["xfs"] = False
        _parse_member(zf, "xl/styles.xml", budget, st_start, st_end)

    strings: list[str] = []
    if "xl/sharedStrings.xml" in names:
        sst = {"in_si": False, "in_t": False, "rph": False, "parts": []}

        def ss_start(tag, attrs):
            tag = _local(tag)
            if tag == "si":
                sst["in_si"], sst["parts"] = True, []
            elif tag == "rPh":
                sst["rph"] = True
            elif tag == "t" and sst["in_si"] and not sst["rph"]:
                sst["in_t"] = True

        def ss_end(tag):
            tag = _local(tag)
            if tag == "si":
                text = "".join(sst["parts"])
                strings.append(text if len(text) <= limits.max_cell_chars * 2 else text[: limits.max_cell_chars + 1])
                sst["in_si"] = False
            elif tag == "rPh":
                sst["rph"] = False
            elif tag == "t":
                sst["in_t"] = False

        def ss_text(s):
            if sst["in_t"]:
                sst["parts"].append(s)
        _parse_member(zf, "xl/sharedStrings.xml", budget, ss_start, ss_end, ss_text)

    table = _Table(limits)
    cur = {"row": -1, "col": -1, "t": None, "s": 0, "v": [], "f": None, "where": None, "rows_seen": 0}

    def sh_start(tag, attrs):
        tag = _local(tag)
        if tag == "row":
            cur["rows_seen"] += 1
            if cur["rows_seen"] > limits.max_sheet_rows * 4:
                raise _too_many_rows(limits, cur["rows_seen"])
            try:
                cur["row"] = int(attrs["r"]) - 1
            except (KeyError, ValueError):
                cur["row"] += 1
            cur["col"] = -1
        elif tag == "c":
            ref = _cell_ref(attrs.get("r", ""))
            if ref is not None:
                cur["row"], cur["col"] = ref
            else:
                cur["col"] += 1
            cur["t"] = attrs.get("t", "n")
            try:
                cur["s"] = int(attrs.get("s", "0"))
            except ValueError:
                cur["s"] = 0
            cur["v"], cur["f"], cur["where"] = [], None, None
        elif tag in ("v", "t", "f"):
            cur["where"] = tag
            if tag == "f":
                cur["f"] = []
        elif tag == "mergeCell":
            bits = (attrs.get("ref") or "").split(":")
            a, b = _cell_ref(bits[0]), _cell_ref(bits[-1])
            if a and b:
                table.merge(a[0], a[1], b[0], b[1])

    def sh_text(s):
        w = cur["where"]
        if w == "f":
            cur["f"].append(s)
        elif w in ("v", "t"):
            cur["v"].append(s)
            if sum(map(len, cur["v"])) > limits.max_cell_chars * 4:
                raise _cell_too_long(limits, cur["row"] + 1, cur["col"], None)

    def sh_end(tag):
        tag = _local(tag)
        if tag in ("v", "t", "f"):
            cur["where"] = None
        elif tag == "c":
            raw = "".join(cur["v"])
            t = cur["t"]
            value: object = None
            if cur["f"] is not None:
                value = Formula("=" + "".join(cur["f"]) if cur["f"] else "=" + raw)
            elif t == "s":
                try:
                    value = strings[int(raw)]
                except (ValueError, IndexError):
                    value = None
            elif t in ("inlineStr", "str", "e"):
                value = raw
            elif t == "b":
                value = raw.strip() in ("1", "true")
            elif t == "d":
                try:
                    value = dt.date.fromisoformat(raw[:10])
                except ValueError:
                    value = raw
            elif raw.strip():
                try:
                    num = float(raw)
                except ValueError:
                    value = raw
                else:
                    s = cur["s"]
                    if 0 <= s < len(date_styles) and date_styles[s]:
                        value = _excel_date(num, wb["date1904"]) or num
                    else:
                        value = int(num) if num.is_integer() and abs(num) < 1e15 else num
            table.put(cur["row"], cur["col"], value)
    _parse_member(zf, target, budget, sh_start, sh_end, sh_text)
    return Sheet(table.dense(), table.merges, "xlsx", "cp1252")


# --- .ods ---------------------------------------------------------------------------------

def _ods(data: bytes, limits: Limits) -> Sheet:
    kind = ".ods"
    zf = _open_zip(data, kind, limits)
    if "content.xml" not in zf.namelist():
        raise ValueError("no content")
    budget = _Budget(limits, kind)
    table = _Table(limits)
    st = {"depth": 0, "row": 0, "col": 0, "rrep": 1, "cell": None, "text": [], "paras": 0, "rowcells": None,
          "in_p": 0}

    def attr(attrs, name):
        for k, v in attrs.items():
            if _local(k) == name:
                return v
        return None

    def rep(attrs, name, cap):
        try:
            return max(1, min(int(attr(attrs, name) or 1), cap))
        except ValueError:
            return 1

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "table":
            st["depth"] += 1
        if st["depth"] != 1:
            return
        if tag == "table-row":
            st["rrep"] = rep(attrs, "number-rows-repeated", 10 ** 7)
            st["col"], st["rowcells"] = 0, {}
        elif tag in ("table-cell", "covered-table-cell"):
            st["cell"] = dict(attrs) | {"_tag": tag}
            st["text"], st["paras"] = [], 0
        elif tag == "p" and st["cell"] is not None:
            if st["paras"]:
                st["text"].append("\n")
            st["paras"] += 1
            st["in_p"] += 1
        elif tag == "s" and st["cell"] is not None:
            st["text"].append(" " * rep(attrs, "c", 100))
        elif tag == "tab" and st["cell"] is not None:
            st["text"].append("\t")
        elif tag == "line-break" and st["cell"] is not None:
            st["text"].append("\n")

    def text(s):
        if st["cell"] is not None and st["in_p"]:
            st["text"].append(s)
            if len(st["text"]) > 64 and sum(map(len, st["text"])) > limits.max_cell_chars * 4:
                raise _cell_too_long(limits, st["row"] + 1, st["col"], None)

    def end(tag):
        tag = _local(tag)
        if tag == "table":
            st["depth"] -= 1
            if st["depth"] == 0:
                raise _Stop()
            return
        if st["depth"] != 1:
            return
        if tag == "p":
            st["in_p"] = max(0, st["in_p"] - 1)
        elif tag in ("table-cell", "covered-table-cell"):
            a = st["cell"] or {}
            st["cell"] = None
            crep = rep(a, "number-columns-repeated", 10 ** 6)
            vtype = attr(a, "value-type")
            formula = attr(a, "formula")
            txt = "".join(st["text"])
            value: object = None
            if a.get("_tag") == "covered-table-cell":
                value = None
            elif formula:
                value = Formula("=" + re.sub(r"^of:=?", "", formula))
            elif vtype in ("float", "percentage", "currency"):
                try:
                    num = float(attr(a, "value") or txt)
                    value = int(num) if num.is_integer() and abs(num) < 1e15 else num
                except ValueError:
                    value = txt
            elif vtype == "date":
                try:
                    value = dt.date.fromisoformat((attr(a, "date-value") or "")[:10])
                except ValueError:
                    value = txt
            elif vtype == "boolean":
                value = (attr(a, "boolean-value") or "") == "true"
            else:
                value = txt if txt != "" else (attr(a, "string-value") or None)
            if value is not None and value != "":
                if st["col"] + crep > limits.max_columns:
                    raise _too_many_columns(limits, st["row"] + 1, st["col"] + crep - 1)
                for c in range(st["col"], st["col"] + crep):
                    st["rowcells"][c] = value
            cs, rs = rep(a, "number-columns-spanned", 10 ** 4), rep(a, "number-rows-spanned", 10 ** 5)
            if cs > 1 or rs > 1:
                table.merge(st["row"], st["col"], st["row"] + rs - 1, st["col"] + cs - 1)
            st["col"] += crep
        elif tag == "table-row":
            cells, n = st["rowcells"] or {}, st["rrep"]
            if cells:
                if st["row"] + n > limits.max_sheet_rows:
                    raise _too_many_rows(limits, st["row"] + n)
                for r in range(st["row"], st["row"] + n):
                    for c, v in cells.items():
                        table.put(r, c, v)
            st["row"] += n
            st["rowcells"] = None
    _parse_member(zf, "content.xml", budget, start, end, text)
    return Sheet(table.dense(), table.merges, "ods", "cp1252")


# --- .xls ---------------------------------------------------------------------------------

def _xls(data: bytes, limits: Limits) -> Sheet:
    import xlrd

    log = io.StringIO()
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=log)
    except Exception:  # noqa: BLE001 - some files only open without formatting records
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=log)
    sh = book.sheet_by_index(0)
    if sh.nrows > limits.max_sheet_rows:
        raise _too_many_rows(limits, sh.nrows)
    table = _Table(limits)
    for r in range(sh.nrows):
        for c, cell in enumerate(sh.row(r)):
            value: object = None
            if cell.ctype == xlrd.XL_CELL_TEXT:
                value = cell.value
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                value = int(cell.value) if float(cell.value).is_integer() else cell.value
            elif cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode).date()
                except Exception:  # noqa: BLE001 - a date out of Excel's range stays a number
                    value = cell.value
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(cell.value, "#ERR")
            table.put(r, c, value)
    for rlo, rhi, clo, chi in getattr(sh, "merged_cells", []) or []:
        table.merge(rlo, clo, rhi - 1, chi - 1)
    book.release_resources()
    return Sheet(table.dense(), table.merges, "xls", "cp1252")


# --- .csv ---------------------------------------------------------------------------------

def decode_csv(data: bytes) -> tuple[str, str, str]:
    """(text, codec, note): UTF-8 with or without BOM (Excel's "CSV UTF-8"), UTF-16 with a
    BOM, else Windows-1258 (Vietnamese Windows "ANSI"; tones as combining marks, NFC later)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "cp1252", "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, "cp1252", "UTF-8 (có BOM)" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "cp1258", "Windows-1258"
    except UnicodeDecodeError:
        # cp1258 leaves a few bytes undefined; a legacy-font file may use them.
        return data.decode("latin-1"), "latin-1", "Windows-1258"


def _csv(data: bytes, limits: Limits, header_score) -> Sheet:
    text, codec, note = decode_csv(data)
    head = "\n".join(text.splitlines()[:40])
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        score = max((header_score(r) for r in rows), default=0) * 100 + max((len(r) for r in rows), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    table = _Table(limits)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    r = -1
    try:
        for r, row in enumerate(reader):
            if r >= limits.max_sheet_rows and any(row):
                raise _too_many_rows(limits, r + 1)
            for c, value in enumerate(row):
                table.put(r, c, value)
    except csv.Error as err:
        line = reader.line_num or r + 2
        if "field larger than field limit" in str(err):
            raise _cell_too_long(limits, line, None, None) from None
        raise ValidationFailed(f"Không đọc được tệp CSV ở dòng {line}; chưa nhập gì.",
                               [{"row": line, "field": "file", "message": "Dòng CSV không đúng định dạng."}]) from None
    return Sheet(table.dense(), table.merges, "csv", codec, note)


# --- the door -----------------------------------------------------------------------------

ACCEPTED = ".xlsx, .xls, .ods hoặc .csv"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_sheet(filename: str, data: bytes, *, limits: Limits | None = None, header_score=lambda row: 0) -> Sheet:
    """The first sheet of the file, as values. Raises ValidationFailed (Vietnamese, naming
    the limit) for anything that is not a readable spreadsheet or breaks a limit."""
    limits = limits or Limits()
    name = (filename or "").lower().strip()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if len(data) > limits.max_bytes:
        raise _refuse(f"Tệp lớn {_mb(len(data))} MB, vượt giới hạn {_mb(limits.max_bytes)} MB của một lần nhập; "
                      f"chưa nhập gì. (Một danh sách {limits.max_rows} người chỉ cần chừng 2 MB.)",
                      "Tệp quá lớn.")
    if ext not in ("xlsx", "xlsm", "xls", "ods", "csv", "txt"):
        raise _refuse(f"Chỉ nhận tệp {ACCEPTED}.", "Định dạng tệp không được hỗ trợ.")
    if not data.strip():
        raise ValidationFailed("Tệp trống: không có dữ liệu.", [{"row": 1, "field": "", "message": "Tệp không có dòng nào."}])
    # Judge by content, not by name: an .xlsx renamed .xls still opens.
    if data.startswith(b"PK\x03\x04") or (data.startswith(b"PK") and ext in ("xlsx", "xlsm", "ods")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as probe:
                names = set(probe.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            names = set()
        reader, label = (_ods, ".ods") if "content.xml" in names and "xl/workbook.xml" not in names else (_xlsx, ".xlsx")
    elif data.startswith(_OLE):
        reader, label = _xls, ".xls"
    elif ext in ("csv", "txt"):
        return _csv(data, limits, header_score)
    else:
        label = "." + ext
        reader = None
    if reader is not None:
        try:
            return reader(data, limits)
        except ValidationFailed:
            raise
        except MemoryError:
            raise _bomb(label, limits, None) from None
        except Exception:  # noqa: BLE001 - a damaged file raises many kinds; all mean the same here
            pass
    old = " (tệp .xls cũ: mở bằng Excel rồi lưu lại)" if label == ".xls" else ""
    raise _refuse(f"Không đọc được tệp {label}: tệp bị hỏng hoặc không đúng định dạng{old}; chưa nhập gì.",
                  f"Tệp không phải {label} hợp lệ.")
