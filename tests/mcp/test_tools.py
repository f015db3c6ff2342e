"""The MCP tools and resources through the SDK's own client, in process, over a real SQLite database."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from mcp import Client
from tests import hardening_tally as tally

from todochat.config import Settings
from todochat.context import RequestContext
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService

EXPECTED = {
    # name: (readOnly, destructive, idempotent)
    "add_task": (False, False, False),
    "list_tasks": (True, False, False),
    "complete_task": (False, False, False),
    "reopen_task": (False, False, True),
    "delete_task": (False, True, False),
    "update_task": (False, False, True),
    "complete_tasks": (False, False, False),
    "update_tasks": (False, False, False),
    "delete_tasks": (False, True, False),
    "undo": (False, False, False),
    "redo": (False, False, False),
    "activity": (True, False, False),
    "add_reminder": (False, False, False),
    "list_reminders": (True, False, False),
    "delete_reminder": (False, True, True),
    "create_list": (False, False, False),
    "list_lists": (True, False, False),
    "rename_list": (False, False, True),
    "archive_list": (False, False, True),
    "delete_list": (False, True, False),
    "add_subtasks": (False, False, False),
    "cancel_reminders": (False, True, False),
}


@pytest.fixture
def connect(service: TaskService, settings: Settings) -> Callable[[str], object]:
    """``connect(user)``: an MCP client session acting as ``user`` (as stdio does for the local user)."""

    @asynccontextmanager
    async def _connect(user: str = "alice") -> AsyncIterator[Client]:
        server = build_server(
            Backend(service=lambda: service, user=lambda: user, settings=settings)
        )
        async with Client(server) as client:
            yield client

    return _connect


async def titles(service: TaskService, user: str = "alice") -> list[tuple[int, str, bool]]:
    return [
        (t.number, t.title, t.completed) for t in await service.list(RequestContext(user_id=user))
    ]


async def test_tools_have_names_schemas_and_annotations(connect) -> None:
    async with connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == set(EXPECTED)
    for name, (read_only, destructive, idempotent) in EXPECTED.items():
        hints = tools[name].annotations
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (
            read_only,
            destructive,
            idempotent,
        ), name
        assert hints.open_world_hint is False
        assert tools[name].description and tools[name].output_schema, name
        for prop, schema in tools[name].input_schema.get("properties", {}).items():
            assert schema.get("description"), f"{name}.{prop} has no description"
    add = tools["add_task"].input_schema
    assert add["required"] == ["title"]
    assert add["properties"]["priority"]["anyOf"][0]["enum"] == ["none", "low", "medium", "high"]
    assert not [
        p for t in tools.values() for p in t.input_schema.get("properties", {}) if "user" in p
    ]
    assert set(tools["add_task"].output_schema["required"]) >= {"number", "title", "created_at"}
    assert set(tools["list_tasks"].output_schema["properties"]) == {"count", "tasks"}
    assert tools["delete_tasks"].input_schema["properties"]["confirm"]["default"] is False


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_add_list_complete_delete_undo_reach_the_service(
    connect, service: TaskService
) -> None:
    async with connect() as client:
        added = await client.call_tool(
            "add_task",
            {"title": "Pay rent", "due": "2026-12-01", "priority": "high", "tags": ["Home"]},
        )
        assert not added.is_error
        assert added.structured_content["number"] == 1
        assert (
            added.structured_content["tags"] == ["home"]
            and added.structured_content["due"] == "2026-12-01"
        )
        await client.call_tool("add_task", {"title": "Call the dentist"})
        listed = await client.call_tool("list_tasks", {"priority": "high"})
        assert (
            listed.structured_content["count"] == 1
            and listed.structured_content["tasks"][0]["title"] == "Pay rent"
        )
        done = await client.call_tool("complete_task", {"task": "dentist"})
        assert (
            done.structured_content["task"]["completed"] is True
            and done.structured_content["next_task"] is None
        )
        assert await titles(service) == [(1, "Pay rent", False), (2, "Call the dentist", True)]
        reopened = await client.call_tool("reopen_task", {"task": 2})
        assert reopened.structured_content["completed"] is False
        updated = await client.call_tool(
            "update_task", {"task": "1", "title": "Pay the rent", "add_tags": ["money"]}
        )
        assert updated.structured_content["tags"] == ["home", "money"]
        deleted = await client.call_tool("delete_task", {"task": 1})
        assert deleted.structured_content["title"] == "Pay the rent"
        assert await titles(service) == [(2, "Call the dentist", False)]
        restored = await client.call_tool("undo", {})
        assert [t["number"] for t in restored.structured_content["tasks"]] == [1]
        assert restored.structured_content["message"] == "Undid: deleted 'Pay the rent'"
        feed = await client.call_tool("activity", {})
        assert [e["action"] for e in feed.structured_content["entries"]][:2] == ["delete", "update"]
        assert feed.structured_content["entries"][0]["undone"] is True
    assert await titles(service) == [(1, "Pay the rent", False), (2, "Call the dentist", False)]


async def test_repeating_task_rolls_forward(connect) -> None:
    async with connect() as client:
        await client.call_tool(
            "add_task", {"title": "Water plants", "due": "2026-11-02", "recurrence": "FREQ=WEEKLY"}
        )
        done = await client.call_tool("complete_task", {"task": 1})
    nxt = done.structured_content["next_task"]
    assert nxt["number"] == 2 and nxt["recurrence"] == "FREQ=WEEKLY" and nxt["completed"] is False
    assert nxt["due"] == "2026-11-23"  # long overdue: the next Monday on or after today (TEST_NOW)


async def test_bulk_delete_needs_confirmation(connect, service: TaskService) -> None:
    async with connect() as client:
        for title in ("Buy milk", "Buy bread", "Read book"):
            await client.call_tool(
                "add_task", {"title": title, "tags": ["shop"] if "Buy" in title else None}
            )
        refused = await client.call_tool("delete_tasks", {"tag": "shop"})
        assert refused.is_error
        assert refused.structured_content["error"] == "confirmation_required"
        assert [t["number"] for t in refused.structured_content["would_delete"]] == [1, 2]
        assert (
            '1 "Buy milk"' in refused.content[0].text and "confirm=true" in refused.content[0].text
        )
        assert len(await titles(service)) == 3
        done = await client.call_tool("delete_tasks", {"tag": "shop", "confirm": True})
        assert done.structured_content["count"] == 2
        bulk = await client.call_tool("complete_tasks", {"numbers": [3]})
        assert [t["number"] for t in bulk.structured_content["tasks"]] == [3]
    assert await titles(service) == [(3, "Read book", True)]


async def test_another_user_sees_none_of_them(connect, service: TaskService) -> None:
    async with connect("alice") as alice:
        await alice.call_tool("add_task", {"title": "Alice's secret"})
    async with connect("bob") as bob:
        tally.cross_user("mcp")
        assert (await bob.call_tool("list_tasks", {})).structured_content == {
            "count": 0,
            "tasks": [],
        }
        for tool in ("complete_task", "delete_task", "reopen_task"):
            tally.cross_user("mcp")
            result = await bob.call_tool(tool, {"task": 1})
            assert result.is_error and result.structured_content["error"] == "not_found", tool
            assert result.content[0].text == "There is no task 1."
        tally.cross_user("mcp")
        result = await bob.call_tool("update_task", {"task": "secret", "title": "mine"})
        assert result.is_error and result.structured_content["error"] == "not_found"
        tally.cross_user("mcp")
        assert (await bob.call_tool("undo", {})).structured_content["error"] == "nothing_to_undo"
    assert await titles(service) == [(1, "Alice's secret", False)]
    assert await titles(service, "bob") == []


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("no_such_tool", {}, "Unknown tool: no_such_tool"),
        ("add_task", {"title": 123}, "Input should be a valid string"),
        ("add_task", {"title": "x", "priority": "extreme"}, "priority"),
        ("add_task", {"title": "x", "tags": "not-a-list"}, "Input should be a valid list"),
        ("add_task", {}, "Field required"),
        ("delete_tasks", {"numbers": ["one"], "confirm": True}, "valid integer"),
        ("add_task", {"title": "x" * 201}, "The title is 201 characters long; the limit is 200."),
        ("add_task", {"title": "x", "due": "someday"}, "someday"),
        ("complete_task", {"task": "nothing like this"}, "No task matches 'nothing like this'."),
        ("update_task", {"task": 1}, "Nothing to change"),
        ("list_tasks", {"due": "2026-13-45"}, "is not a day"),
    ],
)
async def test_bad_input_is_a_clear_error_and_changes_nothing(
    connect, service: TaskService, tool, arguments, expected
) -> None:
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Existing task"})
        before = await titles(service)
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert expected in result.content[0].text
    assert "Traceback" not in result.content[0].text
    assert await titles(service) == before


async def test_ambiguous_reference_lists_candidates(connect) -> None:
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Write quarterly report"})
        await client.call_tool("add_task", {"title": "Review quarterly report"})
        result = await client.call_tool("complete_task", {"task": "quarterly report"})
    assert result.is_error and result.structured_content["error"] == "ambiguous"
    assert [c["number"] for c in result.structured_content["candidates"]] == [1, 2]


async def test_unexpected_failure_is_generic_without_details(settings: Settings) -> None:
    def broken() -> TaskService:
        raise RuntimeError("connection string with password=hunter2")

    server = build_server(Backend(service=broken, user=lambda: "alice", settings=settings))
    async with Client(server) as client:
        result = await client.call_tool("list_tasks", {})
    assert result.is_error and result.content[0].text == "Error executing tool list_tasks"


async def test_context_uses_the_users_stored_time_zone(
    service: TaskService, settings: Settings
) -> None:
    backend = Backend(service=lambda: service, user=lambda: "alice", settings=settings)
    assert (await backend.context()).tz == ZoneInfo("UTC")
    await service.set_timezone(RequestContext(user_id="alice"), "Asia/Tokyo")
    ctx = await backend.context()
    assert (ctx.user_id, ctx.tz) == ("alice", ZoneInfo("Asia/Tokyo"))


async def test_today_and_overdue_resources(connect, settings: Settings) -> None:
    assert settings.clock_fixed is not None
    today = settings.clock_fixed.astimezone(ZoneInfo(settings.timezone)).date()  # the server's "today"
    async with connect() as client:
        await client.call_tool("add_task", {"title": "Due today", "due": today.isoformat()})
        await client.call_tool("add_task", {"title": "Long overdue", "due": "2020-01-01"})
        await client.call_tool("add_task", {"title": "Due tomorrow", "due": str(today + timedelta(days=1))})
        await client.call_tool("add_task", {"title": "No date"})
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        assert uris == {"todochat://tasks/today", "todochat://tasks/overdue", "todochat://tasks/export.csv", "todochat://tasks/export.ics"}
        exported = (await client.read_resource("todochat://tasks/export.csv")).contents[0]
        calendar = (await client.read_resource("todochat://tasks/export.ics")).contents[0]
        today_view = (await client.read_resource("todochat://tasks/today")).contents[0]
        overdue_view = (await client.read_resource("todochat://tasks/overdue")).contents[0]
    assert today_view.mime_type == "application/json"
    assert '"title":"Due today"' in today_view.text and "Long overdue" not in today_view.text
    assert "Due tomorrow" not in today_view.text and "Due tomorrow" not in overdue_view.text
    assert '"count":1' in overdue_view.text and "Long overdue" in overdue_view.text
    assert exported.mime_type == "text/csv" and calendar.mime_type == "text/calendar"
    rows = list(csv.DictReader(io.StringIO(exported.text, newline="")))
    assert [(r["number"], r["title"], r["due"]) for r in rows] == [
        ("1", "Due today", today.isoformat()), ("2", "Long overdue", "2020-01-01"),
        ("3", "Due tomorrow", str(today + timedelta(days=1))), ("4", "No date", "")]
    todos = Calendar.from_ical(calendar.text).walk("VTODO")
    assert [str(t["summary"]) for t in todos] == ["Due today", "Long overdue", "Due tomorrow", "No date"]


async def test_list_tools(connect, service: TaskService) -> None:
    """Lists through MCP: create, add to and filter by a list, rename, the delete confirmation
    (a tool error naming the count, nothing changed), then confirmed; bob sees none of it."""
    async with connect() as client:
        assert (await client.call_tool("create_list", {"name": "Work"})).structured_content["name"] == "Work"
        taken = await client.call_tool("create_list", {"name": "work"})
        assert taken.is_error and "already have a list" in taken.content[0].text
        added = await client.call_tool("add_task", {"title": "Send the report", "list": "work"})
        assert added.structured_content["list"] == "Work"
        await client.call_tool("add_task", {"title": "Buy milk"})
        found = await client.call_tool("list_tasks", {"list": "Work"})
        assert [t["title"] for t in found.structured_content["tasks"]] == ["Send the report"]
        moved = await client.call_tool("update_task", {"task": 2, "list": "Work"})
        assert moved.structured_content["list"] == "Work"
        renamed = await client.call_tool("rename_list", {"name": "Work", "new_name": "Office"})
        assert (renamed.structured_content["name"], renamed.structured_content["open_tasks"]) == ("Office", 2)
        listed = (await client.call_tool("list_lists", {})).structured_content
        assert [(x["name"], x["open_tasks"]) for x in listed["lists"]] == [("Inbox", 0), ("Office", 2)]
        refused = await client.call_tool("delete_list", {"name": "Office"})
        assert refused.is_error and "2 tasks" in refused.content[0].text
        assert len(await titles(service)) == 2
        await client.call_tool("delete_list", {"name": "Office", "confirm": True})
        assert await titles(service) == []
    async with connect("bob") as bob:
        assert (await bob.call_tool("list_lists", {})).structured_content["count"] == 1
        assert (await bob.call_tool("rename_list", {"name": "Office", "new_name": "Mine"})).is_error
