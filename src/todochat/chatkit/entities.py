"""Tasks as ChatKit entities: @-mention tags in, task annotations out.

In: a user message's ``input_tag`` parts (``data: {"number": N}``, checked at the HTTP boundary
by :func:`todochat.tasks.mentions.check_tags`) reach the model as the exact reference ``task N``
in the message text — the form the built-in model's reference rules and an LLM both read as a
number, never as title words to match — plus chatkit's "User-provided context for @-mentions"
message naming each tagged task's title.

Out: every assistant message names tasks ("Marked task 7: Call dentist as done", "tasks 2 and 3",
``4 "Milk"``); :func:`with_task_annotations` gives it one ``EntitySource`` annotation per live
task it mentions (``data: {"number": N}``, interactive), so a client can open the task on click.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, cast

from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    Annotation,
    AssistantMessageItem,
    EntitySource,
    ThreadItemDoneEvent,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
)
from openai.types.responses import ResponseInputTextParam

from todochat.context import RequestContext
from todochat.presentation import due_label
from todochat.tasks.mentions import Mention, live_mentions
from todochat.tasks.rules import NUMBER_MAX
from todochat.tasks.service import TaskService

ENTITY_PREFIX = "task-"
"""Entity ids of tasks: ``task-<number>`` (numbers are per user; the token says whose)."""
_MENTION = re.compile(
    r"\b[Tt]asks?\s+#?(\d+)((?:\s*(?:,|\band\b|&)\s*#?\d+)*)"  # task 7 · tasks 2, 3 and 5 · task #7
    r"|(?<![\w#&])#(\d+)\b"  # #7
    r"|(?<![\w.,#])(\d+)\s+[\"“]"  # 4 "Milk" (the built-in model's lists of tasks)
)
_NUMBER = re.compile(r"\d+")


def tag_number(tag: UserMessageTagContent) -> int | None:
    """The task number an ``input_tag`` carries (``data.number``), or None if it has none."""
    number = tag.data.get("number") if isinstance(tag.data, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def tag_reference(tag: UserMessageTagContent) -> str:
    """The exact reference a tag becomes in the model's input: ``task 7`` (its title otherwise)."""
    number = tag_number(tag)
    return f"task {number}" if number is not None else tag.text.lstrip("@")


def reference_text(item: UserMessageItem) -> str:
    """The user's message as the model reads it: text parts as typed, each tag as
    :func:`tag_reference`, separated from the words around it by one space
    ("done with" + tag + "please" → "done with task 7 please")."""
    out = ""
    for part in item.content:
        if isinstance(part, UserMessageTagContent):
            ref = tag_reference(part)
            out += ref if not out or out[-1].isspace() else " " + ref
        elif isinstance(part, UserMessageTextContent):
            text = part.text
            if out and text and not text[0].isspace() and text[0] not in ".,;:!?)" and not out[-1].isspace():
                text = " " + text
            out += text
    return out


class TaskTagConverter(ThreadItemConverter):
    """chatkit's converter with task tags as exact references (see the module docstring)."""

    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputTextParam:
        """One line of chatkit's "@-mentions" context message: what the tag names."""
        number = tag_number(tag)
        return ResponseInputTextParam(
            type="input_text",
            text=f"- task {number}: the user's task number {number}, titled {tag.text.lstrip('@')!r} "
            f"(picked from their list: act on task {number}; never look it up by title)",
        )

    async def user_message_to_input(self, item: UserMessageItem, is_last_message: bool = True) -> Any:
        """chatkit's conversion, with the message text read by :func:`reference_text`."""
        converted = await super().user_message_to_input(item, is_last_message)
        if converted is None or not any(isinstance(p, UserMessageTagContent) for p in item.content):
            return converted
        first = cast(dict[str, Any], converted[0] if isinstance(converted, list) else converted)
        rest = list(first["content"])[1:]  # the attachments' parts
        first["content"] = [ResponseInputTextParam(type="input_text", text=reference_text(item)), *rest]
        return converted


def mentioned(text: str) -> list[tuple[int, int]]:
    """The task numbers ``text`` mentions, each with the index just after its first mention,
    in order of appearance: "task 7", "Task #7", "tasks 2, 3 and 5", "#7", ``4 "Milk"``."""
    found: dict[int, int] = {}
    for m in _MENTION.finditer(text):
        if m.group(1) is not None:
            start = m.start(1)
            for n in _NUMBER.finditer(text, start, m.end(2) if m.group(2) else m.end(1)):
                found.setdefault(int(n.group()), n.end())
        else:
            group = 3 if m.group(3) is not None else 4
            found.setdefault(int(m.group(group)), m.end(group))
    return [(n, i) for n, i in found.items() if 1 <= n <= NUMBER_MAX]


def task_source(task: Mention, today: date) -> EntitySource:
    """The entity a reply's mention of ``task`` points at (interactive; ``data.number``), its
    description "Task 7 · due tomorrow" in a task row's words (``today``: the user's local day)."""
    state = "done" if task.completed else (due_label(task.due, overdue=False, today=today) or "open")
    return EntitySource(
        id=f"{ENTITY_PREFIX}{task.number}",
        title=task.title,
        description=f"Task {task.number} · {state}",
        icon="check-circle-filled" if task.completed else "check-circle",
        label=f"Task {task.number}",
        inline_label=f"#{task.number}",
        interactive=True,
        group="Tasks",
        data={"number": task.number},
    )


async def annotate(item: AssistantMessageItem, service: TaskService, context: RequestContext) -> AssistantMessageItem:
    """``item`` with an entity annotation per live task of the user each content part mentions
    (deleted or unknown numbers get none); one SQL statement for the whole message, none without
    mentions."""
    per_part = [mentioned(part.text) for part in item.content]
    numbers = sorted({n for found in per_part for n, _ in found})
    if not numbers:
        return item
    tasks = await live_mentions(service, context, numbers)
    today = context.local_now().date()
    content = []
    for part, found in zip(item.content, per_part, strict=True):
        extra = [Annotation(source=task_source(tasks[n], today), index=i) for n, i in found if n in tasks]
        content.append(part.model_copy(update={"annotations": [*part.annotations, *extra]}) if extra else part)
    return item.model_copy(update={"content": content})


async def with_task_annotations(
    events: AsyncIterator[ThreadStreamEvent], service: TaskService, context: RequestContext
) -> AsyncIterator[ThreadStreamEvent]:
    """Pass ``events`` through, giving each finished assistant message (``thread.item.done``,
    the form chatkit stores) its task annotations (:func:`annotate`)."""
    async for event in events:
        if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, AssistantMessageItem):
            event = ThreadItemDoneEvent(item=await annotate(event.item, service, context))
        yield event


__all__ = [
    "ENTITY_PREFIX", "TaskTagConverter", "annotate", "mentioned", "reference_text", "tag_number",
    "tag_reference", "task_source", "with_task_annotations",
]
