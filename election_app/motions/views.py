"""Pages of the motions feature."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("motions", __name__)
