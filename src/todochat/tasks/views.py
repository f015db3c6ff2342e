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

from typing import Final, Literal

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


__all__ = ["DEFAULT_SORT", "DEFAULT_STATUS", "toggled_status"]
