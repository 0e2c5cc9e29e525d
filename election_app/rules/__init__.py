"""The election law of a trade-union congress, as pure functions on plain data.

Owns every rule of domain/RULES.md that can be decided from numbers and names alone:
quorum (§1), show-of-hands votes (§3), candidate lists and the Vietnamese name order
(§4.1), ballot validity (§4.2), counting, thresholds, ties and reconciliation (§4.3) and
alternates taken from the ranking (§4.4), each under a named rulebook preset.

Python standard library only: no Flask, no SQLAlchemy, no clock, no I/O, no randomness.
Thresholds are integer comparisons; ties are reported, never broken; every message is
Vietnamese. Services load data, call these functions, and store what they return.
"""

from .ballots import (DEFECT_REASONS, INVALID_REASONS, OTHER_DEFECT, BallotError, BallotJudge, BallotVerdict,
                      judge_ballot)
from .candidates import CandidateCheck, check_candidate_list
from .motions import motion_passed, validate_motion
from .names import (
    DEFAULT_NAME_ORDER,
    INVISIBLE,
    NAME_ORDERS,
    control_characters,
    foreign_letters,
    duplicate_key,
    full_name_sort_key,
    join_name,
    letter_tone_key,
    name_sort_key,
    normalize_text,
    sort_people,
    split_full_name,
    word_key,
)
from .presets import DEFAULT_PRESET, PRESETS, RulePreset, get_preset
from .quorum import quorum_met, quorum_needed
from .reconcile import Problem, reconcile
from .yesno import BALLOT_TYPES, MARKS, YesNoJudge, count_yes_no, judge_yes_no_ballot, yes_no_allowed
from .tally import (
    OUTCOMES,
    RoundCount,
    RoundDecision,
    count_ballots,
    count_votes,
    decide_round,
    elect_base_count,
    format_percent_vi,
    passes,
    percent,
    rank_key,
    upper_delegate_alternates,
    votes_needed,
)

__all__ = [
    "BALLOT_TYPES",
    "MARKS",
    "YesNoJudge",
    "count_yes_no",
    "judge_yes_no_ballot",
    "yes_no_allowed",
    "DEFAULT_NAME_ORDER",
    "INVISIBLE",
    "NAME_ORDERS",
    "letter_tone_key",
    "control_characters",
    "foreign_letters",
    "DEFAULT_PRESET",
    "DEFECT_REASONS",
    "INVALID_REASONS",
    "OTHER_DEFECT",
    "OUTCOMES",
    "PRESETS",
    "BallotError",
    "BallotJudge",
    "BallotVerdict",
    "CandidateCheck",
    "Problem",
    "RoundCount",
    "RoundDecision",
    "RulePreset",
    "check_candidate_list",
    "count_ballots",
    "count_votes",
    "decide_round",
    "elect_base_count",
    "duplicate_key",
    "format_percent_vi",
    "full_name_sort_key",
    "get_preset",
    "join_name",
    "judge_ballot",
    "motion_passed",
    "name_sort_key",
    "normalize_text",
    "passes",
    "percent",
    "quorum_met",
    "quorum_needed",
    "rank_key",
    "reconcile",
    "sort_people",
    "split_full_name",
    "upper_delegate_alternates",
    "validate_motion",
    "votes_needed",
    "word_key",
]
