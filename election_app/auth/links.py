"""Public pages that must not be listed by walking ids: the published receipts of a round
(``voting.receipts``, /congresses/<cid>/elections/<eid>/receipts) open only with ``k``, a
key derived from SECRET_KEY that names that congress and election. ``url_for`` adds it by
itself (every link the app prints — the phone page after a vote, the seal page — carries
it), staff who may see the congress need none, and anything else is the plain 404 of an id
that does not exist, so ids of other congresses' elections tell nothing."""
from __future__ import annotations

import hashlib
import hmac

from flask import Flask, abort, current_app, request

SIGNED_ENDPOINTS = {"voting.receipts": ("cid", "eid"),
                    # the version the delegates' phone pages poll (issue 13 §4)
                    "voting.phone_live": ("cid",)}


def page_key(secret: str, endpoint: str, values: dict) -> str:
    names = SIGNED_ENDPOINTS[endpoint]
    msg = endpoint + ":" + ":".join(str(values.get(n)) for n in names)
    return hmac.new(secret.encode(), msg.encode(), hashlib.sha256).hexdigest()[:20]


def install(app: Flask) -> None:
    @app.url_defaults
    def _add_key(endpoint, values):
        if endpoint in SIGNED_ENDPOINTS and "k" not in values:
            if all(values.get(n) is not None for n in SIGNED_ENDPOINTS[endpoint]):
                values["k"] = page_key(current_app.config["SECRET_KEY"], endpoint, values)

    @app.before_request
    def _check_key():
        endpoint = request.endpoint
        if endpoint not in SIGNED_ENDPOINTS:
            return None
        values = request.view_args or {}
        given = request.args.get("k", "")
        if given and hmac.compare_digest(page_key(current_app.config["SECRET_KEY"], endpoint, values), given):
            return None
        from flask_login import current_user
        from .permissions import can_access_congress, has_permission
        if has_permission(current_user, "congress.view") and can_access_congress(current_user, values.get("cid")):
            return None
        abort(404)
