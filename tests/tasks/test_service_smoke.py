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
