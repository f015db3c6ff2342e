"""Retries that do not repeat: a turn's committed tool calls are recorded against its user message,
and a retry of that message shows them instead of running the tools again.

Design notes (issue 11, item 8; DESIGN.md "Known traps", ``handle_stream_cancelled``):

- Recording: ``EffectRecorder`` is the run's ``RunHooks``; ``on_tool_end`` runs right after each
  tool returns. A tool that changed something (its JSON result says ``"ok": true`` and it is not
  read-only) is appended to the user message's effects (``SQLStore.record_turn_effect``) at once,
  under ``asyncio.shield``, so a client that disconnects then cannot cancel the write. Should that
  write still be lost (the process dies between the tool's commit and it), the change journal has
  the turn too: the request context carries the user message id (``RequestContext.turn``) and
  every journal group a turn writes records it in the change's own transaction; a retry reads the
  journal's changes of that turn when no effect was recorded.
- Retrying (``threads.retry_after_item``): chatkit deletes the items after the user message and
  calls ``respond`` with it. If the message has effects, nothing runs again: the reply lists what
  was already done ("I had already done this: added task 4 “Buy milk”. Nothing was repeated.")
  with a task-list widget of those tasks as they are now. A message without effects (the cut came
  before any change, or the turn only read) runs again as new. This holds whether or not the first
  answer was stored: a retry never applies a change twice.
- A half turn (the client disconnected): what was streamed *and done* is stored as it went (the
  user message, every finished widget, the effects); ``handle_stream_cancelled`` then stores any
  non-empty partial assistant message and chatkit's hidden "the user cancelled" note, shielded from
  the cancellation so these writes are not themselves cut. Unfinished widgets are dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import anyio
from agents import RunContextWrapper, RunHooks, Tool

from todochat.agent.context import TodoAgentContext
from todochat.chatkit.steps import TurnSteps, parse_result
from todochat.context import RequestContext
from todochat.tasks.journal import ActivityEntry

logger = logging.getLogger(__name__)

READ_ONLY_TOOLS = frozenset({"list_tasks", "download_tasks", "list_activity", "list_reminders"})
VERBS = {
    "add_task": "added", "complete_task": "completed", "reopen_task": "reopened",
    "delete_task": "deleted", "update_task": "updated", "complete_tasks": "completed",
    "delete_tasks": "deleted", "update_tasks": "updated",
    "undo": "undid a change, restoring", "redo": "redid a change, restoring",
    "add_reminder": "set a reminder on", "cancel_reminder": "cancelled a reminder of",
    "cancel_reminders": "cancelled reminders of",
}
JOURNAL_TOOLS = {
    "add": "add_task", "complete": "complete_task", "reopen": "reopen_task", "update": "update_task",
    "delete": "delete_task", "bulk_complete": "complete_tasks", "bulk_delete": "delete_tasks",
    "bulk_update": "update_tasks", "remind": "add_reminder", "unremind": "cancel_reminder",
    "bulk_unremind": "cancel_reminders",
}
"""The tool that makes each journal action (tasks/journal.py), for effects read back from the journal."""
PENDING_WRITES = "turn_effect_writes"  # RequestContext.metadata key
TASK_KEYS = ("task", "next_task", "tasks", "created", "restored")


def effect_of(tool: str, output: object) -> dict[str, Any] | None:
    """The record of one tool call that changed something, or None (read-only or refused).

    Args:
        tool: the tool's name.
        output: its result (the JSON string our tools return; docs/agent-tools.md).

    Returns:
        ``{"tool": name, "tasks": [{"number": int, "title": str}, ...]}``.
    """
    if tool in READ_ONLY_TOOLS or not isinstance(output, str):
        return None
    try:
        result = json.loads(output)
    except ValueError:
        return None
    if not isinstance(result, dict) or result.get("ok") is not True:
        return None
    tasks: list[dict[str, Any]] = []
    for key in TASK_KEYS:
        value = result.get(key)
        for task in value if isinstance(value, list) else [value]:
            if isinstance(task, dict) and isinstance(task.get("number"), int):
                tasks.append({"number": task["number"], "title": str(task.get("title", ""))})
    reminder = result.get("reminder")  # add_reminder / cancel_reminder: the reminder names its task
    if isinstance(reminder, dict) and isinstance(reminder.get("task"), int):
        tasks.append({"number": reminder["task"], "title": str(reminder.get("title", ""))})
    for item in result.get("reminders") or [] if tool == "cancel_reminders" else []:  # each names its task
        if isinstance(item, dict) and isinstance(item.get("task"), int) and item["task"] not in [t["number"] for t in tasks]:
            tasks.append({"number": item["task"], "title": str(item.get("title", ""))})
    return {"tool": tool, "tasks": tasks}


def journal_effect(entry: ActivityEntry) -> dict[str, Any]:
    """An effect (as :func:`effect_of` makes) from a journal entry of the turn: its tool, the task
    numbers it changed, and the journal's own summary (``added 'Buy milk'``) as the words."""
    return {
        "tool": JOURNAL_TOOLS.get(entry.action, entry.action),
        "tasks": [{"number": n, "title": ""} for n in entry.task_numbers],
        "summary": entry.summary,
    }


def already_done_text(effects: list[dict[str, Any]]) -> str:
    """The reply of a retried turn whose changes were already made.

    Example: ``I had already done this: added task 4 “Buy milk”. Nothing was repeated.``
    """
    parts = []
    for effect in effects:
        if isinstance(effect.get("summary"), str):
            parts.append(effect["summary"])
            continue
        verb = VERBS.get(str(effect.get("tool")), str(effect.get("tool", "")).replace("_", " "))
        tasks = [t for t in effect.get("tasks", []) if isinstance(t, dict)]
        named = ", ".join(f"task {t.get('number')} “{t.get('title')}”" for t in tasks)
        parts.append(f"{verb} {named}" if named else verb)
    return f"I had already done this: {'; '.join(parts)}. Nothing was repeated."


def effect_numbers(effects: list[dict[str, Any]]) -> list[int]:
    """The task numbers the effects name, first mention first."""
    numbers: dict[int, None] = {}
    for effect in effects:
        for task in effect.get("tasks", []):
            if isinstance(task, dict) and isinstance(task.get("number"), int):
                numbers[task["number"]] = None
    return list(numbers)


class EffectRecorder(RunHooks[Any]):
    """Run hooks recording each committed tool call against the turn's user message.

    Args:
        store: the SQL store (``record_turn_effect``); another store records nothing.
        thread_id, item_id: the user message the turn answers.
        context: the request's context (its user).
        steps: the turn's visible steps (chatkit/steps.py), shown after each committed call; None: none.
    """

    def __init__(
        self, store: object, thread_id: str, item_id: str, context: RequestContext, steps: TurnSteps | None = None
    ) -> None:
        self.store, self.thread_id, self.item_id, self.context = store, thread_id, item_id, context
        self.steps = steps
        self.effects: list[dict[str, Any]] = []
        """This run's effects, in order (the thread's title is made from them: chatkit/titles.py)."""

    async def on_tool_end(self, context: RunContextWrapper[Any], agent: Any, tool: Tool, result: object) -> None:
        """Record ``tool``'s effect (if it changed anything) before the run goes on."""
        effect = effect_of(tool.name, result)
        if effect is not None:
            self.effects.append(effect)
        record = getattr(self.store, "record_turn_effect", None)
        if effect is None:
            return
        if record is None:
            await self._show_steps(context, tool.name, result)
            return
        write = asyncio.ensure_future(record(self.thread_id, self.item_id, effect, self.context))
        write.add_done_callback(_log_failure)
        pending = self.context.metadata.setdefault(PENDING_WRITES, [])
        if isinstance(pending, list):
            pending.append(write)  # awaited before the thread's turn lock is released
        await asyncio.shield(write)  # a cancelled turn still finishes this write
        await self._show_steps(context, tool.name, result)

    async def _show_steps(self, context: RunContextWrapper[Any], tool: str, result: object) -> None:
        agent_ctx = context.context
        parsed = parse_result(result)
        if self.steps is not None and isinstance(agent_ctx, TodoAgentContext) and parsed is not None:
            await self.steps.after_tool(agent_ctx, tool, parsed)


async def finish_writes(context: RequestContext) -> None:
    """Wait (shielded from cancellation) for the effect writes a cancelled turn left running, so
    the next turn of the thread — a retry — sees them."""
    pending = context.metadata.pop(PENDING_WRITES, None)
    if isinstance(pending, list) and pending:
        with anyio.CancelScope(shield=True):
            await asyncio.wait(pending)


def _log_failure(write: asyncio.Future[Any]) -> None:
    if not write.cancelled() and write.exception() is not None:
        logger.warning("turn_effect_not_recorded: %s", type(write.exception()).__name__)
