"""Threads named by a short summary (issue 16, item 6): after the reply, from the tasks the turn
changed, else the cleaned message; small talk leaves the thread unnamed. Over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import LiveServer

from todochat.chatkit.titles import TITLE_MAX, summary_title


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def test_summary_titles() -> None:
    added = lambda *titles: [{"tool": "add_task", "tasks": [{"number": n, "title": t} for n, t in enumerate(titles, 1)]}]  # noqa: E731
    assert summary_title("add pay rent", added("Pay rent")) == "Pay rent"
    assert summary_title("x", added("Pay rent", "Call mom")) == "Pay rent and call mom"
    assert summary_title("x", added("Milk", "Eggs", "Bread", "TPS report")) == "Milk, eggs and 2 more"
    assert summary_title("x", added("Pay rent") + added("Pay rent")) == "Pay rent"  # one task named once
    assert summary_title("Can you show me what's due this week?", []) == "Show me what's due this week"
    for small_talk in ("hi", "Hello!", "thanks", "thank you!", "hey there", "  "):
        assert summary_title(small_talk, []) is None, small_talk
    long = summary_title("remember " + "the very long thing " * 10, [])
    assert long == "Remember the very long thing the very long thing the very…" and len(long) <= TITLE_MAX  # at a word


async def test_a_thread_is_named_after_its_reply_from_the_tasks_it_changed(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=60) as http:
        created = events((await http.post("/chatkit", json={"type": "threads.create", "params": {"input": message("hi")}})).text)
        thread = next(e["thread"] for e in created if e["type"] == "thread.created")
        assert thread.get("title") is None
        assert not [e for e in created if e["type"] == "thread.updated" and e["thread"].get("title")]  # small talk: unnamed

        tid = {"thread_id": thread["id"]}
        turn = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            **tid, "input": message("add pay rent, call mom")}})).text)
        kinds = [e["type"] for e in turn]
        named = [i for i, e in enumerate(turn) if e["type"] == "thread.updated" and e["thread"].get("title")]
        assert named and turn[named[0]]["thread"]["title"] == "Pay rent and call mom", kinds
        reply = max(i for i, e in enumerate(turn) if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message")
        assert named[0] > reply  # named after the reply was complete: naming never delays it

        await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message("add buy milk")}})
        got = (await http.post("/chatkit", json={"type": "threads.get_by_id", "params": tid})).json()
        assert got["title"] == "Pay rent and call mom"  # named once; a later turn does not rename it

        renamed = events((await http.post("/chatkit", json={"type": "threads.create", "params": {"input": message("what's due this week?")}})).text)
        other = next(e["thread"] for e in renamed if e["type"] == "thread.created")
        assert (await http.post("/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": other["id"]}})).json()["title"] == "What's due this week"
