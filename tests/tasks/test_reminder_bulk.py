"""Cancelling several reminders at once (TaskService.cancel_reminders) and reminders by time span
(tasks/reminder_window.py) on real SQLite and PostgreSQL, the clock moved by time-machine: several
need a confirmation that lists them, one is cancelled at once, a yes names exact ids, one undo
brings them all back, other users' reminders are never touched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from todochat.context import RequestContext
from todochat.errors import ConfirmationRequired, ReminderNotFound, ValidationError
from todochat.tasks import reminder_window
from todochat.tasks.schemas import ReminderSpec, TaskCreate
from todochat.tasks.service import TaskService

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)  # Wednesday, 10:00 in Berlin


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=BERLIN)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


async def seed(service: TaskService, user: str = "alice") -> None:
    """Dentist (Fri 15:00, reminders 30 and 10 min before), Gym (Thu 07:00, 15 min before)."""
    c = ctx(user)
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00",
                                    reminders=[ReminderSpec(before_minutes=30), ReminderSpec(before_minutes=10)]))
    await service.add(c, TaskCreate(title="Gym", due="2026-11-19T07:00", reminders=[ReminderSpec(before_minutes=15)]))


async def pending_ids(service: TaskService, c: RequestContext) -> list[int]:
    return [r.id for r in await service.list_reminders(c)]


async def test_several_ask_with_the_list_and_a_confirmed_call_cancels_them(service: TaskService) -> None:
    c = ctx()
    await seed(service)
    await seed(service, "bob")
    before = await pending_ids(service, c)
    with pytest.raises(ConfirmationRequired) as asked:
        await service.cancel_reminders(c, all=True)
    assert asked.value.action == "cancel_reminders"
    listed = asked.value.would_change
    assert [(w["number"], w["title"], w["fire_at"][11:16]) for w in listed] == [
        (2, "Gym", "06:45"), (1, "Dentist", "14:30"), (1, "Dentist", "14:50")]  # soonest first, local
    assert await pending_ids(service, c) == before  # nothing changed
    done = await service.cancel_reminders(c, reminder_ids=[w["reminder"] for w in listed], confirm=True)
    assert {r.status for r in done} == {"cancelled"} and len(done) == 3
    assert await pending_ids(service, c) == []
    assert len(await pending_ids(service, ctx("bob"))) == 3  # another user's are untouched
    undone = await service.undo(c)  # one undo brings all three back
    assert await pending_ids(service, c) == before
    assert "3 reminders" in undone.message


async def test_a_task_s_reminders_and_one_reminder_is_done_at_once(service: TaskService) -> None:
    c = ctx()
    await seed(service)
    with pytest.raises(ConfirmationRequired) as asked:
        await service.cancel_reminders(c, task="dentist")
    assert {w["title"] for w in asked.value.would_change} == {"Dentist"}
    one = await service.cancel_reminders(c, task="gym")  # one reminder: no question
    assert [(r.task_title, r.status) for r in one] == [("Gym", "cancelled")]
    with pytest.raises(ReminderNotFound) as none:
        await service.cancel_reminders(c, task="gym")
    assert none.value.details["number"] == 2
    done = await service.cancel_reminders(c, task="dentist", confirm=True)
    assert len(done) == 2
    with pytest.raises(ReminderNotFound):
        await service.cancel_reminders(c, all=True)


async def test_a_yes_names_ids_so_a_reminder_added_after_the_question_stays(service: TaskService) -> None:
    c = ctx()
    await seed(service)
    with pytest.raises(ConfirmationRequired) as asked:
        await service.cancel_reminders(c, all=True)
    ids = [w["reminder"] for w in asked.value.would_change]
    late = await service.add_reminder(c, "gym", before_minutes=60)
    await service.cancel_reminders(c, reminder_ids=ids, confirm=True)
    assert await pending_ids(service, c) == [late.id]


async def test_bad_selections_change_nothing(service: TaskService) -> None:
    c = ctx()
    await seed(service)
    await seed(service, "bob")
    bobs = await pending_ids(service, ctx("bob"))
    for kwargs in ({}, {"all": True, "task": "gym"}, {"reminder_ids": []}):
        with pytest.raises(ValidationError):
            await service.cancel_reminders(c, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ReminderNotFound):  # bob's reminder is not alice's
        await service.cancel_reminders(c, reminder_ids=[bobs[0]], confirm=True)
    mine = await pending_ids(service, c)
    with pytest.raises(ReminderNotFound):  # all or nothing: one id that is not hers refuses the lot
        await service.cancel_reminders(c, reminder_ids=[mine[0], bobs[0]], confirm=True)
    assert await pending_ids(service, c) == mine and await pending_ids(service, ctx("bob")) == bobs


async def test_reminders_by_time_span(service: TaskService) -> None:
    c = ctx()
    await seed(service)
    now = NOW

    async def titles(**kwargs: str) -> list[str]:
        span = reminder_window.window(BERLIN, now, **kwargs)
        return [r.task_title for r in await service.list_reminders(c, window=span)]

    assert await titles(when="tomorrow") == ["Gym"]
    assert await titles(when="today") == []
    assert await titles(when="this_week") == ["Gym", "Dentist", "Dentist"]
    assert await titles(when="2026-11-20") == ["Dentist", "Dentist"]
    assert await titles(start="2026-11-20T14:40") == ["Dentist"]
    assert await titles(end="2026-11-19") == ["Gym"]  # a day as the end is included
    assert await titles(start="2026-11-19T06:45:00+01:00", end="2026-11-19T06:46:00+01:00") == ["Gym"]
    for bad in ({"when": "someday"}, {"start": "friday"}, {"start": "2026-11-20", "end": "2026-11-19"},
                {"when": "today", "start": "2026-11-20"}):
        with pytest.raises(ValidationError):
            await titles(**bad)
    # cancelling narrowed by a span: tomorrow's only (one: no question)
    done = await service.cancel_reminders(c, all=True, window=reminder_window.window(BERLIN, now, when="tomorrow"))
    assert [r.task_title for r in done] == ["Gym"]


def test_a_day_of_a_dst_change_is_a_local_day() -> None:
    spring = reminder_window.window(BERLIN, NOW, when="2027-03-28")
    assert spring.start == datetime(2027, 3, 27, 23, tzinfo=UTC)
    assert spring.end == datetime(2027, 3, 28, 22, tzinfo=UTC)  # 23 hours long
