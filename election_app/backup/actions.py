"""Restoring a congress from an export or an automatic backup, through the one door (audited
on the installation's chain with the file's name, never its contents)."""
from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from ..door import Actor, Command, action
from .services import import_congress


class ImportCongress(Command):
    data: dict[str, Any] = Field(exclude=True, repr=False)
    source: str = Field(default="", max_length=300)


@action("congress.import", permission="congress.manage", input=ImportCongress,
        congress=lambda session, cmd: None, summary=lambda cid: f"đại hội mới #{cid}")
def import_congress_file(session: Session, *, actor: Actor, cmd: ImportCongress) -> int:
    return import_congress(session, data=cmd.data)
