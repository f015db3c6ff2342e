"""Importing a task file through the service on real SQLite and PostgreSQL: all of a file as one
journal change (one undo removes it), a dry run that changes nothing, all-or-nothing on a bad task
or a full quota, and numbers that go on from the user's last one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.errors import ImportFileError, QuotaExceeded
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

FIXTURES = Path(__file__).parent / "imports" / "fixtures"
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(NOW))


async def state(service: TaskService, user: str = "alice") -> list[tuple[object, ...]]:
    return [
        (t.number, t.title, t.completed, t.priority, t.tags, t.due, t.recurrence)
        for t in await service.list(ctx(user))
    ]


async def test_import_is_one_change_and_one_undo_removes_it(service: TaskService) -> None:
    await service.add(ctx(), TaskCreate(title="Already here"))
    result = await service.import_file(ctx(), (FIXTURES / "todoist.csv").read_bytes(), "todoist", name="todoist.csv")
    assert result.tasks == 5 and result.numbers == [2, 3, 4, 5, 6]
    assert result.question == "Import 5 tasks into 1 list?"
    assert result.lists == {"": 3, "Home": 2}
    assert await state(service) == [
        (1, "Already here", False, "none", [], None, None),
        (2, "Plan the trip", False, "high", ["travel"], "2026-12-10", None),
        (3, "Book flights", False, "medium", [], "2026-12-05T18:30", None),
        (4, "Book hotel", False, "none", ["booking", "travel"], None, None),
        (5, "Water the plants", False, "low", [], "2026-11-23", "FREQ=WEEKLY;BYDAY=MO"),  # first Monday from today
        (6, "Clean the gutters", False, "none", [], None, None),
    ]
    activity = await service.activity(ctx(), limit=1)
    assert (activity[0].action, activity[0].summary, activity[0].id) == ("import", "imported 5 tasks", result.change)
    undone = await service.undo(ctx())
    assert undone.message == "Undid: imported 5 tasks"
    assert undone.removed == [2, 3, 4, 5, 6]
    assert await state(service) == [(1, "Already here", False, "none", [], None, None)]
    redone = await service.redo(ctx())
    assert len(redone.tasks) == 5
    assert len(await state(service)) == 6


@pytest.mark.parametrize("name", ["todo.txt", "tasks.ics", "taskwarrior.json", "ours.csv"])
async def test_each_format_imports(service: TaskService, name: str) -> None:
    preview = await service.import_file(ctx(), (FIXTURES / name).read_bytes(), name=name, dry_run=True)
    assert await state(service) == []  # the dry run changed nothing
    result = await service.import_file(ctx(), (FIXTURES / name).read_bytes(), name=name)
    assert result.tasks == preview.tasks == len(await state(service))
    assert result.first == preview.first and not preview.numbers and preview.dry_run


async def test_each_field_lands_in_the_users_zone(service: TaskService) -> None:
    await service.import_file(ctx(), (FIXTURES / "tasks.ics").read_bytes(), "ics")
    await service.import_file(ctx(), (FIXTURES / "taskwarrior.json").read_bytes(), "taskwarrior")
    tasks = {t.title: t for t in await service.list(ctx())}
    assert tasks["Collect the numbers"].due == "2026-12-10T17:00" and tasks["Collect the numbers"].completed
    assert tasks["Collect the numbers"].completed_at == NOW  # COMPLETED 1 Dec is after now: never in the future
    assert tasks["Team sync notes"].due == "2026-12-07T10:00"  # 09:00 UTC in Berlin
    assert tasks["Prepare the quarterly report"].due == "2026-12-15" and tasks["Prepare the quarterly report"].due_all_day
    assert tasks["Renew passport"].due == "2026-12-10" and tasks["Renew passport"].due_all_day  # local midnight = a day
    assert tasks["Renew passport"].description == "Photos first"
    assert tasks["Take out the bins"].due == "2026-12-07T19:00" and tasks["Take out the bins"].recurrence == "FREQ=WEEKLY"
    assert tasks["File taxes"].completed and tasks["File taxes"].completed_at == datetime(2026, 11, 15, 16, tzinfo=UTC)


async def test_a_bad_task_anywhere_changes_nothing_and_names_its_line(service: TaskService) -> None:
    await service.add(ctx(), TaskCreate(title="Keep me"))
    data = b"title,priority,due\nfine,high,2026-12-01\nalso fine,,\n" + b"x" * 201 + b",low,\nbad,urgentish,\n"
    with pytest.raises(ImportFileError) as caught:
        await service.import_file(ctx(), data, "csv")
    assert caught.value.line == 4
    assert caught.value.message.startswith("Line 4: The title is 201 characters long; the limit is 200. Nothing was imported.")
    assert [e["line"] for e in caught.value.details["errors"]] == [4, 5]
    assert "Unknown priority 'urgentish'" in caught.value.details["errors"][1]["message"]
    assert await state(service) == [(1, "Keep me", False, "none", [], None, None)]
    with pytest.raises(ImportFileError, match="Line 2: Due dates must be between"):
        await service.import_file(ctx(), b"title,due\nold,1066-10-14\n", "csv", dry_run=True)
    with pytest.raises(ImportFileError, match=r"^Record 1: .*") as caught:
        await service.import_file(
            ctx(), b"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:1\nSUMMARY:x\nRRULE:FREQ=SECONDLY\nEND:VTODO\nEND:VCALENDAR\n", "ics"
        )
    assert caught.value.details["errors"][0]["field"] == "recurrence"
    assert len(await state(service)) == 1


async def test_quota_is_all_or_nothing(sessionmaker) -> None:  # type: ignore[no-untyped-def]
    service = TaskService(sessionmaker, max_tasks=5)
    await service.add(ctx(), TaskCreate(title="One"))
    with pytest.raises(QuotaExceeded, match="You have 1 tasks; the limit is 5 per user, so only 4 more fit"):
        await service.import_file(ctx(), (FIXTURES / "todoist.csv").read_bytes(), "todoist", dry_run=True)
    with pytest.raises(QuotaExceeded):
        await service.import_file(ctx(), (FIXTURES / "todoist.csv").read_bytes(), "todoist")
    assert [t.title for t in await service.list(ctx())] == ["One"]
    assert (await service.import_file(ctx(), (FIXTURES / "ours.csv").read_bytes(), "csv", dry_run=True)).tasks == 4
    assert (await service.import_file(ctx(), (FIXTURES / "ours.csv").read_bytes(), "csv")).numbers == [2, 3, 4, 5]
    with pytest.raises(QuotaExceeded, match="delete some to add more"):
        await service.import_file(ctx(), b"Buy milk\n", "todotxt")
    assert len(await service.list(ctx())) == 5


async def test_another_users_tasks_and_numbers_are_untouched(service: TaskService) -> None:
    await service.add(ctx("bob"), TaskCreate(title="Bob's"))
    await service.import_file(ctx(), (FIXTURES / "ours.csv").read_bytes(), "csv")
    assert [t.title for t in await service.list(ctx("bob"))] == ["Bob's"]
    assert [t.number for t in await service.list(ctx())] == [1, 2, 3, 4]
    await service.undo(ctx())
    assert [t.title for t in await service.list(ctx("bob"))] == ["Bob's"]
    assert (await service.add(ctx(), TaskCreate(title="Next"))).number == 5  # numbers are never reused


async def test_lists_and_parents_are_applied_and_one_undo_removes_the_new_lists(service: TaskService) -> None:
    """A list the file names is the user's list of that name (any case) or a new one made by the
    import; a parent the file names is the task it imported; undo removes the tasks and the new
    lists, not the list the user already had."""
    await service.create_list(ctx(), "home")
    preview = await service.import_file(ctx(), (FIXTURES / "ours.csv").read_bytes(), "csv", dry_run=True)
    assert preview.lists == {"Home": 1, "Travel": 2, "": 1}
    assert preview.subtasks == 1
    assert preview.question == "Import 4 tasks into 2 lists?"
    assert not any("not available" in w for w in preview.warnings)
    assert [x.name for x in await service.list_lists(ctx())] == ["Inbox", "home"]  # a dry run made nothing
    result = await service.import_file(ctx(), (FIXTURES / "ours.csv").read_bytes(), "csv")
    got = {t.title: (t.list, t.parent) for t in await service.list(ctx())}
    assert got == {
        "Pay rent": ("home", None),
        "Plan the trip": ("Travel", None),
        "Book flights": ("Travel", result.numbers[1]),
        "=1+1 is two": ("Inbox", None),
    }
    assert [x.name for x in await service.list_lists(ctx())] == ["Inbox", "home", "Travel"]
    await service.undo(ctx())
    assert await service.list(ctx()) == []
    assert [x.name for x in await service.list_lists(ctx())] == ["Inbox", "home"]


def test_import_tree_fits_the_tree_rules() -> None:
    """Parents the file lacks and cycles become top level; a fourth level goes under the third."""
    from todochat.tasks.subtasks import import_tree

    refs = [("a", None), ("b", "a"), ("c", "b"), ("d", "c"), ("e", "zz"), ("f", "g"), ("g", "f")]
    parents, warnings = import_tree(refs)
    assert parents == [None, 0, 1, 1, None, None, 5]
    assert warnings == [
        "1 task names a parent the file does not have: added at the top level.",
        "1 task is its own ancestor in the file: added at the top level.",
        "1 task is more than 3 levels deep: put under the level above.",
    ]


async def test_progress_is_reported(service: TaskService) -> None:
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    data = ("title\n" + "".join(f"Task {i}\n" for i in range(600))).encode()
    result = await service.import_file(ctx(), data, "csv", progress=progress)
    assert result.tasks == 600
    assert seen == [(250, 600), (500, 600), (600, 600)]


async def test_preview_names_each_rows_parent(service: TaskService) -> None:
    """A dry run's rows name the task each one goes under (``parent_title``), as the import then
    places it (the CLI's "parent" column shows it)."""
    preview = await service.import_file(ctx(), (FIXTURES / "todoist.csv").read_bytes(), "todoist", dry_run=True)
    assert [(r.title, r.parent_title) for r in preview.first] == [
        ("Plan the trip", None), ("Book flights", "Plan the trip"), ("Book hotel", "Plan the trip"),
        ("Water the plants", None), ("Clean the gutters", None),
    ]
    assert await state(service) == []
    await service.import_file(ctx(), (FIXTURES / "todoist.csv").read_bytes(), "todoist")
    placed = {t.title: t.parent for t in await service.list(ctx())}
    assert placed == {"Plan the trip": None, "Book flights": 1, "Book hotel": 1, "Water the plants": None, "Clean the gutters": None}
