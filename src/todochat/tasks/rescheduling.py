"""Rescheduling rules: how a new due date is computed from a task's current one.

One place for every front (chat, REST, MCP):

- a time-only change (``due_time``, "move the lunch to 1pm") keeps the task's day;
- a day-only change (``due_day``, "move the dentist to tuesday") keeps its time;
- a shift (``shift``, an ISO 8601 duration such as ``P1W``, ``-P1D``, ``P1M``, ``PT2H``; "push back a
  week") moves from the current due date in the user's wall time, so 09:00 stays 09:00 across DST
  and a whole-day task stays a whole day (months and years with dateutil's ``relativedelta``:
  31 January + 1 month = 28/29 February);
- ``later_only`` (postpone, push back, delay, snooze) refuses a result before the current due date
  with :class:`~todochat.errors.EarlierThanDue`, so the caller can ask instead of moving it earlier.

A task without a due date given a time-only change is due today at that time (tomorrow if the time
has passed); a shift needs a due date to shift from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import isodate
from dateutil.relativedelta import relativedelta

from todochat.errors import EarlierThanDue, ValidationError
from todochat.tasks import dates
from todochat.tasks.rules import parse_day

Due = tuple[datetime | None, bool]


def parse_time(value: str) -> time:
    """``HH:MM`` (24-hour).

    Raises:
        ValidationError: anything else (field ``due_time``).
    """
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a time of day (HH:MM).", field="due_time") from exc
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def parse_shift(value: str) -> relativedelta:
    """An ISO 8601 duration (``P1W``, ``-P1D``, ``P1M``, ``PT2H``), via ``isodate``.

    Raises:
        ValidationError: malformed, zero, or over 100 years (field ``shift``).
    """
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    try:
        parsed = isodate.parse_duration(text.lstrip("+-"))
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValidationError(f"{value!r} is not an ISO 8601 duration such as P1W or -P1D.", field="shift") from exc
    if isinstance(parsed, timedelta):
        delta = relativedelta(days=parsed.days, seconds=parsed.seconds)
    else:  # isodate.Duration: years and months kept apart from the timedelta part
        rest = parsed.tdelta
        delta = relativedelta(years=int(parsed.years), months=int(parsed.months), days=rest.days, seconds=rest.seconds)
    delta = delta.normalized()
    if sign < 0:
        delta = -delta
    if delta == relativedelta():
        raise ValidationError("A shift of zero changes nothing.", field="shift")
    if abs(delta.years) > 100:
        raise ValidationError("A shift can be at most 100 years.", field="shift")
    return delta


def _wall(due_at: datetime, all_day: bool, tz: ZoneInfo) -> datetime:
    """The due date as naive wall time (a whole day at 00:00)."""
    local = dates.due_local(due_at, all_day, tz)
    if isinstance(local, datetime):
        return local.replace(tzinfo=None)
    return datetime.combine(local, time(0, 0))


def _instant(wall: datetime, all_day: bool, tz: ZoneInfo) -> Due:
    dates.check_due_year(wall.year)
    if all_day:
        return datetime.combine(wall.date(), time(0, 0), tzinfo=UTC), True
    return wall.replace(tzinfo=tz).astimezone(UTC), False


def reschedule(
    current: Due,
    *,
    tz: ZoneInfo,
    now: datetime,
    due_day: str | None = None,
    due_time: str | None = None,
    shift: str | None = None,
    later_only: bool = False,
) -> Due:
    """The new ``(due instant in UTC, all_day)`` of a task due ``current``.

    Args:
        current: the task's ``(due_at, all_day)``; ``due_at`` None when it has no due date.
        tz: the user's zone; now: the current instant.
        due_day: ``YYYY-MM-DD``: that day, keeping the current time of day.
        due_time: ``HH:MM``: that time, keeping the current day.
        shift: an ISO 8601 duration added to the current due date (see :func:`parse_shift`).
        later_only: refuse a result earlier than the current due date.

    Raises:
        ValidationError: malformed values, a shift without a due date, a result outside the
            supported years (field named). EarlierThanDue: ``later_only`` and the result is earlier.
    """
    due_at, all_day = current
    day: date | None = parse_day(due_day, "due_day") if due_day else None
    clock: time | None = parse_time(due_time) if due_time else None
    if due_at is None:
        if shift:
            raise ValidationError("The task has no due date to shift from; give a day or a time.", field="shift")
        local_now = now.astimezone(tz)
        if clock is None:
            return _instant(datetime.combine(day or local_now.date(), time(0, 0)), True, tz)
        wall = datetime.combine(day or local_now.date(), clock)
        if day is None and wall <= local_now.replace(tzinfo=None):
            wall += timedelta(days=1)
        return _instant(wall, False, tz)
    wall = _wall(due_at, all_day, tz)
    if day is not None:
        wall = datetime.combine(day, wall.time())
    if clock is not None:
        wall = datetime.combine(wall.date(), clock)
        all_day = False
    if shift:
        delta = parse_shift(shift)
        if all_day and (delta.hours or delta.minutes or delta.seconds):
            raise ValidationError("A whole-day task shifts by days, weeks, months or years.", field="shift")
        try:
            wall = wall + delta
        except (OverflowError, ValueError) as exc:
            raise ValidationError("That shift moves the task outside the supported years.", field="shift") from exc
    result = _instant(wall, all_day, tz)
    if later_only:
        check_later(result, current, tz)
    return result


def check_later(new: Due, current: Due, tz: ZoneInfo) -> None:
    """Postponing never moves a task earlier: compare in the user's wall time (a whole day at
    its 00:00).

    Raises:
        EarlierThanDue: ``new`` is before ``current`` (both named in the error, local ISO text).
    """
    if new[0] is None or current[0] is None:
        return
    if _wall(new[0], new[1], tz) < _wall(current[0], current[1], tz):
        raise EarlierThanDue(
            "That is earlier than the task's current due date; postponing never moves a task earlier.",
            current_due=dates.format_due(current[0], current[1], tz),
            requested_due=dates.format_due(new[0], new[1], tz),
        )
