"""Subtasks (issue 15, item 3) on real SQLite and PostgreSQL: parent and progress, the tree rules
(self, cycle, depth, unknown, another user's task), completing and deleting a parent (asks, then one
undoable step), re-parenting undone and redone, breaking a task down, repeating tasks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.errors import ConfirmationRequired, ValidationError
from todochat.tasks.schemas import Selection, TaskChanges, TaskCreate, TaskFilter
from todochat.tasks.service import TaskService
from todochat.tasks.subtasks import DEPTH_MAX

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(NOW))


async def tree(service: TaskService, user: str = "alice") -> list[tuple[int, str, bool, int | None]]:
    return [(t.number, t.title, t.completed, t.parent) for t in await service.list(ctx(user))]


async def trip(service: TaskService) -> None:
    """1 Plan the trip > 2 Book flights, 3 Book hotel > 4 Compare prices (under 3); 5 Pay rent."""
    c = ctx()
    await service.add(c, TaskCreate(title="Plan the trip"))
    await service.add(c, TaskCreate(title="Book flights", parent=1))
    await service.add(c, TaskCreate(title="Book hotel", parent=1))
    await service.add(c, TaskCreate(title="Compare prices", parent=3))
    await service.add(c, TaskCreate(title="Pay rent"))


async def test_parent_and_progress_are_shown(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    await service.complete(c, 2)
    top = await service.get(c, 1)
    assert top.parent is None
    assert top.progress is not None and (top.progress.done, top.progress.total) == (1, 2)
    assert (await service.get(c, 4)).parent == 3
    assert (await service.get(c, 5)).progress is None
    subs = await service.list(c, TaskFilter(parent=1))
    assert [t.number for t in subs] == [2, 3]
    assert [t.number for t in await service.list(c, TaskFilter(parent=0))] == [1, 5]


@pytest.mark.parametrize(
    ("number", "parent", "words"),
    [
        (1, 1, "itself"),
        (1, 4, "loop"),  # 4 is under 3 under 1
        (1, 3, "loop"),
        (5, 4, "levels"),  # 4 is already on level 3
        (3, 2, "levels"),  # 3 has a subtask: 2 > 3 > 4 would be 3 levels under 1 → 4
        (5, 99, "no task 99"),
    ],
)
async def test_bad_parent_changes_nothing(service: TaskService, number: int, parent: int, words: str) -> None:
    await trip(service)
    before = await tree(service)
    with pytest.raises(ValidationError) as err:
        await service.update(ctx(), number, TaskChanges(parent=parent))
    assert err.value.field == "parent" and words in err.value.message
    assert await tree(service) == before


async def test_depth_limit_is_three_levels(service: TaskService) -> None:
    assert DEPTH_MAX == 3
    await trip(service)
    with pytest.raises(ValidationError, match="at most 3 levels"):
        await service.add(ctx(), TaskCreate(title="Too deep", parent=4))
    assert len(await service.list(ctx())) == 5


async def test_another_users_task_is_no_parent(service: TaskService) -> None:
    await trip(service)
    await service.add(ctx("bob"), TaskCreate(title="Bob's own"))
    with pytest.raises(ValidationError) as err:
        await service.add(ctx("bob"), TaskCreate(title="Sneaky", parent=3))  # bob has no task 3
    assert err.value.field == "parent"
    with pytest.raises(ValidationError):
        await service.update(ctx("bob"), 1, TaskChanges(parent=5))
    assert await tree(service, "bob") == [(1, "Bob's own", False, None)]


async def test_reparent_and_detach_are_undone_and_redone(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    start = await tree(service)
    moved = await service.update(c, 5, TaskChanges(parent=2))
    assert moved.parent == 2
    detached = await service.update(c, 4, TaskChanges.model_validate({"parent": None}))
    assert detached.parent is None
    assert (await service.get(c, 3)).progress is None
    undone = await service.undo(c)
    assert undone.message == "Undid: made 'Compare prices' a top-level task" and undone.tasks[0].parent == 3
    undone = await service.undo(c)
    assert undone.message == "Undid: made 'Pay rent' a subtask of task 2"
    assert await tree(service) == start
    await service.redo(c)
    assert (await service.get(c, 5)).parent == 2
    assert (await service.get(c, 2)).progress is not None


async def test_completing_a_parent_asks_then_completes_the_subtree_in_one_step(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    await service.complete(c, 2)
    before = await tree(service)
    with pytest.raises(ConfirmationRequired) as err:
        await service.complete(c, 1)
    assert err.value.action == "complete"
    assert [t["number"] for t in err.value.would_change] == [3, 4]
    assert "Book hotel" in err.value.message
    assert await tree(service) == before
    done = await service.complete(c, 1, confirm=True)
    assert done.task.completed and done.task.progress is not None and done.task.progress.done == 2
    assert all(t[2] for t in await tree(service) if t[0] in (1, 2, 3, 4))
    await service.undo(c)  # one step reopens the three
    assert await tree(service) == before


async def test_completing_a_subtask_or_a_parent_without_open_subtasks_does_not_ask(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    await service.complete(c, 4)
    await service.complete(c, 3)  # its only subtask is done
    assert (await service.get(c, 1)).progress.done == 1  # type: ignore[union-attr]


async def test_deleting_a_parent_asks_then_deletes_the_subtree_in_one_step(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    before = await tree(service)
    with pytest.raises(ConfirmationRequired) as err:
        await service.delete(c, 3)
    assert [t["number"] for t in err.value.would_delete] == [3, 4]
    assert await tree(service) == before
    await service.delete(c, 3, confirm=True)
    assert [t[0] for t in await tree(service)] == [1, 2, 5]
    assert (await service.get(c, 1)).progress.total == 1  # type: ignore[union-attr]
    undone = await service.undo(c)
    assert sorted(t.number for t in undone.tasks) == [3, 4]
    assert await tree(service) == before
    assert (await service.get(c, 1)).progress.total == 2  # type: ignore[union-attr]


async def test_bulk_delete_takes_the_subtrees(service: TaskService) -> None:
    await trip(service)
    c = ctx()
    with pytest.raises(ConfirmationRequired):
        await service.bulk_delete(c, Selection(numbers=[1]))
    result = await service.bulk_delete(c, Selection(numbers=[1]), confirm=True)
    assert sorted(t.number for t in result.tasks) == [1, 2, 3, 4]
    assert [t[0] for t in await tree(service)] == [5]


async def test_break_down_adds_subtasks_in_one_undoable_step(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Plan the trip"))
    result = await service.add_subtasks(c, "the trip", ["Book flights", "Book hotel", "Pack"])
    assert [t.title for t in result.tasks] == ["Book flights", "Book hotel", "Pack"]
    assert all(t.parent == 1 for t in result.tasks)
    assert result.parent.progress is not None and result.parent.progress.total == 3
    await service.undo(c)
    assert await tree(service) == [(1, "Plan the trip", False, None)]
    with pytest.raises(ValidationError) as err:
        await service.add_subtasks(c, 1, [])
    assert err.value.field == "titles"


async def test_repeating_subtask_stays_under_its_parent_and_a_repeating_parent_starts_fresh(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Weekly review", due="2026-11-18", recurrence="weekly"))
    await service.add(c, TaskCreate(title="Water plants", due="2026-11-18", recurrence="daily", parent=1))
    nxt = (await service.complete(c, 2)).next_task
    assert nxt is not None and nxt.parent == 1
    again = await service.complete(c, 1, confirm=True)
    assert again.next_task is not None and again.next_task.progress is None


async def places(service: TaskService, user: str = "alice") -> list[tuple[int, str, int | None]]:
    return [(t.number, t.list, t.parent) for t in await service.list(ctx(user))]


async def test_moving_a_parent_to_a_list_moves_its_subtree_in_one_step(service: TaskService) -> None:
    """"move plan the trip to Work" takes its subtasks (every level) along, as one undo step whose
    summary names them; a subtask moved alone goes alone; a bulk move takes each subtree."""
    await trip(service)
    c = ctx()
    await service.create_list(c, "Work")
    await service.create_list(c, "Home")
    start = await places(service)
    assert {lst for _, lst, _ in start} == {"Inbox"}

    moved = await service.update(c, 1, TaskChanges(list="work"))
    assert moved.list == "Work"
    assert await places(service) == [(1, "Work", None), (2, "Work", 1), (3, "Work", 1), (4, "Work", 3), (5, "Inbox", None)]
    (entry,) = (await service.activity(c, limit=1))
    assert entry.summary == "moved 'Plan the trip' and its 3 subtasks to Work"

    alone = await service.update(c, 4, TaskChanges(list="Home"))  # a subtask alone: its parent stays
    assert alone.list == "Home" and (await service.get(c, 3)).list == "Work"
    assert (await service.undo(c)).message == "Undid: moved 'Compare prices' to Home"

    undone = await service.undo(c)
    assert undone.message == "Undid: moved 'Plan the trip' and its 3 subtasks to Work"
    assert await places(service) == start
    assert (await service.redo(c)).message == "Redid: moved 'Plan the trip' and its 3 subtasks to Work"
    assert (await places(service))[:4] == [(1, "Work", None), (2, "Work", 1), (3, "Work", 1), (4, "Work", 3)]

    both = await service.bulk_update(c, Selection(numbers=[3, 5]), TaskChanges(list="Home"), confirm=True)
    assert [t.number for t in both.tasks] == [3, 5]
    assert await places(service) == [(1, "Work", None), (2, "Work", 1), (3, "Home", 1), (4, "Home", 3), (5, "Home", None)]
    assert (await service.undo(c)).message == "Undid: moved 2 tasks and their 1 subtask to Home"
    assert (await places(service))[2:] == [(3, "Work", 1), (4, "Work", 3), (5, "Inbox", None)]
    assert await places(service, "bob") == []
