"""Quorum (RULES §1) and the rulebook presets."""

import dataclasses

import pytest

from election_app.rules import (
    DEFAULT_PRESET,
    PRESETS,
    RulePreset,
    get_preset,
    quorum_met,
    quorum_needed,
)


@pytest.mark.parametrize(
    ("present", "summoned", "met"),
    [
        (2, 3, True),     # exactly two-thirds: "at least"
        (1, 3, False),
        (6, 9, True),     # 18 >= 18
        (5, 9, False),
        (7, 10, True),    # 21 >= 20
        (6, 10, False),   # 18 < 20
        (67, 100, True),  # 201 >= 200
        (66, 100, False), # 198 < 200 (66 % is not two-thirds)
        (100, 100, True),
        (1, 1, True),
        (0, 1, False),
        (0, 0, False),    # nobody summoned: no congress
        (5, 0, False),
    ],
)
def test_quorum_met(present, summoned, met):
    assert quorum_met(present, summoned) is met


@pytest.mark.parametrize(
    ("summoned", "needed"),
    [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (9, 6), (10, 7), (100, 67), (151, 101)],
)
def test_quorum_needed(summoned, needed):
    assert quorum_needed(summoned) == needed
    if summoned:
        assert quorum_met(needed, summoned)
        assert not quorum_met(needed - 1, summoned)


def test_quorum_follows_the_preset():
    half = RulePreset(code="half", title="Nửa số", quorum_num=1, quorum_den=2)
    assert quorum_met(5, 10, half)
    assert not quorum_met(4, 10, half)
    assert quorum_needed(11, half) == 6


@pytest.mark.parametrize(("present", "summoned"), [(-1, 10), (5, -3)])
def test_quorum_refuses_negative_counts(present, summoned):
    with pytest.raises(ValueError, match="không được là số âm"):
        quorum_met(present, summoned)


def test_quorum_refuses_non_integers():
    with pytest.raises(TypeError, match="phải là số nguyên"):
        quorum_met(2.0, 3)
    with pytest.raises(TypeError):
        quorum_needed(True)
    with pytest.raises(ValueError):
        quorum_needed(-1)


def test_default_preset_is_the_2020_charter():
    preset = DEFAULT_PRESET
    assert preset is PRESETS["dieu_le_2020"] is get_preset("dieu_le_2020")
    assert preset.title == (
        "Điều lệ Công đoàn Việt Nam 2020 (QĐ 174/QĐ-TLĐ) + Hướng dẫn 03/HD-TLĐ 2020"
    )
    assert (preset.quorum_num, preset.quorum_den) == (2, 3)
    assert (preset.elect_num, preset.elect_den, preset.elect_base) == (1, 2, "returned")
    assert (preset.motion_num, preset.motion_den, preset.motion_base) == (1, 2, "present")
    assert preset.surplus_warn_max_percent == 30
    assert preset.surplus_warn_when_none is True


def test_presets_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PRESET.quorum_num = 1


def test_unknown_preset_is_a_vietnamese_value_error():
    with pytest.raises(ValueError, match="Không có bộ quy tắc bầu cử mã 'khong_co'"):
        get_preset("khong_co")


@pytest.mark.parametrize(
    "changes",
    [
        {"quorum_den": 0},
        {"quorum_num": 4, "quorum_den": 3},
        {"elect_num": -1},
        {"elect_base": "summoned"},
        {"motion_base": "valid"},
        {"surplus_warn_max_percent": -5},
        {"code": ""},
    ],
)
def test_preset_validation(changes):
    fields = {"code": "x", "title": "Thử", **changes}
    with pytest.raises(ValueError):
        RulePreset(**fields)


def test_preset_fractions_must_be_integers():
    with pytest.raises(TypeError):
        RulePreset(code="x", title="Thử", elect_num=0.5, elect_den=1)
