"""Due dates and recurrence rules (tasks/dates.py): parsing, validation, next occurrence, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from todochat.errors import ValidationError
from todochat.tasks import dates

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_parse_due_day_is_floating_and_time_is_local():
    assert dates.parse_due("2026-11-20", BERLIN) == (datetime(2026, 11, 20, tzinfo=UTC), True)
    at, all_day = dates.parse_due("2026-11-20T09:00", BERLIN)
    assert (at, all_day) == (datetime(2026, 11, 20, 8, tzinfo=UTC), False)  # CET = UTC+1
    assert dates.format_due(at, False, BERLIN) == "2026-11-20T09:00"
    assert dates.format_due(at, False, NEW_YORK) == "2026-11-20T03:00"
    # a whole day is the same calendar day in every zone
    day, _ = dates.parse_due("2026-11-20", NEW_YORK)
    assert dates.format_due(day, True, ZoneInfo("Pacific/Kiritimati")) == "2026-11-20"
    assert dates.format_due(day, True, ZoneInfo("Pacific/Pago_Pago")) == "2026-11-20"
    assert dates.parse_due("2026-11-20T09:00+00:00", BERLIN)[0] == datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "2026-11-20T25:00", "next friday", "20/11/2026", ""])
def test_parse_due_rejects_impossible_or_malformed(bad):
    with pytest.raises(ValidationError) as err:
        dates.parse_due(bad, BERLIN)
    assert err.value.field == "due"


def test_overdue_day_vs_time():
    now = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 23:30 in Berlin, 17:30 in New York
    today = datetime(2026, 11, 20, tzinfo=UTC)
    assert not dates.is_overdue(today, True, now, BERLIN)  # today is not overdue until tomorrow
    assert dates.is_overdue(datetime(2026, 11, 19, tzinfo=UTC), True, now, BERLIN)
    assert dates.is_overdue(datetime(2026, 11, 20, 22, tzinfo=UTC), False, now, BERLIN)
    assert not dates.is_overdue(datetime(2026, 11, 20, 23, tzinfo=UTC), False, now, BERLIN)
    assert not dates.is_overdue(None, False, now, BERLIN)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("daily", "FREQ=DAILY"),
        ("Weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("rrule:freq=weekly;byday=fr", "FREQ=WEEKLY;BYDAY=FR"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        ("FREQ=DAILY;UNTIL=20271231T235959Z", "FREQ=DAILY;UNTIL=20271231T235959"),
        ("FREQ=DAILY;COUNT=3", "FREQ=DAILY;COUNT=3"),
    ],
)
def test_normalize_rrule_accepts(given, stored):
    assert dates.normalize_rrule(given) == stored


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("every monday", "not a recurrence rule"),
        ("FREQ=FORTNIGHTLY", "not a valid RRULE"),
        ("FREQ=DAILY;BYHOUR=25", "not a valid RRULE"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "without DTSTART"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "never occurs"),
        ("FREQ=DAILY;BYSETPOS=5", "BYSETPOS needs another BY part"),
        ("FREQ=MONTHLY;BYSETPOS=-40;BYDAY=MO", "never occurs"),
        ("FREQ=DAILY;UNTIL=20200101", "never occurs"),
        ("FREQ=DAILY;COUNT=1", "never repeats"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL"),
        ("FREQ=SECONDLY", "more often than daily"),
        ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "more often than daily"),
    ],
)
def test_normalize_rrule_rejects(bad, words, rrule_steps):
    # dateutil alone walks to year 9999 looking for a first match; the bounded walk's cost is
    # measured in bench/recurrence.py (validations), never timed here
    with pytest.raises(ValidationError) as err:
        dates.normalize_rrule(bad)
    assert err.value.field == "recurrence"
    assert words in err.value.message
    # at most the walk's lookahead (~370 years: 4,500 months for the monthly rule, 370 years for
    # the others); walking to 9999 from 2026 would be 8,000 years, 95,000 months, 2.9 million days
    assert rrule_steps.count <= 6000


def nxt(rule: str, due: datetime | None, all_day: bool, now: datetime, tz: ZoneInfo) -> tuple[datetime, bool] | None:
    return dates.next_occurrence(rule, due, all_day, now, tz)


def test_weekly_nine_oclock_stays_nine_across_autumn_dst_in_berlin():
    # Thursday 22 Oct 2026 09:00 CEST (07:00Z); clocks go back on Sun 25 Oct
    due = datetime(2026, 10, 22, 7, tzinfo=UTC)
    now = datetime(2026, 10, 22, 10, tzinfo=UTC)
    at, all_day = nxt("FREQ=WEEKLY", due, False, now, BERLIN)
    assert not all_day
    assert at == datetime(2026, 10, 29, 8, tzinfo=UTC)  # 09:00 CET
    assert dates.format_due(at, False, BERLIN) == "2026-10-29T09:00"


def test_weekly_nine_oclock_stays_nine_across_november_dst_in_new_york():
    # Friday 30 Oct 2026 09:00 EDT (13:00Z); clocks go back on Sun 1 Nov
    due = datetime(2026, 10, 30, 13, tzinfo=UTC)
    at, _ = nxt("FREQ=WEEKLY;BYDAY=FR", due, False, due, NEW_YORK)
    assert at == datetime(2026, 11, 6, 14, tzinfo=UTC)  # 09:00 EST
    assert dates.format_due(at, False, NEW_YORK) == "2026-11-06T09:00"


def test_spring_dst_keeps_the_wall_time():
    # Sunday 22 Mar 2026 18:00 CET; clocks go forward on 29 Mar
    due = datetime(2026, 3, 22, 17, tzinfo=UTC)
    at, _ = nxt("FREQ=WEEKLY", due, False, due, BERLIN)
    assert dates.format_due(at, False, BERLIN) == "2026-03-29T18:00"
    assert at == datetime(2026, 3, 29, 16, tzinfo=UTC)


def test_due_day_stays_the_calendar_day_across_dst():
    due = datetime(2026, 10, 24, tzinfo=UTC)  # Saturday 24 Oct, a whole day
    now = datetime(2026, 10, 24, 20, tzinfo=UTC)
    for tz in (BERLIN, NEW_YORK, ZoneInfo("Pacific/Auckland")):
        at, all_day = nxt("FREQ=DAILY", due, True, now, tz)
        assert all_day
        assert dates.format_due(at, True, tz) == "2026-10-25"
    at, _ = nxt("FREQ=WEEKLY", due, True, now, BERLIN)
    assert dates.format_due(at, True, BERLIN) == "2026-10-31"
    assert at.strftime("%a") == "Sat"


def test_daily_rule_never_lands_in_the_past():
    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    old_day = datetime(2026, 11, 10, tzinfo=UTC)
    assert nxt("FREQ=DAILY", old_day, True, now, BERLIN) == (datetime(2026, 11, 18, tzinfo=UTC), True)
    old_time = datetime(2026, 11, 10, 7, tzinfo=UTC)  # 08:00 Berlin, now is 10:00 Berlin
    assert nxt("FREQ=DAILY", old_time, False, now, BERLIN) == (datetime(2026, 11, 19, 7, tzinfo=UTC), False)
    # not yet due: the next date after the old due date, not "today"
    future = datetime(2026, 11, 25, tzinfo=UTC)
    assert nxt("FREQ=DAILY", future, True, now, BERLIN) == (datetime(2026, 11, 26, tzinfo=UTC), True)
    # monthly on the 31st skips short months
    assert nxt("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2026, 12, 31, tzinfo=UTC), True, now, BERLIN)[0].date() == date(2027, 1, 31)


def test_long_overdue_daily_task_walks_from_now(rrule_steps):
    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    result = nxt("FREQ=DAILY", datetime(2016, 11, 18, 7, tzinfo=UTC), False, now, BERLIN)
    assert rrule_steps.count <= 50  # not the 3,653 days since the due date
    assert result == (datetime(2026, 11, 19, 7, tzinfo=UTC), False)


def test_finished_rule_has_no_next_occurrence():
    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    assert nxt("FREQ=DAILY;COUNT=2", datetime(2026, 11, 16, tzinfo=UTC), True, now, BERLIN) is None
    assert nxt("FREQ=DAILY;UNTIL=20261120T000000", datetime(2026, 11, 19, tzinfo=UTC), True, now, BERLIN) == (
        datetime(2026, 11, 20, tzinfo=UTC),
        True,
    )


def test_count_is_used_up_across_occurrences():
    now = datetime(2026, 11, 17, 9, tzinfo=UTC)
    due = datetime(2026, 11, 17, tzinfo=UTC)
    rule = "FREQ=DAILY;COUNT=3"
    seen = [due]
    while True:
        result = nxt(rule, seen[-1], True, now, BERLIN)
        if result is None:
            break
        rule = dates.remaining_rule(rule, seen[-1], True, result[0], now, BERLIN)
        seen.append(result[0])
        now = result[0] + timedelta(hours=9)
    assert [d.day for d in seen] == [17, 18, 19]
    assert rule == "FREQ=DAILY;COUNT=1"
    # skipped (overdue) occurrences are used up too; other rules are unchanged
    assert dates.remaining_rule("FREQ=WEEKLY;COUNT=5", due, True, datetime(2026, 12, 8, tzinfo=UTC), now, BERLIN) == "FREQ=WEEKLY;COUNT=2"
    assert dates.remaining_rule("FREQ=DAILY", due, True, datetime(2026, 12, 8, tzinfo=UTC), now, BERLIN) == "FREQ=DAILY"
