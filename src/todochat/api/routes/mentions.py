"""REST ``GET /api/v1/mentions``: the tasks an ``@`` typed in a chat composer offers (both chat pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import ERRORS
from todochat.tasks.mentions import MENTION_QUERY_MAX, MENTIONS_MAX, search_mentions

router = APIRouter(prefix="/api/v1/mentions", tags=["tasks"])


class MentionOut(BaseModel):
    """A task to tag: a ChatKit ``input_tag`` with ``text`` = ``title`` and ``data: {"number": number}``."""

    number: int = Field(description="The per-user task number (the tag's data.number)")
    title: str = Field(description="The task's title (the tag's text)")
    completed: bool


class MentionPage(BaseModel):
    """The tasks offered, open ones first, newest first."""

    tasks: list[MentionOut]


@router.get("", response_model=MentionPage, responses=ERRORS, summary="Tasks to @-mention")
async def mentions(
    ctx: CurrentContext,
    service: ServiceDep,
    q: Annotated[
        str, Query(max_length=MENTION_QUERY_MAX, description="What follows '@': each word starts a title word, or a task number")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MENTIONS_MAX)] = 8,
) -> MentionPage:
    """The user's live tasks whose title words start with the typed words (``@dent`` → "Dentist
    appointment"), for the composer's @-menu (todochat.tasks.mentions)."""
    found = await search_mentions(service, ctx, q, limit=limit)
    return MentionPage(tasks=[MentionOut(number=m.number, title=m.title, completed=m.completed) for m in found])
