"""Subtasks through the MCP tools (the SDK's own client, in process) on SQLite and PostgreSQL:
``parent`` on add/update/list, ``confirm`` on complete/delete of a parent, ``add_subtasks``."""

from __future__ import annotations

import pytest
from tests.mcp.test_tools import connect, titles  # noqa: F401 (fixture)

from todochat.tasks.service import TaskService


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_parent_confirm_and_break_down(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Plan the trip"})
        sub = await client.call_tool("add_task", {"title": "Book flights", "parent": 1})
        assert sub.structured_content["parent"] == 1
        bad = await client.call_tool("update_task", {"task": 1, "parent": 2})
        assert bad.is_error and "loop" in bad.content[0].text
        made = await client.call_tool("add_subtasks", {"task": "trip", "titles": ["Book hotel", "Pack"]})
        assert [t["number"] for t in made.structured_content["tasks"]] == [3, 4]
        assert made.structured_content["parent"]["progress"] == {"done": 0, "total": 3}
        listed = await client.call_tool("list_tasks", {"parent": 1})
        assert [t["number"] for t in listed.structured_content["tasks"]] == [2, 3, 4]
        asked = await client.call_tool("complete_task", {"task": 1})
        assert asked.is_error and "Would complete: 2" in asked.content[0].text
        assert [done for _, _, done in await titles(service)] == [False] * 4
        done = await client.call_tool("complete_task", {"task": 1, "confirm": True})
        assert done.structured_content["task"]["progress"] == {"done": 3, "total": 3}
        await client.call_tool("undo", {})
        asked = await client.call_tool("delete_task", {"task": 1})
        assert asked.is_error and "Would delete: 1" in asked.content[0].text
        await client.call_tool("delete_task", {"task": 1, "confirm": True})
        assert await titles(service) == []
        moved = await client.call_tool("undo", {})
        assert not moved.is_error
        top = await client.call_tool("update_task", {"task": 4, "parent": 0})
        assert top.structured_content["parent"] is None
        assert len(await titles(service)) == 4
