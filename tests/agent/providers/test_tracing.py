"""Agents SDK tracing stays off for every model unless ``TODOCHAT_TRACING`` turns it on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agents.tracing import TracingProcessor, get_trace_provider, set_trace_processors
from tests.agent.providers.conftest import Running
from tests.fake_llm import Reply

from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient


class Recorder(TracingProcessor):
    """Keeps the names of traces and the types of spans the SDK hands its processors."""

    def __init__(self) -> None:
        self.traces: list[str] = []
        self.spans: list[str] = []

    def on_trace_start(self, trace: Any) -> None:
        self.traces.append(trace.name)

    def on_trace_end(self, trace: Any) -> None:
        pass

    def on_span_start(self, span: Any) -> None:
        pass

    def on_span_end(self, span: Any) -> None:
        self.spans.append(span.span_data.type)

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """The only trace processor during the test (nothing is exported); the SDK's processors and
    global on/off switch are put back afterwards."""
    provider = get_trace_provider()
    saved = list(provider._multi_processor._processors)
    saved_manual = provider._manual_disabled
    recording = Recorder()
    set_trace_processors([recording])
    yield recording
    set_trace_processors(saved)
    provider._manual_disabled = saved_manual
    provider._refresh_disabled_flag()


@pytest.mark.parametrize("tracing", [False, True])
async def test_tracing_follows_the_setting_on_every_provider(provider, settings, recorder, tracing):
    async with Running(provider, settings, tracing=tracing) as h:
        h.fake.add(Reply(text="Hi."))
        turn = await h.send("hello")
        assert turn.text == "Hi."
    if tracing:
        assert recorder.traces == ["Agent workflow"]
        assert {"agent", "response" if provider.name == "openai" else "generation"} <= set(recorder.spans)
    else:
        assert (recorder.traces, recorder.spans) == ([], [])


async def test_tracing_is_off_for_the_builtin_model(settings, recorder, monkeypatch):
    monkeypatch.delenv("OPENAI_AGENTS_DISABLE_TRACING")  # the setting alone decides
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        turn = await ChatKitClient(http, issue_token("alice", settings)).send("add buy milk")
    assert turn.error is None, turn.events
    assert (recorder.traces, recorder.spans) == ([], [])
