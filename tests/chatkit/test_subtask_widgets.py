"""Subtasks in the task-list widget (issue 15, item 3): indented under their parent, with progress."""

from __future__ import annotations

from datetime import UTC, date, datetime

from todochat.chatkit.widgets import (
    copy_text,
    node_dump,
    row_numbers,
    task_list_widget,
    tree_rows,
    widget_text,
)
from todochat.tasks.schemas import Progress, TaskOut

TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 23, 9, tzinfo=UTC)


def task(number: int, title: str, parent: int | None = None, progress: tuple[int, int] | None = None) -> TaskOut:
    return TaskOut(
        number=number, title=title, parent=parent, created_at=WHEN, updated_at=WHEN,
        progress=Progress(done=progress[0], total=progress[1]) if progress else None,
    )


TASKS = [
    task(1, "Plan the trip", progress=(1, 2)),
    task(2, "Pay rent"),
    task(3, "Book flights", parent=1),
    task(4, "Compare prices", parent=3),
    task(5, "Book hotel", parent=1, progress=None),
    task(6, "Orphan step", parent=9),  # its parent is not listed: a top-level row
]


def test_subtasks_follow_their_parent_with_depth() -> None:
    assert [(t.number, d) for t, d in tree_rows(TASKS)] == [(1, 0), (3, 1), (4, 2), (5, 1), (2, 0), (6, 0)]


def test_widget_indents_subtasks_and_shows_progress() -> None:
    widget = task_list_widget("Your tasks · 6", TASKS, TODAY)
    assert row_numbers(widget) == [1, 3, 4, 5, 2, 6]
    rows = node_dump(widget)["children"]  # type: ignore[index]
    first = [c for c in rows[0]["children"] if c["type"] == "Box"]
    deep = [c for c in rows[2]["children"] if c["type"] == "Box"]
    assert first == [] and deep == [{"type": "Box", "width": 40.0}]
    assert "subtasks 1/2" in widget_text(widget)
    text = copy_text("Your tasks", TASKS, TODAY)
    assert "\n    [ ] 4. Compare prices" in text and "1. Plan the trip (subtasks 1/2)" in text


def test_terminal_table_indents_subtasks() -> None:
    """``todochat chat`` shows the same tree: two spaces per level before the title."""
    from rich.console import Console

    from todochat.chat_cli import widget_table

    console = Console(width=100, record=True)
    console.print(widget_table(node_dump(task_list_widget("Your tasks · 6", TASKS, TODAY))))  # type: ignore[arg-type]
    lines = console.export_text().splitlines()
    assert any("│ 1. Plan the trip " in line for line in lines)
    assert any("│   3. Book flights " in line for line in lines)
    assert any("│     4. Compare prices " in line for line in lines)
    assert any("│ 2. Pay rent " in line for line in lines)
