"""The two reference servers of ``make bench`` (bench/stack.py), each a FastAPI app for uvicorn:

- ``a_app`` (A): a bare FastAPI endpoint streaming a short SSE reply — HTTP + SSE, nothing else.
- ``b_app`` (B): chatkit 1.6.5's ``ChatKitServer`` as shipped (its own ``process``) with the Agents
  SDK, an in-memory store (dicts) and a scripted model: each turn calls one ``add_task`` tool
  (kept in a dict) and answers with one assistant message. No auth, no rate limit, no database,
  no widget: the floor of the stack todochat is built on (issue 13).

Run one with ``uvicorn floor:b_app --app-dir bench``.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from typing import Any

os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")

from agents import Agent, RunConfig, RunContextWrapper, Runner, function_tool, set_tracing_disabled
from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from chatkit.agents import AgentContext, simple_to_agent_input, stream_agent_response
from chatkit.server import ChatKitServer, StreamingResult
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    Attachment,
    Page,
    ThreadItem,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

set_tracing_disabled(True)

# ----------------------------------------------------------------------------- A
a_app = FastAPI()
_A_EVENTS = [
    b'data: {"type":"thread.created","thread":{"id":"thr_a"}}\n\n',
    b'data: {"type":"thread.item.done","item":{"type":"user_message","text":"add buy milk"}}\n\n',
    b'data: {"type":"thread.item.done","item":{"type":"assistant_message","text":"Added task 1: Buy milk."}}\n\n',
]


@a_app.post("/chatkit")
async def a_endpoint(request: Request) -> StreamingResponse:
    await request.body()

    async def events() -> AsyncIterator[bytes]:
        for event in _A_EVENTS:
            yield event

    return StreamingResponse(events(), media_type="text/event-stream")


# ----------------------------------------------------------------------------- B
class MemoryStore(Store[dict[str, Any]]):
    """chatkit's Store in dicts (one process, no persistence)."""

    def __init__(self) -> None:
        self.threads: dict[str, ThreadMetadata] = {}
        self.items: dict[str, list[ThreadItem]] = {}
        self.attachments: dict[str, Attachment] = {}

    async def load_thread(self, thread_id: str, context: dict[str, Any]) -> ThreadMetadata:
        if thread_id not in self.threads:
            raise NotFoundError(thread_id)
        return self.threads[thread_id]

    async def save_thread(self, thread: ThreadMetadata, context: dict[str, Any]) -> None:
        self.threads[thread.id] = thread

    async def load_thread_items(self, thread_id: str, after: str | None, limit: int, order: str, context: dict[str, Any]) -> Page[ThreadItem]:
        items = list(self.items.get(thread_id, []))
        if order == "desc":
            items.reverse()
        start = next((i + 1 for i, item in enumerate(items) if item.id == after), 0) if after else 0
        page = items[start:start + limit]
        has_more = start + limit < len(items)
        return Page(data=page, has_more=has_more, after=page[-1].id if has_more and page else None)

    async def save_attachment(self, attachment: Attachment, context: dict[str, Any]) -> None:
        self.attachments[attachment.id] = attachment

    async def load_attachment(self, attachment_id: str, context: dict[str, Any]) -> Attachment:
        return self.attachments[attachment_id]

    async def delete_attachment(self, attachment_id: str, context: dict[str, Any]) -> None:
        self.attachments.pop(attachment_id, None)

    async def load_threads(self, limit: int, after: str | None, order: str, context: dict[str, Any]) -> Page[ThreadMetadata]:
        threads = sorted(self.threads.values(), key=lambda t: t.created_at, reverse=order == "desc")
        return Page(data=threads[:limit], has_more=len(threads) > limit)

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: dict[str, Any]) -> None:
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: dict[str, Any]) -> None:
        items = self.items.setdefault(thread_id, [])
        for i, old in enumerate(items):
            if old.id == item.id:
                items[i] = item
                return
        items.append(item)

    async def load_item(self, thread_id: str, item_id: str, context: dict[str, Any]) -> ThreadItem:
        for item in self.items.get(thread_id, []):
            if item.id == item_id:
                return item
        raise NotFoundError(item_id)

    async def delete_thread(self, thread_id: str, context: dict[str, Any]) -> None:
        self.threads.pop(thread_id, None)
        self.items.pop(thread_id, None)

    async def delete_thread_item(self, thread_id: str, item_id: str, context: dict[str, Any]) -> None:
        self.items[thread_id] = [i for i in self.items.get(thread_id, []) if i.id != item_id]


TASKS: dict[int, str] = {}


@function_tool
async def add_task(ctx: RunContextWrapper[AgentContext], title: str) -> str:
    """Add a task with this title."""
    number = len(TASKS) + 1
    TASKS[number] = title
    return json.dumps({"ok": True, "task": {"number": number, "title": title}})


AGENT = Agent[AgentContext](name="floor", instructions="Add tasks.", tools=[add_task])


class FloorServer(ChatKitServer[dict[str, Any]]):
    """``respond``: one scripted Agents SDK run (tool call, then a message) per user message."""

    async def respond(self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: dict[str, Any]) -> AsyncIterator[ThreadStreamEvent]:
        model = ScriptedModel([
            [function_call("add_task", {"title": "Buy milk"}, call_id="call_1")],
            [assistant_message("Added task: Buy milk.", item_id="msg_1")],
        ])
        agent_ctx = AgentContext(thread=thread, store=self.store, request_context=context)
        result = Runner.run_streamed(
            AGENT, await simple_to_agent_input(input_user_message) if input_user_message else [],
            context=agent_ctx, run_config=RunConfig(model=model, tracing_disabled=True),
        )
        async for event in stream_agent_response(agent_ctx, result):
            yield event


b_app = FastAPI()
b_server = FloorServer(MemoryStore())


@b_app.post("/chatkit")
async def b_endpoint(request: Request) -> Response:
    result = await b_server.process(await request.body(), {})
    if isinstance(result, StreamingResult):
        return StreamingResponse(result, media_type="text/event-stream")
    return Response(content=result.json, media_type="application/json")
