"""Due dates and recurrence (RFC 5545 RRULE via python-dateutil), read and shown in the user's zone.

A due *day* is a floating calendar date (stored as 00:00 UTC of that date, shown without
conversion), so it stays the same day for the user across DST changes. A due *time* is an instant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from todochat.errors import ValidationError
from todochat.tasks import recurrence
from todochat.tasks.models import DUE_YEAR_MAX, DUE_YEAR_MIN

SHORTHAND_RULES = {
    "daily": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


def parse_due(value: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Read a due date given as ISO text local to ``tz``.

    Args:
        value: ``YYYY-MM-DD`` (a whole day) or ``YYYY-MM-DDTHH:MM`` (a time, local to ``tz``);
            an ISO instant with an offset is also accepted.
        tz: the user's zone.

    Returns:
        ``(instant in UTC, all_day)``.

    Raises:
        ValidationError: malformed or impossible date ("2026-02-30"), or a year outside
            :data:`DUE_YEAR_MIN`..:data:`DUE_YEAR_MAX` (checked before any zone arithmetic, so
            "0001-01-01T00:00+05:00" cannot overflow), field ``due``.
    """
    text = value.strip()
    if len(text) > 40:
        raise ValidationError("That is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM.", field="due")
    try:
        if _DAY.match(text):
            day = date.fromisoformat(text)
            check_due_year(day.year)
            return datetime.combine(day, time(0, 0), tzinfo=UTC), True
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a valid date.", field="due") from exc
    check_due_year(parsed.year)
    if parsed.tzinfo is None:
        if not _TIME.match(text):
            raise ValidationError(
                f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM.", field="due"
            )
        parsed = parsed.replace(tzinfo=tz)
    instant = parsed.astimezone(UTC)
    check_due_year(instant.year)
    return instant, False


def check_due_year(year: int, field: str = "due") -> None:
    """A due date's year must be within :data:`DUE_YEAR_MIN`..:data:`DUE_YEAR_MAX`, so that it
    can be shown in every zone and moved by any shift a person would ask for.

    Raises:
        ValidationError: the year is outside the range (named ``field``).
    """
    if not DUE_YEAR_MIN <= year <= DUE_YEAR_MAX:
        raise ValidationError(
            f"Due dates must be between the years {DUE_YEAR_MIN} and {DUE_YEAR_MAX}.", field=field
        )


def due_local(due_at: datetime, all_day: bool, tz: ZoneInfo) -> date | datetime:
    """The due date as the user sees it: a ``date`` for a day, an aware local ``datetime`` for a time."""
    if all_day:
        return due_at.astimezone(UTC).date()
    try:
        return due_at.astimezone(tz)
    except OverflowError:  # a row stored before the due range existed (year 1 or 9999)
        return due_at.astimezone(UTC)


def format_due(due_at: datetime | None, all_day: bool, tz: ZoneInfo) -> str | None:
    """ISO text of a due date local to ``tz``: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (None if unset)."""
    if due_at is None:
        return None
    local = due_local(due_at, all_day, tz)
    if isinstance(local, datetime):
        return local.strftime("%Y-%m-%dT%H:%M")
    return local.isoformat()


def due_day(due_at: datetime, all_day: bool, tz: ZoneInfo) -> date:
    """The calendar day (in ``tz``) a due date falls on."""
    local = due_local(due_at, all_day, tz)
    return local.date() if isinstance(local, datetime) else local


def is_overdue(due_at: datetime | None, all_day: bool, now: datetime, tz: ZoneInfo) -> bool:
    """A day is overdue once it is past in ``tz``; a time once ``now`` passes it."""
    if due_at is None:
        return False
    if all_day:
        return due_day(due_at, True, tz) < now.astimezone(tz).date()
    return due_at < now


def normalize_rrule(value: str) -> str:
    """Normalise a recurrence to an RRULE value (no ``RRULE:`` prefix), upper case.

    Accepts the shorthands ``daily``, ``weekly``, ``monthly``, ``yearly``, ``weekdays``. Every part
    is read as dateutil reads it and checked (:func:`recurrence.parse`: RFC 5545 §3.3.10 parts,
    each once, at most daily, INTERVAL/COUNT/BY* in range). A ``Z`` on UNTIL is dropped: the rule
    runs in the user's wall time.

    Raises:
        ValidationError: not an RRULE, a part refused by :func:`recurrence.parse`, or one that
            never occurs (within ``recurrence.LOOKAHEAD_YEARS``) or never repeats, field ``recurrence``.
    """
    text = value.strip()
    rule_text = SHORTHAND_RULES.get(text.lower())
    if rule_text is None:
        rule_text = re.sub(r"^RRULE:", "", text, flags=re.IGNORECASE).upper()
    rule_text = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", rule_text)
    if "DTSTART" in rule_text:
        raise ValidationError("Give the recurrence without DTSTART; the due date starts it.", field="recurrence")
    if "FREQ=" not in rule_text:
        raise ValidationError(f"{value!r} is not a recurrence rule (RFC 5545 RRULE).", field="recurrence")
    rule = recurrence.parse(rule_text)
    start = datetime(2026, 1, 1)  # noqa: DTZ001 — rules run in floating wall time
    try:
        pattern = recurrence.Rule({k: v for k, v in rule.parts.items() if k not in ("COUNT", "UNTIL")})
        occurs = _pattern_occurs(pattern, start)
        first = recurrence.first_after(rule, start, start, inc=True) if occurs else None
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(f"{value!r} is not a valid RRULE: {exc}.", field="recurrence") from exc
    if first is None:
        raise ValidationError(f"The recurrence {value!r} never occurs.", field="recurrence")
    if recurrence.first_after(rule, start, first) is None:
        raise ValidationError(f"The recurrence {value!r} never repeats.", field="recurrence")
    return rule.text


def _pattern_occurs(pattern: recurrence.Rule, start: datetime) -> bool:
    """Whether a rule's pattern (no COUNT/UNTIL) occurs at all.

    A DAILY rule's BY parts only filter days (RFC 5545 §3.3.10, the BYxxx table: no BYDAY
    ordinals, no BYWEEKNO/BYYEARDAY with DAILY), so the days they keep are the days the YEARLY
    rule with the same parts expands to: probing that walks a year per step instead of a day
    ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31" was ~300 ms of walking). None of those days → never;
    some, and INTERVAL 1 → it occurs; otherwise the DAILY pattern itself is walked (bounded).
    """
    if pattern.freq == "DAILY" and "BYSETPOS" not in pattern.parts:
        yearly = recurrence.Rule({**{k: v for k, v in pattern.parts.items() if k != "INTERVAL"}, "FREQ": "YEARLY"})
        if recurrence.first_after(yearly, start, start, inc=True) is None:
            return False
        if pattern.interval == 1:
            return True
    return recurrence.first_after(pattern, start, start, inc=True) is not None


def _stored_rule(rule_text: str) -> recurrence.Rule:
    """A stored rule, parsed again (rows stored before the strict rules may not pass).

    Raises:
        ValidationError: the stored rule is no longer accepted; the task's recurrence must be
            changed or cleared first (field ``recurrence``).
    """
    try:
        return recurrence.parse(rule_text)
    except ValidationError as exc:
        raise ValidationError(
            f"This task's recurrence {rule_text!r} is not valid any more ({exc.message}) "
            "Change or clear its recurrence first.",
            field="recurrence",
        ) from exc


def rrule_frequency(rule_text: str) -> str:
    """``daily``, ``weekly``, ``monthly`` or ``yearly`` (lower case) from an RRULE's FREQ."""
    match = re.search(r"FREQ=([A-Z]+)", rule_text.upper())
    return (match.group(1) if match else "").lower()


def next_occurrence(
    rule_text: str,
    due_at: datetime | None,
    all_day: bool,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[datetime, bool] | None:
    """The next due date of a repeating task after it is completed.

    The rule runs in local wall time from the old due date (so 09:00 stays 09:00 across DST).
    The result is the first occurrence after the old due date that is not in the past: for a day,
    on or after today; for a time, after ``now``. The walk starts near ``now``, not at the old
    due date, so its cost does not grow with how long ago that was (:mod:`recurrence`).

    Returns:
        ``(instant in UTC, all_day)``, or None when the rule has no further occurrence (COUNT/UNTIL).

    Raises:
        ValidationError: the stored rule is no longer a valid recurrence (field ``recurrence``).
    """
    rule = _stored_rule(rule_text)
    local_now = now.astimezone(tz)
    if due_at is None:
        all_day = True
    start_local = _wall_time(due_at, all_day, local_now, tz)
    floor = (
        datetime.combine(local_now.date(), time(0, 0))
        if all_day
        else local_now.replace(tzinfo=None)
    )
    if floor > start_local:
        candidate = recurrence.first_after(rule, start_local, floor, inc=all_day)
    else:
        candidate = recurrence.first_after(rule, start_local, start_local)
    if candidate is None:
        return None
    if all_day:
        return datetime.combine(candidate.date(), time(0, 0), tzinfo=UTC), True
    return candidate.replace(tzinfo=tz).astimezone(UTC), False


def _wall_time(due_at: datetime | None, all_day: bool, local_now: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall-clock start a rule runs from: the due day at 00:00, the local due time,
    or (no due date) today at 00:00."""
    if due_at is None:
        return datetime.combine(local_now.date(), time(0, 0))
    if all_day:
        return datetime.combine(due_day(due_at, True, tz), time(0, 0))
    return due_at.astimezone(tz).replace(tzinfo=None)


def remaining_rule(
    rule_text: str, due_at: datetime | None, all_day: bool, next_at: datetime, now: datetime, tz: ZoneInfo
) -> str:
    """The rule the next occurrence (due ``next_at``) carries.

    Each occurrence runs the rule again from its own due date, so a ``COUNT`` drops by the
    occurrences used up before ``next_at`` (else "COUNT=3" would never end); rules without COUNT
    are unchanged. Occurrences are dateutil's (a first due date off the rule's pattern is not one).
    """
    count = re.search(r"COUNT=(\d+)", rule_text)
    if not count:
        return rule_text
    local_now = now.astimezone(tz)
    start_local = _wall_time(due_at, all_day or due_at is None, local_now, tz)
    next_local = _wall_time(next_at, all_day or due_at is None, local_now, tz)
    used = recurrence.used_before(_stored_rule(rule_text), start_local, next_local)
    left = max(int(count.group(1)) - used, 1)
    return rule_text[: count.start(1)] + str(left) + rule_text[count.end(1) :]
