"""Named moments a service announces without knowing who listens (a feature below must
not import one above it): ``fire("round_closing", session=..., election=..., round=...)``.
Listeners are plain functions registered at app start; one that fails is logged and never
stops the action."""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Callable

_listeners: dict[str, list[Callable]] = defaultdict(list)
log = logging.getLogger("election_app.hooks")


def listen(name: str, fn: Callable) -> None:
    if fn not in _listeners[name]:
        _listeners[name].append(fn)


def fire(name: str, **kwargs) -> None:
    for fn in list(_listeners.get(name, ())):
        try:
            fn(**kwargs)
        except Exception:  # a backup that cannot be written must not stop the count
            log.exception("hook %s failed in %s", name, getattr(fn, "__name__", fn))
