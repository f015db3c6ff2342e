"""The task-list widget (ChatKit ``ListView``) and the actions its buttons send.

Each row's ``key`` is ``task-<number>`` so a widget action can re-render the same rows with
their new state. Button actions: ``task.complete``, ``task.reopen``, ``task.delete`` (and a
deleted row's ``task.undo_delete``) with payload ``{"number": N}``. Every button here has
``streaming: false``: ChatKit clients send it as ``threads.sync_custom_action`` (chatkit 1.6.2,
``ChatKitServer.sync_action``) and replace the widget with the item the server answers.

A widget shows at most :data:`LIST_ROWS_MAX` rows; a last row (key ``footer-<N>``) says "and N
more" for the rest and, on a list view (``view`` given), carries the "Show completed" / "Hide
completed" toggle: action ``tasks.view`` with payload ``{"filter": {...TaskFilter fields},
"sort": "..."}``, the list to show instead (the server re-renders the widget, no model turn).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

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

from todochat.presentation import (
    BELL,
    due_label,
    list_label,
    local_due_words,
    note_line,
    recurrence_words,
    reminder_label,
)
from todochat.tasks.schemas import TaskFilter, TaskOut
from todochat.tasks.views import nested, toggled_status

ACTION_TYPES = ("task.complete", "task.reopen", "task.delete", "task.undo_delete")
UNDO_DELETE_ACTION = "task.undo_delete"
"""A deleted row's Undo button (payload ``{"number": N}``): undoes that deletion if it is the
user's latest change (``TaskService.undo_delete``)."""
VIEW_ACTION = "tasks.view"
"""The list toggle's action type (payload ``{"filter": {...}, "sort": "..."}``)."""
LIST_ROWS_MAX = 25
"""A task-list widget shows at most this many rows, then "and N more"."""
_ROW_KEY = re.compile(r"^task-(\d+)$")
_FOOTER_KEY = re.compile(r"^footer-(\d+)$")
PRIORITY_COLORS = {"high": "danger", "medium": "warning", "low": "info"}


def relative_due(task: TaskOut, today: date) -> str | None:
    """Due date as people say it (:func:`todochat.presentation.local_due_words`): ``today``,
    ``tomorrow at 15:00``, ``Fri 20 Nov`` (``Fri 20 Nov 2027`` in another year); None without one."""
    return local_due_words(task.due, today=today) or None


def next_reminder(task: TaskOut, today: date) -> str | None:
    """``🔔 tomorrow 14:30`` (``(+N)`` with more reminders) for a task with a pending reminder
    that can fire; ``🔔`` alone when its only reminders wait for a due time; else None."""
    if task.next_reminder is not None:
        return reminder_label(task.next_reminder, today, count=len(task.reminders))
    return BELL if task.reminders else None


INDENT = 20
"""Pixels a subtask's row is indented per level under its parent."""


def tree_rows(tasks: Iterable[TaskOut]) -> list[tuple[TaskOut, int]]:
    """``tasks`` with each subtask right after its parent (when the parent is among them), as
    ``(task, depth)``: the rule of ``tasks.views.nested``, which the task panel shows too."""
    return nested(list(tasks))


def progress_words(task: TaskOut) -> str | None:
    """``2/5`` (done/total direct subtasks) for a task with subtasks, else None."""
    return f"{task.progress.done}/{task.progress.total}" if task.progress else None


def _row(task: TaskOut, today: date, depth: int = 0) -> ListViewItem:
    details: list[WidgetComponentBase] = []
    progress = progress_words(task)
    if progress:
        details.append(Caption(value=f"subtasks {progress}", color="secondary"))
    due = due_label(task.due, overdue=task.overdue, today=today)
    if due:
        details.append(Caption(value=due, color="danger" if task.overdue else "secondary"))
    bell = next_reminder(task, today)
    if bell:
        details.append(Caption(value=bell, color="secondary"))
    if task.recurrence:
        start = date.fromisoformat(task.due[:10]) if task.due else None
        details.append(Caption(value="repeats " + recurrence_words(task.recurrence, start=start, year=today.year), color="secondary"))
    if task.priority != "none":
        details.append(Badge(label=task.priority, color=PRIORITY_COLORS.get(task.priority, "secondary"), size="sm"))  # type: ignore[arg-type]
    details.extend(Badge(label="#" + tag, color="secondary", variant="outline", size="sm") for tag in task.tags)
    in_list = list_label(task.list)
    if in_list:  # rows of the Inbox show no list
        details.append(Caption(value=f"in {in_list}", color="secondary"))
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
    note = note_line(task.description)
    if note:
        main.append(Caption(value=note, color="secondary", truncate=True, maxLines=1))
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
                onClickAction=ActionConfig(type=toggle, payload={"number": task.number}, streaming=False),
            ),
            Button(
                label="Delete",
                size="sm",
                variant="ghost",
                color="danger",
                onClickAction=ActionConfig(type="task.delete", payload={"number": task.number}, streaming=False),
            ),
        ],
    )


def deleted_row(number: int, title: str) -> ListViewItem:
    """The row of a task that no longer exists: its number and title struck through, then
    "Deleted · Undo" (the Undo button sends :data:`UNDO_DELETE_ACTION`). Key ``task-N`` like a task's row, so a
    later re-render keeps it in place.

    Args:
        number: the task's number.
        title: the row's text as the widget last showed it (``"3. Buy milk"``), or ``""``.
    """
    return ListViewItem(
        key=f"task-{number}",
        gap=3,
        children=[
            Text(value="✕", color="secondary"),
            Col(gap=1, flex=1, children=[
                Text(value=title or f"{number}.", lineThrough=True, color="secondary", weight="medium"),
                Row(gap=2, children=[
                    Caption(value="Deleted ·", color="secondary"),
                    Button(
                        label="Undo",
                        size="sm",
                        variant="outline",
                        onClickAction=ActionConfig(type=UNDO_DELETE_ACTION, payload={"number": number}, streaming=False),
                    ),
                ]),
            ]),
        ],
    )


def live_rows(
    numbers: list[int], current: dict[int, TaskOut], titles: dict[int, str], today: date
) -> list[ListViewItem]:
    """The rows of a task-list widget re-rendered from the tasks' current state, in the order
    ``numbers`` gives: a task's row exactly as :func:`task_list_widget` draws it (subtasks indented
    under a listed parent), and :func:`deleted_row` for a number with no current task.

    Args:
        numbers: the widget's row numbers, in order (:func:`row_numbers`).
        current: the user's current tasks by number (deleted ones absent).
        titles: each row's text as last shown (:func:`row_titles`), for deleted rows.
        today: the user's local date.
    """
    depth = {t.number: d for t, d in tree_rows(current[n] for n in numbers if n in current)}
    return [
        _row(current[n], today, depth.get(n, 0)) if n in current else deleted_row(n, titles.get(n, ""))
        for n in numbers
    ]


def row_titles(widget: WidgetComponentBase) -> dict[int, str]:
    """Each task row's first text (``"3. Buy milk"``) by task number, as the widget shows it."""
    titles: dict[int, str] = {}
    for child in _field(widget, "children") or []:
        match = _ROW_KEY.match(_field(child, "key") or "")
        if match:
            titles[int(match.group(1))] = _first_text(child)
    return titles


def _first_text(node: object) -> str:
    """The value of the first ``Text`` below ``node`` that is not the ○/✓/✕ mark."""
    for child in _field(node, "children") or []:
        if _field(child, "type") == "Text" and _field(child, "value") not in ("○", "✓", "✕"):
            return str(_field(child, "value") or "")
        found = _first_text(child)
        if found:
            return found
    return ""


def list_heading(flt: TaskFilter, count: int) -> str:
    """The heading of a list view: what it shows and how many tasks match (``Your open tasks · 3``,
    ``All your tasks · 5``, ``Completed tasks tagged #work · 2``)."""
    words = {"pending": "Your open tasks", "completed": "Completed tasks"}.get(flt.status, "All your tasks")
    if flt.due:
        words += f" due {flt.due.replace('_', ' ')}" if flt.due != "overdue" else " (overdue)"
    if flt.priority:
        words += f" ({flt.priority} priority)"
    if flt.tag:
        words += f" tagged #{flt.tag}"
    if flt.query:
        words += f' matching "{flt.query}"'
    if flt.list:
        words += f" in {flt.list}"
    return f"{words} · {count}"


def task_list_widget(
    heading: str,
    tasks: Iterable[TaskOut],
    today: date,
    *,
    view: tuple[TaskFilter, str] | None = None,
    more: int = 0,
) -> ListView:
    """A ``ListView`` with a heading (its status line) and one row per task, in the order given:
    done state, number, title, due (relative, "danger" colour when overdue), next reminder (a bell
    and its time), repeat, priority and tags, the note on one line, and buttons. Subtasks come
    right after their parent, indented, and a parent shows its progress ("subtasks 2/5").

    Args:
        heading: the status line.
        tasks: the tasks in display order (subtasks are moved under their parent); rows after the first :data:`LIST_ROWS_MAX` are left
            out and counted in the "and N more" row.
        today: the user's local date (for "today"/"tomorrow").
        view: the list's ``(filter, sort)`` when the widget shows a list view: adds the
            "Show completed" (open tasks) / "Hide completed" (all tasks) toggle.
        more: tasks already left out before ``tasks`` (a re-rendered widget keeps its count).
    """
    tree = tree_rows(tasks)
    more += max(0, len(tree) - LIST_ROWS_MAX)
    return list_of_rows(heading, [_row(t, today, depth) for t, depth in tree[:LIST_ROWS_MAX]], view=view, more=more)


def list_of_rows(
    heading: str, rows: list[ListViewItem], *, view: tuple[TaskFilter, str] | None = None, more: int = 0
) -> ListView:
    """A task-list ``ListView`` of ready rows (:func:`task_list_widget`'s, or :func:`live_rows`):
    "No tasks." when there are none, then the footer ("and N more", the completed-tasks toggle)."""
    if not rows:
        rows = [ListViewItem(key="empty", children=[Text(value="No tasks.", color="secondary")])]
    footer = _footer(more, view)
    if footer is not None:
        rows.append(footer)
    return ListView(status={"text": heading}, children=rows)


def _footer(more: int, view: tuple[TaskFilter, str] | None) -> ListViewItem | None:
    """The last row: "and N more" and/or the completed-tasks toggle (None when neither)."""
    children: list[WidgetComponentBase] = []
    if more:
        children.append(Text(value=f"and {more} more", color="secondary", size="sm"))
    status = toggled_status(view[0].status) if view else None
    if view and status:
        flt, sort = view
        children += [
            Spacer(),
            Button(
                label="Show completed" if status == "all" else "Hide completed",
                size="sm",
                variant="ghost",
                onClickAction=ActionConfig(
                    type=VIEW_ACTION,
                    payload={"filter": flt.model_copy(update={"status": status}).model_dump(exclude_none=True), "sort": sort},
                    streaming=False,
                ),
            ),
        ]
    if not children:
        return None
    return ListViewItem(key=f"footer-{more}", gap=3, children=children)


def copy_text(heading: str, tasks: Iterable[TaskOut], today: date, *, more: int = 0) -> str:
    """Plain-text form of the list (the widget's ``copy_text``): the same rows as
    :func:`task_list_widget` (at most :data:`LIST_ROWS_MAX`, then "… and N more"), each with its
    note after ``—``."""
    tree = tree_rows(tasks)
    more += max(0, len(tree) - LIST_ROWS_MAX)
    lines = [heading]
    for t, depth in tree[:LIST_ROWS_MAX]:
        extra = [x for x in (relative_due(t, today), next_reminder(t, today), t.priority if t.priority != "none" else None) if x]
        extra += ["#" + tag for tag in t.tags]
        extra += [f"in {name}"] if (name := list_label(t.list)) else []
        progress = progress_words(t)
        if progress:
            extra.append(f"subtasks {progress}")
        note = note_line(t.description)
        lines.append(
            "  " * depth + f"[{'x' if t.completed else ' '}] {t.number}. {t.title}"
            + (f" ({', '.join(extra)})" if extra else "")
            + (f" — {note}" if note else "")
        )
    if more:
        lines.append(f"… and {more} more")
    return "\n".join(lines)


def list_view_of(widget: WidgetComponentBase) -> tuple[tuple[TaskFilter, str] | None, int]:
    """What a task-list widget's footer records: its list view ``(filter, sort)`` (the one its
    toggle switches away from; None without a toggle) and how many tasks it leaves out.

    Raises:
        pydantic.ValidationError: the toggle's payload is no task filter (a forged widget).
    """
    children = _field(widget, "children") or []
    footer = next((c for c in children if _FOOTER_KEY.match(_field(c, "key") or "")), None)
    if footer is None:
        return None, 0
    more = int(_FOOTER_KEY.match(_field(footer, "key")).group(1))  # type: ignore[union-attr]
    for child in _field(footer, "children") or []:
        action = _field(child, "onClickAction")
        if _field(child, "type") == "Button" and action is not None and _field(action, "type") == VIEW_ACTION:
            payload = _field(action, "payload") or {}
            flt = TaskFilter.model_validate(payload.get("filter") or {})
            status = toggled_status(flt.status)
            view = (flt.model_copy(update={"status": status}), str(payload.get("sort") or "number")) if status else None
            return view, more
    return None, more


def _field(node: object, name: str) -> Any:
    """A field of a widget component, whether a model or its JSON dict."""
    return node.get(name) if isinstance(node, dict) else getattr(node, name, None)


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
    "LIST_ROWS_MAX",
    "UNDO_DELETE_ACTION",
    "VIEW_ACTION",
    "copy_text",
    "deleted_row",
    "heading_of",
    "list_heading",
    "list_of_rows",
    "list_view_of",
    "live_rows",
    "next_reminder",
    "progress_words",
    "relative_due",
    "row_numbers",
    "row_titles",
    "task_list_widget",
    "tree_rows",
    "widget_text",
]
