"""Your data over REST: ``GET /api/v1/me/export``, ``DELETE /api/v1/me?confirm=true`` and the audit
log ``GET /api/v1/audit`` — thin translations of ``todochat.privacy``, always for the token's user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from todochat.api.deps import CurrentContext
from todochat.api.routes.tasks import ErrorOut
from todochat.errors import DeletionUnconfirmed
from todochat.privacy import audit_log, count_user_data, delete_user, describe_counts, export_user
from todochat.tasks.journal import AuditEntry

router = APIRouter(tags=["privacy"])
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
}


class Erased(BaseModel):
    """What ``DELETE /api/v1/me?confirm=true`` removed: rows per kind (tasks, tags, reminders,
    journal, changes, counters, settings, threads, items, feedback, attachments)."""

    user_id: str
    deleted: dict[str, int] = Field(examples=[{"tasks": 3, "threads": 1, "items": 6}])
    message: str = Field(examples=["Deleted 3 tasks, 1 threads, 6 items."])


class AuditPage(BaseModel):
    """One page of the audit log, newest first; pass ``next_before`` as ``before`` for the next
    page (null: no more)."""

    entries: list[AuditEntry]
    next_before: int | None = None


@router.get(
    "/api/v1/me/export",
    responses={200: {"description": "The export document (todochat.privacy.export_user)"}, **UNAUTHORIZED},
    summary="Export all my data (JSON)",
)
async def export_me(request: Request, ctx: CurrentContext) -> JSONResponse:
    """Everything stored for the token's user, as one JSON document with a ``format`` and
    ``version``: tasks (with tags and reminders), the change journal, settings, ChatKit threads
    with their items and feedback, attachments. Sent as a download (``Content-Disposition``)."""
    document = await export_user(request.app.state.sessionmaker, ctx.user_id, now=ctx.now())
    day = ctx.now().date().isoformat()
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="todochat-export-{day}.json"', "Cache-Control": "no-store"},
    )


@router.delete(
    "/api/v1/me",
    response_model=Erased,
    responses={
        400: {"model": ErrorOut, "description": "confirm=true missing: nothing deleted; would_delete counts what would go"},
        **UNAUTHORIZED,
    },
    summary="Delete all my data",
)
async def delete_me(
    request: Request,
    ctx: CurrentContext,
    confirm: Annotated[bool, Query(description="Must be true: the erasure cannot be undone")] = False,
) -> Erased:
    """Erase every task, journal entry, setting, thread, item, feedback and attachment of the
    token's user, in one transaction (other users' data is untouched). Without ``confirm=true``
    nothing is deleted and the 400 answer counts what would be (``would_delete``). The token
    stays valid: using it afterwards starts from an empty account."""
    sessionmaker = request.app.state.sessionmaker
    if not confirm:
        counts = await count_user_data(sessionmaker, ctx.user_id)
        raise DeletionUnconfirmed(
            f"This would delete all your data for good ({describe_counts(counts)}). "
            "Call again with confirm=true to delete it.",
            would_delete=counts,
        )
    deleted = await delete_user(sessionmaker, ctx.user_id, attachment_root=request.app.state.attachments.root)
    return Erased(
        user_id=ctx.user_id, deleted=deleted.counts, message=f"Deleted {describe_counts(deleted.counts)}."
    )


@router.get("/api/v1/audit", response_model=AuditPage, responses=UNAUTHORIZED, summary="My audit log")
async def audit(
    request: Request,
    ctx: CurrentContext,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="Only entries older than this id")] = None,
) -> AuditPage:
    """Every change of the token's user, newest first: when, which front (chat, widget, rest, mcp,
    cli), which tool (agent/MCP tool, REST route, widget action, CLI command), which tasks, and
    whether it is undone."""
    entries = await audit_log(request.app.state.sessionmaker, ctx, user_id=ctx.user_id, limit=limit + 1, before=before)
    page = entries[:limit]
    return AuditPage(entries=page, next_before=page[-1].id if len(entries) > limit and page else None)
