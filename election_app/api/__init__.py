"""JSON API v1 (API.md). Each module below adds its routes to ``core.bp``."""
from . import core  # noqa: F401
from . import congresses  # noqa: F401
from . import elections  # noqa: F401
from . import motions  # noqa: F401
from . import vote  # noqa: F401
from . import documents  # noqa: F401
from . import agenda  # noqa: F401
from . import audit  # noqa: F401
from . import federation  # noqa: F401
from . import sessions  # noqa: F401
from . import openapi  # noqa: F401
