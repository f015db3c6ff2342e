"""Lists (issue 15, item 2) in the service, on SQLite and PostgreSQL: the Inbox, names unique per
user (case-insensitive, NFC), rename/archive/delete, moves, the confirmation and one undo step for
deleting a list with its tasks, the per-user quota, and isolation between users."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.errors import ConfirmationRequired, ListNotFound, QuotaExceeded, ValidationError
from todochat.tasks.schemas import TaskChanges, TaskCreate, TaskFilter
from todochat.tasks.service import TaskService


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("UTC"), clock=Clock(datetime(2026, 11, 18, 9, tzinfo=UTC)))


async def names(service: TaskService, user: str = "alice", **kw: bool) -> list[tuple[str, int]]:
    return [(x.name, x.open_tasks) for x in await service.list_lists(ctx(user), **kw)]


async def test_every_user_has_an_inbox_and_tasks_default_to_it(service: TaskService) -> None:
    assert await names(service) == [("Inbox", 0)]
    task = await service.add(ctx(), TaskCreate(title="Buy milk"))
    assert task.list == "Inbox"
    assert await names(service) == [("Inbox", 1)]
    assert (await service.get_list(ctx(), "inbox")).inbox


async def test_create_add_move_filter_and_counts(service: TaskService) -> None:
    work = await service.create_list(ctx(), "  Work  ")
    assert (work.name, work.open_tasks, work.inbox) == ("Work", 0, False)
    await service.create_list(ctx(), "home")
    a = await service.add(ctx(), TaskCreate(title="Send the report", list="WORK"))
    b = await service.add(ctx(), TaskCreate(title="Buy milk"))
    assert a.list == "Work" and b.list == "Inbox"
    moved = await service.update(ctx(), b.number, TaskChanges(list="Home"))
    assert moved.list == "home"
    assert await names(service) == [("Inbox", 0), ("home", 1), ("Work", 1)]
    assert [t.title for t in await service.list(ctx(), TaskFilter(list="work"))] == ["Send the report"]
    assert await service.list(ctx(), TaskFilter(list="Inbox")) == []
    with pytest.raises(ListNotFound):
        await service.list(ctx(), TaskFilter(list="Garden"))
    # the move is journalled on its own and undoable
    undone = await service.undo(ctx())
    assert undone.action == "move" and "moved 'Buy milk' to home" in undone.summary
    assert (await service.get(ctx(), b.number)).list == "Inbox"
    redone = await service.redo(ctx())
    assert redone.tasks[0].list == "home"
    await service.update(ctx(), b.number, TaskChanges(list="inbox"))
    assert (await service.get(ctx(), b.number)).list == "Inbox"


@pytest.mark.parametrize(
    ("name", "field"),
    [("", "name"), ("   ", "name"), ("x" * 101, "name"), ("Inbox", "name"), ("a\x07b", "name")],
)
async def test_bad_names_are_refused_and_change_nothing(service: TaskService, name: str, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        await service.create_list(ctx(), name)
    assert err.value.field == field
    assert await names(service) == [("Inbox", 0)]


async def test_names_are_unique_per_user_case_insensitively_and_nfc(service: TaskService) -> None:
    await service.create_list(ctx(), "Café")
    assert (await service.create_list(ctx(), "x" * 100)).name == "x" * 100
    for same in ("café", "CAFÉ", "Cafe\u0301", " cafe\u0301 "):
        with pytest.raises(ValidationError, match="already have a list") as err:
            await service.create_list(ctx(), same)
        assert err.value.field == "name"
    assert (await service.create_list(ctx("bob"), "café")).name == "café"  # another user's names are theirs
    assert [n for n, _ in await names(service)] == ["Inbox", "Café", "x" * 100]
    assert [n for n, _ in await names(service, "bob")] == ["Inbox", "café"]


async def test_rename_and_archive(service: TaskService) -> None:
    await service.create_list(ctx(), "Work")
    await service.create_list(ctx(), "Home")
    await service.add(ctx(), TaskCreate(title="Report", list="Work"))
    with pytest.raises(ValidationError, match="already have"):
        await service.rename_list(ctx(), "Work", "home")
    with pytest.raises(ValidationError) as err:
        await service.rename_list(ctx(), "Inbox", "Stuff")
    assert err.value.field == "name"
    with pytest.raises(ValidationError):
        await service.rename_list(ctx(), "Work", "Inbox")
    with pytest.raises(ValidationError):
        await service.delete_list(ctx(), "Inbox", confirm=True)
    with pytest.raises(ListNotFound):
        await service.rename_list(ctx(), "Garden", "Yard")
    assert (await service.rename_list(ctx(), "Work", "WORK")).name == "WORK"  # a change of case is fine
    office = await service.rename_list(ctx(), "work", "Office")
    assert (office.name, office.open_tasks) == ("Office", 1)
    assert (await service.get(ctx(), 1)).list == "Office"
    assert (await service.undo(ctx())).summary == "renamed the list 'WORK' to 'Office'"
    assert (await service.get(ctx(), 1)).list == "WORK"
    await service.archive_list(ctx(), "Home")
    assert [n for n, _ in await names(service)] == ["Inbox", "WORK"]
    assert [(x.name, x.archived) for x in await service.list_lists(ctx(), archived=True)][1] == ("Home", True)
    with pytest.raises(ValidationError, match="archived") as err:
        await service.add(ctx(), TaskCreate(title="Mow", list="Home"))
    assert err.value.field == "list"
    await service.archive_list(ctx(), "Home", archived=False)
    assert (await service.add(ctx(), TaskCreate(title="Mow", list="Home"))).list == "Home"


async def test_deleting_a_list_with_tasks_asks_then_is_one_undo_step(service: TaskService) -> None:
    await service.create_list(ctx(), "Home")
    await service.add(ctx(), TaskCreate(title="Mow the lawn", list="Home"))
    await service.add(ctx(), TaskCreate(title="Fix the tap", list="Home"))
    await service.add(ctx(), TaskCreate(title="Buy milk"))
    await service.complete(ctx(), 2)
    with pytest.raises(ConfirmationRequired, match="has 2 tasks") as err:
        await service.delete_list(ctx(), "home")
    assert [t["number"] for t in err.value.would_delete] == [1, 2]
    assert len(await service.list(ctx())) == 3  # nothing changed
    gone = await service.delete_list(ctx(), "home", confirm=True)
    assert (gone.name, gone.open_tasks) == ("Home", 1)
    assert [t.title for t in await service.list(ctx())] == ["Buy milk"]
    assert await names(service) == [("Inbox", 1)]
    [entry] = (await service.activity(ctx(), limit=1))
    assert (entry.action, entry.summary, entry.task_numbers) == (
        "list_delete", "deleted the list 'Home' and its 2 tasks", [1, 2])
    # the name is free again, but undo restores the list and both tasks in one step
    undone = await service.undo(ctx())
    assert undone.message == "Undid: deleted the list 'Home' and its 2 tasks"
    assert sorted(t.number for t in undone.tasks) == [1, 2]
    assert await names(service) == [("Inbox", 1), ("Home", 1)]
    tasks = {t.number: (t.list, t.completed) for t in await service.list(ctx())}
    assert tasks == {1: ("Home", False), 2: ("Home", True), 3: ("Inbox", False)}
    await service.redo(ctx())
    assert await names(service) == [("Inbox", 1)]
    await service.undo(ctx())
    # an empty list needs no confirmation; undo of its creation removes it
    await service.create_list(ctx(), "Empty")
    assert (await service.delete_list(ctx(), "empty")).name == "Empty"
    await service.undo(ctx())
    assert (await service.undo(ctx())).summary == "created the list 'Empty'"
    assert [n for n, _ in await names(service)] == ["Inbox", "Home"]


async def test_another_users_lists_are_not_reachable(service: TaskService) -> None:
    await service.create_list(ctx(), "Secret")
    await service.add(ctx(), TaskCreate(title="Alice's", list="Secret"))
    for call in (
        service.add(ctx("bob"), TaskCreate(title="x", list="Secret")),
        service.rename_list(ctx("bob"), "Secret", "Mine"),
        service.archive_list(ctx("bob"), "Secret"),
        service.delete_list(ctx("bob"), "Secret", confirm=True),
        service.list(ctx("bob"), TaskFilter(list="Secret")),
        service.get_list(ctx("bob"), "Secret"),
    ):
        with pytest.raises(ListNotFound):
            await call
    assert await names(service) == [("Inbox", 0), ("Secret", 1)]
    assert await names(service, "bob") == [("Inbox", 0)]


async def test_list_quota(sessionmaker) -> None:
    service = TaskService(sessionmaker, max_lists=2)
    await service.create_list(ctx(), "One")
    await service.create_list(ctx(), "Two")
    with pytest.raises(QuotaExceeded, match="limit is 2") as err:
        await service.create_list(ctx(), "Three")
    assert err.value.to_dict()["setting"] == "TODOCHAT_QUOTA_LISTS"
    assert len(await service.list_lists(ctx())) == 3
    await service.delete_list(ctx(), "Two")
    assert (await service.create_list(ctx(), "Three")).name == "Three"
    assert (await TaskService(sessionmaker, max_lists=0).create_list(ctx(), "Four")).name == "Four"


async def test_purge_removes_lists_deleted_before_the_undo_window(service: TaskService, sessionmaker) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select

    from todochat.tasks.models import TaskList

    await service.create_list(ctx(), "Old")
    await service.add(ctx(), TaskCreate(title="Gone", list="Old"))
    await service.create_list(ctx(), "Kept")
    await service.delete_list(ctx(), "Old", confirm=True)
    later = RequestContext(user_id="alice", tz=ZoneInfo("UTC"), clock=Clock(datetime(2026, 12, 10, 9, tzinfo=UTC)))
    assert await service.purge(later, older_than=timedelta(days=30)) == 0  # not yet 30 days
    assert await service.purge(later, older_than=timedelta(days=1)) == 1
    async with sessionmaker() as session:
        left = (await session.execute(select(func.count()).select_from(TaskList))).scalar_one()
    assert left == 1
    assert await names(service) == [("Inbox", 0), ("Kept", 0)]
