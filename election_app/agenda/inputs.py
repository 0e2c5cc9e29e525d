"""The typed fields of an agenda item, as the door validates them (``door.parse``): the
programme page's form and any other caller give these. The service judges the rest (an
empty title, a motion or election of another congress, the time written as HH:MM)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..door import DbId, blank_is_none
from .presets import KIND_LABELS, SECTION_LABELS


def _none_for_zero(value):
    value = blank_is_none(value)
    return None if value in (0, "0") else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _text(value):
    return "" if value is None else value


LinkId = Annotated[DbId | None, BeforeValidator(_none_for_zero)]


class ItemFields(BaseModel):
    """What an agenda item's form sets; a field left out is left as it is (an edit)."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True, title="AgendaItemFields")
    title: Annotated[str, BeforeValidator(_text), Field(max_length=400)] = ""
    section: Annotated[Literal[tuple(SECTION_LABELS)], BeforeValidator(_upper)] = "B"  # type: ignore[valid-type]
    presenter: Annotated[str, BeforeValidator(_text), Field(max_length=200)] = ""
    planned_time: Annotated[str, BeforeValidator(_text), Field(max_length=10)] = ""
    duration_min: Annotated[Annotated[int, Field(ge=0, le=720)] | None, BeforeValidator(blank_is_none)] = None
    kind: Annotated[Literal[tuple(KIND_LABELS)], BeforeValidator(lambda v: v or "other")] = "other"  # type: ignore[valid-type]
    motion_id: LinkId = None
    election_id: LinkId = None


def item_fields(data) -> ItemFields:
    """Fields validated by the door pass through; a caller inside the app may hand a dict,
    validated by the same declaration."""
    from ..door import parse
    return data if isinstance(data, ItemFields) else parse(ItemFields, data)


# The bodies a decision of the upper union may appoint (issue 16.5): the election's bodies
# (elections.models.BODY_LABELS, same codes) and the posts a congress never elects itself.
APPOINTED_BODY_LABELS = {
    "executive_committee": "Ban Chấp hành",
    "standing_committee": "Ban Thường vụ",
    "chair": "Chủ tịch Công đoàn",
    "vice_chair": "Phó Chủ tịch Công đoàn",
    "inspection_committee": "Ủy ban Kiểm tra",
    "upper_delegates": "Đại biểu đi dự Đại hội Công đoàn cấp trên",
    "upper_alternates": "Đại biểu dự khuyết đi dự Đại hội Công đoàn cấp trên",
}


class Appointee(BaseModel):
    """One person as the decision names them."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)
    full_name: Annotated[str, BeforeValidator(_text), Field(max_length=200)]
    position: Annotated[str, BeforeValidator(_text), Field(max_length=200)] = ""
    unit: Annotated[str, BeforeValidator(_text), Field(max_length=300)] = ""
    gender: Annotated[Literal["", "nam", "nữ"], BeforeValidator(lambda v: (v or "").strip().lower())] = ""
    birth_year: Annotated[Annotated[int, Field(ge=1900, le=2100)] | None, BeforeValidator(blank_is_none)] = None


class AppointmentFields(BaseModel):
    """The decision: which body, its number, date and issuer, and the people appointed."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)
    body: Literal[tuple(APPOINTED_BODY_LABELS)]  # type: ignore[valid-type]
    decision_number: Annotated[str, BeforeValidator(_text), Field(max_length=60)] = ""
    decision_date: Annotated[dt.date | None, BeforeValidator(blank_is_none)] = None
    issuer: Annotated[str, BeforeValidator(_text), Field(max_length=300)] = ""
    people: Annotated[list[Appointee], Field(max_length=200)] = []
