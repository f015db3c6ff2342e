"""The change journal (issue 11, item 3) on real SQLite and PostgreSQL: undo and redo of every kind
of change, many levels deep, what each answer says, another user's journal, and two concurrent
writers on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.errors import NothingToRedo, NothingToUndo, TaskNotFound
from todochat.tasks.schemas import Selection, TaskChanges, TaskCreate
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(NOW))


async def state(service: TaskService, user: str = "alice") -> list[tuple[int, str, bool, str | None, list[str]]]:
    return [(t.number, t.title, t.completed, t.due, t.tags) for t in await service.list(ctx(user))]


async def test_each_kind_of_change_is_undone_newest_first_and_redone(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Buy milk", tags=["home"]))
    await service.add(c, TaskCreate(title="Yoga", due="2026-11-18", recurrence="daily"))
    await service.add(c, TaskCreate(title="Call mom"))
    snapshots = [await state(service)]
    await service.complete(c, "Buy milk"); snapshots.append(await state(service))  # noqa: E702
    await service.complete(c, "Yoga"); snapshots.append(await state(service))  # noqa: E702 — creates task 4
    await service.reopen(c, 1); snapshots.append(await state(service))  # noqa: E702
    await service.update(c, 3, TaskChanges(title="Call mum", due="2026-11-20T18:00", add_tags=["family"])); snapshots.append(await state(service))  # noqa: E702
    await service.delete(c, 3); snapshots.append(await state(service))  # noqa: E702
    await service.bulk_complete(c, Selection(numbers=[1, 4]), confirm=True); snapshots.append(await state(service))  # noqa: E702
    await service.bulk_delete(c, Selection(all=True), confirm=True)
    assert await state(service) == []

    messages = []
    for expected in reversed(snapshots):
        result = await service.undo(c)
        messages.append(result.message)
        assert await state(service) == expected
    assert messages[0] == "Undid: deleted 4 tasks"
    assert messages[1] == "Undid: marked 2 tasks done (next occurrence: task 5)"
    assert messages[2] == "Undid: deleted 'Call mum'"
    assert messages[3].startswith("Undid: renamed 'Call mom' to 'Call mum'")
    assert messages[4] == "Undid: reopened 'Buy milk'"
    assert messages[5] == "Undid: marked 'Yoga' done (next occurrence: task 4)"
    # the three adds, then nothing
    for _ in range(3):
        assert (await service.undo(c)).action == "add"
    assert await state(service) == []
    with pytest.raises(NothingToUndo):
        await service.undo(c)
    # redo walks forward again, to the end
    assert (await service.redo(c)).message == "Redid: added 'Buy milk'"
    for _ in range(2 + len(snapshots) - 1):
        await service.redo(c)
    assert await state(service) == snapshots[-1]
    await service.redo(c)
    assert await state(service) == []
    with pytest.raises(NothingToRedo):
        await service.redo(c)


async def test_twenty_five_levels_and_a_new_change_clears_redo(service: TaskService) -> None:
    c = ctx()
    task = await service.add(c, TaskCreate(title="v0"))
    for i in range(1, 26):
        await service.update(c, task.number, TaskChanges(title=f"v{i}"))
    for i in range(24, -1, -1):
        await service.undo(c)
        assert (await service.get(c, task.number)).title == f"v{i}"
    await service.redo(c)
    assert (await service.get(c, task.number)).title == "v1"
    await service.update(c, task.number, TaskChanges(priority="high"))
    with pytest.raises(NothingToRedo):
        await service.redo(c)
    assert (await service.get(c, task.number)).title == "v1"


async def test_another_users_journal_is_neither_visible_nor_undoable(service: TaskService) -> None:
    await service.add(ctx("bob"), TaskCreate(title="Bob's plan"))
    with pytest.raises(NothingToUndo):
        await service.undo(ctx("alice"))
    assert await service.activity(ctx("alice")) == []
    assert [e.summary for e in await service.activity(ctx("bob"))] == ["added 'Bob's plan'"]
    assert await state(service, "bob") == [(1, "Bob's plan", False, None, [])]


async def test_a_refused_change_writes_no_journal_entry(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Buy milk"))
    with pytest.raises(TaskNotFound):
        await service.complete(c, 99)
    assert [e.action for e in await service.activity(c)] == ["add"]


async def test_two_concurrent_writers_keep_one_order(settings: Settings) -> None:
    """Two engines (two replicas on PostgreSQL) change one user's list at once."""
    engines = [make_engine(settings), make_engine(settings)]  # two "replicas"
    services = [TaskService(make_sessionmaker(e)) for e in engines]
    try:
        c = ctx()

        async def writer(service: TaskService, name: str) -> None:
            for i in range(10):
                task = await service.add(c, TaskCreate(title=f"{name} {i}"))
                await service.complete(c, task.number)

        await asyncio.gather(writer(services[0], "a"), writer(services[1], "b"))
        entries = await services[0].activity(c, limit=100)
        ids = [e.id for e in entries]
        assert len(entries) == 40 and len(set(ids)) == 40 and ids == sorted(ids, reverse=True)
        # undo everything, alternating replicas: each step undoes the newest remaining group
        for step in range(40):
            result = await services[step % 2].undo(c)
            assert result.id == ids[step]
        assert await services[1].list(c) == []
    finally:
        for engine in engines:
            await engine.dispose()
