"""The MCP reminder tools that cancel ask like the other destructive tools (elicitation), in process
on SQLite and PostgreSQL: ``delete_reminder`` asks "Cancel the reminder …?", ``cancel_reminders``
asks with the list before cancelling several (one: no question), a no changes nothing, a client
without elicitation keeps the explicit contract (confirm=true after the listed refusal); and
``list_reminders`` by time span. The server clock is TEST_NOW (Mon 23 Nov 2026 09:00 UTC), zone UTC."""

from __future__ import annotations

import pytest
from tests.clock import TEST_NOW
from tests.mcp.test_confirm import User, connect  # noqa: F401 (fixture)

from todochat.context import Clock, RequestContext
from todochat.tasks.schemas import ReminderSpec, TaskCreate
from todochat.tasks.service import TaskService

BOTH = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
CTX = RequestContext(user_id="alice", clock=Clock(fixed=TEST_NOW))


async def seed(service: TaskService) -> list[int]:
    """Dentist (Wed 25 Nov 15:00; 30 and 10 min before), Gym (Tue 24 Nov 07:00; 15 min before): the ids."""
    await service.add(CTX, TaskCreate(title="Dentist", due="2026-11-25T15:00",
                                      reminders=[ReminderSpec(before_minutes=30), ReminderSpec(before_minutes=10)]))
    await service.add(CTX, TaskCreate(title="Gym", due="2026-11-24T07:00", reminders=[ReminderSpec(before_minutes=15)]))
    return [r.id for r in await service.list_reminders(CTX)]


@BOTH
async def test_yes_cancels_exactly_what_was_asked(connect, service: TaskService) -> None:  # noqa: F811
    gym, dentist_30, dentist_10 = await seed(service)
    yes = User("accept")
    async with connect(yes) as client:
        one = await client.call_tool("delete_reminder", {"reminder": gym})
        assert not one.is_error and one.structured_content["status"] == "cancelled"
        several = await client.call_tool("cancel_reminders", {"all": True})
        assert not several.is_error and several.structured_content["count"] == 2
        undone = await client.call_tool("undo", {})  # one undo brings both back
        assert undone.structured_content["message"] == "Undid: cancelled 2 reminders of 'Dentist' 30 min before and 10 min before"
        single = await client.call_tool("cancel_reminders", {"reminders": [dentist_10]})  # one: no question
        assert not single.is_error
    assert yes.questions == [
        f'Cancel the reminder {gym} of task 2 "Gym" (Tue 24 Nov 06:45)?',
        f'Cancel 2 reminders: {dentist_30} of task 1 "Dentist" (Wed 25 Nov 14:30), '
        f'{dentist_10} of task 1 "Dentist" (Wed 25 Nov 14:50)?',
    ]
    assert [r.id for r in await service.list_reminders(CTX)] == [dentist_30]


@pytest.mark.parametrize("answer", ["decline", "cancel", "unticked"])
async def test_no_cancels_nothing(connect, service: TaskService, answer: str) -> None:  # noqa: F811
    ids = await seed(service)
    no = User("accept", ticked=False) if answer == "unticked" else User(answer)
    async with connect(no) as client:
        for tool, args in (("delete_reminder", {"reminder": ids[0]}), ("cancel_reminders", {"task": "dentist"})):
            refused = await client.call_tool(tool, args)
            assert refused.is_error and refused.structured_content["error"] == "declined", tool
            assert "no reminder was cancelled" in refused.content[0].text
    assert len(no.questions) == 2
    assert [r.id for r in await service.list_reminders(CTX)] == ids


@BOTH
async def test_without_elicitation_the_explicit_contract_stays(connect, service: TaskService) -> None:  # noqa: F811
    ids = await seed(service)
    async with connect(None) as client:
        refused = await client.call_tool("cancel_reminders", {"all": True})
        assert refused.is_error and refused.structured_content["error"] == "confirmation_required"
        assert [w["reminder"] for w in refused.structured_content["would_change"]] == ids
        assert [r.id for r in await service.list_reminders(CTX)] == ids
        done = await client.call_tool("cancel_reminders", {"reminders": ids, "confirm": True})
        assert done.structured_content["count"] == 3
        none = await client.call_tool("cancel_reminders", {"all": True})
        assert none.is_error and none.structured_content["error"] == "not_found"
    assert await service.list_reminders(CTX) == []


@BOTH
async def test_list_reminders_by_time_span(connect, service: TaskService) -> None:  # noqa: F811
    await seed(service)
    async with connect(None) as client:
        tomorrow = await client.call_tool("list_reminders", {"when": "tomorrow"})
        assert [r["task_title"] for r in tomorrow.structured_content["reminders"]] == ["Gym"]
        span = await client.call_tool("list_reminders", {"start": "2026-11-25T14:40", "end": "2026-11-25"})
        assert [r["fire_at"] for r in span.structured_content["reminders"]] == ["2026-11-25T14:50:00Z"]
        bad = await client.call_tool("list_reminders", {"when": "someday"})
        assert bad.is_error and bad.structured_content["field"] == "when"
