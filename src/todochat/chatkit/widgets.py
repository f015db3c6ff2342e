"""The task-list widget (ChatKit ``ListView``) and the actions its buttons send.

Each row's ``key`` is ``task-<number>`` so a widget action can re-render the same rows with
their new state. Button actions: ``task.complete``, ``task.reopen``, ``task.delete`` with
payload ``{"number": N}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from chatkit.actions import ActionConfig
from chatkit.widgets import (
    Badge,
    Box,
    Button,
    Caption,
    Col,
    ListView,
    ListViewItem,
    Row,
    Spacer,
    Text,
    WidgetComponentBase,
)

from todochat.presentation import BELL, day_words, reminder_label
from todochat.tasks.schemas import TaskOut

ACTION_TYPES = ("task.complete", "task.reopen", "task.delete")
_ROW_KEY = re.compile(r"^task-(\d+)$")
PRIORITY_COLORS = {"high": "danger", "medium": "warning", "low": "info"}


def relative_due(task: TaskOut, today: date) -> str | None:
    """Due date as people say it: ``today``, ``tomorrow``, ``yesterday``, ``Fri 20 Nov``
    (``Fri 20 Nov 2027`` in another year), with ``HH:MM`` for a time."""
    if not task.due:
        return None
    if task.due_all_day:
        day, clock = date.fromisoformat(task.due), ""
    else:
        moment = datetime.fromisoformat(task.due)
        day, clock = moment.date(), moment.strftime(" %H:%M")
    return day_words(day, today) + clock


def next_reminder(task: TaskOut, today: date) -> str | None:
    """``🔔 tomorrow 14:30`` (``(+N)`` with more reminders) for a task with a pending reminder
    that can fire; ``🔔`` alone when its only reminders wait for a due time; else None."""
    if task.next_reminder is not None:
        return reminder_label(task.next_reminder, today, count=len(task.reminders))
    return BELL if task.reminders else None


INDENT = 20
"""Pixels a subtask's row is indented per level under its parent."""


def tree_rows(tasks: Iterable[TaskOut]) -> list[tuple[TaskOut, int]]:
    """``tasks`` with each subtask moved right after its parent (when the parent is among them),
    as ``(task, depth)``: depth 0 for a task whose parent is not listed, parent's depth + 1 else.
    The order among siblings, and of top-level rows, is the order given."""
    items = list(tasks)
    listed = {t.number for t in items}
    children: dict[int, list[TaskOut]] = {}
    for t in items:
        if t.parent is not None and t.parent in listed and t.parent != t.number:
            children.setdefault(t.parent, []).append(t)
    out: list[tuple[TaskOut, int]] = []
    seen: set[int] = set()

    def walk(task: TaskOut, depth: int) -> None:
        if task.number in seen:
            return
        seen.add(task.number)
        out.append((task, depth))
        for child in children.get(task.number, []):
            walk(child, depth + 1)

    for t in items:
        if t.parent is None or t.parent not in listed:
            walk(t, 0)
    for t in items:  # a cycle in bad data: never drop a row
        walk(t, 0)
    return out


def progress_words(task: TaskOut) -> str | None:
    """``2/5`` (done/total direct subtasks) for a task with subtasks, else None."""
    return f"{task.progress.done}/{task.progress.total}" if task.progress else None


def _row(task: TaskOut, today: date, depth: int = 0) -> ListViewItem:
    details: list[WidgetComponentBase] = []
    progress = progress_words(task)
    if progress:
        details.append(Caption(value=f"subtasks {progress}", color="secondary"))
    due = relative_due(task, today)
    if due:
        details.append(
            Caption(value=("overdue · " if task.overdue else "due ") + due, color="danger" if task.overdue else "secondary")
        )
    bell = next_reminder(task, today)
    if bell:
        details.append(Caption(value=bell, color="secondary"))
    if task.recurrence:
        details.append(Caption(value="repeats " + task.recurrence.split(";")[0].removeprefix("FREQ=").lower(), color="secondary"))
    if task.priority != "none":
        details.append(Badge(label=task.priority, color=PRIORITY_COLORS.get(task.priority, "secondary"), size="sm"))  # type: ignore[arg-type]
    details.extend(Badge(label="#" + tag, color="secondary", variant="outline", size="sm") for tag in task.tags)
    main: list[WidgetComponentBase] = [
        Text(
            value=f"{task.number}. {task.title}",
            lineThrough=task.completed,
            color="secondary" if task.completed else None,
            weight="medium",
        )
    ]
    if details:
        main.append(Row(gap=2, wrap="wrap", children=details))  # type: ignore[arg-type]
    toggle = "task.reopen" if task.completed else "task.complete"
    indent: list[WidgetComponentBase] = [Box(width=INDENT * depth)] if depth else []
    return ListViewItem(
        key=f"task-{task.number}",
        gap=3,
        children=[
            *indent,
            Text(value="✓" if task.completed else "○", color="success" if task.completed else "secondary"),
            Col(gap=1, flex=1, children=main),  # type: ignore[arg-type]
            Spacer(),
            Button(
                label="Reopen" if task.completed else "Done",
                size="sm",
                variant="outline" if task.completed else "solid",
                onClickAction=ActionConfig(type=toggle, payload={"number": task.number}),
            ),
            Button(
                label="Delete",
                size="sm",
                variant="ghost",
                color="danger",
                onClickAction=ActionConfig(type="task.delete", payload={"number": task.number}),
            ),
        ],
    )


def task_list_widget(heading: str, tasks: Iterable[TaskOut], today: date) -> ListView:
    """A ``ListView`` with a heading (its status line) and one row per task: done state, number,
    title, due (relative, "danger" colour when overdue), next reminder (a bell and its time),
    repeat, priority and tags, and buttons. Subtasks come right after their parent, indented,
    and a parent shows its progress ("subtasks 2/5")."""
    rows = [_row(t, today, depth) for t, depth in tree_rows(tasks)]
    if not rows:
        rows = [ListViewItem(key="empty", children=[Text(value="No tasks.", color="secondary")])]
    return ListView(status={"text": heading}, children=rows)


def copy_text(heading: str, tasks: Iterable[TaskOut], today: date) -> str:
    """Plain-text form of the list (the widget's ``copy_text``)."""
    lines = [heading]
    for t, depth in tree_rows(tasks):
        extra = [x for x in (relative_due(t, today), next_reminder(t, today), t.priority if t.priority != "none" else None) if x]
        extra += ["#" + tag for tag in t.tags]
        progress = progress_words(t)
        if progress:
            extra.append(f"subtasks {progress}")
        lines.append("  " * depth + f"[{'x' if t.completed else ' '}] {t.number}. {t.title}" + (f" ({', '.join(extra)})" if extra else ""))
    return "\n".join(lines)


def row_numbers(widget: WidgetComponentBase) -> list[int]:
    """Task numbers of the rows of a task-list widget, in order (from the ``task-N`` keys)."""
    numbers = []
    for child in getattr(widget, "children", None) or []:
        match = _ROW_KEY.match(getattr(child, "key", None) or "")
        if match:
            numbers.append(int(match.group(1)))
    return numbers


def heading_of(widget: WidgetComponentBase) -> str:
    """The heading (status text) of a task-list widget."""
    status = getattr(widget, "status", None)
    return status.get("text", "Tasks") if isinstance(status, dict) else "Tasks"


def widget_text(widget: object) -> str:
    """Every human-readable string in a widget tree (Text/Title/Caption/Markdown values, Badge
    labels, status text), one per line — what a person reads on it."""
    parts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("value", "label", "text"):
                if isinstance(node.get(key), str) and node.get("type") != "Button":
                    parts.append(node[key])
            for value in node.values():
                if isinstance(value, (dict, list)):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    data = node_dump(widget)
    walk(data)
    return "\n".join(parts)


def node_dump(widget: object) -> object:
    """A widget as plain JSON data."""
    dump = getattr(widget, "model_dump", None)
    return dump(exclude_none=True) if dump else widget


__all__ = [
    "ACTION_TYPES",
    "copy_text",
    "heading_of",
    "next_reminder",
    "progress_words",
    "relative_due",
    "row_numbers",
    "task_list_widget",
    "tree_rows",
    "widget_text",
]
