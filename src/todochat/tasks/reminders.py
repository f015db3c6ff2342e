"""Reminder scheduling rules, in one place: what a reminder may be, when it fires, and how it follows
its task (rescheduled, completed, deleted, repeated).

A reminder is either *absolute* (``at``: an instant) or *relative* (``before_minutes`` before the
task's due time; 0 = at the due time). Its ``fire_at`` is derived here and nowhere else:

- absolute: ``fire_at = at``;
- relative on a timed due: instant arithmetic on the due instant, ``fire_at = due_at -
  before_minutes`` — "60 minutes before" is always 60 real minutes, also across a DST change
  (a due of 03:30 CEST on the spring-forward day, 60 min before, fires at 01:30 CET = 00:30 UTC);
- relative on an all-day due: the day counts from **09:00 local** (the user's zone) on that day
  (:data:`ALL_DAY_HOUR`), then the same instant arithmetic; "0 minutes before" a day fires at
  09:00 that morning;
- relative on a task without a due: ``fire_at`` is null (it cannot fire) until the task gets one.

Only *pending* reminders move: a reschedule recomputes the relative ones (:func:`follow_due`), a
completion or deletion cancels them (:func:`cancel_pending`), and the next occurrence of a
repeating task gets copies (:func:`copy_for_occurrence`). A fired reminder is final. Which
reminders fire at an instant is :func:`fire_now` (the dispatcher's query).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import isodate
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from todochat.errors import ReminderInPast, ValidationError
from todochat.tasks import dates
from todochat.tasks.models import (
    DUE_YEAR_MAX,
    DUE_YEAR_MIN,
    REMINDERS_PER_TASK_MAX,
    Reminder,
    ReminderStatus,
    Task,
)

BEFORE_MINUTES_MAX = 40320
"""A relative reminder is at most 4 weeks (40,320 minutes) before the due time."""
ALL_DAY_HOUR = time(9, 0)
"""A relative reminder on an all-day task counts from this local wall time on the due day."""
SOON = timedelta(minutes=1)
""""Remind me now" (the answer to a reminder in the past) fires this long from now."""
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


async def lock_rows(session: AsyncSession, tasks: Sequence[Task]) -> None:
    """Before a change touches ``tasks``' reminders: on PostgreSQL, lock their reminder rows
    (``SELECT … FOR UPDATE``) and re-read them, so the change sees what the dispatcher did and
    the dispatcher (``FOR UPDATE SKIP LOCKED``) skips them until it commits — a reminder being
    fired is never cancelled, moved or made pending again over it (no double delivery). SQLite
    needs nothing: the change's transaction already holds the one writer lock (tasks/journal.py).
    Tasks without reminders cost no statement."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    ids = [t.id for t in tasks if t.reminder_rows]
    if dialect != "postgresql" or not ids:
        return
    await session.execute(
        select(Reminder)
        .where(Reminder.task_id.in_(ids))
        .order_by(Reminder.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def check_spec(at: datetime | None, before_minutes: int | None) -> None:
    """A reminder names exactly one of an instant or minutes before the due time.

    Args:
        at: an aware instant (any offset), years :data:`DUE_YEAR_MIN`..:data:`DUE_YEAR_MAX`.
        before_minutes: whole minutes 0..:data:`BEFORE_MINUTES_MAX` (0 = at the due time).

    Raises:
        ValidationError: both or neither given (field ``at``), ``at`` without an offset or out of
            range (``at``), minutes not a whole number in range (``before_minutes``).
    """
    if (at is None) == (before_minutes is None):
        raise ValidationError(
            "Give a reminder either 'at' (an ISO 8601 time with offset) or 'before_minutes' "
            "(minutes before the due time), exactly one.",
            field="at" if at is None else "before_minutes",
        )
    if at is not None:
        if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise ValidationError("A reminder time needs a UTC offset, e.g. 2026-12-03T17:00:00+01:00.", field="at")
        if not DUE_YEAR_MIN <= at.year <= DUE_YEAR_MAX:
            raise ValidationError(
                f"Reminder times must be between the years {DUE_YEAR_MIN} and {DUE_YEAR_MAX}.", field="at"
            )
    if before_minutes is not None and (
        isinstance(before_minutes, bool)
        or not isinstance(before_minutes, int)
        or not 0 <= before_minutes <= BEFORE_MINUTES_MAX
    ):
        raise ValidationError(
            f"before_minutes is a whole number of minutes from 0 (at the due time) to {BEFORE_MINUTES_MAX} (4 weeks).",
            field="before_minutes",
        )


def read_local(value: str, tz: ZoneInfo, now: datetime, field: str = "at") -> datetime:
    """A reminder time as the agent gives it: ``YYYY-MM-DDTHH:MM`` wall time in ``tz`` (like a due
    time), an ISO instant with an offset, ``now`` (one minute from ``now``, :data:`SOON`), or an
    ISO 8601 duration from ``now`` (``PT10M``, ``PT1H30M``, ``P1D``: see :func:`from_now`).

    Returns:
        The aware UTC instant (not yet checked against ``now``: :func:`fire_time` callers do).

    Raises:
        ValidationError: anything else, or a year out of range (named ``field``).
    """
    text = (value or "").strip()
    if text.lower() == "now":
        return soon(now)
    if text[:1].upper() == "P" or text[:2].upper() == "+P":
        return from_now(text, now, field)
    try:
        parsed = datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None or (parsed.tzinfo is None and not _LOCAL.match(text)):
        raise ValidationError(f"{text[:40]!r} is not a reminder time: use YYYY-MM-DDTHH:MM.", field=field)
    if not DUE_YEAR_MIN <= parsed.year <= DUE_YEAR_MAX:
        raise ValidationError(
            f"Reminder times must be between the years {DUE_YEAR_MIN} and {DUE_YEAR_MAX}.", field=field
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def from_now(duration: str, now: datetime, field: str = "at") -> datetime:
    """"Remind me in 1 minute": ``now`` plus an ISO 8601 duration (``PT1M``, ``PT90S``,
    ``PT1H30M``, ``P1D``; parsed by ``isodate``), as elapsed time (across a DST change ``PT2H`` is
    two real hours) and to the second of ``now``, not rounded to a whole minute: a reminder
    relative to now keeps the seconds it was asked at.

    Returns:
        The aware UTC instant.

    Raises:
        ValidationError: not a duration, a negative or zero one, or one in months or years (named ``field``).
    """
    text = duration.strip().lstrip("+")
    try:
        delta = isodate.parse_duration(text) if len(text) <= 40 else None
    except (isodate.ISO8601Error, ValueError):
        delta = None
    if not isinstance(delta, timedelta) or delta <= timedelta(0):
        raise ValidationError(
            f"{duration[:40]!r} is not a time from now: use an ISO 8601 duration such as PT10M or PT1H30M.", field=field
        )
    return (now.astimezone(UTC) + delta).replace(microsecond=0)


def soon(now: datetime) -> datetime:
    """The instant "remind me now" fires: one minute from ``now``, to the whole second."""
    return (now + SOON).replace(microsecond=0)


def due_anchor(due_at: datetime | None, all_day: bool, tz: ZoneInfo) -> datetime | None:
    """The instant a relative reminder counts back from: the due instant, or 09:00 local in ``tz``
    on an all-day due day (:data:`ALL_DAY_HOUR`; a 09:00 that does not exist is read with the
    offset before the change, as :mod:`zoneinfo` does with ``fold=0``). None without a due."""
    if due_at is None:
        return None
    if all_day:
        day = dates.due_day(due_at, True, tz)
        return datetime.combine(day, ALL_DAY_HOUR, tzinfo=tz).astimezone(UTC)
    return due_at.astimezone(UTC)


def fire_time(
    at: datetime | None, before_minutes: int | None, due_at: datetime | None, all_day: bool, tz: ZoneInfo
) -> datetime | None:
    """When a reminder fires (UTC): ``at``; or the due anchor (:func:`due_anchor`) minus
    ``before_minutes`` real minutes; None for a relative reminder on a task without a due."""
    if at is not None:
        return at.astimezone(UTC)
    anchor = due_anchor(due_at, all_day, tz)
    if anchor is None or before_minutes is None:
        return None
    return anchor - timedelta(minutes=before_minutes)


def pending(task: Task) -> list[Reminder]:
    """The task's pending reminders, soonest first (those that cannot fire last)."""
    rows = [r for r in task.reminder_rows if r.status == ReminderStatus.pending.value]
    return sorted(rows, key=order_key)


def order_key(row: Reminder) -> tuple[bool, datetime, int]:
    """Sort key: soonest ``fire_at`` first, reminders that cannot fire last, then by id."""
    far = datetime.max.replace(tzinfo=UTC)
    return (row.fire_at is None, row.fire_at or far, row.id or 0)


def new_reminder(
    task: Task,
    *,
    at: datetime | None,
    before_minutes: int | None,
    tz: ZoneInfo,
    now: datetime,
) -> Reminder:
    """A new pending reminder on ``task`` (appended to ``task.reminder_rows``), checked.

    Raises:
        ValidationError: see :func:`check_spec`; a completed task (field ``task``); a relative
            reminder on a task without a due (field ``before_minutes``); more than :data:`REMINDERS_PER_TASK_MAX` pending reminders.
        ReminderInPast: it would fire at or before ``now`` (``fire_at``, ``now`` in its details).
    """
    check_spec(at, before_minutes)
    if task.completed:
        raise ValidationError(
            f"Task {task.number} '{task.title}' is done: reopen it to be reminded about it.",
            field="task",
            number=task.number,
        )
    if before_minutes is not None and task.due_at is None:
        raise ValidationError(
            f"Task {task.number} '{task.title}' has no due time, so it can't remind you minutes before it: "
            "give it a due time first, or a reminder time (at).",
            field="before_minutes",
            number=task.number,
        )
    if len(pending(task)) >= REMINDERS_PER_TASK_MAX:
        raise ValidationError(
            f"Task {task.number} already has {REMINDERS_PER_TASK_MAX} reminders, the most a task can have.",
            field="reminders",
            number=task.number,
        )
    fire_at = fire_time(at, before_minutes, task.due_at, task.due_all_day, tz)
    if fire_at is not None and fire_at <= now:
        raise ReminderInPast(
            "That time has passed — remind you now?",
            field="at" if at is not None else "before_minutes",
            fire_at=fire_at.astimezone(tz).isoformat(),
            now=now.astimezone(tz).isoformat(),
            number=task.number,
            title=task.title,
        )
    row = Reminder(
        user_id=task.user_id,
        at=at.astimezone(UTC) if at is not None else None,
        before_minutes=before_minutes,
        fire_at=fire_at,
        status=ReminderStatus.pending.value,
        created_at=now,
    )
    task.reminder_rows.append(row)
    return row


def follow_due(task: Task, tz: ZoneInfo) -> None:
    """After ``task``'s due changed: its pending relative reminders follow it (``fire_at``
    recomputed; null when the due was removed). Absolute, fired and cancelled ones stay."""
    for row in task.reminder_rows:
        if row.status == ReminderStatus.pending.value and row.before_minutes is not None:
            row.fire_at = fire_time(None, row.before_minutes, task.due_at, task.due_all_day, tz)


def fire_now(now: datetime) -> Select[tuple[Reminder]]:
    """The reminders that fire at ``now`` (the dispatcher claims these, notify/dispatcher.py): pending,
    ``fire_at <= now``, on a task that is neither completed nor deleted.

    A pending reminder of a completed or deleted task is never delivered and never changed here:
    completing or deleting cancels it through the journal (:func:`cancel_pending`), and undo puts it
    back pending from the journal's snapshot, after which it fires (late, if its time has passed).
    Marking it outside the journal would leave undo and the dispatcher disagreeing."""
    live_open = select(Task.id).where(
        Task.id == Reminder.task_id, Task.completed.is_(False), Task.deleted_at.is_(None)
    )
    return select(Reminder).where(
        Reminder.status == ReminderStatus.pending.value, Reminder.fire_at <= now, live_open.exists()
    )


def cancel_pending(task: Task) -> None:
    """``task`` was completed or deleted: its pending reminders become cancelled (undo brings
    them back through the journal snapshot)."""
    for row in task.reminder_rows:
        if row.status == ReminderStatus.pending.value:
            row.status = ReminderStatus.cancelled.value


def copy_for_occurrence(
    task: Task, clone: Task, rows: Iterable[Reminder], tz: ZoneInfo, now: datetime
) -> None:
    """Give the next occurrence ``clone`` of the repeating ``task`` copies of ``rows`` (the
    reminders ``task`` had before its completion that the user had not cancelled: pending and
    fired ones), as new pending reminders.

    Relative ones are copied as they are (they count from the clone's due). Absolute ones move
    by the same delta as the due, measured in the user's wall time (so a reminder at 08:00 the
    day before stays 08:00 the day before across a DST change; an all-day due moves by whole
    days). A copy whose time has already passed when the occurrence is made fires at once
    (the dispatcher sends it late rather than losing it).
    """
    delta = _wall_delta(task, clone, tz)
    for row in rows:
        at = None
        if row.at is not None:
            if delta is None:
                continue
            wall = row.at.astimezone(tz).replace(tzinfo=None) + delta
            at = wall.replace(tzinfo=tz).astimezone(UTC)
        clone.reminder_rows.append(
            Reminder(
                user_id=clone.user_id,
                at=at,
                before_minutes=row.before_minutes,
                fire_at=fire_time(at, row.before_minutes, clone.due_at, clone.due_all_day, tz),
                status=ReminderStatus.pending.value,
                created_at=now,
            )
        )


def _wall_delta(task: Task, clone: Task, tz: ZoneInfo) -> timedelta | None:
    """How far the next occurrence's due moved, in wall time of ``tz`` (None without dues)."""
    if task.due_at is None or clone.due_at is None:
        return None
    old = dates.due_local(task.due_at, task.due_all_day, tz)
    new = dates.due_local(clone.due_at, clone.due_all_day, tz)
    if isinstance(old, datetime) and isinstance(new, datetime):
        return new.replace(tzinfo=None) - old.replace(tzinfo=None)
    old_day = old.date() if isinstance(old, datetime) else old
    new_day = new.date() if isinstance(new, datetime) else new
    return new_day - old_day


def repeatable(task: Task) -> list[Reminder]:
    """The reminders a next occurrence copies: those not cancelled (pending or fired), read
    before the completion cancels the pending ones."""
    return [r for r in task.reminder_rows if r.status != ReminderStatus.cancelled.value]
