"""``todochat export``: the local user's tasks as CSV or iCalendar, written by the one exporter
(``todochat.tasks.export``, as ``GET /api/v1/export``) straight from the configured database."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from todochat.tasks.schemas import TaskOut

err = Console(stderr=True, soft_wrap=True, highlight=False)


def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help="csv (spreadsheet, RFC 4180) or ics (calendar, iCalendar VTODO).")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (created 0600) instead of stdout.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Whose tasks (default: TODOCHAT_LOCAL_USER, the user `todochat serve` logs in).")] = None,
    status: Annotated[str, typer.Option("--status", help="all, pending or completed.")] = "all",
) -> None:
    """Export tasks as CSV (columns number, title, description, completed, priority, tags, due,
    recurrence; formula-like cells start with ') or as an iCalendar file of VTODOs."""
    from typing import get_args

    from todochat.cli import load_settings, upgrade_or_exit
    from todochat.mcp.stdio import acting_user
    from todochat.tasks.schemas import ExportFormat, StatusFilter

    if format not in get_args(ExportFormat) or status not in get_args(StatusFilter):
        bad = "--format must be csv or ics" if format not in get_args(ExportFormat) else "--status must be all, pending or completed"
        err.print(f"[red]error:[/red] {bad}.")
        raise typer.Exit(2)
    settings = load_settings()
    try:
        user_id = acting_user(settings, user)
    except ValueError as exc:
        err.print(Text(f"error: {exc}"))
        raise typer.Exit(2) from exc
    upgrade_or_exit(settings)
    import asyncio

    if output is None:
        count = asyncio.run(_write(settings, user_id, format, status, sys.stdout.buffer))
        sys.stdout.flush()
        return
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        count = asyncio.run(_write(settings, user_id, format, status, handle))
    err.print(Text(f"Wrote {count} tasks to {output}."))


async def _write(settings: Any, user_id: str, fmt: Any, status: Any, handle: Any) -> int:
    """Stream the export into ``handle`` (binary); the number of tasks written."""
    from todochat.context import Clock, RequestContext, parse_zone
    from todochat.db import make_engine, make_sessionmaker
    from todochat.tasks import export
    from todochat.tasks.schemas import TaskFilter
    from todochat.tasks.service import TaskService

    engine = make_engine(settings)
    try:
        service = TaskService(make_sessionmaker(engine))
        zone = parse_zone(await service.get_timezone(user_id) or settings.timezone)
        ctx = RequestContext(user_id=user_id, tz=zone, clock=Clock(fixed=settings.clock_fixed), front="cli", tool="export")
        count = 0

        async def counted() -> AsyncIterator[list[TaskOut]]:
            nonlocal count
            async for page in service.export_pages(ctx, TaskFilter(status=status)):
                count += len(page)
                yield page

        async for chunk in export.export_stream(counted(), fmt, user_id=user_id, tz=zone, now=ctx.now()):
            handle.write(chunk)
        return count
    finally:
        await engine.dispose()
