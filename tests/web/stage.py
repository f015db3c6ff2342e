"""A real todochat HTTP server in this process whose model can be slow, fail once, or export.

Everything but the model is the product (create_app, ChatKit server, SQL store, task service,
uvicorn on a real port); the model is the built-in one, except for messages starting with:

- ``slowly``: a long reply streamed in small pieces, 250 ms apart (to see text arrive);
- ``flaky``: the model raises on the first try of each such message, answers on the retry;
- ``export csv`` / ``export ics``: calls the ``download_tasks`` tool (a client tool).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from agents import Model, ModelResponse, Usage
from tests.clock import TEST_NOW
from tests.servers import free_port

from todochat import migrations
from todochat.agent.models.builtin import BuiltinModel
from todochat.agent.models.builtin.events import function_call_item, message_item, stream_events
from todochat.agent.models.builtin.model import decide
from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.config import Settings

SLOW_REPLY = "Here is a long answer that arrives a few words at a time, so you can watch it being written."
RECOVERED = "Sorry about that, I am back: nothing was lost."


def latest(input: str | list[Any]) -> tuple[str, bool]:
    """The latest user message's text, and whether a tool output came after it."""
    if isinstance(input, str):
        return input, False
    for item in reversed(input):
        kind = item.get("type") if isinstance(item, dict) else getattr(item, "type", None)
        if kind == "function_call_output":
            return "", True
        role = item.get("role") if isinstance(item, dict) else getattr(item, "role", None)
        if role == "user":
            content = item.get("content") if isinstance(item, dict) else getattr(item, "content", "")
            if isinstance(content, str):
                return content, False
            return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict)), False
    return "", False


def last_call(input: str | list[Any]) -> str | None:
    """The name of the latest function call in the model input."""
    for item in reversed(input if isinstance(input, list) else []):
        kind = item.get("type") if isinstance(item, dict) else getattr(item, "type", None)
        if kind == "function_call":
            return str(item.get("name") if isinstance(item, dict) else item.name)
    return None


class StageModel(Model):
    """The built-in model with the three stage directions of the module docstring."""

    def __init__(self) -> None:
        self.failed: set[str] = set()

    def _output(self, system_instructions: str | None, input: str | list[Any]) -> tuple[list[Any], float]:
        text, after_tool = latest(input)
        if after_tool:
            if last_call(input) == "download_tasks":
                return [message_item("Your file is on its way.")], 0.0
            return list(decide(system_instructions, input)), 0.0
        words = text.lower().split()
        if words[:1] == ["export"]:
            fmt = "ics" if "ics" in words else "csv"
            return [function_call_item("download_tasks", {"format": fmt, "status": "all"})], 0.0
        if words[:1] == ["slowly"]:
            return [message_item(SLOW_REPLY)], 0.25
        if words[:1] == ["flaky"]:
            if text not in self.failed:
                self.failed.add(text)
                raise RuntimeError("the model is down (stage direction)")
            return [message_item(RECOVERED)], 0.0
        return list(decide(system_instructions, input)), 0.0

    async def get_response(self, system_instructions: str | None, input: Any, *args: Any, **kwargs: Any) -> ModelResponse:
        output, _ = self._output(system_instructions, input)
        return ModelResponse(output=output, usage=Usage(requests=1), response_id=None)

    async def stream_response(self, system_instructions: str | None, input: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        output, pause = self._output(system_instructions, input)
        for event in stream_events(output):
            yield event
            if pause and event.type == "response.output_text.delta":
                await asyncio.sleep(pause)


@dataclass
class StageServer:
    """The running server: its URL and tokens for its users."""

    base_url: str
    settings: Settings

    def token(self, user: str) -> str:
        """A valid token for ``user``."""
        return issue_token(user, self.settings)


def run_stage_server(data_dir: Path) -> Iterator[StageServer]:
    """Start the stage server (SQLite in ``data_dir``) in a thread; stop it when the generator ends."""
    assert BuiltinModel  # the built-in model is what answers ordinary messages
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{data_dir / 'stage.db'}",
        data_dir=data_dir,
        jwt_secret="stage-secret-" + "s" * 32,
        rate_limit="10000/minute",
        clock_fixed=TEST_NOW,
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, model=StageModel()), host="127.0.0.1", port=port, log_level="warning"))

    def run() -> None:  # in a thread of its own: the caller's thread may run Playwright's event loop
        migrations.upgrade(settings)
        server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the stage server did not start")
        time.sleep(0.05)
    try:
        yield StageServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(15)
