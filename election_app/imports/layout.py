"""Finding the table in a list as offices keep it, and what each column means.

A sheet may start with a title block (merged cells: the union's name, "DANH SÁCH ĐẠI BIỂU
…"), then a header of one or two rows (groups such as "Năm sinh" over "Nam | Nữ", "Trình độ"
over "Học vấn | Chuyên môn | LLCT"), sometimes a row of column numbers, then the people,
with section lines ("A. Đại biểu đương nhiên"), blank lines, a "Tổng cộng" line and a
signature block. ``find_layout`` locates the header and guesses each column's meaning, saying
whether it is sure; ``data_rows`` yields the people's rows with their sheet line numbers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from ..rules import normalize_text
from .readers import column_letter

# field -> label shown in the mapping step (Vietnamese; the keys are the contract).
FIELD_LABELS = {
    "_ignore": "— Bỏ qua cột này —",
    "_keep": "Giữ lại nguyên văn (cột riêng)",
    "_index": "Số thứ tự (TT)",
    "full_name": "Họ và tên",
    "ho": "Họ", "ten_dem": "Tên đệm", "ten": "Tên", "ho_dem": "Họ và tên đệm (cột trước cột Tên)",
    "gender": "Giới tính",
    "gender_male": "Nam (đánh dấu x)", "gender_female": "Nữ (đánh dấu x)",
    "birth": "Ngày tháng năm sinh / Năm sinh",
    "birth_male": "Năm sinh — cột Nam", "birth_female": "Năm sinh — cột Nữ",
    "position": "Chức vụ", "unit": "Đơn vị",
    "position_unit": "Chức vụ, đơn vị công tác (một cột)",
    "category": "Loại đại biểu", "is_party_member": "Đảng viên", "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch", "education": "Trình độ học vấn", "qualification": "Chuyên môn nghiệp vụ",
    "political_theory": "Lý luận chính trị", "nomination": "Ứng cử / đề cử",
    "nomination_self": "Ứng cử (đánh dấu x)", "nomination_nominated": "Đề cử (đánh dấu x)",
    "id_number": "Số CCCD (chỉ lưu dạng mã hoá)",
}
ROLL_FIELDS = [k for k in FIELD_LABELS if not k.startswith("nomination")]   # id_number: the roll only
CANDIDATE_FIELDS = ["_ignore", "_keep", "_index", "full_name", "ho", "ten_dem", "ten", "ho_dem", "gender",
                    "gender_male", "gender_female", "birth", "birth_male", "birth_female", "position",
                    "unit", "position_unit", "nomination", "nomination_self", "nomination_nominated"]
SINGLE = {"full_name", "ho", "ten_dem", "ten", "ho_dem", "gender", "birth", "position", "unit", "position_unit",
          "category", "is_party_member", "ethnicity", "nationality", "education", "qualification", "political_theory",
          "nomination", "gender_male", "gender_female", "birth_male", "birth_female", "_index",
          "nomination_self", "nomination_nominated", "id_number"}
# "Ứng cử" and "Đề cử" as two columns of marks (often under one merged "Hình thức" cell).
_NOMINATION_MARKS = {"ung cu": "nomination_self", "tu ung cu": "nomination_self",
                     "de cu": "nomination_nominated", "duoc de cu": "nomination_nominated",
                     "gioi thieu": "nomination_nominated"}


def fold(text) -> str:
    """Accent-free, lower-case, punctuation as spaces: for matching words only."""
    text = normalize_text(str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


# (pattern on the folded label, field). First match wins; order matters.
_PATTERNS: list[tuple[str, str]] = [
    (r"^(s[oố] )?(tt|stt|so tt|so thu tu|thu tu)$", "_index"),
    (r"^(so the|tham tra tu cach|ly do|diem danh|ma so)$", "_ignore"),
    (r"\bho (va )?ten\b|\bho ten\b|^ten day du$|^ho va ten dai bieu", "full_name"),
    (r"^ho (va )?(ten )?dem$|^ho ten dem$", "ho_dem"),
    (r"^ho$", "ho"), (r"^ten dem$|^dem$", "ten_dem"), (r"^ten$", "ten"),
    (r"chuc (vu|danh).*(don vi|co quan|noi cong tac)", "position_unit"),
    (r"(ngay|nam) (thang )?(nam )?sinh|^sinh ngay|^nam sinh|^ngay sinh", "birth"),
    (r"^gioi( tinh)?$|^gioi tinh|^nam nu$|^phai$|^nam hay nu", "gender"),
    (r"^chuc (vu|danh)", "position"),
    (r"^(don vi|noi cong tac|co quan|to cong doan|cong doan bo|don vi cong tac|phong ban|bo phan)", "unit"),
    (r"^loai( dai bieu)?$|^thanh phan$|^dai bieu$", "category"),
    (r"^(la )?dang vien|^dv$|^dang$", "is_party_member"),
    (r"^dan toc", "ethnicity"),
    (r"^quoc tich", "nationality"),
    (r"hoc van|van hoa|giao duc pho thong|^gdpt$|^ph[oô] thong$", "education"),
    (r"chuyen mon|nghiep vu|^cm$|^cmnv$|^chuyen nganh", "qualification"),
    (r"ly luan|chinh tri|^llct$", "political_theory"),
    (r"ung cu|de cu|hinh thuc gioi thieu|^nguon$", "nomination"),
    (r"^(so )?(cccd|cmnd|cmt|can cuoc|dinh danh)( cccd| cmnd| cong dan| ca nhan| so)*$|^so dinh danh", "id_number"),
    (r"^ghi chu|^ton giao|^que quan|dien thoai|^email|^cccd|^cmnd|ngay vao|^ngay vao dang", "_keep"),
]
_NAME_HEADER = re.compile(r"\bho (va )?ten\b|\bho ten\b|^ten day du$")


def guess_field(label: str) -> tuple[str, bool]:
    """(field, sure) for one header label."""
    f = fold(label)
    if not f:
        return "_ignore", True
    for pattern, name in _PATTERNS:
        if re.search(pattern, f):
            return name, True
    return "_keep", False


def is_name_header(value) -> bool:
    return value is not None and bool(_NAME_HEADER.search(fold(value)))


def header_score(row) -> int:
    """How many cells of a row read as a known header (to tell a CSV's separator)."""
    return sum(1 for c in row if c not in (None, "") and guess_field(str(c))[1] and fold(c))


@dataclass
class Column:
    index: int
    label: str
    field: str
    sure: bool
    parent: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    header_row: int                   # 0-based sheet row of the (first) header row
    data_start: int                   # 0-based first row after the header (and number row)
    columns: list[Column]
    two_rows: bool = False
    remembered: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        return hashlib.sha256("|".join(fold(c.label) for c in self.columns).encode()).hexdigest()

    @property
    def all_sure(self) -> bool:
        return all(c.sure for c in self.columns)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _cell(rows, r, c):
    return rows[r][c] if 0 <= r < len(rows) and c < len(rows[r]) else None


def _looks_like_year_or_date(v) -> bool:
    if isinstance(v, dt.date):
        return True
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return 1900 <= v <= 2100
    return bool(re.fullmatch(r"\s*(\d{1,2}[/.-]\d{1,2}[/.-])?\d{2,4}\s*", str(v)))


def _number_row(row) -> bool:
    """A row of column numbers under the header: 1 2 3 … or (1) (2) (3) …"""
    vals = [v for v in row if not _blank(v)]
    if len(vals) < 3:
        return False
    nums = []
    for v in vals:
        m = re.fullmatch(r"\(?\s*(\d{1,2})\s*\)?", str(v).strip())
        if not m:
            return False
        nums.append(int(m.group(1)))
    return nums == list(range(nums[0], nums[0] + len(nums)))


def find_layout(rows: list[list], merges, *, choices: list[str], mapping: list[str] | None = None) -> Layout | None:
    """The header and each column's guessed meaning, or None when no header with a name
    column ("Họ và tên", "Họ tên" …) is found in the first 40 rows."""
    header = None
    for r, row in enumerate(rows[:40]):
        if any(is_name_header(c) for c in row if not _blank(c)) or (
                sum(1 for c in row if not _blank(c) and fold(c) in ("ho", "ten")) == 2):
            header = r
            break
    if header is None:
        return None
    width = max(len(r) for r in rows[header:header + 3])
    head = list(rows[header]) + [None] * (width - len(rows[header]))
    # Horizontal merges in the header row: the group's label over each of its columns.
    parent_of: dict[int, str] = {}
    for r1, c1, r2, c2 in merges:
        if r1 == header and c2 > c1 and not _blank(_cell(rows, r1, c1)):
            for c in range(c1, min(c2, width - 1) + 1):
                parent_of[c] = str(_cell(rows, r1, c1))
    name_col = next(c for c, v in enumerate(head) if is_name_header(v) or fold(v or "") in ("ho", "ten"))
    sub = rows[header + 1] if header + 1 < len(rows) else []
    sub = list(sub) + [None] * (width - len(sub))
    two_rows = (_blank(sub[name_col]) and any(not _blank(v) for v in sub) and not _number_row(sub)) or (
        # "Họ và tên" over "Họ đệm | Tên": the name's parts have their own header row
        not _blank(sub[name_col]) and guess_field(str(sub[name_col]))[0] in ("ho_dem", "ho")
        and name_col + 1 < width and fold(sub[name_col + 1] or "") == "ten")
    columns: list[Column] = []
    last_parent = ""
    for c in range(width):
        top = head[c]
        label, parent = ("" if _blank(top) else str(top)), ""
        if two_rows:
            if c in parent_of:
                parent = parent_of[c]
            elif _blank(top) and not _blank(sub[c]) and last_parent and c > 0 and not _blank(sub[c - 1]):
                parent = last_parent      # no merge information (CSV): the group runs on
            elif not _blank(top) and not _blank(sub[c]):
                parent = str(top)
            if not _blank(sub[c]):
                label = f"{parent} / {sub[c]}" if parent else str(sub[c])
            elif parent and not label:
                label = parent
            last_parent = parent or (str(top) if not _blank(top) else "")
        columns.append(Column(c, normalize_text(label), "_ignore", True, normalize_text(parent)))
    data_start = header + (2 if two_rows else 1)
    if data_start < len(rows) and _number_row(rows[data_start]):
        data_start += 1
    split_name = _split_name_columns(rows, columns, name_col, data_start, parent_of, two_rows)
    for col in columns:
        if col.index in split_name:
            col.field, col.sure = split_name[col.index]
            if not col.label:
                col.label = f"{columns[name_col].label} (tên)"
            continue
        if not col.label:
            has_data = any(not _blank(_cell(rows, r, col.index)) for r in range(data_start, min(len(rows), data_start + 200)))
            col.field, col.sure = ("_keep", False) if has_data else ("_ignore", True)
            if has_data:
                col.label = f"(cột {col.letter} không có tiêu đề)"
            continue
        child = fold(col.label.split(" / ")[-1]) if " / " in col.label else ""
        parent = fold(col.parent)
        if child in ("nam", "nu"):
            values = [v for r in range(data_start, min(len(rows), data_start + 200))
                      if not _blank(v := _cell(rows, r, col.index))]
            yearish = values and sum(map(_looks_like_year_or_date, values)) * 2 > len(values)
            if "sinh" in parent or (not parent.startswith("gioi") and yearish):
                col.field, col.sure = ("birth_male" if child == "nam" else "birth_female"), True
            else:
                col.field, col.sure = ("gender_male" if child == "nam" else "gender_female"), True
            continue
        own = child or fold(col.label)
        if own in _NOMINATION_MARKS and "nomination_self" in choices and (
                child or any(fold(c.label) in _NOMINATION_MARKS for c in columns if c is not col)):
            col.field, col.sure = _NOMINATION_MARKS[own], True
            continue
        guess = guess_field(col.label.split(" / ")[-1]) if child else guess_field(col.label)
        if child and not guess[1]:
            guess = guess_field(col.label)
        col.field, col.sure = guess
    # A meaning can be used once: later columns with the same one are kept aside (not sure).
    seen: set[str] = set()
    for col in columns:
        if col.field not in choices:
            col.field, col.sure = "_keep", False
        if col.field in SINGLE:
            if col.field in seen:
                col.field, col.sure = "_keep", False
            seen.add(col.field)
    layout = Layout(header, data_start, columns, two_rows)
    if mapping is not None:
        apply_mapping(layout, mapping, choices)
    # Trailing columns with no label and no data are not worth showing.
    while layout.columns and layout.columns[-1].field == "_ignore" and not layout.columns[-1].label:
        layout.columns.pop()
    return layout


def _split_name_columns(rows, columns, name_col, data_start, parent_of, two_rows) -> dict[int, tuple[str, bool]]:
    """A one-row "Họ và tên" over two columns ("Nguyễn Thị" | "Hoà"), as many offices type
    it: {column: (field, sure)}. Sure when the header cell is merged over both; without merge
    information (CSV) a column with no header right of the name holding one word per person
    is a guess the organizer confirms."""
    nxt = name_col + 1
    if two_rows or nxt >= len(columns) or columns[nxt].label or not is_name_header(columns[name_col].label):
        return {}
    if parent_of.get(name_col) is not None and parent_of.get(nxt) == parent_of.get(name_col):
        return {name_col: ("ho_dem", True), nxt: ("ten", True)}
    values = [(_cell(rows, r, name_col), _cell(rows, r, nxt)) for r in range(data_start, min(len(rows), data_start + 200))]
    pairs = [(a, b) for a, b in values if not _blank(a) and not _blank(b)]
    if pairs and all(isinstance(b, str) and len(b.split()) == 1 and not b.strip().isdigit() for _a, b in pairs) \
            and sum(len(str(a).split()) >= 2 for a, _b in pairs) * 2 > len(pairs):
        return {name_col: ("ho_dem", False), nxt: ("ten", False)}
    return {}


def apply_mapping(layout: Layout, mapping: list[str], choices: list[str]) -> None:
    for col, chosen in zip(layout.columns, mapping):
        if chosen in choices:
            col.field, col.sure = chosen, True


_SUMMARY = re.compile(r"^(tong cong|tong so|cong|danh sach (nay )?co|co \d+ (nguoi|dai bieu)|tong)\b")
_FOOTER = re.compile(r"^(nguoi lap|tm |t m |chu tich|thu truong|xac nhan|truong ban|ban to chuc|noi nhan|"
                     r".*ngay .* thang .* nam)")
_SECTION_INDEX = re.compile(r"^(i{1,3}|iv|v|vi{0,3}|ix|x|[a-e])[.)]?$", re.I)
CATEGORY_SECTIONS = [("duong nhien", "ex_officio"), ("chi dinh", "appointed"), ("du khuyet", "alternate"),
                     ("khach moi", "guest"), ("chinh thuc", "official"), ("bau", "official")]


def data_rows(rows: list[list], merges, layout: Layout):
    """(sheet line number, cells, section category) for each person's row."""
    # Values merged down a column (one unit over several people) belong to every row.
    fill: dict[tuple[int, int], object] = {}
    for r1, c1, r2, c2 in merges:
        if r2 > r1 and r1 >= layout.data_start and c1 == c2:
            for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
                fill[(r, c1)] = _cell(rows, r1, c1)
    index_col = next((c.index for c in layout.columns if c.field == "_index"), None)
    data_cols = [c for c in layout.columns if c.field not in ("_ignore", "_index")]
    name_cols = [c.index for c in layout.columns if c.field in ("full_name", "ten")]
    section = None
    blank_seen = False
    started = False
    for r in range(layout.data_start, len(rows)):
        row = rows[r]

        def get(c, _r=r, _row=row):
            v = _row[c] if c < len(_row) else None
            return fill.get((_r, c), v) if _blank(v) else v
        values = [get(c.index) for c in data_cols]
        first_texts: list[str] = []          # the first two filled cells, folded (summary, section, footer)
        for c in range(len(row)):
            v = get(c)
            if not _blank(v):
                first_texts.append(fold(v) if isinstance(v, str) else str(v))
                if len(first_texts) == 2:
                    break
        if not any(not _blank(v) for v in values):
            if started:
                blank_seen = True
            continue
        if any(_SUMMARY.match(t) for t in first_texts):
            continue
        idx = get(index_col) if index_col is not None else None
        names = [get(c) for c in name_cols]
        name_text = fold(next((n for n in names if not _blank(n)), "") or "")
        if started and (blank_seen or not name_text) and _blank(idx) and _FOOTER.match(" ".join(first_texts)):
            break
        filled = sum(1 for v in values if not _blank(v))
        section_like = (idx is not None and _SECTION_INDEX.match(str(idx).strip() or "-")) or re.match(
            r"^(i{1,3}|iv|v|vi{1,3}|[a-e])[.)] ", first_texts[0] if first_texts else "")
        if section_like and filled <= 1:
            text = " ".join(first_texts)
            section = next((code for word, code in CATEGORY_SECTIONS if word in text), None)
            continue
        if started and blank_seen and index_col is not None and _blank(idx) and filled <= 1:
            break                                     # a signature block under the table
        started = True
        blank_seen = False
        yield r + 1, {c.index: get(c.index) for c in layout.columns}, section
