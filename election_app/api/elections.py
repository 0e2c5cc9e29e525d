"""API v1: elections."""
from __future__ import annotations

from .core import bp  # noqa: F401
