"""Undo and redo several levels deep through MCP (the SDK's own client), on SQLite and PostgreSQL:
each kind of change (add, update, complete of a repeating task, reopen, delete, bulk complete,
bulk update, bulk delete) is undone newest first with a message saying what, then redone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from mcp import Client

from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)  # Wednesday


def ctx() -> RequestContext:
    return RequestContext(user_id="alice", tz=ZoneInfo("UTC"), clock=Clock(NOW))


@asynccontextmanager
async def session(service: TaskService, settings: Settings) -> AsyncIterator[Client]:
    pinned = settings.model_copy(update={"clock_fixed": NOW, "timezone": "UTC"})
    backend = Backend(service=lambda: service, user=lambda: "alice", settings=pinned)
    async with Client(build_server(backend)) as client:
        yield client


async def snapshot(service: TaskService) -> list[tuple[int, str, bool, str | None, tuple[str, ...]]]:
    return [(t.number, t.title, t.completed, t.due, tuple(t.tags)) for t in await service.list(ctx())]


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_each_kind_of_change_undone_newest_first_then_redone(service: TaskService, settings: Settings) -> None:
    async with session(service, settings) as client:
        async def call(tool: str, args: dict[str, object]) -> dict[str, object]:
            result = await client.call_tool(tool, args)
            assert not result.is_error, (tool, result)
            return result.structured_content  # type: ignore[return-value]

        states = [await snapshot(service)]
        steps = [
            ("add_task", {"title": "Yoga", "due": "2026-11-18", "recurrence": "FREQ=DAILY"}),
            ("add_task", {"title": "Buy milk", "tags": ["groceries"]}),
            ("add_task", {"title": "Pay rent", "due": "2026-11-20"}),
            ("update_task", {"task": "2", "title": "Buy oat milk", "add_tags": ["vegan"]}),
            ("complete_task", {"task": "1"}),  # a repeating task: creates task 4, tomorrow
            ("reopen_task", {"task": "1"}),
            ("delete_task", {"task": "3"}),
            ("complete_tasks", {"numbers": [2, 4], "confirm": True}),
            ("update_tasks", {"numbers": [1, 4], "shift": "P1D", "confirm": True}),
            ("delete_tasks", {"numbers": [1, 2], "confirm": True}),
        ]
        for tool, args in steps:
            await call(tool, args)
            states.append(await snapshot(service))
        assert len({tuple(s) for s in states}) == len(states)  # every step changed something

        messages = []
        for level in range(len(steps), 0, -1):
            undone = await call("undo", {})
            messages.append(undone["message"])
            assert await snapshot(service) == states[level - 1], (level, undone["message"])
        assert messages[0] == "Undid: deleted 2 tasks"
        assert "Undid: marked 'Yoga' done (next occurrence: task 4)" in messages
        assert messages[-1] == "Undid: added 'Yoga'"
        nothing = await client.call_tool("undo", {})
        assert nothing.is_error and nothing.structured_content["error"] == "nothing_to_undo"

        for level in range(1, len(steps) + 1):
            await call("redo", {})
            assert await snapshot(service) == states[level], level
        again = await client.call_tool("redo", {})
        assert again.is_error and again.structured_content["error"] == "nothing_to_redo"
