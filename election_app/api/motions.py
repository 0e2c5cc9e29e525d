"""API v1: motions."""
from __future__ import annotations

from .core import bp  # noqa: F401
