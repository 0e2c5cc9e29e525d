"""The delegate's ballot as the API's door validates it (``door.parse``) and the OpenAPI
document shows it. Casting is not a staff action (no actor, never audited: RULES §5)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..door import DbId


class CastBallot(BaseModel):
    """The ids of the names kept (not struck) on the ballot; an empty list strikes everyone.
    On an agree/disagree ballot ``kept`` are the names agreed and ``against`` the names
    disagreed; a name in neither is left blank (counted for neither)."""
    model_config = ConfigDict(extra="ignore", frozen=True)
    kept: list[DbId] = Field(max_length=2000, description="mã ứng cử viên được giữ lại (không bị gạch); "
                                                          "phiếu đồng ý / không đồng ý: những người «đồng ý»")
    against: list[DbId] = Field(default_factory=list, max_length=2000,
                                description="phiếu đồng ý / không đồng ý: những người «không đồng ý»")
