"""The date-sensitive rules under several "nows": a Monday, a Sunday evening (already Monday in
UTC), 29 Feb 2028, and 31 Dec 2026 23:30 in Auckland (still the 31st in UTC, the last half hour
of the local year).

Every expectation is computed here from the instant with the standard library and dateutil —
never copied from the code under test — so a rule that forgets the zone, the month length, the
leap day or the year end fails for at least one of them. Meanwhile the machine's real clock is
moved somewhere else entirely (time-machine, ``WALL``): code that read the real time instead of
the request's clock would get answers for July 2031 and fail too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import FR, MO, SA, SU, relativedelta

from todochat.agent.models.builtin.dates import due_text, find_when
from todochat.context import Clock, RequestContext
from todochat.evals import Runner
from todochat.tasks.schemas import TaskCreate, TaskFilter
from todochat.tasks.service import TaskService

SWEEP = [
    pytest.param(datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")), id="monday-berlin"),
    pytest.param(datetime(2026, 11, 29, 21, 0, tzinfo=ZoneInfo("America/Los_Angeles")), id="sunday-evening-los-angeles"),
    pytest.param(datetime(2028, 2, 29, 12, 0, tzinfo=ZoneInfo("UTC")), id="leap-day"),
    pytest.param(datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Pacific/Auckland")), id="new-years-eve-auckland"),
]
WALL = datetime(2031, 7, 15, 3, 0, tzinfo=UTC)
"""Where the real clock is during these tests: another year, season, weekday and month length."""


@pytest.fixture(params=SWEEP)
def now(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """The user's local "now" (aware, in their zone), with the machine's clock moved to ``WALL``."""
    with time_machine.travel(WALL):
        yield request.param


def test_the_sweep_covers_what_it_claims() -> None:
    instants = [p.values[0] for p in SWEEP]
    assert [i.strftime("%A") for i in instants[:2]] == ["Monday", "Sunday"]
    assert instants[1].astimezone(UTC).strftime("%A") == "Monday"  # the Sunday is Monday in UTC
    assert instants[2].date() == date(2028, 2, 29)
    assert (instants[3].date(), instants[3].hour, instants[3].minute) == (date(2026, 12, 31), 23, 30)
    assert instants[3].tzinfo == ZoneInfo("Pacific/Auckland")
    assert instants[3].astimezone(UTC).date() == date(2026, 12, 31)


# ------------------------------------------------------------------ expectations, independently


def on_or_after(today: date, day_of_month: int) -> date:
    """The first date on or after ``today`` whose day is ``day_of_month`` (months without it skipped)."""
    day = today
    while day.day != day_of_month:
        day += timedelta(days=1)
    return day


def next_week(today: date, weekday: int) -> date:
    """``weekday`` (0 = Monday) of the calendar week (Monday to Sunday) after today's."""
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)


def next_month_day(today: date, month: int, day: int) -> date:
    """The next ``month``/``day`` on or after today."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def phrase_expectations(now: datetime) -> list[tuple[str, str, str | None]]:
    """``(phrase, due, recurrence)`` for ``now`` (local)."""
    d = now.date()
    at_8 = d if now.hour < 8 else d + timedelta(days=1)
    in_two_hours = (now.astimezone(UTC) + timedelta(hours=2)).astimezone(now.tzinfo)
    weekend = d if d.weekday() == 6 else d + relativedelta(weekday=SA)
    weekday = d if d.weekday() < 5 else d + relativedelta(weekday=MO)
    return [
        ("today", d.isoformat(), None),
        ("tomorrow", (d + timedelta(days=1)).isoformat(), None),
        ("in 3 days", (d + timedelta(days=3)).isoformat(), None),
        ("in two weeks", (d + timedelta(days=14)).isoformat(), None),
        ("in a month", (d + relativedelta(months=1)).isoformat(), None),
        ("friday", (d + relativedelta(weekday=FR)).isoformat(), None),  # today's weekday is today
        ("sunday", (d + relativedelta(weekday=SU)).isoformat(), None),
        ("monday", (d + relativedelta(weekday=MO)).isoformat(), None),
        ("next monday", next_week(d, 0).isoformat(), None),
        ("next friday", next_week(d, 4).isoformat(), None),
        ("next week", next_week(d, 0).isoformat(), None),
        ("next month", (d + relativedelta(months=1, day=1)).isoformat(), None),
        ("end of the month", (d + relativedelta(day=31)).isoformat(), None),
        ("this weekend", weekend.isoformat(), None),
        ("on the 1st", on_or_after(d, 1).isoformat(), None),
        ("the 29th", on_or_after(d, 29).isoformat(), None),
        ("on Jan 3", next_month_day(d, 1, 3).isoformat(), None),
        ("on march 1", next_month_day(d, 3, 1).isoformat(), None),
        ("tomorrow at 6pm", f"{d + timedelta(days=1)}T18:00", None),
        ("at 8am", f"{at_8}T08:00", None),
        ("in 2 hours", in_two_hours.strftime("%Y-%m-%dT%H:%M"), None),
        ("every day", d.isoformat(), "FREQ=DAILY"),
        ("every sunday", (d + relativedelta(weekday=SU)).isoformat(), "FREQ=WEEKLY;BYDAY=SU"),
        ("every weekday", weekday.isoformat(), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every month on the 1st", on_or_after(d, 1).isoformat(), "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every month on the last day", (d + relativedelta(day=31)).isoformat(), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("yearly", d.isoformat(), "FREQ=YEARLY"),
    ]


# ------------------------------------------------------------------ the built-in model's date phrases


def test_builtin_model_date_phrases(now: datetime) -> None:
    wrong = []
    for phrase, due, rule in phrase_expectations(now):
        when = find_when(phrase, now)
        if (due_text(when), when.recurrence) != (due, rule):
            wrong.append(f"{phrase!r}: got {(due_text(when), when.recurrence)}, expected {(due, rule)}")
    assert not wrong, f"at {now.isoformat()} ({now:%A}):\n" + "\n".join(wrong)


# ------------------------------------------------------------------ the task service's due-date rules


async def test_service_due_filters_overdue_and_recurrences(service: TaskService, now: datetime) -> None:
    assert isinstance(now.tzinfo, ZoneInfo)
    ctx = RequestContext(user_id="sweep", tz=now.tzinfo, clock=Clock(fixed=now.astimezone(UTC)))
    d = now.date()
    plan = {
        "Yesterday": (d - timedelta(days=1)).isoformat(),
        "Earlier today": f"{d}T00:01",
        "Today": d.isoformat(),
        "Later today": f"{d}T23:59",
        "Tomorrow": (d + timedelta(days=1)).isoformat(),
        "Tomorrow early": f"{d + timedelta(days=1)}T00:00",
        "In a week": (d + timedelta(days=7)).isoformat(),
    }
    for title, due in plan.items():
        await service.add(ctx, TaskCreate(title=title, due=due))

    async def titles(**filters: str) -> set[str]:
        return {t.title for t in await service.list(ctx, TaskFilter(**filters))}

    assert await titles(due="today") == {"Earlier today", "Today", "Later today"}
    assert await titles(due=d.isoformat()) == {"Earlier today", "Today", "Later today"}
    assert await titles(due="tomorrow") == {"Tomorrow", "Tomorrow early"}
    assert await titles(due="overdue") == {"Yesterday", "Earlier today"}
    shown = {t.title: (t.due, t.overdue) for t in await service.list(ctx)}
    assert shown == {title: (due, title in ("Yesterday", "Earlier today")) for title, due in plan.items()}

    # a daily task a month overdue comes back today, never in the past
    daily = await service.add(ctx, TaskCreate(title="Water plants", due=(d - relativedelta(months=1)).isoformat(), recurrence="daily"))
    assert (await service.complete(ctx, daily.number)).next_task.due == d.isoformat()
    # a recurrence without a due date starts today (the user's today, not UTC's)
    assert (await service.add(ctx, TaskCreate(title="Stretch", recurrence="daily"))).due == d.isoformat()
    # weekly at a wall time: a week later at the same local time
    weekly = await service.add(ctx, TaskCreate(title="Standup", due=f"{d}T00:01", recurrence="weekly"))
    assert (await service.complete(ctx, weekly.number)).next_task.due == f"{d + timedelta(days=7)}T00:01"
    # the last day of the month, this month, then the last day of the next (28, 29, 30 or 31)
    end = d + relativedelta(day=31)
    monthly = await service.add(ctx, TaskCreate(title="Rent", due=end.isoformat(), recurrence="FREQ=MONTHLY;BYMONTHDAY=-1"))
    assert (await service.complete(ctx, monthly.number)).next_task.due == (end + relativedelta(months=1, day=31)).isoformat()


# ------------------------------------------------------------------ the ChatKit path: evals' clock, widget text


def widget_day(day: date, today: date) -> str:
    """How the task widget names ``day`` seen from ``today`` (computed here, not by the widget)."""
    words = {0: "today", 1: "tomorrow", -1: "yesterday"}
    delta = (day - today).days
    if delta in words:
        return words[delta]
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")


def test_a_conversation_on_the_evals_clock(now: datetime, tmp_path: Path) -> None:
    """A case run by the eval runner at ``now`` (its wall time and zone): the built-in model's
    dates and the task widget's words for them follow the user's day."""
    d = now.date()
    friday = d + relativedelta(weekday=FR)
    seeded = {"Renew passport": d - timedelta(days=1), "File taxes": d, "Book dentist": d + timedelta(days=3)}
    case = {
        "id": f"sweep-{now:%Y%m%d}",
        "now": now.replace(tzinfo=None).isoformat(),
        "timezone": str(now.tzinfo),
        "tasks": [{"title": title, "due": day.isoformat()} for title, day in seeded.items()],
        "turns": ["remind me to pay rent tomorrow at 6pm", "add call mom on friday", "show my tasks"],
        "expect": {
            "tasks": [
                *({"title": title, "due": day.isoformat()} for title, day in seeded.items()),
                {"title": "Pay rent", "due": f"{d + timedelta(days=1)}T18:00"},
                {"title": "Call mom", "due": friday.isoformat()},
            ],
            "shown": ["Pay rent", "Call mom", "Renew passport"],
        },
    }
    runner = Runner(workdir=tmp_path)
    try:
        result = asyncio.run(runner.run_case(case))
    finally:
        runner.close()
    assert result.passed, result.failures
    rows = [*seeded.items(), ("Pay rent", d + timedelta(days=1)), ("Call mom", friday)]
    for number, (title, day) in enumerate(rows, start=1):  # the widget's row: title, then its date
        status = "overdue · " if day < d else "due "
        words = widget_day(day, d) + (" at 18:00" if title == "Pay rent" else "")
        assert f"{number}. {title}\n{status}{words}\n" in result.shown, (title, words, result.shown)
