"""The federation's use cases, each one action through the one door (issue 17)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..backup.services import import_congress
from ..congress.models import Congress
from ..door import Actor, Command, DbId, action
from ..errors import NotFound
from . import services
from .models import Dossier, Organization


class CreateOrganization(Command):
    name: str = Field(min_length=1, max_length=300)
    level: Literal["tong_ldld", "ldld_tinh", "cd_nganh_tw", "cd_nganh", "ldld_huyen", "cd_cap_tren_co_so", "cdcs"]
    parent_id: DbId | None = None


class AttachCongress(Command):
    congress_id: DbId
    organization_id: DbId


class GrantOrganization(Command):
    user_id: DbId
    organization_id: DbId


class SendDossier(Command):
    congress_id: DbId
    # The dossier PDF, made by the caller from the congress's documents just before.
    pdf: bytes = Field(exclude=True, repr=False)


class DecideDossier(Command):
    dossier_id: DbId
    status: Literal["recognised", "returned"]
    number: str = Field(default="", max_length=60)
    date: dt.date | None = None
    scope: str = Field(default="", max_length=4000)


class UploadCongress(Command):
    organization_id: DbId
    data: dict[str, Any] = Field(exclude=True, repr=False)
    source: str = Field(default="", max_length=300)


def _user(actor: Actor):
    return actor.user or actor


@action("federation.org_create", permission="federation.manage", input=CreateOrganization,
        congress=lambda s, cmd: None, summary=lambda org: f"công đoàn #{org.id}")
def create_organization(session: Session, *, actor: Actor, cmd: CreateOrganization) -> Organization:
    return services.create_organization(session, name=cmd.name, level=cmd.level, parent_id=cmd.parent_id)


@action("federation.attach", permission="federation.manage", input=AttachCongress,
        congress=lambda s, cmd: None)
def attach_congress(session: Session, *, actor: Actor, cmd: AttachCongress) -> None:
    services.attach_congress(session, congress_id=cmd.congress_id, organization_id=cmd.organization_id)


@action("federation.grant", permission="federation.manage", input=GrantOrganization,
        congress=lambda s, cmd: None)
def grant_organization(session: Session, *, actor: Actor, cmd: GrantOrganization) -> bool:
    from ..auth.models import User
    if session.get(User, cmd.user_id) is None:
        raise NotFound(f"Không có tài khoản số {cmd.user_id}.")
    return services.grant_organization(session, user_id=cmd.user_id, organization_id=cmd.organization_id)


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdfinfo", fh.name], capture_output=True, check=False).stdout.decode()
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(found.group(1)) if found else 0


@action("dossier.send", permission="dossier.send", input=SendDossier,
        summary=lambda d: f"hồ sơ #{d.id}")
def send_dossier(session: Session, *, actor: Actor, cmd: SendDossier) -> Dossier:
    congress = session.get(Congress, cmd.congress_id)
    if congress is None:
        raise NotFound(f"Không có đại hội số {cmd.congress_id}.")
    dossier = services.send_dossier(session, congress=congress, user_id=actor.id, pdf=cmd.pdf,
                                    pages=_pages(cmd.pdf))
    audit_note(session, sha256=dossier.sha256, pages=dossier.pages, to_organization=dossier.organization_id)
    return dossier


# The decision is the upper union's act: its accounts are scoped to a subtree of unions, not
# to the congress, so the door checks the role and the service checks the subtree; the entry
# is written on the installation's chain with the congress named in it.
@action("dossier.decide", permission="dossier.decide", input=DecideDossier,
        congress=lambda s, cmd: None, summary=lambda d: f"hồ sơ #{d.id}: {d.status}")
def decide_dossier(session: Session, *, actor: Actor, cmd: DecideDossier) -> Dossier:
    dossier = services.get_dossier(session, cmd.dossier_id)
    audit_note(session, congress=dossier.congress_id)
    return services.decide_dossier(session, dossier=dossier, user=_user(actor), status=cmd.status,
                                   number=cmd.number, date=cmd.date, scope=cmd.scope)


@action("federation.upload", permission="federation.upload", input=UploadCongress,
        congress=lambda s, cmd: None, summary=lambda cid: f"đại hội mới #{cid}")
def upload_congress(session: Session, *, actor: Actor, cmd: UploadCongress) -> int:
    """A congress run offline on a laptop, uploaded afterwards from its export file and
    attached to a union the account watches."""
    services.get_organization(session, cmd.organization_id)
    services.check_org_in_reach(session, _user(actor), cmd.organization_id)
    cid = import_congress(session, data=cmd.data)
    services.attach_congress(session, congress_id=cid, organization_id=cmd.organization_id)
    return cid
