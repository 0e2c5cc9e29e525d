"""Python's garbage collector in a long-lived process that has loaded the app.

What exists once the app is loaded (modules, the routes, compiled templates and statements)
lives as long as the process, so it is frozen out of every later collection, and the youngest
generation is collected every 20,000 allocations instead of every 700 (documents and requests
build many small objects). Objects are still freed as soon as nothing refers to them; only
reference cycles wait a little longer. Used by gunicorn's workers (gunicorn.conf.py) and by
the test processes (tests/conftest.py); the render processes (documents/render.py, run as a
bare script that imports nothing of the app) set their own, higher thresholds.

Measured: ~15 % less CPU on the document and counting tests, ~27 % of a card sheet's layout
in a render process; within the noise on the vote bench (README, Performance)."""
from __future__ import annotations

import gc

THRESHOLD = (20_000, 20, 20)


def settle(threshold: tuple[int, int, int] = THRESHOLD) -> None:
    """Collect once, freeze what survives, then collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)
