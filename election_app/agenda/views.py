"""Pages of the agenda feature."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agenda", __name__)
