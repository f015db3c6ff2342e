"""The change mark the page's event stream polls (tasks/changes.py): one counter per user that
moves on with every change, undo, redo and journal drop, on SQLite and PostgreSQL, and only for
the user who changed something."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import Clock, RequestContext
from todochat.errors import NothingToRedo, TaskNotFound
from todochat.tasks.changes import change_mark
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(NOW))


async def test_the_mark_moves_on_with_every_change_undo_and_redo(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async def mark() -> int:
        return (await change_mark(sessionmaker, "alice")).mark

    c = ctx()
    seen = [await mark()]
    assert seen == [0]  # no counter row yet
    await service.add(c, TaskCreate(title="Buy milk"))
    seen.append(await mark())
    await service.complete(c, "Buy milk")
    seen.append(await mark())
    await service.undo(c)
    seen.append(await mark())
    await service.redo(c)
    seen.append(await mark())
    await service.create_list(c, "Home")
    seen.append(await mark())
    assert seen == sorted(set(seen)), seen  # every step moved it, never back
    assert seen[-1] == 5

    # a refused change and a refused redo leave it where it is
    with pytest.raises(TaskNotFound):
        await service.complete(c, 99)
    with pytest.raises(NothingToRedo):
        await service.redo(c)
    assert await mark() == 5
    # dropping the journal (after seeding or importing) changes what can be undone: it moves too
    await service.forget_changes(c)
    assert await mark() == 6


async def test_the_mark_is_per_user(service: TaskService, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await service.add(ctx("alice"), TaskCreate(title="Mine"))
    before = await change_mark(sessionmaker, "alice")
    await service.add(ctx("bob"), TaskCreate(title="Bob's"))
    await service.add(ctx("bob"), TaskCreate(title="Bob's 2"))
    await service.undo(ctx("bob"))
    assert await change_mark(sessionmaker, "alice") == before
    assert (await change_mark(sessionmaker, "bob")).mark == 3
    assert (await change_mark(sessionmaker, "carol")).mark == 0
