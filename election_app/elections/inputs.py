"""The typed pieces of the elections' inputs that the door validates (``door.parse``) and the
OpenAPI document shows: one person of a candidate list, one paper ballot of a batch.
Services receive these, already checked, and judge only what the law says (RULES §4)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..door import DbId, OptDbId, blank_is_none
from ..rules import normalize_text

MAX_TEAMS = 3      # independent entry teams of the board (issue 10)
NOMINATION_ALIASES = {"self": "self", "self_nominated": "self", "ứng cử": "self", "ung_cu": "self",
                      "nominated": "nominated", "đề cử": "nominated", "de_cu": "nominated"}


def _nomination(value):
    if value in (None, ""):
        return "nominated"
    if isinstance(value, str):
        return NOMINATION_ALIASES.get(normalize_text(value).casefold(), value)
    return value


def _gender(value):
    value = blank_is_none(value)
    return normalize_text(value).lower() if isinstance(value, str) else value


def _text(value):
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_text), Field(max_length=300)]


Nomination = Annotated[Literal["self", "nominated"], BeforeValidator(_nomination)]


class CandidateIn(BaseModel):
    """One person of a candidate list: from the roll (``delegate_id``) or from outside
    (``full_name``, or its parts ``ho``/``ten_dem``/``ten``)."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True,
                              title="CandidateIn")
    delegate_id: OptDbId = None
    full_name: Text = ""
    ho: Text = ""
    ten_dem: Text = ""
    ten: Text = ""
    birth_year: Annotated[int | None, BeforeValidator(blank_is_none)] = None
    gender: Annotated[Literal["nam", "nữ"] | None, BeforeValidator(_gender)] = None
    position: Text = ""
    unit: Text = ""
    ethnicity: Text = ""
    education: Text = ""
    qualification: Text = ""
    political_theory: Text = ""
    is_party_member: bool = False
    nomination: Nomination = "nominated"


def candidates_in(rows) -> list[CandidateIn]:
    """Rows already validated by the door pass through; a caller inside the app (the demo,
    a test) may hand plain dicts, which are validated by the same declaration."""
    from ..door import parse
    return [r if isinstance(r, CandidateIn) else parse(CandidateIn, r) for r in rows]


# A defect code of RULES §4.2, one of its plain-word spellings ("no stamp"), which the
# service maps to the code, or the board's own words ("rách làm đôi", code "other"), which
# the service keeps as written once it has checked them (NFC, at most 200 characters, no
# control character): the door only bounds the size.
Defect = Annotated[str, Field(max_length=2000)]


class PaperBallotIn(BaseModel):
    """One ballot of a batch: the ids of the names NOT struck (``kept``), or ``spoiled`` with
    the physical defect (a code of RULES §4.2, its label, or the board's own words; ``true``
    is a distinguishing mark). On an agree/disagree ballot ``kept`` are the names whose
    "Đồng ý" box is marked and ``against`` those whose "Không đồng ý" box is (a name in both:
    both boxes marked, counted for neither)."""
    model_config = ConfigDict(extra="ignore", frozen=True, title="PaperBallotIn")
    kept: list[DbId] = Field(default_factory=list, max_length=2000)
    against: list[DbId] = Field(default_factory=list, max_length=2000)
    spoiled: Defect | bool | None = None

    @model_validator(mode="after")
    def _one_reading(self):
        if not self.model_fields_set & {"kept", "against", "spoiled"}:
            raise ValueError('Mỗi phiếu là {"kept": [...]}, {"kept": [...], "against": [...]} '
                             'hoặc {"spoiled": "lý do"}.')
        return self

    @property
    def defect(self) -> str | None:
        if self.spoiled is True:
            return "distinguishing_mark"
        return self.spoiled or None


def ballots_in(rows) -> list[PaperBallotIn]:
    from ..door import parse
    return [r if isinstance(r, PaperBallotIn) else parse(PaperBallotIn, r) for r in rows]
