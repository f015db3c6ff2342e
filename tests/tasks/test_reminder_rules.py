"""Reminder scheduling rules (tasks/reminders.py) through TaskService on real SQLite and PostgreSQL,
with the machine's clock moved by time-machine (the context's clock is the real one): relative and
absolute reminders, all-day dues, reschedules, completion, deletion, undo/redo, the next occurrence
of a repeating task, DST in Berlin and New York, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import update

from todochat.context import RequestContext
from todochat.errors import (
    AmbiguousReminder,
    ReminderInPast,
    ReminderNotFound,
    TaskNotFound,
    ValidationError,
)
from todochat.tasks.models import Reminder
from todochat.tasks.schemas import ReminderSpec, TaskChanges, TaskCreate
from todochat.tasks.service import TaskService

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)  # Wednesday, 10:00 in Berlin


def ctx(user: str = "alice", tz: ZoneInfo = BERLIN) -> RequestContext:
    """A context on the real clock (moved by time-machine)."""
    return RequestContext(user_id=user, tz=tz)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def fire_times(service: TaskService, c: RequestContext, ref: int | None = None, status: str = "pending") -> list[datetime | None]:
    return [r.fire_at for r in await service.list_reminders(c, ref, status=status)]  # type: ignore[arg-type]


async def test_relative_and_absolute_reminders_fire_when_the_rules_say(service: TaskService) -> None:
    c = ctx()
    task = await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    assert [r.before_minutes for r in task.reminders] == [30]
    assert task.next_reminder == utc(2026, 11, 20, 13, 30)  # 14:30 Berlin
    assert task.next_reminder.utcoffset() == timedelta(hours=1)  # shown with the user's offset
    absolute = await service.add_reminder(c, "dentist", at=datetime(2026, 11, 19, 8, 0, tzinfo=BERLIN))
    at_due = await service.add_reminder(c, 1, before_minutes=0)
    assert (absolute.task_number, absolute.task_title, absolute.status) == (1, "Dentist", "pending")
    assert absolute.fire_at == utc(2026, 11, 19, 7, 0) and absolute.fire_at.isoformat() == "2026-11-19T08:00:00+01:00"
    assert at_due.fire_at == utc(2026, 11, 20, 14, 0)
    # soonest first, for the task and for the user
    assert await fire_times(service, c, 1) == [utc(2026, 11, 19, 7), utc(2026, 11, 20, 13, 30), utc(2026, 11, 20, 14)]
    assert await fire_times(service, c) == await fire_times(service, c, 1)
    got = await service.get(c, 1)
    assert got.next_reminder == utc(2026, 11, 19, 7) and len(got.reminders) == 3


async def test_an_all_day_due_counts_from_nine_local(service: TaskService) -> None:
    c = ctx(tz=NEW_YORK)
    await service.add(c, TaskCreate(title="Pay rent", due="2026-12-01", reminders=[ReminderSpec(before_minutes=0), ReminderSpec(before_minutes=24 * 60)]))
    assert await fire_times(service, c) == [utc(2026, 11, 30, 14), utc(2026, 12, 1, 14)]  # 09:00 EST


async def test_reschedule_moves_pending_relative_reminders_and_undo_restores_them(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    await service.add_reminder(c, 1, at=utc(2026, 11, 19, 7))
    await service.update(c, 1, TaskChanges(due="2026-11-24T11:00"))
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 24, 9, 30)]  # the absolute one stays
    await service.update(c, 1, TaskChanges(shift="P1D"))
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 25, 9, 30)]
    await service.update(c, 1, TaskChanges(due=""))  # no due: the relative one cannot fire
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), None]
    assert (await service.get(c, 1)).next_reminder == utc(2026, 11, 19, 7)
    await service.undo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 25, 9, 30)]
    await service.undo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 24, 9, 30)]
    await service.undo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 20, 13, 30)]
    await service.redo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 19, 7), utc(2026, 11, 24, 9, 30)]


async def test_complete_and_delete_cancel_pending_reminders_undo_and_redo_restore(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    await service.add(c, TaskCreate(title="Gym", due="2026-11-21T18:00", reminders=[ReminderSpec(before_minutes=60)]))
    await service.complete(c, 1)
    assert [r.task_number for r in await service.list_reminders(c)] == [2]
    assert [(r.task_number, r.status) for r in await service.list_reminders(c, 1, status="all")] == [(1, "cancelled")]
    assert (await service.get(c, 1)).reminders == []
    await service.delete(c, 2)
    assert await service.list_reminders(c) == []
    await service.undo(c)  # the delete
    assert await fire_times(service, c) == [utc(2026, 11, 21, 16)]
    await service.undo(c)  # the completion
    assert await fire_times(service, c) == [utc(2026, 11, 20, 13, 30), utc(2026, 11, 21, 16)]
    await service.redo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 21, 16)]
    await service.reopen(c, 1)  # reopening is not undo: the cancelled reminder stays cancelled
    assert await fire_times(service, c) == [utc(2026, 11, 21, 16)]


async def test_undone_add_cancels_its_reminders_and_redo_brings_them_back(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Call mom", due="2026-11-20T17:00", reminders=[ReminderSpec(before_minutes=15)]))
    await service.undo(c)
    async with service.sessionmaker() as session:  # the dispatcher reads rows, not tasks: none pending
        rows = (await session.execute(Reminder.__table__.select())).all()
    assert [r.status for r in rows] == ["cancelled"]
    await service.redo(c)
    assert await fire_times(service, c) == [utc(2026, 11, 20, 15, 45)]


async def test_remind_and_unremind_are_journalled_with_readable_summaries(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00"))
    added = await service.add_reminder(c, "dentist", before_minutes=30)
    await service.add_reminder(c, 1, at=utc(2026, 11, 19, 7))
    entries = await service.activity(c)
    assert [e.action for e in entries[:2]] == ["remind", "remind"]
    assert entries[0].summary == "added a reminder to 'Dentist' on Thu 19 Nov at 08:00"
    assert entries[1].summary == "added a reminder to 'Dentist' 30 min before"
    with pytest.raises(AmbiguousReminder) as many:
        await service.delete_reminder(c, task="dentist")
    assert [x["reminder"] for x in many.value.candidates] == [added.id + 1, added.id]  # soonest first
    cancelled = await service.delete_reminder(c, added.id)
    assert cancelled.status == "cancelled"
    assert (await service.activity(c))[0].summary == "cancelled the reminder of 'Dentist' 30 min before"
    undone = await service.undo(c)
    assert undone.message == "Undid: cancelled the reminder of 'Dentist' 30 min before"
    assert len(await service.list_reminders(c)) == 2
    undone = await service.undo(c)
    assert undone.message == "Undid: added a reminder to 'Dentist' on Thu 19 Nov at 08:00"
    assert [r.id for r in await service.list_reminders(c)] == [added.id]
    await service.redo(c)
    assert len(await service.list_reminders(c)) == 2
    # only one left on the task after cancelling by id: cancelling by task needs no id
    await service.delete_reminder(c, added.id)
    only = await service.delete_reminder(c, task="1")
    assert only.id == added.id + 1 and await service.list_reminders(c) == []
    with pytest.raises(ReminderNotFound):
        await service.delete_reminder(c, task="1")


async def test_repeating_task_next_occurrence_gets_copies(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Team call", due="2026-11-19T10:00", recurrence="FREQ=WEEKLY",
                                    reminders=[ReminderSpec(before_minutes=10), ReminderSpec(at=datetime(2026, 11, 18, 18, 0, tzinfo=BERLIN))]))
    dropped = await service.add_reminder(c, 1, before_minutes=120)
    await service.delete_reminder(c, dropped.id)  # cancelled by the user: not repeated
    result = await service.complete(c, 1)
    assert result.next_task is not None and result.next_task.due == "2026-11-26T10:00"
    assert [r.before_minutes for r in await service.list_reminders(c, 1, status="all") if r.status == "pending"] == []
    copies = await service.list_reminders(c, 2)
    assert [(r.before_minutes, r.fire_at) for r in copies] == [
        (None, utc(2026, 11, 25, 17)),  # 18:00 the evening before, a week later
        (10, utc(2026, 11, 26, 8, 50)),
    ]
    await service.undo(c)  # the next occurrence goes, the original's reminders come back
    assert [r.task_number for r in await service.list_reminders(c)] == [1, 1]
    assert await fire_times(service, c) == [utc(2026, 11, 18, 17), utc(2026, 11, 19, 8, 50)]


async def test_a_fired_reminder_stays_fired_through_undo(service: TaskService, clock: time_machine.Coordinates) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    await service.complete(c, 1)
    await service.undo(c)
    async with service.sessionmaker.begin() as session:  # what the dispatcher does when it fires
        await session.execute(update(Reminder).values(status="fired", fired_at=utc(2026, 11, 20, 13, 30)))
    await service.redo(c)  # redo of the completion would cancel it: a fired one stays fired
    await service.undo(c)  # and undo does not make it pending (it would fire twice)
    assert [r.status for r in await service.list_reminders(c, 1, status="all")] == ["fired"]


# ----------------------------------------------------------------- DST
async def test_relative_is_instant_arithmetic_across_berlin_spring_forward(service: TaskService, clock: time_machine.Coordinates) -> None:
    clock.move_to(datetime(2027, 3, 20, 12, tzinfo=UTC))
    c = ctx()
    # Sun 28 Mar 2027: 02:00 CET → 03:00 CEST. 03:30 CEST = 01:30 UTC; 60 real minutes earlier is
    # 00:30 UTC = 01:30 CET (two hours earlier on the wall clock).
    await service.add(c, TaskCreate(title="Early train", due="2027-03-28T03:30", reminders=[ReminderSpec(before_minutes=60)]))
    [reminder] = await service.list_reminders(c)
    assert reminder.fire_at == utc(2027, 3, 28, 0, 30)
    assert reminder.fire_at.isoformat() == "2027-03-28T01:30:00+01:00"
    # an all-day due on that day counts from 09:00 CEST
    await service.add(c, TaskCreate(title="Clocks", due="2027-03-28", reminders=[ReminderSpec(before_minutes=0)]))
    assert (await service.list_reminders(c, 2))[0].fire_at == utc(2027, 3, 28, 7)


async def test_relative_is_instant_arithmetic_across_new_york_fall_back(service: TaskService, clock: time_machine.Coordinates) -> None:
    clock.move_to(datetime(2026, 10, 25, 12, tzinfo=UTC))
    c = ctx(tz=NEW_YORK)
    # Sun 1 Nov 2026: 02:00 EDT → 01:00 EST. 03:00 EST = 08:00 UTC; 120 real minutes earlier is
    # 06:00 UTC = 01:00 EST (the second 01:00 of the night, not 01:00 EDT = 05:00 UTC).
    await service.add(c, TaskCreate(title="Night shift", due="2026-11-01T03:00", reminders=[ReminderSpec(before_minutes=120)]))
    [reminder] = await service.list_reminders(c)
    assert reminder.fire_at == utc(2026, 11, 1, 6)
    assert reminder.fire_at.isoformat() == "2026-11-01T01:00:00-05:00"


async def test_weekly_occurrence_keeps_wall_times_across_dst(service: TaskService, clock: time_machine.Coordinates) -> None:
    clock.move_to(datetime(2027, 3, 24, 12, tzinfo=UTC))
    c = ctx()
    # Fri 26 Mar 09:00 CET, next Fri 2 Apr 09:00 CEST; the absolute reminder Thu 20:00 CET moves to
    # Thu 1 Apr 20:00 CEST (wall time kept), the relative one to 08:30 CEST.
    await service.add(c, TaskCreate(title="Standup", due="2027-03-26T09:00", recurrence="FREQ=WEEKLY",
                                    reminders=[ReminderSpec(before_minutes=30), ReminderSpec(at=datetime(2027, 3, 25, 20, tzinfo=BERLIN))]))
    await service.complete(c, 1)
    copies = await service.list_reminders(c, 2)
    assert [r.fire_at for r in copies] == [utc(2027, 4, 1, 18), utc(2027, 4, 2, 6, 30)]
    assert [r.fire_at.isoformat() for r in copies] == ["2027-04-01T20:00:00+02:00", "2027-04-02T08:30:00+02:00"]


async def test_new_york_spring_forward_nine_oclock_all_day(service: TaskService, clock: time_machine.Coordinates) -> None:
    clock.move_to(datetime(2027, 3, 10, 12, tzinfo=UTC))
    c = ctx(tz=NEW_YORK)
    # Sun 14 Mar 2027 is the spring-forward day: 09:00 EDT = 13:00 UTC (the day before, 09:00 EST = 14:00 UTC)
    await service.add(c, TaskCreate(title="Taxes", due="2027-03-14", reminders=[ReminderSpec(before_minutes=0), ReminderSpec(before_minutes=1440)]))
    assert await fire_times(service, c) == [utc(2027, 3, 13, 13), utc(2027, 3, 14, 13)]
    # "a day before" is 1440 real minutes: 08:00 EST on the 13th, not 09:00
    assert (await service.list_reminders(c))[0].fire_at.isoformat() == "2027-03-13T08:00:00-05:00"


# ----------------------------------------------------------------- bad input
async def test_a_past_time_is_refused_with_a_question_and_nothing_changes(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-18T10:20"))  # in 20 minutes
    before = await service.activity(c)
    with pytest.raises(ReminderInPast) as past:
        await service.add_reminder(c, 1, at=utc(2026, 11, 18, 8, 59))
    assert past.value.field == "at" and past.value.message == "That time has passed — remind you now?"
    assert past.value.details["number"] == 1
    with pytest.raises(ReminderInPast) as relative:
        await service.add_reminder(c, 1, before_minutes=30)  # 09:50 Berlin, already gone
    assert relative.value.field == "before_minutes"
    with pytest.raises(ReminderInPast):  # an add carrying a past reminder adds nothing
        await service.add(c, TaskCreate(title="Call", reminders=[ReminderSpec(at=NOW)]))
    assert [t.title for t in await service.list(c)] == ["Dentist"]
    assert await service.activity(c) == before and await service.list_reminders(c) == []


async def test_twenty_reminders_at_most(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Exam", due="2026-12-20T09:00", reminders=[ReminderSpec(before_minutes=m) for m in range(20)]))
    with pytest.raises(ValidationError) as too_many:
        await service.add_reminder(c, 1, before_minutes=60)
    assert too_many.value.field == "reminders"
    with pytest.raises(ValidationError):
        await service.add(c, TaskCreate(title="Exam 2", due="2026-12-20T09:00", reminders=[ReminderSpec(before_minutes=m) for m in range(21)]))
    assert len(await service.list_reminders(c)) == 20 and len(await service.list(c)) == 1
    await service.delete_reminder(c, (await service.list_reminders(c))[0].id)
    await service.add_reminder(c, 1, before_minutes=60)  # room again once one is cancelled


@pytest.mark.parametrize(
    ("at", "before", "field"),
    [
        (None, None, "at"),
        (utc(2026, 12, 1, 9), 10, "before_minutes"),
        (None, -1, "before_minutes"),
        (None, 40321, "before_minutes"),
        (datetime(2026, 12, 1, 9), None, "at"),  # no offset  # noqa: DTZ001
    ],
)
async def test_bad_reminder_specs_name_the_field(service: TaskService, at: datetime | None, before: int | None, field: str) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00"))
    with pytest.raises(ValidationError) as bad:
        await service.add_reminder(c, 1, at=at, before_minutes=before)
    assert bad.value.field == field
    assert await service.list_reminders(c) == []


async def test_relative_reminder_needs_a_due(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Someday"))
    with pytest.raises(ValidationError, match="has no due time") as bad:
        await service.add_reminder(c, 1, before_minutes=30)
    assert bad.value.field == "before_minutes"
    assert (await service.add_reminder(c, 1, before_minutes=None, at=utc(2026, 11, 19, 8))).fire_at == utc(2026, 11, 19, 8)


async def test_another_users_reminders_are_not_found(service: TaskService) -> None:
    alice, bob = ctx("alice"), ctx("bob")
    await service.add(alice, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    [mine] = await service.list_reminders(alice)
    assert await service.list_reminders(bob) == []
    with pytest.raises(ReminderNotFound):
        await service.delete_reminder(bob, mine.id)
    with pytest.raises(TaskNotFound):
        await service.add_reminder(bob, 1, before_minutes=5)
    assert [r.status for r in await service.list_reminders(alice)] == ["pending"]


async def test_a_done_task_takes_no_reminder(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00"))
    await service.complete(c, 1)
    with pytest.raises(ValidationError, match="reopen it") as done:
        await service.add_reminder(c, 1, before_minutes=30)
    assert done.value.field == "task"
    assert await service.list_reminders(c, status="all") == []


async def reminder_state(service: TaskService, c: RequestContext) -> list[tuple[int, int, datetime | None]]:
    """The pending reminders of live tasks: what can fire (an undone add leaves its reminder
    cancelled rather than deleted, so ids are never reused)."""
    return [(r.task_number, r.id, r.fire_at) for r in await service.list_reminders(c)]


async def cancel_latest(service: TaskService, c: RequestContext) -> None:
    pending = await service.list_reminders(c)
    await service.delete_reminder(c, max(r.id for r in pending))


async def test_every_change_undone_newest_first_restores_reminders_exactly(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    await service.add(c, TaskCreate(title="Yoga", due="2026-11-19T07:00", recurrence="daily", reminders=[ReminderSpec(before_minutes=15)]))
    states = [await reminder_state(service, c)]
    steps = [
        lambda: service.add_reminder(c, 1, at=utc(2026, 11, 19, 20)),
        lambda: service.update(c, 1, TaskChanges(shift="P2D")),
        lambda: service.complete(c, "yoga"),  # task 3 is the next occurrence, with a copy
        lambda: service.add_reminder(c, 3, before_minutes=60),
        lambda: service.update(c, 3, TaskChanges(due_time="08:00")),
        lambda: cancel_latest(service, c),
        lambda: service.delete(c, 1),
    ]
    for make in steps:
        await make()
        states.append(await reminder_state(service, c))
    assert len({tuple(s) for s in states}) == len(states)  # every step changed the reminders
    for expected in reversed(states[:-1]):
        await service.undo(c)
        assert await reminder_state(service, c) == expected
    for expected in states[1:]:
        await service.redo(c)
        assert await reminder_state(service, c) == expected
