"""A congress's fields as the door validates them (``door.parse``) and the OpenAPI document
shows them; the service judges the rest (required names, the term's years, the rulebook)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from ..door import Command, blank_is_none

Text300 = Field(default=None, max_length=300)


class CongressFields(Command):
    name: str | None = Text300
    organization: str | None = Text300
    parent_organization: str | None = Text300
    term: str | None = Field(default=None, max_length=20)
    ordinal: str | None = Field(default=None, max_length=20)
    kind: str | None = Field(default=None, max_length=20)
    level: str | None = Field(default=None, max_length=20,
                              description="cấp công đoàn: cdcs | cd_cap_tren_co_so | ldld_huyen | cd_nganh | "
                                          "cd_nganh_tw | ldld_tinh | tong_ldld (mặc định cdcs)")
    date: Annotated[dt.date | None, BeforeValidator(blank_is_none)] = None
    venue: str | None = Text300
    place: str | None = Field(default=None, max_length=100)
    # a rulebook's code (the registry can grow at run time: the service checks it is one)
    preset_code: str | None = Field(default=None, max_length=40, description="mã bộ quy tắc (xem /rulebooks)")
    chair_mode: str | None = Field(default=None, max_length=20)

    def data(self) -> dict[str, Any]:
        """Only the fields the caller gave (an edit leaves the others as they are)."""
        return {k: v for k, v in self.model_dump(exclude={"congress_id"}).items() if k in self.model_fields_set}


def congress_fields(data) -> CongressFields:
    """Fields validated by the door pass through; a caller inside the app may hand a dict,
    validated by the same declaration."""
    from ..door import parse
    return data if isinstance(data, CongressFields) else parse(CongressFields, data)
