"""The default view of a task list: which tasks a plain "show my tasks" lists, and in what order.

Rule (issue 15, item 5, "default views people expect"): a list shows the OPEN tasks, soonest due
first, tasks without a due date last, ties by task number (:func:`todochat.tasks.queries.due_key`:
due as local wall time in the user's zone, a whole day before that day's times). Completed tasks
appear only when asked for (``status="completed"`` or ``"all"``). Every front that shows a list
without an explicit order uses :data:`DEFAULT_SORT`; the chat fronts (agent tools, widgets) also
default to :data:`DEFAULT_STATUS`. REST keeps ``status="all"`` as its default (an API client
syncing a list needs every task) and uses :data:`DEFAULT_SORT` unless ``sort`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final, Literal

from todochat.errors import ValidationError
from todochat.tasks.schemas import TaskFilter, TaskOut, ViewName

DEFAULT_STATUS: Final[Literal["pending"]] = "pending"
"""A list shows open tasks unless completed ones are asked for."""
DEFAULT_SORT: Final[Literal["due"]] = "due"
"""Soonest due first, undated last, then by number (``queries.ordered``/``queries.due_key``)."""


def toggled_status(status: str) -> str | None:
    """The status a list's "Show completed" / "Hide completed" toggle switches to: open tasks
    (``pending``) ↔ every task (``all``); None for a list of completed tasks only (no toggle).

    Args:
        status: the list's status filter (``pending``, ``all`` or ``completed``).
    """
    return {"pending": "all", "all": "pending"}.get(status)


VIEW_TITLES: Final[dict[ViewName, str]] = {"today": "Today", "upcoming": "Upcoming"}
"""The default views beside the lists, in the order the page's task panel shows them."""


def view_filter(view: ViewName, today: date) -> TaskFilter:
    """The tasks a default view shows (issue 16, item 4, "Today, Upcoming, each list").

    Rule: both show open tasks only (:data:`DEFAULT_STATUS`), in :data:`DEFAULT_SORT` order.
    ``today``: due on ``today`` or before (overdue ones included: what is left to do today, the
    selection of the "Plan my day" composer tool). ``upcoming``: due after ``today``. Tasks
    without a due date are in neither (they are in their list).

    Args:
        view: ``today`` or ``upcoming``.
        today: the user's local day (``RequestContext.local_now().date()``).

    Raises:
        ValidationError: another view name (field ``view``).
    """
    if view == "today":
        return TaskFilter(status=DEFAULT_STATUS, due_before=today.isoformat())
    if view == "upcoming":
        return TaskFilter(status=DEFAULT_STATUS, due_after=(today + timedelta(days=1)).isoformat())
    raise ValidationError(f"Unknown view {view!r}: use {' or '.join(VIEW_TITLES)}.", field="view")


def nested(tasks: Sequence[TaskOut]) -> list[tuple[TaskOut, int]]:
    """``tasks`` as a view shows them: each subtask right after its parent (and the parent's
    earlier subtasks), one level deeper, when the parent is among ``tasks``; every other task
    keeps its place at depth 0.

    Args:
        tasks: the view's tasks in their order (e.g. :data:`DEFAULT_SORT`).

    Returns:
        ``(task, depth)`` pairs, every task exactly once; depth 0 for a top-level row.
    """
    shown = {t.number for t in tasks}
    children: dict[int, list[TaskOut]] = {}
    for task in tasks:
        if task.parent is not None and task.parent in shown and task.parent != task.number:
            children.setdefault(task.parent, []).append(task)
    out: list[tuple[TaskOut, int]] = []
    placed: set[int] = set()

    def place(task: TaskOut, depth: int) -> None:
        if task.number in placed:
            return
        placed.add(task.number)
        out.append((task, depth))
        for child in children.get(task.number, []):
            place(child, depth + 1)

    for task in tasks:
        if task.parent is None or task.parent not in shown or task.parent == task.number:
            place(task, 0)
    for task in tasks:  # a parent cycle cannot be stored; never drop a row if one were
        place(task, 0)
    return out


__all__ = ["DEFAULT_SORT", "DEFAULT_STATUS", "VIEW_TITLES", "nested", "toggled_status", "view_filter"]
