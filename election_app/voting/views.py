"""Pages of the voting feature."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("voting", __name__)
