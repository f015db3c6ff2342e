""""Remind me in N minutes" (tasks/reminders.py ``from_now`` through ``read_local``): elapsed time from
now, to the second (never rounded to the minute), across DST; bad durations are refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.errors import ValidationError
from todochat.tasks.reminders import read_local

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_duration_from_now_keeps_the_seconds() -> None:
    now = datetime(2026, 11, 18, 9, 0, 40, 123456, tzinfo=UTC)
    assert read_local("PT1M", BERLIN, now) == datetime(2026, 11, 18, 9, 1, 40, tzinfo=UTC)
    assert read_local("+PT90S", BERLIN, now) == datetime(2026, 11, 18, 9, 2, 10, tzinfo=UTC)
    assert read_local("P1D", BERLIN, now) == datetime(2026, 11, 19, 9, 0, 40, tzinfo=UTC)
    # a wall time is still read to the minute it names
    assert read_local("2026-11-18T10:01", BERLIN, now) == datetime(2026, 11, 18, 9, 1, tzinfo=UTC)


def test_across_the_dst_change_it_is_real_time() -> None:
    before_change = datetime(2027, 3, 28, 0, 30, 15, tzinfo=UTC)  # 01:30:15 CET, clocks jump at 02:00
    assert read_local("PT2H", BERLIN, before_change) == datetime(2027, 3, 28, 2, 30, 15, tzinfo=UTC)  # 04:30:15 CEST


@pytest.mark.parametrize("bad", ["PT0M", "-PT5M", "P1M", "P1Y", "PTXM", "P" + "1" * 60 + "D"])
def test_bad_durations_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        read_local(bad, BERLIN, datetime(2026, 11, 18, 9, tzinfo=UTC), "remind_at")
    assert refused.value.details["field"] == "remind_at"
