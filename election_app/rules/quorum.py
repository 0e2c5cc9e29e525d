"""Quorum of a congress (RULES §1): present against summoned.

Owns: whether a congress may proceed (đủ điều kiện tiến hành) and how many must be present
for that. Who counts as summoned or present is decided by the caller (the roll and check-in
live elsewhere); this module only compares the two integers, exactly, under a preset.
"""

from __future__ import annotations

from ._checks import check_count
from .presets import DEFAULT_PRESET, RulePreset


def quorum_met(present: int, summoned: int, preset: RulePreset = DEFAULT_PRESET) -> bool:
    """True iff ``quorum_den × present ≥ quorum_num × summoned`` (3·present ≥ 2·summoned).

    Nobody summoned means no valid congress: ``summoned == 0`` gives False. Negative
    counts raise ``ValueError``. ``present > summoned`` is not refused here (reconciliation
    reports it); it simply meets the quorum.
    """
    check_count(present, "số đại biểu có mặt")
    check_count(summoned, "số đại biểu được triệu tập")
    if summoned == 0:
        return False
    return preset.quorum_den * present >= preset.quorum_num * summoned


def quorum_needed(summoned: int, preset: RulePreset = DEFAULT_PRESET) -> int:
    """The smallest number present that meets the quorum: ⌈num × summoned / den⌉.

    For ``summoned == 0`` it returns 0, but ``quorum_met(…, 0)`` stays False: with nobody
    summoned there is no congress to hold, whatever the count.
    """
    check_count(summoned, "số đại biểu được triệu tập")
    return -(-preset.quorum_num * summoned // preset.quorum_den)
