"""Candidate lists (ứng cử / đề cử) for tests, shaped like the ones union offices keep: a title
block of merged cells, "DANH SÁCH ỨNG CỬ, ĐỀ CỬ …", then either
- shape A: one header row "TT | Họ và tên | Ngày tháng năm sinh | Giới tính | Chức vụ, đơn vị
  công tác | Ứng cử/Đề cử | Thâm niên | Ghi chú", a row of column numbers, "Danh sách có … người"
  ("Thâm niên" is not ours and not sure: the mapping step), or
- shape B: a two-row header "Năm sinh" over "Nam | Nữ" and "Hình thức" over "Ứng cử | Đề cử"
  (an x), separate "Chức vụ" and "Đơn vị", "Tổng cộng", a signature block;
in .xlsx, .xls, .ods and .csv (UTF-8 with BOM, Windows-1258), typed in Unicode, TCVN3 or VNI.
The first two people are on the ``roll`` fixture's list (same name and birth year)."""
from __future__ import annotations

import datetime as dt

from tests.rollfiles import legacy_rows, tcvn3, to_csv, to_ods, to_xls, to_xlsx, vni

# (name, sex, birth date, position, unit, nomination)
CANDIDATES = [
    ("Nguyễn Văn An", "nam", dt.date(1980, 5, 14), "Hiệu trưởng", "Trường Tiểu học Thủ Lệ", "nominated"),
    ("Trần Thị Bình", "nữ", dt.date(1981, 2, 3), "Phó Hiệu trưởng", "Trường Tiểu học Thủ Lệ", "nominated"),
    ("Lê Thị Thuỷ", "nữ", dt.date(1990, 7, 30), "Tổ trưởng", "Tổ 1", "self"),
    ("Phạm Ngọc Ánh", "nữ", dt.date(1992, 1, 5), "Giáo viên", "Tổ 2", "nominated"),
    ("Hoàng Văn Trường", "nam", dt.date(1988, 9, 19), "Kế toán", "Văn phòng", "self"),
    ("Đặng Thị Ngữ", "nữ", dt.date(1995, 12, 24), "Nhân viên", "Văn phòng", "nominated"),
]
ON_ROLL = {"Nguyễn Văn An", "Trần Thị Bình"}
# name -> (birth year, position, unit, nomination) as the election must hold them (outside people;
# the two on the roll take the roll's own data).
EXPECTED = {n: (b.year, p, u, nom) for n, _s, b, p, u, nom in CANDIDATES}
TITLE = "DANH SÁCH ỨNG CỬ, ĐỀ CỬ BAN CHẤP HÀNH CÔNG ĐOÀN CƠ SỞ KHOÁ XV, NHIỆM KỲ 2023–2028"


def shape_a(dates_as_text: bool) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    W = 8
    rows = [["CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH", None, None, None, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None, None],
            ["CĐCS TRƯỜNG TIỂU HỌC THỦ LỆ", None, None, None, "Độc lập - Tự do - Hạnh phúc", None, None, None],
            [None] * W,
            [TITLE] + [None] * (W - 1),
            [None] * W,
            ["TT", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Chức vụ, đơn vị công tác", "Ứng cử/Đề cử",
             "Thâm niên", "Ghi chú"],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]]
    for i, (name, sex, born, pos, unit, nom) in enumerate(CANDIDATES, start=1):
        rows.append([i, name, f"{born:%d/%m/%Y}" if dates_as_text else born, "Nam" if sex == "nam" else "Nữ",
                     f"{pos}, {unit}", "Ứng cử" if nom == "self" else "Đề cử", f"{5 + i} năm",
                     "Tái cử" if i <= 2 else None])
    rows.append([None, f"Danh sách có {len(CANDIDATES)} người.", None, None, None, None, None, None])
    rows.append([None] * W)
    rows.append([None, None, None, None, "TM. BAN CHẤP HÀNH", None, None, None])
    rows.append([None, None, None, None, "CHỦ TỊCH", None, None, None])
    return rows, [(0, 0, 0, 3), (0, 4, 0, 7), (1, 0, 1, 3), (1, 4, 1, 7), (3, 0, 3, 7)]


def shape_b() -> tuple[list[list], list[tuple[int, int, int, int]]]:
    W = 9
    blank = [None] * W

    def row(*cells):
        return list(cells) + [None] * (W - len(cells))
    rows = [row("LIÊN ĐOÀN LAO ĐỘNG QUẬN BA ĐÌNH"), row("CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC THỦ LỆ"), blank[:],
            row(TITLE), blank[:],
            row("TT", "Họ và tên", "Năm sinh", None, "Chức vụ", "Đơn vị", "Hình thức", None, "Ghi chú"),
            row(None, None, "Nam", "Nữ", None, None, "Ứng cử", "Đề cử", None)]
    for i, (name, sex, born, pos, unit, nom) in enumerate(CANDIDATES, start=1):
        rows.append(row(i, name, born.year if sex == "nam" else None, born.year if sex == "nữ" else None, pos, unit,
                        "x" if nom == "self" else None, "x" if nom == "nominated" else None, None))
    rows.append(row(None, f"Tổng cộng: {len(CANDIDATES)} người"))
    rows.append(blank[:])
    rows.append(row(None, "NGƯỜI LẬP BIỂU", None, None, None, "TM. BAN CHẤP HÀNH"))
    rows.append(row(None, "Lê Thị Thuỷ", None, None, None, "Nguyễn Văn An"))
    merges = [(0, 0, 0, 8), (1, 0, 1, 8), (3, 0, 3, 8), (5, 0, 6, 0), (5, 1, 6, 1), (5, 2, 5, 3), (5, 4, 6, 4),
              (5, 5, 6, 5), (5, 6, 5, 7), (5, 8, 6, 8)]
    return rows, merges


def candidate_files() -> dict[str, bytes]:
    """Every candidate shape × format × encoding the tests import."""
    a_rows, a_merges = shape_a(dates_as_text=False)
    at_rows, _ = shape_a(dates_as_text=True)
    b_rows, b_merges = shape_b()
    return {
        "ung-cu-mot-dong.xlsx": to_xlsx(a_rows, a_merges),
        "ung-cu-mot-dong.xls": to_xls(a_rows, a_merges),
        "ung-cu-mot-dong-bom.csv": to_csv(at_rows, "utf-8-sig"),
        "ung-cu-mot-dong-1258.csv": to_csv(at_rows, "cp1258", ";"),
        "ung-cu-hai-dong.xlsx": to_xlsx(b_rows, b_merges),
        "ung-cu-hai-dong.ods": to_ods(b_rows, b_merges),
        "tcvn3-ung-cu.xls": to_xls(legacy_rows(a_rows, tcvn3), a_merges),
        "tcvn3-ung-cu-hai-dong.xlsx": to_xlsx(legacy_rows(b_rows, tcvn3), b_merges),
        "vni-ung-cu.csv": to_csv(legacy_rows(at_rows, vni), "ansi"),
        "vni-ung-cu-hai-dong.xlsx": to_xlsx(legacy_rows(b_rows, vni), b_merges),
    }
