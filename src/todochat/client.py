"""A small ChatKit protocol client (httpx + SSE), used by ``todochat chat`` and ``todochat eval``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from todochat.chatkit.widgets import widget_text


@dataclass
class Turn:
    """What one streamed request produced.

    Attributes:
        thread_id: the thread (new or existing).
        text: the assistant's text of this turn (all messages joined).
        widgets: widget JSON objects streamed this turn (done or replaced items).
        error: the message of a ChatKit error event, if any.
        events: every event, as parsed JSON.
    """

    thread_id: str | None = None
    text: str = ""
    widgets: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    client_tool_call: dict[str, Any] | None = None

    @property
    def shown(self) -> str:
        """The assistant's text plus the text of every widget (what the turn showed)."""
        return "\n".join([self.text, *(widget_text(w) for w in self.widgets)])


class ChatKitError(Exception):
    """A non-2xx answer from ``/chatkit``; ``status`` and ``body`` say why."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.body = body


class ChatKitClient:
    """Talks to a todochat server over the ChatKit protocol.

    Args:
        client: an ``httpx.AsyncClient`` whose base URL is the server (or an ASGI transport).
        token: the bearer token.
        timezone: IANA zone sent as ``X-Timezone``.
    """

    def __init__(self, client: httpx.AsyncClient, token: str, timezone: str | None = None) -> None:
        self.http = client
        self.headers = {"Authorization": f"Bearer {token}"}
        if timezone:
            self.headers["X-Timezone"] = timezone

    async def request(self, payload: dict[str, Any]) -> Any:
        """Send a non-streaming request; returns the JSON answer.

        Raises:
            ChatKitError: a non-2xx status.
        """
        response = await self.http.post("/chatkit", json=payload, headers=self.headers)
        if response.status_code >= 400:
            raise ChatKitError(response.status_code, _json(response.text))
        return response.json()

    async def stream(
        self, payload: dict[str, Any], on_delta: Callable[[str], None] | None = None
    ) -> Turn:
        """Send a streaming request and collect its events into a :class:`Turn`.

        Args:
            on_delta: called with each assistant text delta as it arrives.

        Raises:
            ChatKitError: a non-2xx status before the stream starts.
        """
        turn = Turn(thread_id=payload.get("params", {}).get("thread_id"))
        async with self.http.stream("POST", "/chatkit", json=payload, headers=self.headers, timeout=120) as response:
            if response.status_code >= 400:
                raise ChatKitError(response.status_code, _json((await response.aread()).decode()))
            async for event in _sse(response.aiter_lines()):
                turn.events.append(event)
                _apply(turn, event, on_delta)
        return turn

    async def send(self, text: str, thread_id: str | None = None, on_delta: Callable[[str], None] | None = None) -> Turn:
        """Send a user message: ``threads.create`` without ``thread_id``, else ``threads.add_user_message``."""
        message = {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}
        if thread_id is None:
            return await self.stream({"type": "threads.create", "params": {"input": message}}, on_delta)
        return await self.stream(
            {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message}}, on_delta
        )

    async def items(self, thread_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The thread's items, oldest first (``items.list``)."""
        page = await self.request({"type": "items.list", "params": {"thread_id": thread_id, "limit": limit, "order": "asc"}})
        return list(page["data"])


async def _sse(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    data: list[str] = []
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].lstrip())
        elif not line.strip() and data:
            yield json.loads("\n".join(data))
            data = []
    if data:
        yield json.loads("\n".join(data))


def _apply(turn: Turn, event: dict[str, Any], on_delta: Callable[[str], None] | None) -> None:
    kind = event.get("type")
    if kind == "thread.created":
        turn.thread_id = event["thread"]["id"]
    elif kind == "thread.item.updated":
        update = event.get("update", {})
        if update.get("type") == "assistant_message.content_part.text_delta" and on_delta:
            on_delta(update.get("delta", ""))
    elif kind in ("thread.item.done", "thread.item.replaced"):
        item = event["item"]
        if item.get("type") == "assistant_message":
            text = "".join(part.get("text", "") for part in item.get("content", []))
            turn.text = f"{turn.text}\n{text}".strip() if turn.text else text
        elif item.get("type") == "widget":
            turn.widgets.append(item["widget"])
        elif item.get("type") == "client_tool_call":
            turn.client_tool_call = item
    elif kind == "error":
        turn.error = event.get("message") or event.get("code") or "error"


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
