"""REST ``GET /api/v1/export?format=csv|ics``: the token's user's tasks as a file, written by the one
exporter (``todochat.tasks.export``) and streamed page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import ERRORS, TaskFilterQuery
from todochat.tasks import export
from todochat.tasks.schemas import TaskOut

router = APIRouter(tags=["tasks"])


@router.get(
    "/api/v1/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The tasks as a CSV (RFC 4180) or iCalendar VTODO (RFC 5545) file",
            "content": {"text/csv": {}, "text/calendar": {}},
        },
        401: ERRORS[401],
        422: ERRORS[422],
    },
    summary="Export tasks as CSV or iCalendar",
)
async def export_tasks(
    ctx: CurrentContext,
    service: ServiceDep,
    flt: TaskFilterQuery,
    format: Annotated[export.ExportFormat, Query(description="csv (spreadsheet) or ics (calendar, VTODO)")] = "csv",
) -> StreamingResponse:
    """The user's tasks matching every given filter (the filters of ``GET /api/v1/tasks``), in
    number order, as a download: CSV columns ``export.COLUMNS`` (cells that a spreadsheet would
    run as a formula start with ``'``), or one VTODO per task. A malformed filter is a 422 naming
    the field before anything is sent."""
    pages = service.export_pages(ctx, flt)
    first = await anext(pages, [])  # a bad filter raises here, while a 422 can still be sent

    async def all_pages() -> AsyncIterator[list[TaskOut]]:
        yield first
        async for page in pages:
            yield page

    body = export.export_stream(all_pages(), format, user_id=ctx.user_id, tz=ctx.tz, now=ctx.now())
    headers: dict[str, Any] = {
        "Content-Disposition": f'attachment; filename="{export.filename(format, ctx.now().astimezone(ctx.tz).date())}"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(body, media_type=export.MEDIA_TYPES[format], headers=headers)
