"""Faults injected into real ``todochat serve`` processes mid-turn (SQLite and PostgreSQL):
the client disconnecting mid-stream, ``kill -9`` of the server and a restart, and a provider
that never answers. The model is the fake OpenAI-compatible server (tests/fake_llm.py): it
calls ``add_task`` (the task commits and its widget streams), then hangs on the next answer, so
the fault lands after an acknowledged change and before the turn ends.

After each fault: the thread holds only whole items (the user message and the widget, no half
assistant message), the acknowledged task is stored and in the journal, and the next turn in
the same thread works. Each fault injected is counted in the hardening figures
(tests/hardening_tally.py), and an acknowledged task missing after one as a lost write."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests import hardening_tally as tally
from tests.fake_llm import FakeLLM, FakeLLMServer, Reply, ToolCall
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient

pytestmark = pytest.mark.slow


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    with FakeLLMServer(fake):
        yield fake


def serve(database_url: str, tmp_path: Path, fake: FakeLLM, **extra: str) -> LiveServer:
    """A server whose model is ``fake`` (OpenAI-compatible Chat Completions), no retries."""
    env = server_env(
        database_url, tmp_path / "srv", TODOCHAT_RATE_LIMIT="off", TODOCHAT_MODEL="openai-compatible:fake",
        TODOCHAT_OPENAI_BASE_URL=fake.base_url, TODOCHAT_MODEL_MAX_RETRIES="0", **extra,
    )  # fmt: skip
    return LiveServer(env).start(timeout=180)


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


async def start_turn_until_widget(server: LiveServer, fake: FakeLLM, hang: float = 120) -> tuple[str, httpx.AsyncClient, Any]:
    """Open a ``threads.create`` stream whose model adds "Call mom" and then waits ``hang``
    seconds; read events until the task's widget is done. Returns (thread id, the client, the
    open response)."""
    fake.add(Reply(tool_calls=[ToolCall("add_task", {"title": "Call mom"})]), Reply(text="Added task 1.", delay=hang))
    http = httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=60)
    request = http.build_request("POST", "/chatkit", json={"type": "threads.create", "params": {"input": message("add call mom")}})
    response = await http.send(request, stream=True)
    thread = None
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event["type"] == "thread.created":
            thread = event["thread"]["id"]
        if event["type"] == "thread.item.done" and event["item"]["type"] == "widget":
            break
    assert thread is not None
    return thread, http, response


async def after_the_fault(server: LiveServer, fake: FakeLLM, thread: str) -> None:
    """The thread holds whole items, the task is kept and journalled, the next turn works."""
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=60) as http:
        client = ChatKitClient(http, server.token())
        items = await client.items(thread)
        kinds = [i["type"] for i in items]
        assert kinds[:2] == ["user_message", "widget"], kinds
        assert "assistant_message" not in kinds, items  # no half answer
        # whole items only: the turn's steps so far (a collapsed workflow item, chatkit/steps.py) may be kept
        assert set(kinds) <= {"user_message", "widget", "workflow", "hidden_context_item"}, kinds
        for item in items:
            if item["type"] == "workflow":
                assert item["workflow"]["expanded"] is False and item["workflow"]["tasks"], item
        tasks = (await http.get("/api/v1/tasks")).json()["tasks"]
        if "Call mom" not in [t["title"] for t in tasks]:
            tally.observed("lost_writes")
        assert [(t["number"], t["title"]) for t in tasks] == [(1, "Call mom")]
        journal = (await http.get("/api/v1/activity")).json()
        assert "Call mom" in json.dumps(journal), journal
        fake.script.clear()  # the cut turn may have ended before asking for its second answer
        fake.add(Reply(text="Still here."))
        started = time.monotonic()
        try:
            turn = await client.send("are you there?", thread)
        except httpx.ReadTimeout as exc:
            raise AssertionError(f"the next turn hung; model requests {len(fake.requests)}; server log:\n{server.log()[-3000:]}") from exc
        assert turn.error is None and turn.text == "Still here.", turn.events
        assert time.monotonic() - started < 30  # no stale turn lock held the thread
        kinds = [i["type"] for i in await client.items(thread)]
        assert kinds[-2:] == ["user_message", "assistant_message"], kinds
        undone = await http.post("/api/v1/tasks/undo")  # the change is undoable: it is in the journal
        assert undone.status_code == 200 and (await http.get("/api/v1/tasks")).json()["tasks"] == []


async def test_client_disconnect_mid_stream_leaves_a_consistent_thread(database_url: str, tmp_path: Path, fake: FakeLLM) -> None:
    server = serve(database_url, tmp_path, fake)
    try:
        # the model waits 8 s, the client leaves at once: the fake's uvicorn answers no new request
        # until a delayed reply whose client died has ended (a limit of the fake, not of todochat)
        thread, http, response = await start_turn_until_widget(server, fake, hang=8)
        await response.aclose()  # the browser tab closes mid-answer
        await http.aclose()
        tally.fault("client disconnect mid-stream")
        await after_the_fault(server, fake, thread)
    finally:
        server.stop()


async def test_kill_9_mid_turn_then_restart_leaves_a_consistent_thread(database_url: str, tmp_path: Path, fake: FakeLLM) -> None:
    server = serve(database_url, tmp_path, fake)
    try:
        thread, http, response = await start_turn_until_widget(server, fake)
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(30)
        tally.fault("kill -9 mid-turn")
        await response.aclose()
        await http.aclose()
        # the restarted server talks to a fresh fake: the fake's uvicorn stops answering new
        # connections once a client dies while one of its replies is delayed (a limit of the fake)
        with FakeLLMServer(FakeLLM()) as fresh:
            server.env["TODOCHAT_OPENAI_BASE_URL"] = fresh.base_url
            server.start(timeout=180)  # same database, same data dir
            await after_the_fault(server, fresh, thread)
    finally:
        server.stop()


async def test_a_provider_that_never_answers_ends_the_turn_within_the_timeout(database_url: str, tmp_path: Path, fake: FakeLLM) -> None:
    server = serve(database_url, tmp_path, fake, TODOCHAT_MODEL_TIMEOUT_SECONDS="2")
    try:
        fake.add(Reply(text="too late", delay=600))
        tally.fault("provider timeout")
        async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=60) as http:
            client = ChatKitClient(http, server.token())
            started = time.monotonic()
            turn = await asyncio.wait_for(client.send("hello there"), 60)
            took = time.monotonic() - started
            assert turn.error and turn.error.startswith("The model provider did not answer in time."), turn.events
            assert 1.5 < took < 30, took  # the configured 2 s, not the provider's 600 s
            items = await client.items(turn.thread_id)  # type: ignore[arg-type]
            assert [i["type"] for i in items] == ["user_message"]
            assert items[0]["content"][0]["text"] == "hello there"  # the user's message is kept
            fake.add(Reply(text="Back again."))
            again = await client.send("hello again", turn.thread_id)
            assert again.error is None and again.text == "Back again."
    finally:
        server.stop()
