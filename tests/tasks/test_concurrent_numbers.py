"""Per-user task numbers under concurrency: many writers at once get 1…N, no duplicate, no gap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.models import Task
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

WRITERS = 20


def ctx(user: str) -> RequestContext:
    return RequestContext(user_id=user, clock=Clock(datetime(2026, 11, 18, 9, tzinfo=UTC)))


async def test_twenty_concurrent_adds_over_separate_engines(settings: Settings) -> None:
    """Each add has its own engine (its own connection, as another process would): the numbers
    come out 1…20 for each of two users writing at the same time."""
    engines = [make_engine(settings) for _ in range(WRITERS)]
    services = [TaskService(make_sessionmaker(engine)) for engine in engines]
    try:
        start = asyncio.Event()

        async def add(i: int, user: str) -> int:
            await start.wait()
            task = await services[i].add(ctx(user), TaskCreate(title=f"{user} task {i}"))
            return task.number

        pending = [asyncio.create_task(add(i, u)) for i in range(WRITERS) for u in ("ann", "bob")]
        await asyncio.sleep(0)
        start.set()
        numbers = await asyncio.gather(*pending)
        assert sorted(numbers[0::2]) == list(range(1, WRITERS + 1))
        assert sorted(numbers[1::2]) == list(range(1, WRITERS + 1))
        listed = await services[0].list(ctx("ann"))
        assert [t.number for t in listed] == list(range(1, WRITERS + 1))
        assert {t.title for t in listed} == {f"ann task {i}" for i in range(WRITERS)}
    finally:
        await asyncio.gather(*(engine.dispose() for engine in engines))


async def test_duplicate_number_is_rejected_by_the_database(settings: Settings) -> None:
    """The unique (user_id, number) constraint is the backstop behind the allocation."""
    engine = make_engine(settings)
    service = TaskService(make_sessionmaker(engine))
    try:
        await service.add(ctx("ann"), TaskCreate(title="first"))
        now = datetime(2026, 11, 18, tzinfo=UTC)
        row = {"user_id": "ann", "number": 1, "title": "dup", "description": "",
               "completed": False, "priority": "none", "due_all_day": False,
               "created_at": now, "updated_at": now}  # fmt: skip
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(insert(Task).values(**row))
        other = await service.add(ctx("bob"), TaskCreate(title="bob's first"))
        assert other.number == 1
    finally:
        await engine.dispose()
