"""Progress of a chat turn's bulk change (issue 16, item 5): before a confirmed ``complete_tasks``,
``delete_tasks`` or ``update_tasks`` changes many tasks at once, the turn streams a ChatKit
``progress_update`` ("Completing 120 tasks…"), as imports do (chatkit/imports.py), so the person sees
what is being done until the task widget and reply arrive. Nothing is stored: a progress update is
transient (ChatKit shows it until the next item).

The count is the selection's tasks as the service would change them now (``TaskService.bulk_preview``;
subtasks a deletion takes along are not counted). A call without ``confirm`` changes nothing (it asks
first), and a selection under :data:`BULK_PROGRESS_MIN` tasks finishes too quickly to need one.
"""

from __future__ import annotations

from typing import Literal

from chatkit.types import ProgressUpdateEvent

from todochat.agent.context import TodoAgentContext
from todochat.errors import TodoError
from todochat.tasks.schemas import Selection

BULK_PROGRESS_MIN = 10
"""The fewest tasks a confirmed bulk change must select for a progress update."""
Action = Literal["complete", "delete", "update"]
WORDS: dict[Action, tuple[str, str]] = {
    "complete": ("Completing", "check-circle"),
    "delete": ("Deleting", "batch"),
    "update": ("Updating", "write-alt"),
}


def progress_text(action: Action, count: int) -> str:
    """``Completing 120 tasks…`` / ``Deleting 12 tasks…`` / ``Updating 30 tasks…``."""
    return f"{WORDS[action][0]} {count} tasks…"


async def announce_bulk(context: TodoAgentContext, action: Action, selection: Selection, *, confirm: bool) -> int | None:
    """Stream a ``progress_update`` into the turn before a bulk change of many tasks.

    Args:
        context: the turn's agent context (its request context names the user).
        action: the bulk change about to run.
        selection: its selection, as the tool will pass it to the service.
        confirm: whether the call will change anything (False: it asks first; nothing streamed).

    Returns:
        The number of tasks announced, or None when nothing was streamed (not confirmed, fewer than
        :data:`BULK_PROGRESS_MIN`, or a selection the service refuses — the tool then reports that).
    """
    if not confirm:
        return None
    try:
        count = len(await context.service.bulk_preview(context.request_context, action, selection))
    except TodoError:
        return None  # the change itself refuses it, with the message the person sees
    if count < BULK_PROGRESS_MIN:
        return None
    await context.stream(ProgressUpdateEvent(icon=WORDS[action][1], text=progress_text(action, count)))
    return count


__all__ = ["BULK_PROGRESS_MIN", "announce_bulk", "progress_text"]
