"""REST ``/api/v1/activity``: the user's change journal (every change from every front), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import ERRORS
from todochat.tasks.journal import ActivityEntry

router = APIRouter(prefix="/api/v1/activity", tags=["activity"])


class ActivityPage(BaseModel):
    """One page of the journal; pass ``next_before`` as ``before`` for the next page (null: no more)."""

    entries: list[ActivityEntry]
    next_before: int | None = None


@router.get("", response_model=ActivityPage, responses=ERRORS, summary="List recent changes")
async def list_activity(
    ctx: CurrentContext,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="Only entries older than this id")] = None,
    since: Annotated[str | None, Query(description="today, yesterday or YYYY-MM-DD (user's zone)")] = None,
) -> ActivityPage:
    """Changes newest first (undone ones flagged ``undone``), ``limit`` per page."""
    entries = await service.activity(ctx, limit=limit + 1, before=before, since_day=since)
    more = len(entries) > limit
    page = entries[:limit]
    return ActivityPage(entries=page, next_before=page[-1].id if more and page else None)
