"""Keeping an upload for the mapping step, and remembering the columns chosen per file shape."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import NotFound
from .models import ImportMapping, ImportUpload


def keep_upload(session: Session, *, congress_id: int, user_id: int | None, kind: str, filename: str,
                data: bytes) -> ImportUpload:
    session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - dt.timedelta(days=1)))
    upload = ImportUpload(id=secrets.token_hex(16), congress_id=congress_id, user_id=user_id, kind=kind,
                          filename=(filename or "tep")[-255:], data=data)
    session.add(upload)
    session.flush()
    return upload


def get_upload(session: Session, *, congress_id: int, upload_id: str, kind: str) -> ImportUpload:
    upload = session.get(ImportUpload, str(upload_id)[:32]) if upload_id else None
    if upload is None or upload.congress_id != congress_id or upload.kind != kind:
        raise NotFound("Tệp đã tải lên không còn (đã nhập hoặc quá một ngày); hãy chọn tệp lại.")
    return upload


def drop_upload(session: Session, *, upload: ImportUpload) -> None:
    session.delete(upload)
    session.flush()


def remembered_mapping(session: Session, *, kind: str, signature: str) -> list[str] | None:
    row = session.scalar(select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature == signature))
    return list(row.mapping.get("columns", [])) if row is not None else None


def remember_mapping(session: Session, *, kind: str, signature: str, fields: list[str]) -> None:
    row = session.scalar(select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature == signature))
    if row is None:
        session.add(ImportMapping(kind=kind, signature=signature, mapping={"columns": fields}))
    else:
        row.mapping = {"columns": fields}
        row.updated_at = utcnow()
    session.flush()
