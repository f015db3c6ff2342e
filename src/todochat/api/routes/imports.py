"""REST ``POST /api/v1/import``: a task file (multipart field ``file``) previewed or imported."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from todochat.api.deps import CurrentContext, ServiceDep, SettingsDep
from todochat.api.routes.tasks import CONFLICT, ERRORS, ErrorOut
from todochat.tasks.importing import ImportPreview
from todochat.tasks.imports import FORMATS, ImportFormat

router = APIRouter(prefix="/api/v1/import", tags=["import"])
MULTIPART_ROOM = 64 * 1024
"""Bytes the multipart framing may add around the file (the body limit of this route is
``TODOCHAT_IMPORT_MAX_BYTES`` plus this)."""


@router.post(
    "",
    response_model=ImportPreview,
    status_code=201,
    responses={200: {"model": ImportPreview, "description": "The dry run's preview (nothing changed)"}, **ERRORS, 409: {**CONFLICT, "description": "The task quota has no room for the whole file"}, 413: {"model": ErrorOut, "description": "The file is larger than TODOCHAT_IMPORT_MAX_BYTES"}},
    summary="Import tasks from a file",
)
async def import_tasks(
    ctx: CurrentContext,
    service: ServiceDep,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="The task file (UTF-8 text)")],
    format: Annotated[
        ImportFormat | None,
        Query(description=f"{', '.join(FORMATS)}; omitted: detected from the file's content and name"),
    ] = None,
    dry_run: Annotated[bool, Query(description="true: only preview what would be added")] = False,
) -> ImportPreview:
    """Add every task of a Todoist CSV, todo.txt, iCalendar (VTODO), Taskwarrior JSON or todochat
    CSV file, all or nothing, as one change (``POST /api/v1/tasks/undo`` removes it all). With
    ``dry_run=true`` nothing changes and the answer previews it (counts, lists, first rows,
    warnings). A bad file answers 422 naming the line (``line``; ``errors`` lists the bad lines);
    an unknown ``format`` 422 with ``field: format``; a file too large 413; no room in the task
    quota 409."""
    limit = settings.import_max_bytes
    data = await file.read(limit + 1 if limit else -1)
    result = await service.import_file(
        ctx, data, format, name=file.filename or "file", dry_run=dry_run, max_bytes=limit
    )
    response.status_code = 200 if dry_run else 201
    return result
