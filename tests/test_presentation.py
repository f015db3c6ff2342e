"""How tasks read to people (presentation.py): due dates, recurrence in words, priority — the one
wording every front (widgets, replies, CLI, exports) shows."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from todochat.presentation import due_label, local_due_words, priority_words, recurrence_words

TODAY = date(2026, 11, 18)  # a Wednesday

RULES = [
    ("FREQ=DAILY", "every day"),
    ("FREQ=DAILY;INTERVAL=2", "every other day"),
    ("FREQ=DAILY;INTERVAL=10", "every 10 days"),
    ("FREQ=WEEKLY", "every week"),
    ("FREQ=WEEKLY;BYDAY=TU", "every Tuesday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every other Tuesday"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
    ("FREQ=WEEKLY;BYDAY=FR,TH,WE,TU,MO", "every weekday"),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
    ("FREQ=WEEKLY;BYDAY=SA,SU", "every weekend day"),
    ("FREQ=WEEKLY;BYDAY=TH,MO", "every Monday and Thursday"),
    ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "every 3 weeks on Monday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR", "every other week on Monday, Wednesday and Friday"),
    ("FREQ=MONTHLY", "every month"),
    ("FREQ=MONTHLY;INTERVAL=3", "every 3 months"),
    ("FREQ=MONTHLY;BYMONTHDAY=1", "every first of the month"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "every 15th of the month"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", "every first and 15th of the month"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "every last day of the month"),
    ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=22", "every other month on the 22nd"),
    ("FREQ=MONTHLY;BYDAY=1MO", "every first Monday of the month"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "every last Friday of the month"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2", "every second Monday of the month"),
    ("FREQ=YEARLY", "every year"),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=5", "every year on 5 Mar"),
    ("FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYMONTHDAY=1", "every other year on 1 Jan"),
    ("FREQ=YEARLY;BYMONTH=9;BYDAY=1MO", "every year on the first Monday of Sep"),
    ("FREQ=DAILY;UNTIL=20270331", "every day, until 31 Mar"),
    ("FREQ=DAILY;UNTIL=20280331T235959", "every day, until 31 Mar 2028"),
    ("FREQ=WEEKLY;BYDAY=MO;COUNT=6", "every Monday, 6 times"),
    ("FREQ=MONTHLY;COUNT=2", "every month, twice"),
    ("FREQ=DAILY;COUNT=1", "every day, once"),
    ("RRULE:FREQ=DAILY", "every day"),
    ("FREQ=YEARLY;BYYEARDAY=100", "every year (custom)"),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "every year (custom)"),
    ("FREQ=HOURLY", "on a custom schedule"),
    ("nonsense", "on a custom schedule"),
    (None, ""),
    ("", ""),
]


@pytest.mark.parametrize(("rule", "words"), RULES)
def test_recurrence_in_words(rule: str | None, words: str) -> None:
    assert recurrence_words(rule, year=2027) == words


@pytest.mark.parametrize(
    ("rule", "start", "words"),
    [
        ("FREQ=WEEKLY", date(2026, 11, 20), "every Friday"),
        ("FREQ=WEEKLY;INTERVAL=2", date(2026, 11, 24), "every other Tuesday"),
        ("FREQ=YEARLY", date(2027, 3, 5), "every year on 5 Mar"),
        ("FREQ=WEEKLY;BYDAY=MO", date(2026, 11, 20), "every Monday"),  # BYDAY wins over the start
        ("FREQ=MONTHLY", date(2026, 11, 20), "every month"),
        ("FREQ=YEARLY;BYYEARDAY=100", date(2026, 11, 20), "every year (custom)"),
    ],
)
def test_the_start_fills_what_the_rule_leaves_to_dtstart(rule: str, start: date, words: str) -> None:
    """RFC 5545: a WEEKLY rule without BYDAY repeats on DTSTART's weekday, a YEARLY one on its date."""
    assert recurrence_words(rule, start=start) == words


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NAMES = dict(zip(WEEKDAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], strict=True))


@settings(max_examples=300, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(1, 10),
    days=st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=7),
    count=st.none() | st.integers(1, 50),
)
def test_every_simple_rule_reads_with_its_interval_days_and_count(freq: str, interval: int, days: list[str], count: int | None) -> None:
    """Whatever the interval, weekdays and COUNT, the words say each of them (and dateutil
    accepts the same rule: the words describe a real RFC 5545 rule)."""
    rule = f"FREQ={freq};INTERVAL={interval}"
    if days and freq in ("DAILY", "WEEKLY"):
        rule += ";BYDAY=" + ",".join(days)
    else:
        days = []
    if count:
        rule += f";COUNT={count}"
    rrulestr(rule)  # a valid rule
    words = recurrence_words(rule)
    assert words.startswith("every ") and "(custom)" not in words
    assert ("every other " in words) == (interval == 2)
    if interval > 2:
        assert f"every {interval} " in words
    if interval == 1:
        assert "other" not in words and not any(ch.isdigit() for ch in words.split(",")[0])
    named = set(days)
    if named and named not in ({"MO", "TU", "WE", "TH", "FR"}, {"SA", "SU"}, set(WEEKDAYS)):
        for day in named:
            assert NAMES[day] in words
        for day in set(WEEKDAYS) - named:
            assert NAMES[day] not in words
    if count is None:
        assert "time" not in words and "once" not in words and "twice" not in words
    elif count > 2:
        assert words.endswith(f", {count} times")


@settings(max_examples=200, deadline=None)
@given(interval=st.integers(1, 120), day=st.integers(-31, 31).filter(bool))
def test_monthly_day_rules_name_the_day(interval: int, day: int) -> None:
    words = recurrence_words(f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day}")
    assert "(custom)" not in words
    if day == 1:
        assert "first" in words
    elif day == -1:
        assert "last day" in words
    elif day > 0:
        assert f"{day}{'th' if 10 <= day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}" in words
    assert (f"every {interval} months" in words) == (interval > 2)


@pytest.mark.parametrize(
    ("due", "today", "words"),
    [
        ("2026-11-18", TODAY, "today"),
        ("2026-11-19T15:00", TODAY, "tomorrow at 15:00"),
        ("2026-11-17", TODAY, "yesterday"),
        ("2026-11-20T15:00", TODAY, "Fri 20 Nov at 15:00"),
        ("2027-01-08", TODAY, "Fri 8 Jan 2027"),
        ("2026-11-20T15:00", None, "Fri 20 Nov at 15:00"),
        ("2026-11-18", None, "Wed 18 Nov"),
        (None, TODAY, ""),
    ],
)
def test_due_dates_as_people_say_them(due: str | None, today: date | None, words: str) -> None:
    assert local_due_words(due, today=today) == words


def test_due_label_says_overdue() -> None:
    assert due_label("2026-11-17", overdue=True, today=TODAY) == "overdue · yesterday"
    assert due_label("2026-11-18T09:00", overdue=True, today=TODAY) == "overdue · today at 09:00"
    assert due_label("2026-11-19", overdue=False, today=TODAY) == "due tomorrow"
    assert due_label(None, overdue=False, today=TODAY) == ""


def test_priority_words() -> None:
    assert [priority_words(p) for p in ("high", "medium", "low", "none", None)] == [
        "high priority", "medium priority", "low priority", "", ""]


def test_the_journal_says_the_repeat_in_the_same_words() -> None:
    from zoneinfo import ZoneInfo

    from todochat.presentation import change_summary

    before = {"title": "Standup", "due_at": None, "due_all_day": False, "priority": "none", "tags": [],
              "description": "", "recurrence": None, "completed": False}
    after = {**before, "recurrence": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"}
    assert change_summary("update", [(before, after)], ZoneInfo("UTC")) == "made 'Standup' repeat every weekday"
