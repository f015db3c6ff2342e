"""The calendar feed: a secret URL per user serving their open tasks as iCalendar (RFC 5545, built
with the ``icalendar`` library) so calendar apps subscribed to it show the tasks and remind natively.

Only the SHA-256 of the token is stored; a new feed replaces the old one, deleting it revokes it.
The token grants that feed only: it is not a JWT and no API route accepts it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Todo, vRecur
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.notify.models import CalendarFeed
from todochat.tasks import dates
from todochat.tasks.export import ICAL_PRIORITY
from todochat.tasks.models import Priority, Reminder, ReminderStatus, Task, UserSettings

TOKEN_BYTES = 32
EVENT_MINUTES = 30
"""The length given to the VEVENT of a timed task (a task has a due instant, not a duration)."""


def token_hash(token: str) -> str:
    """The stored form of a feed token: SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(public_url: str, token: str) -> str:
    """The feed's absolute URL: ``<public_url>/feeds/<token>.ics``."""
    return f"{public_url.rstrip('/')}/feeds/{token}.ics"


async def create_feed(sessionmaker: async_sessionmaker[AsyncSession], user_id: str, now: datetime) -> str:
    """Make a new secret feed token for ``user_id``, replacing (revoking) any previous one.

    Returns:
        The token (shown once; only its hash is kept).
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    async with sessionmaker.begin() as session:
        await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
        session.add(CalendarFeed(user_id=user_id, token_hash=token_hash(token), created_at=now))
    return token


async def revoke_feed(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> bool:
    """Revoke the user's feed. Returns whether there was one."""
    async with sessionmaker.begin() as session:
        result = await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]


async def feed_user(sessionmaker: async_sessionmaker[AsyncSession], token: str) -> str | None:
    """The user a feed token belongs to, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    async with sessionmaker() as session:
        return (
            await session.execute(select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token)))
        ).scalar_one_or_none()


async def render_feed(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str, now: datetime, default_zone: str
) -> bytes:
    """The user's open tasks as an iCalendar document.

    Each open task is a VTODO (UID, SUMMARY, DESCRIPTION, DUE — a DATE for an all-day task in the
    user's zone, else a UTC DATE-TIME — RRULE, PRIORITY, CATEGORIES) with a VALARM per pending
    reminder (TRIGGER relative to DUE for "N minutes before", absolute for an instant). A timed task
    also gets a VEVENT (DTSTART = due, 30 minutes) with the same alarms, for calendar apps that show
    only events.
    """
    async with sessionmaker() as session:
        tasks = list(
            (
                await session.execute(
                    select(Task)
                    .where(Task.user_id == user_id, Task.deleted_at.is_(None), Task.completed.is_(False))
                    .order_by(Task.number)
                )
            ).scalars()
        )
        zone_name = (await session.get(UserSettings, user_id) or UserSettings(timezone=None)).timezone
        reminders: dict[int, list[Reminder]] = {}
        for reminder in (
            await session.execute(
                select(Reminder).where(Reminder.user_id == user_id, Reminder.status == ReminderStatus.pending.value)
                .order_by(Reminder.id)
            )
        ).scalars():
            reminders.setdefault(reminder.task_id, []).append(reminder)
    zone = ZoneInfo(zone_name or default_zone)
    cal = Calendar()
    cal.add("prodid", "-//todochat//reminders feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "todochat")
    for task in tasks:
        cal.add_component(_todo(task, reminders.get(task.id, []), now, zone))
        if task.due_at is not None and not task.due_all_day:
            cal.add_component(_event(task, reminders.get(task.id, []), now))
    return cal.to_ical()


def _common(component: Todo | Event, task: Task, now: datetime, uid_suffix: str) -> None:
    component.add("uid", f"todochat-task-{task.id}{uid_suffix}")
    component.add("dtstamp", now)
    component.add("summary", task.title)
    if task.description:
        component.add("description", task.description)
    component.add("last-modified", task.updated_at)
    if task.recurrence:
        component.add("rrule", vRecur.from_ical(task.recurrence))
    if task.tags:
        component.add("categories", task.tags)
    component.add("priority", ICAL_PRIORITY.get(Priority(task.priority), 0))  # 0: undefined (RFC 5545 §3.8.1.9)


def _alarms(component: Todo | Event, reminders: list[Reminder], title: str, *, related_end: bool) -> None:
    """One VALARM per reminder. A relative TRIGGER is related to DUE in a VTODO (RFC 5545
    §3.8.6.3: ``RELATED=END``) and to DTSTART (= the due time) in a VEVENT."""
    for reminder in reminders:
        alarm = Alarm()
        alarm.add("uid", f"todochat-reminder-{reminder.id}")
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Reminder: {title}")
        if reminder.before_minutes is not None:
            trigger = -timedelta(minutes=reminder.before_minutes)
            if related_end:
                alarm.add("trigger", trigger, parameters={"RELATED": "END"})
            else:
                alarm.add("trigger", trigger)
        elif reminder.at is not None:
            alarm.add("trigger", reminder.at)
        else:
            continue
        component.add_component(alarm)


def _todo(task: Task, reminders: list[Reminder], now: datetime, zone: ZoneInfo) -> Todo:
    todo = Todo()
    _common(todo, task, now, "")
    todo.add("status", "NEEDS-ACTION")
    if task.due_at is not None:
        todo.add("due", dates.due_day(task.due_at, True, zone) if task.due_all_day else task.due_at)
    _alarms(todo, [r for r in reminders if task.due_at is not None or r.at is not None], task.title, related_end=True)
    return todo


def _event(task: Task, reminders: list[Reminder], now: datetime) -> Event:
    assert task.due_at is not None
    event = Event()
    _common(event, task, now, "-event")
    event.add("dtstart", task.due_at)
    event.add("dtend", task.due_at + timedelta(minutes=EVENT_MINUTES))
    _alarms(event, reminders, task.title, related_end=False)
    return event
