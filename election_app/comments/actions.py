"""The secretary's grouping of the comments on drafts, through the one door (audited). A
delegate's comment is not a staff action: it is written in a unit of its own (views)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from ..agenda.services import get_item
from ..door import Actor, Command, DbId, action
from . import services


class TopicOf(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)
    comment_id: DbId
    topic: str = Field(default="", max_length=services.TOPIC_MAX)


class GroupComments(Command):
    congress_id: DbId
    item_id: DbId
    topics: list[TopicOf] = Field(default=[], max_length=5000)


@action("comments.group", permission="notes.write", input=GroupComments,
        summary=lambda n: f"{n} góp ý được phân nhóm")
def group_comments(session: Session, *, actor: Actor, cmd: GroupComments) -> int:
    item = get_item(session, cmd.congress_id, cmd.item_id)
    return services.set_topics(session, item=item, topics={t.comment_id: t.topic for t in cmd.topics})
