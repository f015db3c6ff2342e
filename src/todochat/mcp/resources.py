"""MCP resources: read-only views a client can attach as context (today's and overdue tasks), and
the task list as a file (``todochat://tasks/export.csv`` / ``.ics``, the one exporter's output)."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from todochat.errors import TodoError
from todochat.mcp.server import Backend
from todochat.mcp.tools import TaskList
from todochat.tasks import export
from todochat.tasks.schemas import TaskFilter

VIEWS = {
    "today": ("Today's tasks", "Open tasks due today (the user's time zone), as JSON.", "today"),
    "overdue": (
        "Overdue tasks",
        "Open tasks whose due date or time has passed, as JSON.",
        "overdue",
    ),
}


def register_resources(server: MCPServer, backend: Backend) -> None:
    """Add ``todochat://tasks/today`` and ``todochat://tasks/overdue`` (JSON of ``{count, tasks}``)."""
    for key, (title, description, due) in VIEWS.items():
        server.resource(
            f"todochat://tasks/{key}",
            name=f"tasks-{key}",
            title=title,
            description=description,
            mime_type="application/json",
        )(_reader(backend, due))
    for fmt, title in (("csv", "Tasks as CSV"), ("ics", "Tasks as iCalendar")):
        server.resource(
            f"todochat://tasks/export.{fmt}",
            name=f"tasks-export-{fmt}",
            title=title,
            description=f"Every task as {'CSV (RFC 4180)' if fmt == 'csv' else 'iCalendar VTODOs (RFC 5545)'}, as GET /api/v1/export writes it.",
            mime_type=export.MEDIA_TYPES[fmt].split(";")[0],
        )(_export_reader(backend, fmt))


def _reader(backend: Backend, due: str):  # type: ignore[no-untyped-def]
    async def read() -> str:
        try:
            tasks = await backend.service().list(
                await backend.context(), TaskFilter(status="pending", due=due), sort="due"
            )
        except TodoError as exc:
            raise ResourceError(exc.message) from exc
        return TaskList(count=len(tasks), tasks=tasks).model_dump_json()

    read.__name__ = f"tasks_{due}"
    return read


def _export_reader(backend: Backend, fmt: export.ExportFormat):  # type: ignore[no-untyped-def]
    async def read() -> str:
        ctx = await backend.context()
        try:
            pages = backend.service().export_pages(ctx)
            chunks = [c async for c in export.export_stream(pages, fmt, user_id=ctx.user_id, tz=ctx.tz, now=ctx.now())]
        except TodoError as exc:
            raise ResourceError(exc.message) from exc
        return b"".join(chunks).decode("utf-8")

    read.__name__ = f"tasks_export_{fmt}"
    return read
