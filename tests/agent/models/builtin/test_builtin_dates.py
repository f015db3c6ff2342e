"""The date resolver: relative days, times, recurrences, DST changes and several time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin.dates import due_text, find_when
from todochat.agent.models.builtin.model import read_clock

WED = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("phrase", "due", "rule"),
    [
        ("pay rent on friday", "2026-11-20", None),
        ("friday", "2026-11-20", None),
        ("wednesday", "2026-11-18", None),  # today's weekday means today
        ("next friday", "2026-11-27", None),  # next calendar week
        ("next monday", "2026-11-23", None),
        ("tomorrow at 6pm", "2026-11-19T18:00", None),
        ("tmrw 10am", "2026-11-19T10:00", None),
        ("on Jan 3", "2027-01-03", None),  # already past this year → next year
        ("by Nov 30", "2026-11-30", None),
        ("3 december", "2026-12-03", None),
        ("in 3 days", "2026-11-21", None),
        ("in two weeks", "2026-12-02", None),
        ("end of the month", "2026-11-30", None),
        ("this weekend", "2026-11-21", None),
        ("at 9:15 on tuesday", "2026-11-24T09:15", None),
        ("noon", "2026-11-18T12:00", None),
        ("at 8am", "2026-11-19T08:00", None),  # already past today → tomorrow
        ("tonight at 9", "2026-11-18T21:00", None),
        ("the 25th", "2026-11-25", None),
        ("on the 1st", "2026-12-01", None),
        ("2026-12-24", "2026-12-24", None),
        ("every day", "2026-11-18", "FREQ=DAILY"),
        ("every sunday", "2026-11-22", "FREQ=WEEKLY;BYDAY=SU"),
        ("every monday and thursday", "2026-11-19", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every weekday", "2026-11-18", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every month on the 1st", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every other week", "2026-11-18", "FREQ=WEEKLY;INTERVAL=2"),
        ("every day at 8", "2026-11-19T08:00", "FREQ=DAILY"),
        ("yearly", "2026-11-18", "FREQ=YEARLY"),
        ("every month on the last day", "2026-11-30", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every other month", "2026-11-18", "FREQ=MONTHLY;INTERVAL=2"),
    ],
)
def test_phrases_resolve_against_a_wednesday_morning(phrase: str, due: str, rule: str | None) -> None:
    when = find_when(phrase, WED)
    assert due_text(when) == due
    assert when.recurrence == rule


def test_a_date_that_reads_two_ways_is_ambiguous_and_one_that_cannot_is_not() -> None:
    assert find_when("on 3/4", WED).ambiguous == [date(2027, 3, 4), date(2027, 4, 3)]
    assert due_text(find_when("on 12/15", WED)) == "2026-12-15"
    assert due_text(find_when("on 25/12", WED)) == "2026-12-25"


def test_words_that_only_look_like_dates_are_left_alone() -> None:
    assert not find_when("buy sun cream", WED).found
    assert not find_when("plan game night", WED).found
    assert not find_when("lunch with Tom", WED).found


def test_tokyo_morning_is_already_tomorrow_while_utc_is_still_yesterday() -> None:
    instant = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)  # Wednesday night in UTC
    local = instant.astimezone(ZoneInfo("Asia/Tokyo"))  # Thursday 08:30 in Tokyo
    line = f"Current local time: {local:%Y-%m-%dT%H:%M} ({local:%A}); time zone: Asia/Tokyo."
    now = read_clock("You are todochat.\n" + line)
    assert now.date() == date(2026, 11, 19)
    assert due_text(find_when("today", now)) == "2026-11-19"
    assert due_text(find_when("friday", now)) == "2026-11-20"
    assert due_text(find_when("at 6pm", now)) == "2026-11-19T18:00"


def test_new_york_evening_is_still_the_same_day_while_utc_is_tomorrow() -> None:
    instant = datetime(2026, 11, 19, 2, 0, tzinfo=UTC)
    local = instant.astimezone(ZoneInfo("America/New_York"))
    now = read_clock(f"Current local time: {local:%Y-%m-%dT%H:%M} ({local:%A}); time zone: America/New_York.")
    assert due_text(find_when("tomorrow", now)) == "2026-11-19"
    assert due_text(find_when("tonight", now)) == "2026-11-18T20:00"


def test_berlin_spring_forward_keeps_wall_times_and_counts_real_hours() -> None:
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert due_text(find_when("tomorrow at 9am", saturday)) == "2026-03-29T09:00"
    night = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert due_text(find_when("in 2 hours", night)) == "2026-03-29T04:30"  # 02:00-03:00 does not exist


def test_los_angeles_fall_back_day_keeps_the_weekday_rule() -> None:
    saturday = datetime(2026, 10, 31, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert due_text(find_when("sunday at 11am", saturday)) == "2026-11-01T11:00"
    assert due_text(find_when("every sunday", saturday)) == "2026-11-01"
    night = datetime(2026, 11, 1, 0, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert due_text(find_when("in 2 hours", night)) == "2026-11-01T01:30"  # 01:00-02:00 happens twice


def test_clock_line_without_a_known_zone_falls_back_to_utc() -> None:
    now = read_clock("Current local time: 2026-11-18T09:00 (Wednesday); time zone: Mars/Olympus.")
    assert now.utcoffset() is not None and now.utcoffset().total_seconds() == 0
    assert now.hour == 9


def test_a_frequency_word_before_a_noun_stays_in_the_title() -> None:
    when = find_when("monthly report", WED)
    assert when.recurrence == "FREQ=MONTHLY" and when.spans == []
    assert find_when("team retro weekly", WED).spans == [(11, 17)]
