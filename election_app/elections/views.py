"""Pages of the elections feature."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("elections", __name__)
