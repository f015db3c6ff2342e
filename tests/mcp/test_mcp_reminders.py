"""The MCP reminder tools through the SDK's own client, in process, on SQLite and PostgreSQL:
add (at with an offset, or minutes before the due), list, delete, undo, add_task with reminders,
and the errors (no offset, past time, another user's reminder). The server clock is TEST_NOW
(Mon 23 Nov 2026 09:00 UTC), the user's zone Europe/Berlin."""

from __future__ import annotations

import pytest
from tests.mcp.test_tools import connect  # noqa: F401 (fixture)

from todochat.context import RequestContext
from todochat.tasks.service import TaskService

BOTH = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@BOTH
async def test_add_list_delete_undo(connect, service: TaskService) -> None:  # noqa: F811
    await service.set_timezone(RequestContext(user_id="alice"), "Europe/Berlin")
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Dentist", "due": "2026-11-25T15:00"})
        relative = await client.call_tool("add_reminder", {"task": "dentist", "before_minutes": 30})
        assert not relative.is_error, relative.content
        assert relative.structured_content["fire_at"] == "2026-11-25T14:30:00+01:00"
        absolute = await client.call_tool("add_reminder", {"task": 1, "at": "2026-11-24T18:00:00+01:00"})
        assert absolute.structured_content["task_number"] == 1
        listed = await client.call_tool("list_reminders", {})
        assert listed.structured_content["count"] == 2
        assert [r["id"] for r in listed.structured_content["reminders"]] == [
            absolute.structured_content["id"], relative.structured_content["id"]
        ]
        gone = await client.call_tool("delete_reminder", {"reminder": relative.structured_content["id"]})
        assert gone.structured_content["status"] == "cancelled"
        assert (await client.call_tool("list_reminders", {"task": 1})).structured_content["count"] == 1
        undone = await client.call_tool("undo", {})
        assert undone.structured_content["message"] == "Undid: cancelled the reminder of 'Dentist' 30 min before"
        assert (await client.call_tool("list_reminders", {})).structured_content["count"] == 2

        task = await client.call_tool(
            "add_task", {"title": "Pay rent", "due": "2026-12-01", "reminders": [{"before_minutes": 0}]}
        )
        assert task.structured_content["next_reminder"] == "2026-12-01T09:00:00+01:00"


@BOTH
async def test_errors_are_tool_errors_and_change_nothing(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Dentist", "due": "2026-11-25T15:00"})
        no_offset = await client.call_tool("add_reminder", {"task": 1, "at": "2026-11-24T18:00:00"})
        assert no_offset.is_error and "at" in no_offset.content[0].text
        past = await client.call_tool("add_reminder", {"task": 1, "at": "2026-11-23T08:00:00Z"})
        assert past.is_error and past.structured_content["error"] == "reminder_in_past"
        assert past.content[0].text == "That time has passed — remind you now?"
        both = await client.call_tool("add_reminder", {"task": 1})
        assert both.is_error and "exactly one" in both.content[0].text
        mine = await client.call_tool("add_reminder", {"task": 1, "before_minutes": 5})
    async with connect("bob") as other:
        stolen = await other.call_tool("delete_reminder", {"reminder": mine.structured_content["id"]})
        assert stolen.is_error and stolen.structured_content["error"] == "not_found"
        assert (await other.call_tool("list_reminders", {})).structured_content["count"] == 0
    async with connect() as client:
        listed = await client.call_tool("list_reminders", {})
        assert [r["status"] for r in listed.structured_content["reminders"]] == ["pending"]
