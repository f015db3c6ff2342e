"""Recurrence rules read strictly (tasks/recurrence.py) and occurrence walks whose cost does not
grow with the age of the due date (issue 11: "FREQ=DAILY;FREQ=SECONDLY" due 2000-01-01 stalled
the server for minutes; FREQ=DAILY due 0001-01-01 cost 1.8 s per completion)."""

from __future__ import annotations

import itertools
import time as timer
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from todochat.context import Clock, RequestContext
from todochat.errors import ValidationError
from todochat.tasks import dates, recurrence
from todochat.tasks.schemas import TaskCreate

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("FREQ=DAILY;FREQ=SECONDLY", "FREQ twice"),
        ("FREQ=DAILY;INTERVAL=2;INTERVAL=0", "INTERVAL twice"),
        ("FREQ=DAILY;BYEASTER=0", "not a valid RRULE part"),
        ("FREQ=DAILY;X-NAME=1", "not a valid RRULE part"),
        ("FREQ=DAILY;COUNT", "NAME=VALUE"),
        ("FREQ=MINUTELY;INTERVAL=1", "more often than daily"),
        ("FREQ=DAILY;BYHOUR=9,10", "BYHOUR is not supported"),
        ("FREQ=DAILY;BYMINUTE=0", "BYMINUTE is not supported"),
        ("FREQ=DAILY;BYSECOND=1", "BYSECOND is not supported"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "COUNT or UNTIL"),
        ("FREQ=DAILY;COUNT=100000", "COUNT from 1 to 1000"),
        ("FREQ=DAILY;COUNT=0", "COUNT from 1 to 1000"),
        ("FREQ=DAILY;INTERVAL=99999", "INTERVAL from 1 to 3653"),
        ("FREQ=YEARLY;INTERVAL=11", "INTERVAL from 1 to 10"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY cannot be used"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO cannot be used"),
        ("FREQ=WEEKLY;BYDAY=1MO", "numbered BYDAY needs"),
        ("FREQ=MONTHLY;BYDAY=6MO", "±1 to 5"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH values are 1 to 12"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH values are 1 to 12"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,,2", "BYMONTHDAY values"),
        ("FREQ=MONTHLY;BYDAY=XX", "not a BYDAY value"),
        ("FREQ=WEEKLY;WKST=XX", "WKST"),
        ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL is a date"),
        ("FREQ=DAILY;UNTIL=99991231T235959", "UNTIL is a date"),
        ("FREQ=YEARLY;BYMONTHDAY=" + ",".join(["1"] * 300), "limit is 500"),
    ],
)
def test_every_part_is_read_and_checked(bad, words, rrule_steps):
    with pytest.raises(ValidationError) as err:
        dates.normalize_rrule(bad)
    assert err.value.field == "recurrence"
    assert words in err.value.message
    assert rrule_steps.count <= 50  # refused while reading, not by walking the rule


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("freq=monthly;byday=-1fr", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1;", "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU"),
        ("FREQ=DAILY;COUNT=1000", "FREQ=DAILY;COUNT=1000"),
    ],
)
def test_valid_rules_are_kept(given, stored):
    assert dates.normalize_rrule(given) == stored


RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=13",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU",
    "FREQ=WEEKLY;INTERVAL=5",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1",
    "FREQ=MONTHLY;INTERVAL=5",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1",
    "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=-1",
    "FREQ=YEARLY;INTERVAL=3;BYMONTH=3,9",
    "FREQ=YEARLY;INTERVAL=10",
    "FREQ=DAILY;COUNT=1000",
    "FREQ=WEEKLY;COUNT=40",
    "FREQ=DAILY;UNTIL=20300101",
]
DUES = [
    (datetime(1900, 1, 1, tzinfo=UTC), True),
    (datetime(1999, 12, 31, 7, tzinfo=UTC), False),
    (datetime(2000, 1, 31, 7, tzinfo=UTC), False),
    (datetime(2012, 2, 29, tzinfo=UTC), True),
    (datetime(2026, 11, 1, tzinfo=UTC), True),
    (datetime(2027, 5, 3, 16, 30, tzinfo=UTC), False),
]
NOWS = [NOW, datetime(2028, 2, 29, 23, 30, tzinfo=UTC), datetime(2030, 1, 5, tzinfo=UTC)]


def walked_from_the_start(rule: str, due: datetime, all_day: bool, now: datetime) -> datetime | None:
    """The old, unbounded definition: dateutil from the due date, then from today."""
    start = dates._wall_time(due, all_day, now.astimezone(BERLIN), BERLIN)
    local_now = now.astimezone(BERLIN)
    floor = datetime.combine(local_now.date(), time(0, 0)) if all_day else local_now.replace(tzinfo=None)
    walk = rrulestr(rule, dtstart=start)
    found = walk.after(start)
    if found is not None and (found < floor or (not all_day and found == floor)):
        found = walk.after(floor, inc=all_day)
    if found is None:
        return None
    return datetime.combine(found.date(), time(0, 0), tzinfo=UTC) if all_day else found.replace(tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize("rule", RULES)
def test_bounded_walk_finds_what_a_walk_from_the_due_date_finds(rule):
    for (due, all_day), now in itertools.product(DUES, NOWS):
        got = dates.next_occurrence(rule, due, all_day, now, BERLIN)
        assert (got[0] if got else None) == walked_from_the_start(rule, due, all_day, now), (due, all_day, now)


@pytest.mark.parametrize("rule", ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=1000"])
@pytest.mark.parametrize("due", [datetime(1, 1, 1, tzinfo=UTC), datetime(1900, 1, 1, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC)])
def test_long_overdue_occurrence_walks_a_few_steps(rule, due, rrule_steps):
    """Old behaviour: a walk from the due date (46,000 daily steps from 1900; 1.8 s from year 1);
    now the walk starts near "now". A COUNT rule still counts its used occurrences from the
    due date, at most COUNT of them. Wall time: bench/recurrence.py."""
    # a COUNT rule counts its used occurrences day by day from its due date (1900 at the earliest)
    bound = 2 * 366 * (NOW.year - 1900 + 30) if "COUNT" in rule else 50
    for all_day in (True, False):
        rrule_steps.count = 0
        dates.next_occurrence(rule, due, all_day, NOW, BERLIN)
        if "COUNT" in rule:
            dates.remaining_rule(rule, due, all_day, datetime(2028, 2, 29, tzinfo=UTC), NOW, BERLIN)
        assert rrule_steps.count <= bound, (due, all_day)


def test_a_stored_rule_that_is_no_longer_valid_is_named():
    with pytest.raises(ValidationError) as err:
        dates.next_occurrence("FREQ=DAILY;FREQ=SECONDLY", datetime(2000, 1, 1, tzinfo=UTC), True, NOW, BERLIN)
    assert "Change or clear its recurrence" in err.value.message


async def test_completing_a_daily_task_due_in_1900_is_quick(service):
    ctx = RequestContext(user_id="alice", tz=BERLIN, clock=Clock(NOW))
    for due in ("1900-01-01", "2000-01-01T08:00"):
        task = await service.add(ctx, TaskCreate(title="Water plants", due=due, recurrence="FREQ=DAILY"))
        started = timer.perf_counter()
        done = await service.complete(ctx, task.number)
        assert timer.perf_counter() - started < 1.0
        assert done.next_task is not None
        assert done.next_task.due in ("2026-11-18", "2026-11-19T08:00")


@settings(max_examples=150, deadline=None)
@given(
    months=st.lists(st.integers(1, 12), min_size=0, max_size=3, unique=True),
    monthdays=st.lists(st.sampled_from([1, 15, 28, 29, 30, 31, -1, -29, -31]), min_size=0, max_size=2, unique=True),
    weekdays=st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=0, max_size=2, unique=True),
    interval=st.sampled_from([1, 1, 2, 3]),
)
def test_daily_pattern_probe_agrees_with_walking_the_days(months, monthdays, weekdays, interval):
    """normalize_rrule probes a DAILY rule's days through the YEARLY rule of the same BY parts;
    it must say "occurs" exactly when walking the DAILY rule day by day finds a day."""
    parts = {"FREQ": "DAILY", "INTERVAL": str(interval)}
    if months:
        parts["BYMONTH"] = ",".join(map(str, months))
    if monthdays:
        parts["BYMONTHDAY"] = ",".join(map(str, monthdays))
    if weekdays:
        parts["BYDAY"] = ",".join(weekdays)
    rule = recurrence.Rule(parts)
    start = datetime(2026, 1, 1)  # noqa: DTZ001 — rules run in floating wall time
    walked = recurrence.first_after(rule, start, start, inc=True) is not None
    assert dates._pattern_occurs(rule, start) == walked
