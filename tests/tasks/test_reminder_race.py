"""A change racing the dispatcher on PostgreSQL: while the dispatcher holds a reminder it claimed
(``FOR UPDATE SKIP LOCKED``, status set to fired, not yet committed), completing the task waits for
it and then leaves the reminder fired — never cancelled over a delivery, and never made pending
again by undo (which would deliver it twice)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from todochat.context import Clock, RequestContext
from todochat.tasks.models import Reminder
from todochat.tasks.schemas import ReminderSpec, TaskCreate
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 20, 14, 31, tzinfo=UTC)  # the reminder (14:30 UTC) is due


async def waiting_for_a_lock(service: TaskService, deadline: float = 30.0) -> bool:
    """Poll until some session of this database waits for a row lock (or give up)."""
    end = time.monotonic() + deadline
    async with service.sessionmaker() as session:
        while time.monotonic() < end:
            found = await session.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            )
            if found.scalar_one():
                return True
            await session.rollback()
            await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_completing_while_the_dispatcher_fires_leaves_it_fired(service: TaskService) -> None:
    c = RequestContext(user_id="alice", tz=ZoneInfo("UTC"), clock=Clock(NOW))
    past = RequestContext(user_id="alice", tz=ZoneInfo("UTC"), clock=Clock(datetime(2026, 11, 18, tzinfo=UTC)))
    await service.add(past, TaskCreate(title="Dentist", due="2026-11-20T15:00", reminders=[ReminderSpec(before_minutes=30)]))
    async with service.sessionmaker() as dispatcher:
        async with dispatcher.begin():
            claimed = (
                await dispatcher.execute(
                    select(Reminder.id)
                    .where(Reminder.status == "pending", Reminder.fire_at <= NOW)
                    .with_for_update(skip_locked=True)
                )
            ).scalars().all()
            assert len(claimed) == 1
            await dispatcher.execute(update(Reminder).where(Reminder.id.in_(claimed)).values(status="fired", fired_at=NOW))
            completing = asyncio.create_task(service.complete(c, 1))
            assert await waiting_for_a_lock(service), "complete did not wait for the claimed reminder"
        # the dispatcher committed: complete goes on, and sees the reminder fired
        await completing
    assert [r.status for r in await service.list_reminders(c, 1, status="all")] == ["fired"]
    await service.undo(c)
    assert [r.status for r in await service.list_reminders(c, 1, status="all")] == ["fired"]
    assert not (await service.get(c, 1)).completed
