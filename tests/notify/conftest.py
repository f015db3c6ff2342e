"""Fixtures of the reminder delivery tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.notify.receivers import smtp, webhook  # noqa: F401  (fixtures)

from todochat.tasks.models import Reminder, ReminderStatus, Task


async def add_reminder(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str,
    number: int,
    fire_at: datetime,
    *,
    before_minutes: int | None = None,
    created_at: datetime | None = None,
) -> int:
    """Insert a pending reminder row on the user's task ``number`` (the domain's job; here by hand).
    Returns its id."""
    async with sessionmaker.begin() as session:
        task_id = (
            await session.execute(select(Task.id).where(Task.user_id == user_id, Task.number == number))
        ).scalar_one()
        reminder = Reminder(
            user_id=user_id,
            task_id=task_id,
            at=None if before_minutes is not None else fire_at,
            before_minutes=before_minutes,
            fire_at=fire_at,
            status=ReminderStatus.pending.value,
            created_at=created_at or fire_at,
        )
        session.add(reminder)
        await session.flush()
        return reminder.id
