"""TaskService.bulk_update on real SQLite and PostgreSQL: the same changes for an explicit selection,
rescheduling from each task's own due date, all or nothing, confirmation for several, one undo."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.errors import ConfirmationRequired, EarlierThanDue, TaskNotFound, ValidationError
from todochat.tasks.schemas import Selection, TaskChanges, TaskCreate, TaskFilter
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)  # Monday 23 Nov 2026, 10:00 in Berlin
FRIDAY, MONDAY = "2026-11-27", "2026-11-30"

Row = tuple[int, str, str | None, bool, str, list[str]]


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(NOW))


async def state(service: TaskService, user: str = "alice") -> list[Row]:
    """Every task of ``user`` as (number, title, due, all day, priority, tags)."""
    return [(t.number, t.title, t.due, t.due_all_day, t.priority, t.tags) for t in await service.list(ctx(user))]


async def week(service: TaskService) -> list[Row]:
    """Alice's week: three tasks due Friday (a time, a whole day, just after midnight local), one
    Thursday, one undated; and bob's task due Friday."""
    c = ctx()
    for title, due in [
        ("Dentist", f"{FRIDAY}T15:00"),
        ("Pay rent", FRIDAY),
        ("Night train", f"{FRIDAY}T00:30"),  # Thursday 23:30 UTC: Friday in Berlin
        ("Gym", "2026-11-26T18:00"),
        ("Read a book", None),
    ]:
        await service.add(c, TaskCreate(title=title, due=due))
    await service.add(ctx("bob"), TaskCreate(title="Bob's dentist", due=f"{FRIDAY}T15:00"))
    return await state(service)


def due_of(rows: list[Row]) -> dict[int, tuple[str | None, bool]]:
    return {n: (due, all_day) for n, _, due, all_day, *_ in rows}


async def test_move_everything_due_friday_to_monday_keeps_each_time(service: TaskService) -> None:
    before = await week(service)
    bob = await state(service, "bob")
    result = await service.bulk_update(
        ctx(), Selection(filter=TaskFilter(due=FRIDAY)), TaskChanges(due_day=MONDAY), confirm=True
    )
    assert [(t.number, t.due, t.due_all_day) for t in result.tasks] == [
        (1, f"{MONDAY}T15:00", False),
        (2, MONDAY, True),
        (3, f"{MONDAY}T00:30", False),
    ]
    after = due_of(await state(service))
    assert after == {
        1: (f"{MONDAY}T15:00", False),
        2: (MONDAY, True),
        3: (f"{MONDAY}T00:30", False),
        4: due_of(before)[4],  # Thursday's task and the undated one are left alone
        5: (None, False),
    }
    assert await state(service, "bob") == bob


async def test_a_shift_moves_each_task_from_its_own_due(service: TaskService) -> None:
    await week(service)
    result = await service.bulk_update(ctx(), Selection(numbers=[1, 2, 4]), TaskChanges(shift="P1W"), confirm=True)
    assert [t.number for t in result.tasks] == [1, 2, 4]
    after = due_of(await state(service))
    assert after[1] == ("2026-12-04T15:00", False)
    assert after[2] == ("2026-12-04", True)
    assert after[4] == ("2026-12-03T18:00", False)
    assert after[3] == (f"{FRIDAY}T00:30", False)


async def test_postponing_earlier_than_any_task_changes_nothing(service: TaskService) -> None:
    await week(service)
    c = ctx()
    await service.add(c, TaskCreate(title="Conference", due="2026-12-05T09:00"))
    before = await state(service)
    with pytest.raises(EarlierThanDue) as raised:
        await service.bulk_update(
            c, Selection(numbers=[1, 2, 6]), TaskChanges(due_day="2026-12-01", later_only=True), confirm=True
        )
    assert raised.value.details["current_due"] == "2026-12-05T09:00"
    assert raised.value.details["requested_due"] == "2026-12-01T09:00"
    assert (raised.value.details["number"], raised.value.details["title"]) == (6, "Conference")  # which one
    assert await state(service) == before  # tasks 1 and 2 (checked first) were not moved either
    # the same postpone without the later task works
    await service.bulk_update(c, Selection(numbers=[1, 2]), TaskChanges(due_day="2026-12-01", later_only=True), confirm=True)
    assert due_of(await state(service))[1] == ("2026-12-01T15:00", False)


async def test_a_shift_of_a_selection_with_an_undated_task_changes_nothing(service: TaskService) -> None:
    before = await week(service)
    for changes in (TaskChanges(shift="P1D"), TaskChanges(shift="P1D", later_only=True)):
        with pytest.raises(ValidationError) as raised:
            await service.bulk_update(ctx(), Selection(numbers=[1, 2, 5]), changes, confirm=True)
        assert raised.value.field == "shift"
        assert "no due date" in raised.value.message
        assert await state(service) == before
        with pytest.raises(ValidationError):
            await service.bulk_update(ctx(), Selection(all=True), changes, confirm=True)
        assert await state(service) == before


async def test_several_tasks_need_confirmation_listing_exactly_them(service: TaskService) -> None:
    before = await week(service)
    with pytest.raises(ConfirmationRequired) as raised:
        await service.bulk_update(ctx(), Selection(filter=TaskFilter(due=FRIDAY)), TaskChanges(due_day=MONDAY))
    assert raised.value.action == "update"
    assert raised.value.would_change == [
        {"number": 1, "title": "Dentist"},
        {"number": 2, "title": "Pay rent"},
        {"number": 3, "title": "Night train"},
    ]
    assert await state(service) == before
    # one task needs no confirmation
    one = await service.bulk_update(ctx(), Selection(numbers=[4]), TaskChanges(due_time="07:00"))
    assert [(t.number, t.due) for t in one.tasks] == [(4, "2026-11-26T07:00")]
    # confirmed: exactly the selected tasks change, and the answer lists exactly them
    done = await service.bulk_update(ctx(), Selection(numbers=[2, 5]), TaskChanges(priority="high"), confirm=True)
    assert [t.number for t in done.tasks] == [2, 5]
    assert {n: p for n, _, _, _, p, _ in await state(service)} == {1: "none", 2: "high", 3: "none", 4: "none", 5: "high"}


async def test_unknown_numbers_and_empty_selections_change_nothing(service: TaskService) -> None:
    before = await week(service)
    with pytest.raises(TaskNotFound) as raised:
        await service.bulk_update(ctx(), Selection(numbers=[1, 99]), TaskChanges(priority="high"), confirm=True)
    assert raised.value.details["numbers"] == [99]
    with pytest.raises(TaskNotFound):  # bob's task 1 exists, but not bob's task 2
        await service.bulk_update(ctx("bob"), Selection(numbers=[1, 2]), TaskChanges(priority="high"), confirm=True)
    with pytest.raises(TaskNotFound):  # a filter matching nothing
        await service.bulk_update(ctx(), Selection(filter=TaskFilter(tag="nope")), TaskChanges(priority="high"), confirm=True)
    for selection, field in [
        (Selection(), "selection"),
        (Selection(numbers=[]), "numbers"),
        (Selection(filter=TaskFilter()), "filter"),
        (Selection(filter=TaskFilter(status="all", query="the")), "filter"),
        (Selection(numbers=[1], all=True), "all"),
    ]:
        with pytest.raises(ValidationError) as refused:
            await service.bulk_update(ctx(), selection, TaskChanges(priority="high"), confirm=True)
        assert refused.value.field == field, selection
    assert await state(service) == before


async def test_a_title_or_nothing_to_change_is_refused(service: TaskService) -> None:
    before = await week(service)
    with pytest.raises(ValidationError) as raised:
        await service.bulk_update(ctx(), Selection(numbers=[1, 2]), TaskChanges(title="Same", priority="low"), confirm=True)
    assert raised.value.field == "title"
    with pytest.raises(ValidationError):
        await service.bulk_update(ctx(), Selection(numbers=[1, 2]), TaskChanges(), confirm=True)
    with pytest.raises(ValidationError) as raised:
        await service.bulk_update(ctx(), Selection(numbers=[1, 2]), TaskChanges(priority="urgent-ish"), confirm=True)
    assert raised.value.field == "priority"
    with pytest.raises(ValidationError) as raised:
        await service.bulk_update(ctx(), Selection(numbers=[1, 2]), TaskChanges(due=MONDAY, shift="P1D"), confirm=True)
    assert raised.value.field == "due"
    assert await state(service) == before


async def test_priority_and_tags_in_bulk(service: TaskService) -> None:
    c = ctx()
    await service.add(c, TaskCreate(title="Report", tags=["work"]))
    await service.add(c, TaskCreate(title="Slides", tags=["work", "draft"]))
    await service.add(c, TaskCreate(title="Laundry", tags=["home"]))
    result = await service.bulk_update(
        c, Selection(filter=TaskFilter(tag="work")),
        TaskChanges(priority="high", add_tags=["q4"], remove_tags=["draft"]), confirm=True,
    )
    assert [(t.number, t.priority, t.tags) for t in result.tasks] == [(1, "high", ["q4", "work"]), (2, "high", ["q4", "work"])]
    assert [(n, p, tags) for n, _, _, _, p, tags in await state(service)] == [
        (1, "high", ["q4", "work"]),
        (2, "high", ["q4", "work"]),
        (3, "none", ["home"]),
    ]
    # a whole due date for several tasks, then clearing it
    await service.bulk_update(c, Selection(numbers=[1, 3]), TaskChanges(due="2026-12-01T09:00"), confirm=True)
    assert due_of(await state(service)) == {1: ("2026-12-01T09:00", False), 2: (None, False), 3: ("2026-12-01T09:00", False)}
    await service.bulk_update(c, Selection(numbers=[1, 3]), TaskChanges(due=""), confirm=True)
    assert due_of(await state(service)) == {1: (None, False), 2: (None, False), 3: (None, False)}


async def test_one_undo_reverts_the_whole_bulk_change_and_redo_reapplies(service: TaskService) -> None:
    before = await week(service)
    c = ctx()
    await service.bulk_update(c, Selection(filter=TaskFilter(due=FRIDAY)), TaskChanges(due_day=MONDAY), confirm=True)
    moved = await state(service)
    undone = await service.undo(c)
    assert undone.action == "bulk_update"
    assert undone.message == "Undid: changed 3 tasks"
    assert [t.number for t in undone.tasks] == [1, 2, 3]
    assert await state(service) == before  # every task's due restored, in one step
    redone = await service.redo(c)
    assert redone.message == "Redid: changed 3 tasks"
    assert await state(service) == moved
    # a bulk change of one task says what it did
    await service.bulk_update(c, Selection(numbers=[4]), TaskChanges(shift="P1D"))
    assert (await service.undo(c)).message.startswith("Undid: moved 'Gym' from ")
    # a refused bulk change is no journal entry: the next undo is the bulk move above
    with pytest.raises(EarlierThanDue):
        await service.bulk_update(c, Selection(numbers=[1, 2]), TaskChanges(shift="-P1D", later_only=True), confirm=True)
    assert (await service.undo(c)).message == "Undid: changed 3 tasks"
    assert await state(service) == before


async def test_a_filter_moves_open_tasks_only_unless_a_status_is_said(service: TaskService) -> None:
    await week(service)
    c = ctx()
    await service.complete(c, 2)  # "Pay rent", due Friday, already done
    result = await service.bulk_update(c, Selection(filter=TaskFilter(due=FRIDAY)), TaskChanges(due_day=MONDAY), confirm=True)
    assert [t.number for t in result.tasks] == [1, 3]
    assert due_of(await state(service))[2] == (FRIDAY, True)  # a done task keeps its history
    result = await service.bulk_update(
        c, Selection(filter=TaskFilter(due=FRIDAY, status="completed")), TaskChanges(due_day=MONDAY), confirm=True
    )
    assert [t.number for t in result.tasks] == [2]
    result = await service.bulk_update(c, Selection(all=True), TaskChanges(add_tags=["week"]), confirm=True)
    assert [t.number for t in result.tasks] == [1, 3, 4, 5]  # all = every open task
