"""The composable time grammar: composed dates, clock words, RRULEs with DTSTART/UNTIL/COUNT
(RFC 5545 §3.3.10), checked by expanding them with python-dateutil, and title cuts."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from todochat.agent.models.builtin import timegrammar
from todochat.agent.models.builtin.dates import cut, due_text, find_when
from todochat.tasks.dates import normalize_rrule

WED = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("the 3rd of next month", "2026-12-03"),
        ("on the third of next month", "2026-12-03"),
        ("the twenty-first of this month", "2026-11-21"),
        ("the last day of next month", "2026-12-31"),
        ("the 1st of the month after next", "2027-01-01"),
        ("two weeks from friday", "2026-12-04"),
        ("3 days after tomorrow", "2026-11-22"),
        ("a week from monday", "2026-11-30"),
        ("the day after friday", "2026-11-21"),
        ("3 days before december 10", "2026-12-07"),
        ("2 days after the 3rd of next month", "2026-12-05"),  # composes over a composed date
        ("tomorrow at half past six", "2026-11-19T18:30"),
        ("at quarter to 5", "2026-11-18T16:45"),
        ("twenty past 2 tomorrow", "2026-11-19T14:20"),
        ("at seven thirty pm tomorrow", "2026-11-19T19:30"),
        ("at half past eleven on saturday", "2026-11-21T11:30"),
        ("the end of march", "2027-03-31"),
        ("at the beginning of december", "2026-12-01"),
        ("the start of next week", "2026-11-23"),
        ("in december", "2026-12-01"),
        ("in february", "2027-02-01"),
        ("due last friday", "2026-11-13"),
        ("last wednesday", "2026-11-11"),  # the most recent one before today
        ("by dec 1st", "2026-12-01"),  # an atom the older patterns read, not "by december" + "1st"
        ("tonight at 7", "2026-11-18T19:00"),
        ("tonight at half past 8", "2026-11-18T20:30"),  # the evening word makes it pm
        ("tomorrow evening at quarter to 8", "2026-11-19T19:45"),
        ("at half past 6 am", "2026-11-19T06:30"),  # 06:30 has passed today
        ("at 10 past 3", "2026-11-18T15:10"),
        ("at twenty to five", "2026-11-18T16:40"),
        ("next month on the 3rd", "2026-12-03"),
        ("on the 3rd next month", "2026-12-03"),
        ("2 days ago", "2026-11-16"),
        ("in march 2027", "2027-03-01"),
    ],
)
def test_composed_dates(phrase: str, due: str) -> None:
    when = find_when(phrase, WED)
    assert due_text(when) == due
    assert cut(phrase, when.spans) == ""


@pytest.mark.parametrize(
    ("phrase", "due", "rule"),
    [
        ("the first monday of every month", "2026-12-07", "FREQ=MONTHLY;BYDAY=+1MO"),
        ("on the last friday of every month", "2026-11-27", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every first of the month", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every last day of the month", "2026-11-30", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every other tuesday at 10", "2026-11-24T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every 3 weeks on saturday", "2026-11-21", "FREQ=WEEKLY;INTERVAL=3;BYDAY=SA"),
        ("every weekday at 3pm", "2026-11-18T15:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every 2 weeks starting january", "2027-01-01", "FREQ=WEEKLY;INTERVAL=2"),
        ("every other friday starting next week", "2026-11-27", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("every day until march", "2026-11-18", "FREQ=DAILY;UNTIL=20270228"),
        ("every saturday until the end of december", "2026-11-21", "FREQ=WEEKLY;BYDAY=SA;UNTIL=20261231"),
        ("every evening until december 15", "2026-11-18T19:00", "FREQ=DAILY;UNTIL=20261215T235959"),
        ("every monday for 5 times", "2026-11-23", "FREQ=WEEKLY;BYDAY=MO;COUNT=5"),
        ("every day for 10 days", "2026-11-18", "FREQ=DAILY;UNTIL=20261127"),
        ("monthly on the first monday", "2026-12-07", "FREQ=MONTHLY;BYDAY=+1MO"),
        ("every month on the last friday", "2026-11-27", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every 1st and 15th of the month", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("biweekly on fridays", "2026-11-20", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("every fortnight on monday", "2026-11-23", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every day until the 15th", "2026-11-18", "FREQ=DAILY;UNTIL=20261215"),
        ("every week through december", "2026-11-18", "FREQ=WEEKLY;UNTIL=20261231"),
        ("every weekday until the end of the year", "2026-11-18", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261231"),
        ("every wednesday at 5pm for 4 weeks", "2026-11-18T17:00", "FREQ=WEEKLY;BYDAY=WE;UNTIL=20261215T235959"),
    ],
)
def test_recurrences(phrase: str, due: str, rule: str) -> None:
    when = find_when(phrase, WED)
    assert due_text(when) == due
    assert when.recurrence == rule
    assert normalize_rrule(rule) == rule  # the task service accepts it as stored
    assert cut(phrase, when.spans) == ""


def test_rrules_expand_to_what_was_said() -> None:
    """Expanded by dateutil from the due date (DTSTART), the rules give the days the words name."""
    def days(phrase: str, n: int = 10) -> list[date]:
        when = find_when(phrase, WED)
        start = datetime.combine(when.day, when.at or time(0, 0))
        return [d.date() for d in list(rrulestr(when.recurrence, dtstart=start))[:n]]

    assert days("every monday for 5 times") == [date(2026, 11, 23) + (date(2026, 11, 30) - date(2026, 11, 23)) * k
                                                 for k in range(5)]
    assert days("every day for 10 days", 20)[-1] == date(2026, 11, 27)
    assert len(days("every wednesday at 5pm for 4 weeks")) == 4
    assert days("every other tuesday at 10", 3) == [date(2026, 11, 24), date(2026, 12, 8), date(2026, 12, 22)]
    assert days("the first monday of every month", 3) == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]
    assert days("every day until march", 200)[-1] == date(2027, 2, 28)


@pytest.mark.parametrize(
    "phrase",
    ["add buy milk", "move task 5 to 10", "add call mom may 3", "add read chapter 2 of the book", "remind me in 2 hours",
     "add buy 2 past papers", "add practice 3 times", "add talk to may about the budget",
     "add book flights for december", "add read the ides of march"],
)
def test_no_composed_reading_where_none_was_said(phrase: str) -> None:
    parsed = timegrammar.parse(phrase, WED.date())
    assert timegrammar.select(parsed, mods=False) == []
    assert find_when(phrase, WED).recurrence is None


def test_a_long_message_stays_bounded() -> None:
    text = ", ".join(f"item {i} on the 3rd of next month" for i in range(200))
    parsed = timegrammar.parse(text, WED.date())
    assert len(parsed.tokens) == 200


_WORDS = ["the", "3rd", "of", "next", "month", "every", "other", "tuesday", "at", "10", "half", "past", "six",
          "two", "weeks", "from", "friday", "until", "march", "for", "5", "times", "last", "day", "end", "in",
          "december", "quarter", "to", "starting", "january", "add", "milk", ",", "first", "monday", "a", "before"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=14))
def test_any_word_salad_reads_without_error(words: list[str]) -> None:
    """Whatever the words, reading never raises, spans lie inside the text and never overlap, and
    a recurrence the reader returns is one the task service accepts."""
    text = " ".join(words)
    when = find_when(text, WED)
    spans = sorted(when.spans)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    if when.recurrence:
        assert normalize_rrule(when.recurrence)
    chosen = timegrammar.select(timegrammar.parse(text, WED.date()), mods=True)
    places = sorted(where for where, _ in chosen)
    assert all(a[1] <= b[0] for a, b in pairwise(places))


def test_a_month_said_alone_is_a_period_for_questions() -> None:
    """ "in december" is due on the 1st, and a question about it covers the whole month."""
    from todochat.agent.models.builtin.queries import filter_args

    assert find_when("in december", WED).period == (date(2026, 12, 1), date(2026, 12, 31))
    assert find_when("the 3rd of next month", WED).period is None
    args = filter_args("what's due in february?", WED)
    assert (args["due_after"], args["due_before"]) == ("2027-02-01", "2027-02-28")
