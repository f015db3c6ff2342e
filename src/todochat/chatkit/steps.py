"""A turn's visible steps: each task change its tools committed, as one ChatKit workflow item.

A turn that changes tasks shows a ``WorkflowItem`` (``Workflow(type="custom")`` of ``CustomTask``
entries, chatkit 1.6.5): one entry per change the journal recorded for the turn ("Added 'Pay rent' —
due Fri 4 Dec", "Marked 'Dentist' done"), worded by ``presentation.change_summary`` (an undo or redo
by its result's message, ``presentation.undo_message``). The item is announced with its first step
(``thread.item.added``), grows by ``workflow.task.added`` updates, and ends collapsed
(``expanded: false``, summary "2 changes") with ``thread.item.done`` when the turn's agent run ends;
chatkit stores it then. Its ``created_at`` is its first step's, so a reloaded thread shows it where
it appeared; a turn cut short stores the steps it had (``handle_stream_cancelled``). With each new
step the turn also streams the client effect ``tasks_changed`` (ChatKit ``client_effect``, not stored),
so the page's task panel follows the thread's changes as they commit. A turn that changes nothing (a question, a list) shows none. A bulk completion of
numbered tasks some of which were already done also streams a ``notice`` saying so.

chatkit's ``stream_agent_response`` ends a workflow it tracks as soon as another item is added (our
tools stream task widgets): the steps item is not left to it (``AgentContext.workflow_item`` is
cleared when the item passes), so one turn keeps one workflow.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from chatkit.types import (
    ClientEffectEvent,
    CustomSummary,
    CustomTask,
    NoticeEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    Workflow,
    WorkflowItem,
    WorkflowTaskAdded,
)

from todochat.agent.context import TodoAgentContext
from todochat.presentation import already_done_words, step_title, steps_heading

TASKS_CHANGED = "tasks_changed"
"""The ChatKit client effect a turn streams as soon as a tool call committed a change (data:
``{"changes": N}``, the steps it added): a page showing the user's tasks beside the thread re-reads them."""

STEP_TOOLS_BY_MESSAGE = frozenset({"undo", "redo"})
"""Tools whose change is no journal entry of the turn (they revert or reapply an earlier one): their
step is their result's ``message``."""


class TurnSteps:
    """The steps of one agent turn (one per server ``agent_turn``).

    Args:
        turn: the user message the turn answers (the journal records changes under it).
    """

    def __init__(self, turn: str) -> None:
        self.turn = turn
        self.item: WorkflowItem | None = None
        self.seen: set[int] = set()  # journal entry ids already shown

    async def after_tool(self, agent_ctx: TodoAgentContext, tool: str, result: dict[str, Any]) -> None:
        """Stream the steps the committed tool call ``tool`` (its JSON ``result``, ``ok: true``) added.

        Reads the turn's journal entries (``TaskService.turn_changes``) and shows the new ones.
        """
        titles: list[str] = []
        if tool in STEP_TOOLS_BY_MESSAGE:
            if isinstance(result.get("message"), str):
                titles.append(step_title(result["message"]))
        else:
            request = agent_ctx.request_context
            for entry in await agent_ctx.service.turn_changes(request, self.turn, detail=True):
                if entry.id not in self.seen:
                    self.seen.add(entry.id)
                    titles.append(step_title(entry.summary))
        for title in titles:
            await self._add(agent_ctx, title)
        if titles:
            # the page's task panel re-reads at once (web/static/app.js); other tabs and fronts
            # learn of the change from GET /api/v1/events
            await agent_ctx.stream(ClientEffectEvent(name=TASKS_CHANGED, data={"changes": len(titles)}))
        notice = already_done_notice(tool, result, agent_ctx)
        if notice is not None:
            await agent_ctx.stream(notice)

    async def _add(self, agent_ctx: TodoAgentContext, title: str) -> None:
        task = CustomTask(title=title, icon="check-circle", status_indicator="complete")
        if self.item is None:
            self.item = WorkflowItem(
                id=agent_ctx.generate_id("workflow"),
                thread_id=agent_ctx.thread.id,
                created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
                workflow=Workflow(type="custom", tasks=[task], expanded=True),
            )
            await agent_ctx.stream(ThreadItemAddedEvent(item=self.item.model_copy(deep=True)))
            return
        self.item.workflow.tasks.append(task)
        await agent_ctx.stream(ThreadItemUpdatedEvent(
            item_id=self.item.id,
            update=WorkflowTaskAdded(task=task, task_index=len(self.item.workflow.tasks) - 1),
        ))

    async def around(
        self, events: AsyncIterator[ThreadStreamEvent], agent_ctx: TodoAgentContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Pass ``events`` (chatkit's ``stream_agent_response``) on; keep chatkit from ending the
        steps item early; end it collapsed after the last event."""
        async for event in events:
            if isinstance(event, ThreadItemAddedEvent) and self.item is not None and event.item.id == self.item.id:
                agent_ctx.workflow_item = None  # ours, not chatkit's to end at the next widget
            yield event
        if self.item is not None:
            yield ThreadItemDoneEvent(item=self.finished())

    def finished(self) -> WorkflowItem:
        """The steps item as stored: collapsed, titled by its number of steps."""
        assert self.item is not None
        return collapsed(self.item)


def collapsed(item: WorkflowItem) -> WorkflowItem:
    """A steps item ended: ``expanded: false``, summary ``N changes`` (also for a half turn's steps,
    stored by the server's ``handle_stream_cancelled``)."""
    workflow = item.workflow.model_copy(update={
        "expanded": False,
        "summary": CustomSummary(title=steps_heading(len(item.workflow.tasks)), icon="check-circle"),
    })
    return item.model_copy(update={"workflow": workflow})


def already_done_notice(tool: str, result: dict[str, Any], agent_ctx: TodoAgentContext) -> NoticeEvent | None:
    """A warning when ``complete_tasks`` named tasks by number and some were already done (the
    service leaves those alone and does not list them): ``2 tasks were already done: 3, 5.``"""
    if tool != "complete_tasks":
        return None
    calls = agent_ctx.request_context.metadata.get("tool_calls")
    last = calls[-1] if isinstance(calls, list) and calls else {}
    numbers = last.get("arguments", {}).get("numbers") if isinstance(last, dict) and last.get("tool") == tool else None
    if not isinstance(numbers, list):
        return None
    done = {t.get("number") for t in result.get("tasks", []) if isinstance(t, dict)}
    skipped = [n for n in dict.fromkeys(numbers) if n not in done]
    if not skipped:
        return None
    return NoticeEvent(level="warning", message=already_done_words(skipped))


def parse_result(output: object) -> dict[str, Any] | None:
    """A tool's JSON result as a dict, or None."""
    if not isinstance(output, str):
        return None
    try:
        value = json.loads(output)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
