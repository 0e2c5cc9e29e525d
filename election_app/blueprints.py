"""Explicit blueprint registration: one line per feature, in one place."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .api.core import bp as api_bp
    from .accounts.auth_views import bp as auth_bp
    from .congress.views import bp as congress_bp
    from .delegates.views import bp as delegates_bp
    from .congress.audit_views import bp as audit_bp
    from .accounts.views import bp as scope_bp
    from . import api  # noqa: F401  (registers the API route modules on api_bp)
    from .extensions import csrf

    app.register_blueprint(auth_bp)
    app.register_blueprint(congress_bp)
    app.register_blueprint(delegates_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(scope_bp)
    # Further features register here (elections, motions, voting, agenda, documents).
    for name in FEATURE_BLUEPRINTS:
        module = __import__(f"election_app.{name}.views", fromlist=["bp"])
        app.register_blueprint(module.bp)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api_bp)


# Features whose pages are in election_app/<name>/views.py with a ``bp`` blueprint.
FEATURE_BLUEPRINTS: list[str] = ["elections", "motions", "voting", "agenda", "documents", "backup", "camera", "federation", "comments", "sessions"]
