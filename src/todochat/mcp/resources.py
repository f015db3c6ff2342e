"""MCP resources: read-only views a client can attach as context (today's and overdue tasks)."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from todochat.errors import TodoError
from todochat.mcp.server import Backend
from todochat.mcp.tools import TaskList
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
