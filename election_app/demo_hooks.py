"""Demo content that features add to the seeded congress (agenda, elections, ...).
Each feature names a function here; they run in this order after the roll is seeded."""
from __future__ import annotations

import importlib

# "module:function" — each takes (session, congress).
HOOKS: list[str] = [
    "election_app.elections.demo:seed",
    "election_app.agenda.services:seed_demo_agenda",  # after elections: links to their rows
]


def run_all(session, congress) -> None:
    for spec in HOOKS:
        module, _, func = spec.partition(":")
        getattr(importlib.import_module(module), func)(session, congress)
