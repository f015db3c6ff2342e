"""A fake OpenAI-compatible LLM server on a real 127.0.0.1 port: scripted Chat Completions and
Responses API streams (the real SSE wire formats, with tool calls), failures, recorded requests."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
import uvicorn
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Flavour = Literal["openai", "gemini"]
ERROR_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}


@dataclass
class ToolCall:
    """One function call the fake model makes; ``arguments`` is sent as JSON text."""

    name: str
    arguments: dict[str, Any]


@dataclass
class Reply:
    """One scripted model answer: optional text, then optional tool calls (in one response)."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    cut_after: int | None = None
    """Drop the connection after this many SSE events (a provider failing mid-stream)."""
    delay: float = 0.0
    """Seconds to wait before answering (a provider that hangs)."""


@dataclass
class Failure:
    """An HTTP error answer (OpenAI's error body). ``retry_after_ms`` becomes the
    ``retry-after-ms`` header OpenAI sends (keeps client backoff short in tests)."""

    status: int = 500
    retry_after_ms: int | None = 10
    message: str = "The server had an error while processing your request."


@dataclass
class Received:
    """A request the fake received: its path, headers and JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def roles(self) -> list[str]:
        """Roles of a Chat Completions request's messages (or a Responses request's input items)."""
        items = self.body.get("messages") or self.body.get("input") or []
        return [m.get("role", m.get("type", "?")) for m in items if isinstance(m, dict)]


class FakeLLM:
    """A scripted OpenAI-compatible server.

    Each POST to ``…/chat/completions`` or ``…/responses`` (``stream: true``) takes the next
    scripted step: a :class:`Reply` is streamed in that API's wire format, a :class:`Failure`
    answers its status. While ``down`` is set every request fails with it. An empty script
    answers 500 with "fake: no scripted reply" so a missing step fails loudly.

    Args:
        flavour: ``"gemini"`` streams Chat Completions tool calls the way Google's
            OpenAI-compatible endpoint does (one chunk per call, no ``index``, a
            ``thought_signature`` in ``extra_content``, ``finish_reason: "stop"``).
    """

    def __init__(self, flavour: Flavour = "openai") -> None:
        self.flavour = flavour
        self.script: deque[Reply | Failure] = deque()
        self.down: Failure | None = None
        self.requests: list[Received] = []
        self.message_id: str | None = None
        """A fixed Responses message id for every reply (as some Responses-compatible servers do)."""
        self.closing = False
        self.base_url = ""
        """``http://127.0.0.1:<port>/v1`` once a :class:`FakeLLMServer` runs it."""
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])

    def add(self, *steps: Reply | Failure) -> FakeLLM:
        """Append steps to the script; returns self."""
        self.script.extend(steps)
        return self

    async def _pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the server is closing (so a hanging reply ends with it)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.closing:  # noqa: ASYNC110 — set from another thread
            await asyncio.sleep(0.02)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}fake"

    async def _handle(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(Received(request.url.path, dict(request.headers), body))
        step: Reply | Failure = self.down or (self.script.popleft() if self.script else Failure(500, None, "fake: no scripted reply"))
        if isinstance(step, Failure):
            headers = {"retry-after-ms": str(step.retry_after_ms)} if step.retry_after_ms is not None else {}
            kind = "server_error" if step.status >= 500 else ERROR_TYPES.get(step.status, "invalid_request_error")
            error = {"message": step.message, "type": kind, "param": None, "code": None}
            return JSONResponse({"error": error}, status_code=step.status, headers=headers)
        await self._pause(step.delay)
        if body.get("stream") is not True:
            return JSONResponse({"error": {"message": "fake: only stream=true is scripted"}}, status_code=400)
        if request.url.path.endswith("/chat/completions"):
            return EventSourceResponse(self._chat_stream(step, body), sep="\n")
        if request.url.path.endswith("/responses"):
            return EventSourceResponse(self._responses_stream(step, body), sep="\n")
        return JSONResponse({"error": {"message": f"fake: unknown path {request.url.path}"}}, status_code=404)

    # ------------------------------------------------------------------ Chat Completions
    async def _chat_stream(self, reply: Reply, body: dict[str, Any]) -> AsyncIterator[dict[str, str]]:
        chunks = self.chat_chunks(reply, body.get("model", "fake"), bool((body.get("stream_options") or {}).get("include_usage")))
        for number, chunk in enumerate(chunks):
            _cut(reply, number)
            yield {"data": json.dumps(chunk)}
        yield {"data": "[DONE]"}

    def chat_chunks(self, reply: Reply, model: str, include_usage: bool = False) -> list[dict[str, Any]]:
        """The ``chat.completion.chunk`` objects of ``reply``, as the provider streams them."""
        cid, created = self._id("chatcmpl"), int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                    "system_fingerprint": None,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
        for piece in _pieces(reply.text):
            chunks.append(chunk({"content": piece}))
        for index, call in enumerate(reply.tool_calls):
            arguments = json.dumps(call.arguments)
            if self.flavour == "gemini":
                chunks.append(chunk({"role": "assistant", "tool_calls": [{
                    "id": f"function-call-{next(self._ids)}", "type": "function",
                    "function": {"name": call.name, "arguments": arguments},
                    "extra_content": {"google": {"thought_signature": "c2lnbmF0dXJl"}},
                }]}))
                continue
            chunks.append(chunk({"tool_calls": [{"index": index, "id": self._id("call"), "type": "function",
                                                  "function": {"name": call.name, "arguments": ""}}]}))
            for piece in _pieces(arguments):
                chunks.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
        finish = "tool_calls" if reply.tool_calls and self.flavour == "openai" else "stop"
        chunks.append(chunk({}, finish))
        if include_usage:
            chunks.append({**chunk({}), "choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60}})
        return chunks

    # ------------------------------------------------------------------ Responses API
    async def _responses_stream(self, reply: Reply, body: dict[str, Any]) -> AsyncIterator[dict[str, str]]:
        for number, event in enumerate(self.response_events(reply, body)):
            _cut(reply, number)
            yield {"event": event["type"], "data": json.dumps(event)}

    def response_events(self, reply: Reply, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The Responses API stream events of ``reply`` (``response.created`` … ``response.completed``)."""
        response = {
            "id": self._id("resp"), "object": "response", "created_at": int(time.time()), "status": "in_progress",
            "error": None, "incomplete_details": None, "instructions": body.get("instructions"),
            "max_output_tokens": None, "model": body.get("model", "fake"), "output": [],
            "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)), "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None}, "store": False, "temperature": 1.0,
            "text": {"format": {"type": "text"}}, "tool_choice": "auto", "tools": body.get("tools", []),
            "top_p": 1.0, "truncation": "disabled", "usage": None, "user": None, "metadata": {},
        }
        events: list[dict[str, Any]] = [
            {"type": "response.created", "response": dict(response)},
            {"type": "response.in_progress", "response": dict(response)},
        ]
        output: list[dict[str, Any]] = []
        if reply.text:
            mid = self.message_id or self._id("msg")
            index = len(output)
            part = {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}
            where = {"item_id": mid, "output_index": index, "content_index": 0}
            events.append({"type": "response.output_item.added", "output_index": index,
                           "item": {"id": mid, "type": "message", "status": "in_progress", "role": "assistant", "content": []}})
            events.append({"type": "response.content_part.added", **where, "part": {**part, "text": ""}})
            events.extend({"type": "response.output_text.delta", **where, "delta": p, "logprobs": []} for p in _pieces(reply.text))
            events.append({"type": "response.output_text.done", **where, "text": reply.text, "logprobs": []})
            events.append({"type": "response.content_part.done", **where, "part": part})
            item = {"id": mid, "type": "message", "status": "completed", "role": "assistant", "content": [part]}
            events.append({"type": "response.output_item.done", "output_index": index, "item": item})
            output.append(item)
        for call in reply.tool_calls:
            fid, index, arguments = self._id("fc"), len(output), json.dumps(call.arguments)
            item = {"id": fid, "type": "function_call", "status": "in_progress", "call_id": self._id("call"),
                    "name": call.name, "arguments": ""}
            events.append({"type": "response.output_item.added", "output_index": index, "item": item})
            events.extend({"type": "response.function_call_arguments.delta", "item_id": fid, "output_index": index, "delta": p}
                          for p in _pieces(arguments))
            events.append({"type": "response.function_call_arguments.done", "item_id": fid, "output_index": index,
                           "name": call.name, "arguments": arguments})
            item = {**item, "status": "completed", "arguments": arguments}
            events.append({"type": "response.output_item.done", "output_index": index, "item": item})
            output.append(item)
        usage = {"input_tokens": 50, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0}, "output_tokens": 10,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 60}
        events.append({"type": "response.completed", "response": {**response, "status": "completed", "output": output, "usage": usage}})
        for number, event in enumerate(events):
            event["sequence_number"] = number
        return events


class ConnectionCut(Exception):
    """Raised inside a stream to make the server drop the connection mid-response."""


def _cut(reply: Reply, number: int) -> None:
    if reply.cut_after is not None and number >= reply.cut_after:
        raise ConnectionCut(f"fake: connection dropped after {reply.cut_after} events")


def _pieces(text: str, size: int = 7) -> list[str]:
    """``text`` cut in small deltas, as providers stream it."""
    return [text[i : i + size] for i in range(0, len(text), size)]


class FakeLLMServer:
    """Runs a :class:`FakeLLM` with uvicorn on a free 127.0.0.1 port in a background thread
    (``with FakeLLMServer(fake): ...``); sets ``fake.base_url`` to ``http://127.0.0.1:<port>/v1``."""

    def __init__(self, fake: FakeLLM) -> None:
        self.fake = fake
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        fake.base_url = f"http://127.0.0.1:{self.port}/v1"
        config = uvicorn.Config(fake.app, log_level="warning", lifespan="off", ws="none", http="h11",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake LLM server did not start")
            time.sleep(0.01)
        return self.fake

    def __exit__(self, *_exc: object) -> None:
        self.fake.closing = True
        self._server.should_exit = True
        self._thread.join(10)
        self._socket.close()


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """A started fake OpenAI-compatible server (OpenAI flavour) at ``fake_llm.base_url``."""
    fake = FakeLLM()
    with FakeLLMServer(fake):
        yield fake
