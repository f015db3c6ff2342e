"""Turns and retries against a real ``todochat serve`` over real HTTP (SQLite and PostgreSQL):
concurrent messages to one thread, a "yes" racing other messages, and a connection cut after the
tool committed followed by Retry (issue 11, item 8)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from tests.servers import LiveServer

from todochat.client import ChatKitClient, Turn, _apply, _sse


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def add(thread_id: str, text: str) -> dict[str, Any]:
    return {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message(text)}}


async def titles(http: httpx.AsyncClient, server: LiveServer) -> list[str]:
    r = await http.get("/api/v1/tasks", headers=server.headers())
    assert r.status_code == 200, r.text
    body = r.json()
    return sorted(t["title"] for t in (body["tasks"] if isinstance(body, dict) else body))


async def test_ten_concurrent_messages_over_http_make_ten_tasks(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120) as http:
        client = ChatKitClient(http, live_server.token(), "UTC")
        first = await client.send("hello")
        turns = await asyncio.gather(*(client.send(f"add task {i}", first.thread_id) for i in range(10)))
        for i, turn in enumerate(turns):
            assert turn.error is None and turn.text.endswith(f": {i}."), (i, [t.text for t in turns])
        assert await titles(http, live_server) == [str(i) for i in range(10)]


async def test_yes_confirms_its_question_while_other_messages_race(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120) as http:
        client = ChatKitClient(http, live_server.token(), "UTC")
        first = await client.send("add buy milk")
        await client.send("add pay rent", first.thread_id)
        await client.send("add call mum", first.thread_id)
        asked = await client.send("delete tasks 1 and 2", first.thread_id)
        assert "?" in asked.text, asked.text
        yes = Turn()
        async with http.stream("POST", "/chatkit", json=add(first.thread_id, "yes"), headers=client.headers) as response:
            # headers came: the "yes" turn holds the thread and its message is stored; now race it
            racing = [asyncio.create_task(client.send(f"add chore {i}", first.thread_id)) for i in range(5)]
            async for event in _sse(response.aiter_lines()):
                _apply(yes, event, None)
        others = await asyncio.gather(*racing)
        assert yes.error is None and yes.text.startswith("Deleted 2 tasks"), yes.text
        assert all(t.error is None for t in others)
        assert await titles(http, live_server) == ["Call mum", *(f"Chore {i}" for i in range(5))]


async def test_connection_cut_after_the_tool_committed_then_retry_adds_once(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120) as http:
        client = ChatKitClient(http, live_server.token(), "UTC")
        request = {"type": "threads.create", "params": {"input": message("add buy milk")}}
        thread_id = user_message = None
        async with http.stream("POST", "/chatkit", json=request, headers=client.headers) as response:
            async for event in _sse(response.aiter_lines()):
                if event["type"] == "thread.created":
                    thread_id = event["thread"]["id"]
                item = event.get("item") or {}
                if event["type"] == "thread.item.done" and item.get("type") == "user_message":
                    user_message = item["id"]
                if event["type"] == "thread.item.done" and item.get("type") == "widget":
                    break  # the tool committed and showed it; the client goes away now
        assert thread_id and user_message
        assert await titles(http, live_server) == ["Buy milk"]

        again = await client.stream({"type": "threads.retry_after_item",
                                     "params": {"thread_id": thread_id, "item_id": user_message}})
        assert again.error is None, again.events
        assert again.text == "I had already done this: added task 1 “Buy milk”. Nothing was repeated."
        assert await titles(http, live_server) == ["Buy milk"]
        items = await client.items(thread_id)
        assert [i["type"] for i in items] == ["user_message", "widget", "assistant_message"]
        assert json.dumps(items).count("Nothing was repeated") == 1
