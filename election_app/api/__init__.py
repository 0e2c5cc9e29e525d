"""JSON API v1 (API.md). Each module below adds its routes to ``core.bp``."""
from . import core  # noqa: F401
from . import congresses  # noqa: F401
