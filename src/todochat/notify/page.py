"""The page channel and delivery reports: a user's notifications for the built-in page (with
"seen" and "snooze"), and recent deliveries with their status for the API and the CLI."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.errors import TaskNotFound
from todochat.notify.models import Channel, Delivery
from todochat.tasks.models import Reminder, ReminderStatus, Task
from todochat.tasks.service import TaskService

SNOOZE = timedelta(minutes=10)
RECENT = 50


class DeliveryView(BaseModel):
    """One delivery of a reminder on one channel, as the REST API and the CLI show it (instants
    aware UTC)."""

    model_config = ConfigDict(frozen=True)

    id: int
    reminder_id: int
    user_id: str
    channel: str
    status: str = Field(description="pending, sending, sent or failed (gave up)")
    attempts: int
    late: bool = Field(description="Delivered more than 60 s after its time (the server was down)")
    fire_at: datetime
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str | None
    seen: bool = Field(description="Page channel: the page has shown it")
    task_number: int | None
    task_title: str | None


async def deliveries(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str | None,
    *,
    channel: str | None = None,
    unseen_only: bool = False,
    limit: int = RECENT,
) -> list[DeliveryView]:
    """Recent deliveries, newest first.

    Args:
        user_id: whose; None = every user (the operator's CLI only).
        channel: only this channel (``page`` for the page's notifications).
        unseen_only: only those the page has not shown yet.
        limit: at most this many (1–200).
    """
    query = (
        select(Delivery, Task.number, Task.title)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .join(Task, Task.id == Reminder.task_id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(max(1, min(limit, 200)))
    )
    if user_id is not None:
        query = query.where(Delivery.user_id == user_id)
    if channel:
        query = query.where(Delivery.channel == channel)
    if unseen_only:
        query = query.where(Delivery.seen_at.is_(None))
    async with sessionmaker() as session:
        rows = (await session.execute(query)).all()
    return [
        DeliveryView(
            id=d.id, reminder_id=d.reminder_id, user_id=d.user_id, channel=d.channel, status=d.status,
            attempts=d.attempts, late=d.late, fire_at=d.fire_at, created_at=d.created_at, sent_at=d.sent_at,
            next_attempt_at=d.next_attempt_at, last_error=d.last_error, seen=d.seen_at is not None,
            task_number=number, task_title=title,
        )
        for d, number, title in rows
    ]


async def _page_delivery(session: AsyncSession, user_id: str, delivery_id: int) -> Delivery:
    row = await session.get(Delivery, delivery_id)
    if row is None or row.user_id != user_id or row.channel != Channel.page.value:
        raise TaskNotFound(f"There is no notification {delivery_id}.", notification=delivery_id)
    return row


async def mark_seen(sessionmaker: async_sessionmaker[AsyncSession], user_id: str, delivery_id: int, now: datetime) -> None:
    """The page showed this notification: it is no longer "unseen".

    Raises:
        TaskNotFound: no such page notification of this user (→ 404).
    """
    async with sessionmaker.begin() as session:
        row = await _page_delivery(session, user_id, delivery_id)
        row.seen_at = row.seen_at or now


async def pending_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str | None, *, limit: int = 200
) -> list[tuple[Reminder, int, str]]:
    """Pending reminders ``(reminder, task number, task title)`` by fire time; None = every user."""
    query = (
        select(Reminder, Task.number, Task.title)
        .join(Task, Task.id == Reminder.task_id)
        .where(Reminder.status == ReminderStatus.pending.value)
        .order_by(Reminder.fire_at.is_(None), Reminder.fire_at, Reminder.id)
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(Reminder.user_id == user_id)
    async with sessionmaker() as session:
        return [(r, n, t) for r, n, t in (await session.execute(query)).all()]


async def snooze(
    sessionmaker: async_sessionmaker[AsyncSession], service: TaskService, ctx: RequestContext, delivery_id: int
) -> tuple[int, datetime]:
    """"Snooze 10 min" on a page notification: a new reminder on the same task at ``now + 10 min``,
    made by :meth:`TaskService.add_reminder` (journalled like any change, so "undo" takes it back);
    the notification is marked seen.

    Returns:
        ``(task number, the new reminder's instant)``.

    Raises:
        TaskNotFound: no such page notification of this user, or its task is gone (→ 404).
        ValidationError: the task already has the most reminders allowed (field ``reminders``).
    """
    now = ctx.now()
    async with sessionmaker.begin() as session:
        row = await _page_delivery(session, ctx.user_id, delivery_id)
        reminder = await session.get(Reminder, row.reminder_id)
        task = await session.get(Task, reminder.task_id) if reminder else None
        if reminder is None or task is None or task.deleted_at is not None or task.user_id != ctx.user_id:
            raise TaskNotFound("The task of this notification is gone.", notification=delivery_id)
        number = task.number
        row.seen_at = row.seen_at or now
    added = await service.add_reminder(ctx, number, at=now + SNOOZE)
    assert added.fire_at is not None  # an absolute reminder always has its instant
    return number, added.fire_at
