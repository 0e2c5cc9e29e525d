"""Features add demo content for the seeded congress here (agenda, elections, ...)."""
from __future__ import annotations

HOOKS: list = []


def run_all(session, congress) -> None:
    for hook in HOOKS:
        hook(session, congress)
