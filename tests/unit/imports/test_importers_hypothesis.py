"""Hypothesis over the importers (issue 11 §4, issue 15): random bytes under every extension
end in a Vietnamese refusal or a table, never another exception; random header layouts are
understood; NFD and invisible characters change neither a name nor its duplicate key;
formulas such as =HYPERLINK never reach the roll."""
from __future__ import annotations

import io
import unicodedata
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st

from election_app.errors import ValidationFailed
from election_app.imports import legacy, read_list, records
from election_app.rules import INVISIBLE, duplicate_key, normalize_text
from tests.rollfiles import tcvn3, to_csv, to_ods, to_xls, to_xlsx, vni, xlsx

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=3000), st.sampled_from(["a.xlsx", "a.xls", "a.ods", "a.csv", "a.txt"]))
def test_random_bytes_never_crash_a_reader(data, name):
    try:
        reading = read_list(name, data)
        records(reading)
    except ValidationFailed as err:
        assert err.message and err.details


@FAST
@given(st.binary(min_size=1, max_size=400), st.sampled_from(["xl/worksheets/sheet1.xml", "content.xml"]))
def test_random_xml_inside_a_zip_never_crashes(junk, member):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml" if member.startswith("xl") else "mimetype", "<workbook/>")
        z.writestr(member, b"<?xml version='1.0'?><x>" + junk)
    try:
        records(read_list("a.xlsx" if member.startswith("xl") else "a.ods", buf.getvalue()))
    except ValidationFailed as err:
        assert err.message


NAMES = ["Nguyễn Thị Hoà", "Trần Văn Đức", "Lê Thị Thuỷ", "Phạm Ngọc Ánh", "Đặng Thị Ngữ", "Hoàng Văn Trường"]
HEADER_SPELLINGS = {
    "full_name": ["Họ và tên", "Họ tên", "HỌ VÀ TÊN", "Họ và tên đại biểu"],
    "birth": ["Năm sinh", "Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh"],
    "gender": ["Giới tính", "Nam/Nữ", "Giới"],
    "position": ["Chức vụ", "Chức danh"],
    "unit": ["Đơn vị", "Đơn vị công tác", "Nơi công tác"],
    "ethnicity": ["Dân tộc"],
    "is_party_member": ["Đảng viên"],
    "_index": ["TT", "STT", "Số TT"],
}


@FAST
@given(st.permutations(list(HEADER_SPELLINGS)), st.data(), st.integers(0, 5),
       st.sampled_from(["xlsx", "csv", "ods", "xls"]), st.sampled_from(["unicode", "tcvn3", "vni"]))
def test_random_header_layouts_are_understood(order, data, title_rows, fmt, font):
    labels = [data.draw(st.sampled_from(HEADER_SPELLINGS[f])) for f in order]
    values = {"full_name": NAMES[0], "birth": "12/03/1985", "gender": "Nữ", "position": "Giáo viên",
              "unit": "Tổ 1", "ethnicity": "Kinh", "is_party_member": "x", "_index": 1}
    rows = [["DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"] + [None] * (len(order) - 1)] * title_rows
    rows = rows + [labels, [values[f] for f in order], [None, "Tổng cộng: 1 người"] + [None] * (len(order) - 2)]
    if font != "unicode":
        conv = tcvn3 if font == "tcvn3" else vni
        rows = [[conv(v) if isinstance(v, str) else v for v in r] for r in rows]
    blob = {"xlsx": lambda: xlsx(rows), "csv": lambda: to_csv(rows), "ods": lambda: to_ods(rows, [], 10),
            "xls": lambda: to_xls(rows, [])}[fmt]()
    reading = read_list(f"a.{fmt}", blob)
    assert reading.encoding == font
    assert [c.field for c in reading.layout.columns][: len(order)] == list(order)
    (rec,) = records(reading)
    assert rec["full_name"] == NAMES[0] and rec["birth_year"] == 1985 and rec["birth_date"] == "1985-03-12"


invisible = st.sampled_from(sorted(INVISIBLE))


@FAST
@given(st.sampled_from(NAMES), st.lists(st.tuples(st.integers(0, 30), invisible), max_size=4), st.booleans())
def test_nfd_and_invisible_characters_change_neither_the_name_nor_its_key(name, inserts, decompose):
    dirty = unicodedata.normalize("NFD", name) if decompose else name
    for pos, ch in inserts:
        dirty = dirty[:pos] + ch + dirty[pos:]
    assert normalize_text(dirty) == name
    assert duplicate_key(dirty) == duplicate_key(name)


@FAST
@given(st.sampled_from(NAMES), st.integers(0, 20), st.sampled_from(["а", "о", "е", "с", "р", "ο", "ı"]))
def test_a_look_alike_letter_keeps_the_duplicate_key(name, pos, fake):
    real = {"а": "a", "о": "o", "е": "e", "с": "c", "р": "p", "ο": "o", "ı": "i"}[fake]
    i = next((k for k in range(pos, len(name)) if name[k] == real), None)
    if i is None:
        return
    assert duplicate_key(name[:i] + fake + name[i + 1:]) == duplicate_key(name)


@FAST
@given(st.sampled_from(["=HYPERLINK(\"http://x\",\"An\")", "=1+1", "=cmd|' /C calc'!A0", "= SUM(A1:A3)"]),
       st.sampled_from(["xlsx", "csv"]), st.sampled_from([1, 2]))
def test_formulas_never_reach_the_roll(formula, fmt, column):
    row = [1, "Lê Văn An", 1980]
    row[column] = formula
    rows = [["TT", "Họ và tên", "Năm sinh"], row]
    blob = xlsx(rows) if fmt == "xlsx" else to_csv(rows)
    (rec,) = records(read_list(f"a.{fmt}", blob))
    assert rec["_problems"][0]["row"] == 2 and "công thức" in rec["_problems"][0]["message"]
    assert rec["_problems"][0]["column"] == "ABC"[column]


def test_known_words_in_the_old_fonts():
    for old, new in [("Hä vµ tªn", "Họ và tên"), ("Tr\xadêng TiÓu häc Thñ LÖ", "Trường Tiểu học Thủ Lệ"),
                     ("NguyÔn V¨n §øc", "Nguyễn Văn Đức"), ("§¶ng viªn", "Đảng viên"), ("Tæng céng", "Tổng cộng")]:
        assert legacy.to_unicode(old, legacy.TCVN3) == new
    for old, new in [("Hoï vaø teân", "Họ và tên"), ("Tröôøng Tieåu hoïc", "Trường Tiểu học"),
                     ("Nguyeãn Vaên Ñöùc", "Nguyễn Văn Đức"), ("Vieät Nam", "Việt Nam"), ("Thò", "Thị")]:
        assert legacy.to_unicode(old, legacy.VNI) == new
    assert legacy.detect(["Hä vµ tªn", "NguyÔn V¨n §øc"])[0] == legacy.TCVN3
    assert legacy.detect(["Hoï vaø teân", "Nguyeãn Vaên Ñöùc"])[0] == legacy.VNI
    assert legacy.detect(["Họ và tên", "Nguyễn Văn Đức", "Lê Thị Hà", "Trần Thế Ánh"])[0] == legacy.UNICODE


GROUPS = {
    "name": (["Họ và tên"], ["full_name"]),
    "birth": (["Năm sinh", "Nam", "Nữ"], ["birth_male", "birth_female"]),
    "level": (["Trình độ", "Học vấn", "Chuyên môn", "LLCT"], ["education", "qualification", "political_theory"]),
    "sex": (["Giới tính", "Nam", "Nữ"], ["gender_male", "gender_female"]),
    "pos": (["Chức vụ, đơn vị công tác"], ["position_unit"]),
    "index": (["TT"], ["_index"]),
    "note": (["Ghi chú"], ["_keep"]),
}


@FAST
@given(st.permutations(["name", "birth", "level", "pos", "index", "note"]), st.booleans(), st.integers(0, 4),
       st.sampled_from(["xlsx", "csv", "ods", "xls"]), st.booleans())
def test_random_two_row_header_layouts(order, with_sex, title_rows, fmt, female):
    groups = list(order) + (["sex"] if with_sex else [])
    top, sub, expected, merges, values = [], [], [], [], []
    sample = {"full_name": "Lê Thị Thuỷ", "birth_male": None, "birth_female": 1990, "education": "12/12",
              "qualification": "Cử nhân", "political_theory": "Sơ cấp", "position_unit": "Giáo viên, Tổ 1",
              "_index": 1, "_keep": "ghi", "gender_male": None, "gender_female": "x"}
    if not female:
        sample |= {"birth_male": 1990, "birth_female": None, "gender_male": "x", "gender_female": None}
    r0 = title_rows
    for g in groups:
        labels, fields = GROUPS[g]
        c = len(top)
        if len(labels) == 1:
            top.append(labels[0])
            sub.append(None)
            merges.append((r0, c, r0 + 1, c))
        else:
            top += [labels[0]] + [None] * (len(labels) - 2)
            sub += labels[1:]
            merges.append((r0, c, r0, c + len(labels) - 2))
        expected += fields
        values += [sample[f] for f in fields]
    w = len(top)
    rows = [["DANH SÁCH ĐẠI BIỂU"] + [None] * (w - 1)] * title_rows + [top, sub, values,
                                                                     [None, "Tổng cộng: 1 người"] + [None] * (w - 2)]
    blob = {"xlsx": lambda: __import__("tests.rollfiles", fromlist=["to_xlsx"]).to_xlsx(rows, merges),
            "csv": lambda: to_csv(rows), "ods": lambda: to_ods(rows, merges, 10), "xls": lambda: to_xls(rows, merges)}[fmt]()
    reading = read_list(f"a.{fmt}", blob)
    assert [c.field for c in reading.layout.columns] == expected
    (rec,) = records(reading)
    assert rec["full_name"] == "Lê Thị Thuỷ" and rec["birth_year"] == 1990
    assert rec["gender"] == ("nữ" if female else "nam")
    assert (rec["position"], rec["unit"]) == ("Giáo viên", "Tổ 1")


@FAST
@given(st.binary(max_size=2000))
def test_random_ole_bytes_never_crash_the_xls_reader(tail):
    try:
        records(read_list("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail))
    except ValidationFailed as err:
        assert err.message


# --- candidate lists (ứng cử / đề cử): the same reader, kind "candidates" ------------------------

CANDIDATE_SPELLINGS = {
    "_index": ["TT", "STT", "Số TT"],
    "full_name": ["Họ và tên", "Họ tên", "HỌ VÀ TÊN", "Họ và tên người ứng cử"],
    "birth": ["Năm sinh", "Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh"],
    "gender": ["Giới tính", "Nam/Nữ"],
    "position_unit": ["Chức vụ, đơn vị công tác", "Chức vụ, đơn vị", "Chức danh, đơn vị công tác",
                      "Chức vụ và nơi công tác"],
    "nomination": ["Ứng cử/Đề cử", "Ứng cử, đề cử", "Hình thức (ứng cử/đề cử)", "Tự ứng cử/Được đề cử"],
}


@FAST
@given(st.permutations(list(CANDIDATE_SPELLINGS)), st.data(), st.integers(0, 5), st.booleans(), st.booleans(),
       st.sampled_from(["xlsx", "csv", "ods", "xls"]), st.sampled_from(["unicode", "tcvn3", "vni"]), st.booleans())
def test_random_candidate_header_layouts_are_understood(order, data, title_rows, birth_by_sex, marks, fmt, font,
                                                        split_name):
    """Random order and spellings, and either one-row columns or the two-row groups "Năm sinh"
    over "Nam | Nữ" (replacing birth and sex) and "Hình thức" over "Ứng cử | Đề cử" (an x);
    the name whole or over two columns ("Nguyễn Văn" | "Đức": merged header, or "Họ đệm | Tên"
    under it)."""
    top, sub, values, merges, name_merge = [], [], [], [], []
    two_rows = birth_by_sex or marks
    for f in order:
        c = len(top)
        if f == "gender" and birth_by_sex:
            continue
        if f == "full_name" and split_name:
            top += [data.draw(st.sampled_from(["Họ và tên", "Họ tên", "HỌ VÀ TÊN"])), None]
            sub += ["Họ đệm", "Tên"] if two_rows else [None, None]
            values += ["Trần Văn", "Đức"]
            name_merge = [(title_rows, c, title_rows, c + 1)]
            merges += name_merge
            continue
        if f == "birth" and birth_by_sex:
            top += ["Năm sinh", None]
            sub += ["Nam", "Nữ"]
            values += ["12/03/1985", None]
            merges.append((title_rows, c, title_rows, c + 1))
        elif f == "nomination" and marks:
            top += ["Hình thức", None]
            sub += ["Ứng cử", "Đề cử"]
            values += ["x", None]
            merges.append((title_rows, c, title_rows, c + 1))
        else:
            top.append(data.draw(st.sampled_from(CANDIDATE_SPELLINGS[f])))
            sub.append(None)
            values.append({"_index": 1, "full_name": NAMES[1], "birth": "12/03/1985", "gender": "Nam",
                           "position_unit": "Giáo viên, Tổ 1", "nomination": "Ứng cử"}[f])
            merges.append((title_rows, c, title_rows + 1, c))
    width = len(top)
    title = [["DANH SÁCH ỨNG CỬ, ĐỀ CỬ BAN CHẤP HÀNH"] + [None] * (width - 1)] * title_rows
    rows = title + ([top, sub] if two_rows else [top]) + [values, [None, "Tổng cộng: 1 người"] + [None] * (width - 2)]
    merges = merges if two_rows else name_merge
    if font != "unicode":
        conv = tcvn3 if font == "tcvn3" else vni
        rows = [[conv(v) if isinstance(v, str) else v for v in r] for r in rows]
    blob = {"xlsx": lambda: to_xlsx(rows, merges), "csv": lambda: to_csv(rows),
            "ods": lambda: to_ods(rows, merges, 10), "xls": lambda: to_xls(rows, merges)}[fmt]()
    reading = read_list(f"a.{fmt}", blob, kind="candidates")
    assert reading.encoding == font
    # Without merge information a one-row name over two columns is a guess to confirm.
    guess = split_name and not two_rows and fmt == "csv"
    assert reading.layout.all_sure != guess, [(c.label, c.field, c.sure) for c in reading.layout.columns]
    (rec,) = records(reading)
    assert "_problems" not in rec, rec
    assert rec["full_name"] == NAMES[1] and rec["birth_year"] == 1985 and rec["birth_date"] == "1985-03-12"
    assert (rec["position"], rec["unit"], rec["nomination"], rec["gender"].lower()) == ("Giáo viên", "Tổ 1", "self", "nam")
