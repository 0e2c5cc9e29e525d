"""Reconciliation of a round's numbers (RULES §4.3) and show-of-hands votes (RULES §3)."""

import pytest

from election_app.rules import Problem, RulePreset, motion_passed, reconcile, validate_motion

GOOD = dict(
    issued=50, returned=50, valid=48, invalid=2,
    votes={"a": 40, "b": 30, "c": 20}, seats=2,
    voted=50, present=55, summoned=60,
)


def codes(problems):
    return [p.code for p in problems]


def test_good_numbers_reconcile():
    assert reconcile(**GOOD) == []


def test_optional_attendance_may_be_left_out():
    numbers = {k: v for k, v in GOOD.items() if k not in ("voted", "present", "summoned")}
    assert reconcile(**numbers) == []


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"returned": 52, "valid": 50},
         "returned_exceeds_issued",
         "Số phiếu thu về (52) lớn hơn số phiếu phát ra (50)."),
        ({"valid": 47},
         "valid_invalid_mismatch",
         "Số phiếu hợp lệ (47) cộng số phiếu không hợp lệ (2) bằng 49, "
         "khác số phiếu thu về (50)."),
        ({"votes": {"a": 49, "b": 30, "c": 10}},
         "votes_exceed_valid",
         "Số phiếu bầu của ứng cử viên mã a (49) lớn hơn số phiếu hợp lệ (48)."),
        ({"votes": {"a": 48, "b": 48, "c": 1}},
         "votes_total_exceeds",
         "Tổng số phiếu bầu cho các ứng cử viên (97) lớn hơn số phiếu hợp lệ "
         "nhân số lượng bầu (48 × 2 = 96)."),
        ({"voted": 56},
         "voted_exceeds_present",
         "Số đại biểu đã bỏ phiếu (56) lớn hơn số đại biểu có mặt (55)."),
        ({"present": 61, "voted": 50},
         "present_exceeds_summoned",
         "Số đại biểu có mặt (61) lớn hơn số đại biểu được triệu tập (60)."),
        ({"seats": 0},
         "seats_invalid",
         "Số lượng bầu phải ít nhất là 1 (đang là 0)."),
        ({"issued": -1},
         "negative",
         "Số phiếu phát ra không được là số âm (-1)."),
        ({"votes": {"a": -3}},
         "negative",
         "Số phiếu bầu của ứng cử viên mã a không được là số âm (-3)."),
        ({"valid": 4.5},
         "not_integer",
         "Số phiếu hợp lệ phải là số nguyên (nhận được 4.5)."),
    ],
)
def test_each_failure(changes, code, message):
    problems = reconcile(**{**GOOD, **changes})
    assert problems == [p for p in problems if p.code == code]
    assert any(p.message == message for p in problems), [p.message for p in problems]


def test_every_failure_is_reported_not_only_the_first():
    problems = reconcile(
        issued=10, returned=12, valid=9, invalid=1,
        votes={"a": 10, "b": 10}, seats=1, voted=20, present=15, summoned=14,
    )
    assert codes(problems) == [
        "returned_exceeds_issued",
        "valid_invalid_mismatch",
        "votes_exceed_valid",
        "votes_exceed_valid",
        "votes_total_exceeds",
        "voted_exceeds_present",
        "present_exceeds_summoned",
    ]
    assert {p.candidate_id for p in problems if p.code == "votes_exceed_valid"} == {"a", "b"}


def test_negative_counts_stop_the_other_checks():
    problems = reconcile(**{**GOOD, "returned": -5, "present": -1})
    assert codes(problems) == ["negative", "negative"]


def test_messages_name_the_candidate_when_names_are_given():
    problems = reconcile(**{**GOOD, "votes": {"a": 49}}, names={"a": "Nguyễn Văn Hòa"})
    assert problems[0].message == (
        "Số phiếu bầu của đồng chí Nguyễn Văn Hòa (49) lớn hơn số phiếu hợp lệ (48)."
    )


def test_problem_is_a_frozen_value():
    assert Problem("x", "Thông báo") == Problem(code="x", message="Thông báo")


# --- motions ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("agree", "present", "passed"),
    [
        (51, 100, True),
        (50, 100, False),   # exactly half fails
        (50, 99, True),     # odd present
        (49, 99, False),
        (1, 1, True),
        (0, 1, False),
        (0, 0, False),
        (100, 100, True),
    ],
)
def test_motion_passed_more_than_half_of_present(agree, present, passed):
    assert motion_passed(agree, present) is passed


def test_motion_abstentions_count_against():
    # 40 agree, 30 disagree, 31 other: 40 is more than disagree but not half of 101
    assert validate_motion(40, 30, 31, 101) == []
    assert not motion_passed(40, 101)


def test_motion_on_a_summoned_base_preset():
    preset = RulePreset(code="s", title="Thử: trên số triệu tập", motion_base="summoned")
    assert motion_passed(40, 60, preset, summoned=70)
    assert not motion_passed(35, 60, preset, summoned=70)
    with pytest.raises(ValueError, match="triệu tập"):
        motion_passed(40, 60, preset)


def test_two_thirds_motion_preset():
    preset = RulePreset(code="t", title="Thử: hai phần ba", motion_num=2, motion_den=3)
    assert not motion_passed(66, 99, preset)   # exactly 2/3 is not "more than"
    assert motion_passed(67, 99, preset)


@pytest.mark.parametrize(
    ("agree", "disagree", "other", "present", "code", "message"),
    [
        (50, 30, 21, 100, "votes_exceed_present",
         "Tổng số biểu quyết (101) vượt quá số đại biểu có mặt (100)."),
        (-1, 0, 0, 10, "negative", "Số tán thành không được là số âm (-1)."),
        (0, -2, 0, 10, "negative", "Số không tán thành không được là số âm (-2)."),
        (0, 0, -3, 10, "negative", "Số ý kiến khác không được là số âm (-3)."),
        (0, 0, 0, -4, "negative", "Số đại biểu có mặt không được là số âm (-4)."),
    ],
)
def test_validate_motion_failures(agree, disagree, other, present, code, message):
    assert validate_motion(agree, disagree, other, present) == [Problem(code, message)]


@pytest.mark.parametrize(
    ("agree", "disagree", "other", "present"),
    [(50, 30, 20, 100), (0, 0, 0, 0), (60, 0, 0, 100), (10, 0, 0, 10)],
)
def test_validate_motion_accepts(agree, disagree, other, present):
    assert validate_motion(agree, disagree, other, present) == []


def test_motion_passed_refuses_impossible_counts():
    with pytest.raises(ValueError, match="vượt quá"):
        motion_passed(11, 10)
    with pytest.raises(ValueError, match="không được là số âm"):
        motion_passed(-1, 10)
