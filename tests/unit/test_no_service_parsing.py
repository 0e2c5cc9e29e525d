"""Input is validated once, at the door (issue 9 §4): services receive typed values and hold
no request-parsing helpers of their own."""
from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "election_app"


def test_services_do_not_coerce_request_values():
    found = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"def _coerce_int\b", r"_coerce_int\(", r"def _int_or_none\b", r"def _as_int\b"):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(PACKAGE)}: {pattern}")
    assert found == []
