"""election_app.rules stays pure: standard library only, no I/O, clock, randomness or floats.

Parses every module's source, so the test fails as soon as someone imports Flask or
SQLAlchemy into the rules, reaches for the clock, or divides with ``/``.
"""

import ast
import importlib
import sys
import unicodedata
from pathlib import Path

import pytest

import election_app.rules as rules

RULES_DIR = Path(rules.__file__).parent
MODULES = sorted(RULES_DIR.glob("*.py"))

# Standard-library modules that would bring I/O, the clock, randomness, the network,
# processes or floats' cousins into the rules.
FORBIDDEN_STDLIB = {
    "asyncio", "datetime", "glob", "http", "io", "logging", "math", "os", "pathlib",
    "pickle", "random", "secrets", "shelve", "shutil", "socket", "sqlite3", "statistics",
    "subprocess", "sys", "tempfile", "threading", "time", "urllib", "uuid", "zoneinfo",
}


def module_name(path: Path) -> str:
    return "election_app.rules" if path.stem == "__init__" else f"election_app.rules.{path.stem}"


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_package_has_the_expected_modules():
    names = {p.stem for p in MODULES}
    assert {"names", "quorum", "presets", "ballots", "tally", "reconcile", "motions",
            "candidates", "__init__"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_imports_and_has_a_docstring(path):
    module = importlib.import_module(module_name(path))
    assert module.__doc__ and module.__doc__.strip(), f"{path.name} needs a module docstring"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_imports_only_the_standard_library_or_rules(path):
    offending = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            tops = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                continue  # a sibling module of election_app.rules
            if node.level > 1:
                offending.append(f"from {'.' * node.level}{node.module or ''} import ...")
                continue
            if (node.module or "").startswith("election_app.rules"):
                continue
            tops = [(node.module or "").split(".")[0]]
        else:
            continue
        for top in tops:
            if top not in sys.stdlib_module_names or top in FORBIDDEN_STDLIB:
                offending.append(top)
    assert not offending, f"{path.name} imports {offending}: rules must stay pure"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_float_arithmetic(path):
    for node in ast.walk(tree(path)):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
            f"{path.name}:{node.lineno}: float literal"
        )
        assert not (isinstance(node, ast.Name) and node.id == "float"), (
            f"{path.name}:{node.lineno}: float()"
        )
        assert not isinstance(node, ast.Div), (
            f"{path.name}:{getattr(node, 'lineno', '?')}: true division; use // or divmod"
        )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_text_is_nfc(path):
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert unicodedata.is_normalized("NFC", node.value), (
                f"{path.name}:{node.lineno}: string not in NFC"
            )


def test_public_names_are_exported():
    for name in rules.__all__:
        assert hasattr(rules, name), name
    for name in [
        "normalize_text", "split_full_name", "join_name", "word_key", "name_sort_key",
        "full_name_sort_key", "duplicate_key", "sort_people", "quorum_met", "quorum_needed",
        "RulePreset", "PRESETS", "DEFAULT_PRESET", "get_preset", "DEFECT_REASONS",
        "INVALID_REASONS", "BallotVerdict", "BallotError", "judge_ballot", "count_votes",
        "RoundCount", "passes", "decide_round", "RoundDecision", "percent",
        "format_percent_vi", "upper_delegate_alternates", "Problem", "reconcile",
        "validate_motion", "motion_passed", "check_candidate_list", "CandidateCheck",
    ]:
        assert name in rules.__all__, name
