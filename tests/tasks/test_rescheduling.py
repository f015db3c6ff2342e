"""The rescheduling rules (tasks/rescheduling.py, issue 11 item 5) as unit tests and through the
service on both databases: time-only keeps the day, day-only keeps the time, shifts in wall time,
postponing never moves a task earlier, out-of-range shifts refused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from todochat.context import Clock, RequestContext
from todochat.errors import EarlierThanDue, ValidationError
from todochat.tasks.rescheduling import reschedule
from todochat.tasks.schemas import TaskChanges, TaskCreate

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)


def ctx() -> RequestContext:
    return RequestContext(user_id="alice", tz=BERLIN, clock=Clock(NOW))


def local(text: str) -> tuple[datetime, bool]:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN).astimezone(UTC), False


def day(text: str) -> tuple[datetime, bool]:
    return datetime.fromisoformat(text).replace(tzinfo=UTC), True


def test_time_only_keeps_the_day_and_day_only_keeps_the_time() -> None:
    assert reschedule(local("2026-11-19T12:00"), tz=BERLIN, now=NOW, due_time="13:00") == local("2026-11-19T13:00")
    assert reschedule(local("2026-11-20T15:00"), tz=BERLIN, now=NOW, due_day="2026-11-24") == local("2026-11-24T15:00")
    assert reschedule(day("2026-11-20"), tz=BERLIN, now=NOW, due_day="2026-11-24") == day("2026-11-24")
    assert reschedule(day("2026-11-20"), tz=BERLIN, now=NOW, due_time="09:30") == local("2026-11-20T09:30")
    # no due date: today at that time, or tomorrow once it has passed (10:00 in Berlin now)
    assert reschedule((None, False), tz=BERLIN, now=NOW, due_time="18:00") == local("2026-11-18T18:00")
    assert reschedule((None, False), tz=BERLIN, now=NOW, due_time="08:00") == local("2026-11-19T08:00")


def test_shifts_run_in_wall_time_across_dst_and_month_ends() -> None:
    # 09:00 before the end of summer time stays 09:00 a week later
    assert reschedule(local("2026-10-22T09:00"), tz=BERLIN, now=NOW, shift="P1W") == local("2026-10-29T09:00")
    assert reschedule(day("2027-01-31"), tz=BERLIN, now=NOW, shift="P1M") == day("2027-02-28")
    assert reschedule(day("2026-11-20"), tz=BERLIN, now=NOW, shift="-P1D") == day("2026-11-19")
    assert reschedule(local("2026-11-20T15:00"), tz=BERLIN, now=NOW, shift="PT2H") == local("2026-11-20T17:00")


@pytest.mark.parametrize("shift", ["P1W", "P1D", "P1M"])
def test_postponing_by_a_positive_shift_is_always_later(shift: str) -> None:
    start = local("2026-11-20T15:00")
    assert reschedule(start, tz=BERLIN, now=NOW, shift=shift, later_only=True)[0] > start[0]


def test_postponing_to_an_earlier_day_is_refused_naming_both_dates() -> None:
    with pytest.raises(EarlierThanDue) as raised:
        reschedule(day("2026-12-15"), tz=BERLIN, now=NOW, due_day="2026-12-01", later_only=True)
    assert raised.value.details == {"current_due": "2026-12-15", "requested_due": "2026-12-01"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"shift": "P9000Y"}, "shift"),
        ({"shift": "soon"}, "shift"),
        ({"shift": "P0D"}, "shift"),
        ({"shift": "-P500Y"}, "shift"),
        ({"due_time": "25:00"}, "due_time"),
        ({"due_day": "2026-02-30"}, "due_day"),
        ({"shift": "PT1H"}, "shift"),  # a whole-day task shifts by days
    ],
)
def test_bad_rescheduling_input_is_refused(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        reschedule(day("2026-11-20"), tz=BERLIN, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert raised.value.field in (field, "due")


@given(st.integers(min_value=-3000, max_value=3000))
def test_a_day_shift_and_its_opposite_are_the_identity(days: int) -> None:
    if days == 0:
        return
    start = local("2026-11-20T09:00")
    there = reschedule(start, tz=BERLIN, now=NOW, shift=f"P{days}D" if days > 0 else f"-P{-days}D")
    back = reschedule(there, tz=BERLIN, now=NOW, shift=f"-P{days}D" if days > 0 else f"P{-days}D")
    assert back == start
    assert there[0].astimezone(BERLIN).hour == 9


async def test_the_service_applies_the_rules_and_undo_reverts_them(service) -> None:
    c = ctx()
    lunch = await service.add(c, TaskCreate(title="Team lunch", due="2026-11-19T12:00"))
    moved = await service.update(c, lunch.number, TaskChanges(due_time="13:00"))
    assert moved.due == "2026-11-19T13:00"
    moved = await service.update(c, lunch.number, TaskChanges(due_day="2026-11-24"))
    assert moved.due == "2026-11-24T13:00"
    moved = await service.update(c, lunch.number, TaskChanges(shift="P1W", later_only=True))
    assert moved.due == "2026-12-01T13:00"
    with pytest.raises(EarlierThanDue):
        await service.update(c, lunch.number, TaskChanges(due_day="2026-11-20", later_only=True))
    with pytest.raises(ValidationError):
        await service.update(c, lunch.number, TaskChanges(due="2026-11-20", shift="P1D"))
    assert (await service.get(c, lunch.number)).due == "2026-12-01T13:00"  # refused: nothing changed
    assert (await service.undo(c)).message.startswith("Undid: ")
    assert (await service.get(c, lunch.number)).due == "2026-11-24T13:00"
