"""Composer tools (ChatKit ``inference_options.tool_choice``): "Add task", "Plan my day", "Weekly review".

- ``add_task``: the message is a task to add, whatever its words ("pay rent friday" → add it, where
  "plan my day" typed alone would be read as a task anyway, but "show my tasks" would list them); the
  model — built-in or a provider's — receives it as ``add <message>``; the stored message stays as typed.
- ``plan_my_day`` and ``weekly_review``: fixed views answered from the task service, without a model
  turn (the same for every model): today's open tasks with the overdue ones, and the week (done in the
  last 7 days, overdue, due in the next 7 days).

Pages list :data:`COMPOSER_TOOLS` (``GET /api/v1/composer-tools``); an unknown tool id is refused
before anything is stored (:func:`check_tool_choice`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chatkit.types import UserMessageInput, UserMessageItem, UserMessageTextContent

from todochat.context import RequestContext
from todochat.errors import ValidationError
from todochat.tasks.schemas import TaskFilter, TaskOut
from todochat.tasks.service import TaskService


@dataclass(frozen=True)
class ComposerTool:
    """One composer tool as chatkit-js ``composer.tools`` lists it (``ToolOption``).

    Attributes:
        id: the ``tool_choice.id`` sent with the message.
        label: the menu label.
        icon: a ChatKit icon name.
        placeholder: the composer's placeholder while the tool is chosen.
        needs_text: what is typed matters; False: any text starts the tool (the built-in page sends the
            label when the message box is empty; a message is never empty).
    """

    id: str
    label: str
    icon: str
    placeholder: str
    needs_text: bool = True


COMPOSER_TOOLS: dict[str, ComposerTool] = {
    tool.id: tool
    for tool in (
        ComposerTool("add_task", "Add task", "write-alt", "The task, e.g. pay rent friday #home"),
        ComposerTool("plan_my_day", "Plan my day", "calendar", "Press Enter to plan your day", needs_text=False),
        ComposerTool("weekly_review", "Weekly review", "book-clock", "Press Enter for your weekly review", needs_text=False),
    )
}
"""The composer tools, by id."""
VIEW_TOOLS = ("plan_my_day", "weekly_review")
"""Tools answered with a view from the service instead of a model turn."""
ADD_WORDS = re.compile(r"^\s*(?:add|remind me|create|new task|todo|to-do)\b", re.IGNORECASE)


def tool_choice_of(message: UserMessageItem | UserMessageInput) -> str | None:
    """The composer tool id a message was sent with, or None."""
    options = message.inference_options
    choice = options.tool_choice if options is not None else None
    return choice.id if choice is not None else None


def check_tool_choice(message: UserMessageInput) -> None:
    """Refuse a message sent with a tool this server does not have.

    Raises:
        ValidationError: an unknown ``tool_choice.id`` (field ``inference_options.tool_choice``).
    """
    tool = tool_choice_of(message)
    if tool is not None and tool not in COMPOSER_TOOLS:
        names = ", ".join(COMPOSER_TOOLS)
        raise ValidationError(f"Unknown composer tool {tool[:40]!r}; this server has {names}.", field="inference_options.tool_choice")


def as_add_request(text: str) -> str:
    """What the model reads for a message sent with "Add task": ``add <text>`` unless it already asks
    to add ("remind me to …", "add …")."""
    return text if ADD_WORDS.match(text) else f"add {text.strip()}"


def for_model(message: UserMessageItem) -> UserMessageItem:
    """``message`` as the model should read it: with "Add task" chosen, its text as
    :func:`as_add_request` makes it (text parts joined); otherwise unchanged."""
    if tool_choice_of(message) != "add_task":
        return message
    text = " ".join(part.text for part in message.content if isinstance(part, UserMessageTextContent)).strip()
    if not text:
        return message
    return message.model_copy(update={"content": [UserMessageTextContent(text=as_add_request(text))]})


@dataclass
class View:
    """A composer view's answer: the reply text, the widget heading, its rows and its list view."""

    text: str
    heading: str
    tasks: list[TaskOut]
    view: tuple[TaskFilter, str] | None = None


async def view_for(tool: str, service: TaskService, context: RequestContext) -> View:
    """The answer of a view tool (:data:`VIEW_TOOLS`) for the user, from the task service.

    Raises:
        ValueError: ``tool`` is not a view tool.
    """
    today = context.local_now().date()
    if tool == "plan_my_day":
        flt = TaskFilter(status="pending", due_before=today.isoformat())
        tasks = await service.list(context, flt, sort="due")
        late = len(_overdue(tasks, today))
        if not tasks:
            text = "Nothing is due today or overdue. Add something, or pick a task without a date."
        else:
            text = f"{_count(len(tasks), 'task')} for today" + (f", {late} of them overdue." if late else ".")
            text += " Done and Delete are on each row."
        return View(text, f"Today · {len(tasks)}", tasks, (flt, "due"))
    if tool == "weekly_review":
        week_ago, week_ahead = today - timedelta(days=6), today + timedelta(days=6)
        done = [t for t in await service.list(context, TaskFilter(status="completed"), sort="number")
                if t.completed_at is not None and _local_day(t.completed_at, context) >= week_ago]
        open_ = await service.list(context, TaskFilter(status="pending", due_before=week_ahead.isoformat()), sort="due")
        overdue = _overdue(open_, today)
        coming = [t for t in open_ if t not in overdue]
        text = (f"In the last 7 days you finished {_count(len(done), 'task')}. "
                f"{_count(len(overdue), 'task')} overdue, {_count(len(coming), 'task')} due in the next 7 days.")
        return View(text, f"This week · {len(overdue) + len(coming)} open, {len(done)} done", [*overdue, *coming, *done])
    raise ValueError(f"{tool!r} is not a view tool")


def _overdue(tasks: list[TaskOut], today: date) -> list[TaskOut]:
    """The tasks due before ``today`` (the user's local day)."""
    return [t for t in tasks if (day := _due_day(t)) is not None and day < today]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _due_day(task: TaskOut) -> date | None:
    return date.fromisoformat(task.due[:10]) if task.due else None


def _local_day(instant: Any, context: RequestContext) -> date:
    """The user's local day of an instant (a datetime, or ISO 8601 text)."""
    from datetime import datetime

    value = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    return value.astimezone(context.local_now().tzinfo).date() if value.tzinfo else value.date()


__all__ = ["COMPOSER_TOOLS", "VIEW_TOOLS", "ComposerTool", "View", "as_add_request", "check_tool_choice", "for_model", "tool_choice_of", "view_for"]
