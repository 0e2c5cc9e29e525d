"""Candidate list checks (RULES §4.1): hard errors, surplus warnings, duplicates."""

from decimal import Decimal

import pytest

from election_app.rules import RulePreset, check_candidate_list


def people(n):
    return [(f"Nguyễn Văn {chr(ord('A') + i)}", 1970 + i) for i in range(n)]


def codes(problems):
    return [p.code for p in problems]


@pytest.mark.parametrize(
    ("n", "seats", "errors", "warnings", "surplus"),
    [
        (5, 5, [], ["no_surplus"], "0.00"),
        (6, 5, [], [], "20.00"),
        (13, 10, [], [], "30.00"),              # exactly 30 %: no warning
        (14, 10, [], ["surplus_too_high"], "40.00"),
        (4, 3, [], ["surplus_too_high"], "33.33"),  # 1 over 3 seats is already > 30 %
        (7, 5, [], ["surplus_too_high"], "40.00"),
        (6, 3, [], ["surplus_too_high"], "100.00"),
        (4, 5, ["too_few_candidates"], [], "-20.00"),
        (0, 1, ["too_few_candidates"], [], "-100.00"),
        (3, 0, ["seats_invalid"], [], "0.00"),
        (3, -2, ["seats_invalid"], [], "0.00"),
        (1, 1, [], ["no_surplus"], "0.00"),     # one seat, one candidate: a yes/no vote
    ],
)
def test_list_sizes(n, seats, errors, warnings, surplus):
    check = check_candidate_list(people(n), seats)
    assert codes(check.errors) == errors
    assert codes(check.warnings) == warnings
    assert check.surplus_percent == Decimal(surplus)
    assert check.ok is (not errors)


def test_warning_and_error_messages_are_vietnamese():
    assert check_candidate_list(people(5), 5).warnings[0].message == (
        "Danh sách không có số dư: số người trong danh sách (5) bằng số lượng bầu (5)."
    )
    assert check_candidate_list(people(14), 10).warnings[0].message == (
        "Số dư 4 người (40,00%) vượt quá 30% số lượng bầu (10)."
    )
    assert check_candidate_list(people(4), 5).errors[0].message == (
        "Danh sách có 4 người, ít hơn số lượng bầu (5)."
    )


def test_preset_can_silence_the_warnings():
    quiet = RulePreset(code="q", title="Thử", surplus_warn_max_percent=None,
                       surplus_warn_when_none=False)
    assert check_candidate_list(people(5), 5, quiet).warnings == []
    assert check_candidate_list(people(10), 5, quiet).warnings == []


@pytest.mark.parametrize(
    ("a", "b", "duplicate"),
    [
        (("Nguyễn Văn Hòa", 1980), ("Nguyễn Văn Hoà", 1980), True),    # tone placement
        (("Nguyễn Văn Hòa", 1980), ("nguyễn  văn HÒA", 1980), True),   # case, spaces
        (("Nguyễn Văn Hòa", 1980), ("Nguyễn Văn Hòa", None), True),    # year missing
        (("Nguyễn Văn Hòa", None), ("Nguyễn Văn Hòa", None), True),
        (("Nguyễn Văn Hòa", 1980), ("Nguyễn Văn Hòa", 1985), False),   # two people
        (("Nguyễn Văn Hòa", 1980), ("Nguyễn Văn Hoa", 1980), False),   # other tone
        (("Trần Đức", None), ("Trần Dức", None), False),               # other letter
        (("Phạm Thị Thủy", None), ("Phạm Thị Thuỷ", None), True),
    ],
)
def test_duplicates(a, b, duplicate):
    check = check_candidate_list([a, ("Lê Văn Tám", 1990), b], 2)
    dups = [p for p in check.errors if p.code == "duplicate_person"]
    assert bool(dups) is duplicate
    if duplicate:
        assert dups[0].rows == (0, 2)
        assert "dòng 3 trùng với" in dups[0].message


def test_duplicate_message():
    check = check_candidate_list([("Nguyễn Văn Hòa", 1980), ("Nguyễn Văn Hoà", 1980)], 1)
    assert check.errors[0].message == (
        "Đồng chí Nguyễn Văn Hoà (1980) ở dòng 2 trùng với Nguyễn Văn Hòa (1980) ở dòng 1: "
        "một người có tên hai lần trong danh sách."
    )


def test_three_copies_report_every_pair():
    check = check_candidate_list([("Lê An", None)] * 3, 1)
    assert [p.rows for p in check.errors] == [(0, 1), (0, 2), (1, 2)]


def test_unknown_year_links_two_different_known_years():
    check = check_candidate_list([("Lê An", 1980), ("Lê An", None), ("Lê An", 1990)], 1)
    assert [p.rows for p in check.errors] == [(0, 1), (1, 2)]


def test_empty_name_and_bad_year_are_errors():
    check = check_candidate_list([("  ", None), ("Lê An", "1980")], 1)
    assert sorted(codes(check.errors)) == ["birth_year_invalid", "empty_name"]
    assert "Dòng 1: họ và tên không được để trống." in [p.message for p in check.errors]
