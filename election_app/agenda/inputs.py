"""The typed fields of an agenda item, as the door validates them (``door.parse``): the
programme page's form and any other caller give these. The service judges the rest (an
empty title, a motion or election of another congress, the time written as HH:MM)."""
from __future__ import annotations

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
