"""Smoke test of the task service over a migrated database."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.errors import AmbiguousReference, TaskNotFound
from todochat.tasks.schemas import TaskCreate


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("UTC"), clock=Clock(datetime(2026, 11, 18, 9, tzinfo=UTC)))


async def test_add_list_complete(service):
    a = await service.add(ctx(), TaskCreate(title="  Buy   milk "))
    b = await service.add(ctx(), TaskCreate(title="Write quarterly report"))
    await service.add(ctx(), TaskCreate(title="Review report template"))
    assert (a.number, a.title, b.number) == (1, "Buy milk", 2)
    assert (await service.add(ctx("bob"), TaskCreate(title="x"))).number == 1
    done = await service.complete(ctx(), "milk")
    assert done.task.completed and done.task.number == 1
    with pytest.raises(AmbiguousReference):
        await service.complete(ctx(), "report")
    with pytest.raises(TaskNotFound):
        await service.complete(ctx("bob"), "2")
    assert [t.number for t in await service.list(ctx())] == [1, 2, 3]


async def test_a_title_reference_reads_titles_not_every_task(service):
    """Resolving by title matches on (number, title) rows, the preferred pool first in SQL; only the
    task found is built as an ORM object (the soak's users hold thousands of completed tasks)."""
    from sqlalchemy import event

    from todochat.tasks.models import Task

    for n in range(60):
        await service.add(ctx(), TaskCreate(title=f"Water the plants {n}"))
        await service.complete(ctx(), n + 1)
    await service.add(ctx(), TaskCreate(title="Water the plants today"))
    loaded: list[int] = []

    def count(target, _context) -> None:
        loaded.append(target.number)

    event.listen(Task, "load", count)
    try:
        done = await service.complete(ctx(), "water the plants")
        assert done.task.number == 61  # the one pending match, though 60 completed ones also match
        assert 61 in loaded and len([n for n in loaded if n <= 60]) == 0
        with pytest.raises(AmbiguousReference):  # nothing pending matches: all tasks tie
            await service.complete(ctx(), "water the plants")
    finally:
        event.remove(Task, "load", count)
