"""The MCP ``update_tasks`` tool through the SDK's own client, in process (SQLite, and PostgreSQL for
the main flow): the same changes for an explicit selection, strict arguments, confirmation, undo."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from tests.mcp.test_tools import connect  # noqa: F401 (fixture)

from todochat.context import RequestContext
from todochat.tasks.service import TaskService

# the suite's clock (tests/clock.py) is Monday 23 Nov 2026: Friday is the 27th, next Monday the 30th
FRIDAY, MONDAY = "2026-11-27", "2026-11-30"


async def dues(service: TaskService) -> list[tuple[int, str, str | None, str]]:
    return [(t.number, t.title, t.due, t.priority) for t in await service.list(RequestContext(user_id="alice"))]


async def week(client: Client) -> None:
    for title, due in [("Dentist", f"{FRIDAY}T15:00"), ("Pay rent", FRIDAY), ("Gym", "2026-11-26T18:00"), ("Read", None)]:
        result = await client.call_tool("add_task", {"title": title, "due": due})
        assert not result.is_error, result.content


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_update_tasks_asks_then_moves_each_task_and_undo_reverts_all(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        await week(client)
        before = await dues(service)
        args: dict[str, Any] = {"due": FRIDAY, "due_day": MONDAY}
        asked = await client.call_tool("update_tasks", args)
        assert asked.is_error and asked.structured_content["error"] == "confirmation_required"
        assert asked.structured_content["action"] == "update"
        assert asked.structured_content["would_change"] == [
            {"number": 1, "title": "Dentist"},
            {"number": 2, "title": "Pay rent"},
        ]
        assert 'Would update: 1 "Dentist", 2 "Pay rent"' in asked.content[0].text
        assert "confirm=true" in asked.content[0].text
        assert await dues(service) == before

        done = await client.call_tool("update_tasks", {**args, "confirm": True})
        assert not done.is_error, done.content
        assert [(t["number"], t["due"]) for t in done.structured_content["tasks"]] == [
            (1, f"{MONDAY}T15:00"),
            (2, MONDAY),
        ]
        assert await dues(service) == [
            (1, "Dentist", f"{MONDAY}T15:00", "none"),
            (2, "Pay rent", MONDAY, "none"),
            before[2],
            before[3],
        ]
        # one task: no question; new_priority changes, priority selects
        one = await client.call_tool("update_tasks", {"numbers": [3], "new_priority": "high", "add_tags": ["sport"]})
        assert [(t["number"], t["priority"], t["tags"]) for t in one.structured_content["tasks"]] == [(3, "high", ["sport"])]
        high = await client.call_tool("update_tasks", {"priority": "high", "shift": "P1W"})
        assert [(t["number"], t["due"]) for t in high.structured_content["tasks"]] == [(3, "2026-12-03T18:00")]

        for expected in ("Undid: moved 'Gym' from ", "Undid: changed the priority of 'Gym' from none to high", "Undid: changed 2 tasks"):
            undone = await client.call_tool("undo", {})
            assert not undone.is_error and undone.structured_content["message"].startswith(expected)
        assert await dues(service) == before
        redone = await client.call_tool("redo", {})
        assert redone.structured_content["message"] == "Redid: changed 2 tasks"
        assert (await dues(service))[:2] == [(1, "Dentist", f"{MONDAY}T15:00", "none"), (2, "Pay rent", MONDAY, "none")]


async def test_update_tasks_refuses_and_changes_nothing(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        await week(client)
        before = await dues(service)
        for unknown in ("title", "changes", "tags", "recurrence", "due_date"):
            result = await client.call_tool("update_tasks", {"numbers": [1, 2], "confirm": True, unknown: "x"})
            assert result.is_error, unknown
            assert unknown in result.content[0].text and "Extra inputs are not permitted" in result.content[0].text
        refusals: list[tuple[dict[str, Any], str, str | None]] = [
            ({"numbers": [1, 2]}, "validation", None),  # nothing to change
            ({"new_priority": "high"}, "validation", "selection"),
            ({"numbers": [1, 4], "shift": "P1D"}, "validation", "shift"),  # Read has no due date
            ({"numbers": [1, 2], "new_due": MONDAY, "shift": "P1D"}, "validation", "due"),
            ({"numbers": [1, 99], "new_priority": "high"}, "not_found", None),
            ({"numbers": [1, 2], "due_day": "2026-11-26", "later_only": True}, "earlier_than_due", None),
        ]
        for arguments, error, field in refusals:
            result = await client.call_tool("update_tasks", {**arguments, "confirm": True})
            assert result.is_error and result.structured_content["error"] == error, (arguments, result.content)
            if field is not None:
                assert result.structured_content["field"] == field, arguments
        tools = {t.name: t for t in (await client.list_tools()).tools}
        props = tools["update_tasks"].input_schema["properties"]
        assert "title" not in props and {"due", "new_due", "due_day", "shift", "confirm"} <= set(props)
    assert await dues(service) == before


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_update_tasks_moves_to_a_list_and_under_a_parent(connect, service: TaskService) -> None:  # noqa: F811
    """``new_list``/``new_parent`` move several tasks as update_task's ``list``/``parent`` move one
    (the same service call): one undo step each; an unknown list or parent changes nothing."""

    async def placed() -> list[tuple[int, str | None, int | None]]:
        return [(t.number, t.list, t.parent) for t in await service.list(RequestContext(user_id="alice"))]

    async with connect() as client:
        await week(client)
        assert not (await client.call_tool("create_list", {"name": "Work"})).is_error
        before = await placed()
        assert before == [(1, "Inbox", None), (2, "Inbox", None), (3, "Inbox", None), (4, "Inbox", None)]

        for bad in ({"new_list": "Nowhere"}, {"new_parent": 99}, {"new_parent": 1}):
            refused = await client.call_tool("update_tasks", {"numbers": [1, 2], "confirm": True, **bad})
            assert refused.is_error, bad
        assert await placed() == before

        moved = await client.call_tool("update_tasks", {"numbers": [1, 2], "new_list": "work", "confirm": True})
        assert not moved.is_error, moved.content
        assert [(t["number"], t["list"]) for t in moved.structured_content["tasks"]] == [(1, "Work"), (2, "Work")]
        under = await client.call_tool("update_tasks", {"numbers": [3, 4], "new_parent": 1, "confirm": True})
        assert not under.is_error, under.content
        assert [(t["number"], t["parent"]) for t in under.structured_content["tasks"]] == [(3, 1), (4, 1)]
        # re-parenting keeps a task's list (only a new subtask takes its parent's)
        assert await placed() == [(1, "Work", None), (2, "Work", None), (3, "Inbox", 1), (4, "Inbox", 1)]

        top = await client.call_tool("update_tasks", {"numbers": [4], "new_parent": 0})
        assert [(t["number"], t["parent"]) for t in top.structured_content["tasks"]] == [(4, None)]

        for _ in range(3):
            assert not (await client.call_tool("undo", {})).is_error
        assert await placed() == before
