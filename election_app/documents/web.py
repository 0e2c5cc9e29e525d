"""HTTP helpers of the documents feature shared by its pages and the JSON API (not a views
module: the API never imports pages)."""
from __future__ import annotations

from flask import Response, current_app

from ..addresses import public_base_url
from ..db import db
from ..door import unit
from . import jobs

PDF = "application/pdf"


def pdf_response(produced: jobs.Produced, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    resp = Response(produced.pdf, mimetype=PDF)
    resp.headers["Content-Disposition"] = f'{disposition}; filename="{produced.filename}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def produce_now(congress, kind: str, params: dict) -> jobs.Produced:
    """Render at once in this request (small documents and the API)."""
    cleaned = jobs.clean_params(kind, {**params, "base_url": public_base_url()})
    # Rendering reads; what it may write (a render's own bookkeeping) is not a staff action:
    # a unit of work without audit.
    return unit(lambda: jobs.produce(db.session, congress=congress, kind=kind, params=cleaned,
                                     secret=current_app.config["SECRET_KEY"]))
