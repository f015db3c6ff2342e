"""Which reminders a question about time covers: "what reminders do I have tomorrow?", "cancel my
reminders for this week", ``GET /api/v1/reminders?from=…&to=…``. One rule for every front: a window
is a half-open span of instants ``[start, end)`` that a reminder's ``fire_at`` must fall in.

Words and days are the user's: a day is midnight to midnight in the user's zone (so a day of a DST
change is 23 or 25 hours long), and the named windows mean what the task filter's ``due`` words mean
(tasks/queries.py ``due_filter``): ``today``, ``tomorrow``, ``this_week`` (today to Sunday),
``next_week`` (next Monday to Sunday) or a day ``YYYY-MM-DD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from todochat.errors import ValidationError
from todochat.tasks.rules import parse_day

WHEN_WORDS = ("today", "tomorrow", "this_week", "next_week")
"""The named windows (or a day ``YYYY-MM-DD``)."""


@dataclass(frozen=True)
class Window:
    """``[start, end)`` in UTC; either side None = open."""

    start: datetime | None = None
    end: datetime | None = None

    def is_open(self) -> bool:
        """True when the window does not narrow anything."""
        return self.start is None and self.end is None


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def days(first: date, last: date, tz: ZoneInfo) -> Window:
    """The local days ``first`` … ``last`` (inclusive) in ``tz``."""
    return Window(_midnight(first, tz), _midnight(last + timedelta(days=1), tz))


def named(when: str, tz: ZoneInfo, now: datetime) -> Window:
    """A named window (:data:`WHEN_WORDS`, spaces or underscores) or a day ``YYYY-MM-DD``.

    Raises:
        ValidationError: anything else (field ``when``).
    """
    key = when.strip().lower().replace(" ", "_")
    today = now.astimezone(tz).date()
    if key == "today":
        return days(today, today, tz)
    if key == "tomorrow":
        return days(today + timedelta(days=1), today + timedelta(days=1), tz)
    if key in ("this_week", "week"):
        return days(today, today + timedelta(days=6 - today.weekday()), tz)
    if key == "next_week":
        monday = today + timedelta(days=7 - today.weekday())
        return days(monday, monday + timedelta(days=6), tz)
    try:
        day = parse_day(key, "when")
    except ValidationError:
        raise ValidationError(
            f"{when[:40]!r} is not a time span: use today, tomorrow, this_week, next_week or a day YYYY-MM-DD.",
            field="when",
        ) from None
    return days(day, day, tz)


def bound(value: str, tz: ZoneInfo, field: str, *, end: bool) -> datetime:
    """One side of a window: a day ``YYYY-MM-DD`` (``from`` = its start; ``to`` = its end, so
    the day is included), a local time ``YYYY-MM-DDTHH:MM[:SS]`` in ``tz``, or an instant with an
    offset. Returns UTC.

    Raises:
        ValidationError: anything else (named ``field``).
    """
    text = value.strip()
    if len(text) == 10:
        day = parse_day(text, field)
        return _midnight(day + timedelta(days=1) if end else day, tz)
    try:
        parsed = datetime.fromisoformat(text) if 16 <= len(text) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            f"{text[:40]!r} is not a day YYYY-MM-DD, a time YYYY-MM-DDTHH:MM or an instant with offset.", field=field
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def window(
    tz: ZoneInfo, now: datetime, *, when: str | None = None, start: str | None = None, end: str | None = None
) -> Window:
    """The window of a request: ``when`` (:func:`named`) or ``start``/``end`` (:func:`bound`; the
    fields are named ``from`` and ``to`` where people see them), or none (open).

    Args:
        tz: the user's zone; now: the aware "now" (for the named windows).

    Raises:
        ValidationError: ``when`` together with ``from``/``to``; a malformed value; ``to`` not
            after ``from`` (field ``to``).
    """
    if when and (start or end):
        raise ValidationError("Give either when or from/to, not both.", field="when")
    if when:
        return named(when, tz, now)
    out = Window(
        bound(start, tz, "from", end=False) if start else None,
        bound(end, tz, "to", end=True) if end else None,
    )
    if out.start is not None and out.end is not None and out.end <= out.start:
        raise ValidationError("'to' must be after 'from'.", field="to")
    return out
