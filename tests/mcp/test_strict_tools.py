"""Strict MCP tool arguments and explicit bulk selections through the SDK's own client, in process,
on SQLite and PostgreSQL: an unknown argument is a tool error naming it, before anything changes."""

from __future__ import annotations

import pytest
from tests.mcp.test_tools import EXPECTED, connect, titles  # noqa: F401 (fixture)
from tests.tasks.search_cases import CASES, TASKS

from todochat.mcp.server import INSTRUCTIONS
from todochat.tasks.service import TaskService

VALID = {
    "add_task": {"title": "New"},
    "list_tasks": {},
    "complete_task": {"task": 1},
    "reopen_task": {"task": 1},
    "delete_task": {"task": 1},
    "update_task": {"task": 1, "title": "Renamed"},
    "complete_tasks": {"numbers": [1]},
    "update_tasks": {"numbers": [1], "new_priority": "high"},
    "delete_tasks": {"numbers": [1]},
    "undo": {},
    "redo": {},
    "activity": {},
    "add_reminder": {"task": 1, "before_minutes": 10},
    "list_reminders": {},
    "delete_reminder": {"reminder": 1},
    "create_list": {"name": "Work"},
    "list_lists": {},
    "rename_list": {"name": "Work", "new_name": "Office"},
    "archive_list": {"name": "Work"},
    "delete_list": {"name": "Work"},
    "add_subtasks": {"task": 1, "titles": ["Step"]},
    "cancel_reminders": {"reminders": [1], "confirm": True},
}


async def test_every_tool_refuses_unknown_arguments(connect, service: TaskService) -> None:  # noqa: F811
    assert set(VALID) == set(EXPECTED)
    async with connect() as client:
        for title in ("Buy milk", "Call mom"):
            await client.call_tool("add_task", {"title": title})
        await client.call_tool("delete_task", {"task": 2})  # something undo could restore
        schemas = {t.name: t.input_schema for t in (await client.list_tools()).tools}
        before = await titles(service)
        for tool, arguments in VALID.items():
            assert schemas[tool].get("additionalProperties") is False, tool
            result = await client.call_tool(tool, {**arguments, "due_date": "2026-11-20"})
            assert result.is_error, tool
            text = result.content[0].text
            assert "due_date" in text and "Extra inputs are not permitted" in text, (tool, text)
            assert await titles(service) == before, tool  # nothing changed
        # the same calls without the unknown argument work
        assert not (await client.call_tool("update_task", VALID["update_task"])).is_error


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "selection"),
        ({"confirm": True}, "selection"),
        ({"numbers": []}, "numbers"),
        ({"numbers": [1], "all": True}, "all"),
        ({"numbers": [1], "tag": "home"}, "filter"),
        ({"query": "the"}, "filter"),
        ({"tag": "  "}, "filter"),
    ],
)
async def test_bulk_tools_need_an_explicit_selection(connect, service: TaskService, arguments, field) -> None:  # noqa: F811
    async with connect() as client:
        for title in ("Buy milk", "Call mom"):
            await client.call_tool("add_task", {"title": title, "tags": ["home"]})
        for tool in ("complete_tasks", "delete_tasks", "update_tasks"):
            changes = {"new_priority": "high"} if tool == "update_tasks" else {}
            result = await client.call_tool(tool, {**arguments, **changes})
            assert result.is_error, (tool, arguments)
            assert result.structured_content["error"] == "validation", result.structured_content
            assert result.structured_content["field"] == field
    assert await titles(service) == [(1, "Buy milk", False), (2, "Call mom", False)]


async def test_complete_tasks_asks_for_several_and_answers_exactly_what_changed(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        for title in ("Buy milk", "Call mom", "Pay rent"):
            await client.call_tool("add_task", {"title": title})
        asked = await client.call_tool("complete_tasks", {"all": True})
        assert asked.is_error and asked.structured_content["error"] == "confirmation_required"
        assert asked.structured_content["action"] == "complete"
        assert [t["number"] for t in asked.structured_content["would_change"]] == [1, 2, 3]
        assert "Would complete: 1 \"Buy milk\"" in asked.content[0].text
        assert [done for *_, done in await titles(service)] == [False, False, False]
        one = await client.call_tool("complete_tasks", {"numbers": [2]})  # one task: no question
        assert [t["number"] for t in one.structured_content["tasks"]] == [2]
        rest = await client.call_tool("complete_tasks", {"all": True, "confirm": True})
        assert [t["number"] for t in rest.structured_content["tasks"]] == [1, 3]  # not 2 again
        missing = await client.call_tool("delete_tasks", {"numbers": [1, 7], "confirm": True})
        assert missing.structured_content["error"] == "not_found"
        assert missing.structured_content["numbers"] == [7]
        too_big = await client.call_tool("complete_task", {"task": 2**31})
        assert too_big.is_error and "2147483647" in too_big.content[0].text
        too_big = await client.call_tool("delete_tasks", {"numbers": [2**63], "confirm": True})
        assert too_big.is_error
    assert await titles(service) == [(1, "Buy milk", True), (2, "Call mom", True), (3, "Pay rent", True)]
    assert "all=true" in INSTRUCTIONS and "Unknown arguments are refused" in INSTRUCTIONS


async def test_search_cases_through_mcp(connect, service: TaskService) -> None:  # noqa: F811
    async with connect() as client:
        for task in TASKS:
            await client.call_tool("add_task", task)
        for query, numbers in CASES:
            result = await client.call_tool("list_tasks", {"query": query})
            assert [t["number"] for t in result.structured_content["tasks"]] == numbers, query
