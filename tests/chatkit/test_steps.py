"""A turn's visible steps (issue 16, item 5): a turn that changes tasks shows one ChatKit workflow
item with one entry per change, collapsed when the turn is done and stored in the thread; a turn
that changes nothing shows none. Over real HTTP with the built-in model, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import LiveServer

from todochat.presentation import already_done_words, change_summary, step_title, steps_heading


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def workflows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["type"] == "workflow"]


def test_step_words() -> None:
    from zoneinfo import ZoneInfo

    added = {"title": "Pay rent", "due_at": "2026-12-04T00:00:00+00:00", "due_all_day": True, "completed": False}
    tz = ZoneInfo("UTC")
    assert step_title(change_summary("add", [(None, added)], tz, year=2026, detail=True)) == "Added 'Pay rent' — due Fri 4 Dec"
    assert change_summary("add", [(None, added)], tz, year=2026) == "added 'Pay rent'"  # activity, undo: unchanged
    assert steps_heading(1) == "1 change" and steps_heading(2) == "2 changes"
    assert already_done_words([3, 5]) == "2 tasks were already done: 3, 5."
    assert already_done_words([3]) == "1 task was already done: 3."


async def test_a_turn_that_changes_tasks_shows_its_steps_collapsed_and_stored(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=60) as http:
        turn = events((await http.post("/chatkit", json={"type": "threads.create", "params": {
            "input": message("add pay rent on friday and call mom")}})).text)
        thread = next(e["thread"] for e in turn if e["type"] == "thread.created")
        added = [e for e in turn if e["type"] == "thread.item.added" and e["item"]["type"] == "workflow"]
        assert len(added) == 1, [e["type"] for e in turn]
        wid = added[0]["item"]["id"]
        grown = [e for e in turn if e["type"] == "thread.item.updated" and e["item_id"] == wid]
        assert [g["update"]["type"] for g in grown] == ["workflow.task.added"]
        done = [e for e in turn if e["type"] == "thread.item.done" and e["item"]["type"] == "workflow"]
        assert len(done) == 1 and done[0]["item"]["id"] == wid
        workflow = done[0]["item"]["workflow"]
        titles = [t["title"] for t in workflow["tasks"]]
        assert len(titles) == 2 and titles[0].startswith("Added 'Pay rent' — due Fri "), titles
        assert titles[1] == "Added 'Call mom'", titles
        assert workflow["expanded"] is False and workflow["summary"]["title"] == "2 changes"
        assert workflow["type"] == "custom" and {t["type"] for t in workflow["tasks"]} == {"custom"}
        effects = [e for e in turn if e["type"] == "client_effect"]
        assert [e["name"] for e in effects] == ["tasks_changed"] * len(effects) and sum(e["data"]["changes"] for e in effects) == 2

        tid = {"thread_id": thread["id"]}
        listed = (await http.post("/chatkit", json={"type": "items.list", "params": {**tid, "limit": 50, "order": "asc"}})).json()["data"]
        stored = workflows(listed)
        assert len(stored) == 1 and stored[0]["id"] == wid
        assert [t["title"] for t in stored[0]["workflow"]["tasks"]] == titles and stored[0]["workflow"]["expanded"] is False
        kinds = [i["type"] for i in listed]
        assert kinds.index("workflow") < kinds.index("assistant_message")  # shown before the reply, as streamed

        shown = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            **tid, "input": message("show my tasks")}})).text)
        assert not [e for e in shown if e.get("item", {}).get("type") == "workflow"]
        assert not [e for e in shown if e["type"] == "thread.item.updated" and e["update"]["type"].startswith("workflow.")]
        assert not [e for e in shown if e["type"] == "client_effect"]  # nothing changed: the panel is not told
        listed = (await http.post("/chatkit", json={"type": "items.list", "params": {**tid, "limit": 50}})).json()["data"]
        assert len(workflows(listed)) == 1  # the question added none

        done_one = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            **tid, "input": message("done with 2")}})).text)
        steps = [e["item"]["workflow"]["tasks"] for e in done_one if e["type"] == "thread.item.done" and e["item"]["type"] == "workflow"]
        assert [[t["title"] for t in s] for s in steps] == [["Marked 'Call mom' done"]], [e["type"] for e in done_one]


async def test_completing_tasks_already_done_shows_a_notice(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=60) as http:
        turn = events((await http.post("/chatkit", json={"type": "threads.create", "params": {
            "input": message("add buy milk, call mom and pay rent")}})).text)
        tid = {"thread_id": next(e["thread"] for e in turn if e["type"] == "thread.created")["id"]}

        async def say(text: str) -> list[dict[str, Any]]:
            return events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
                **tid, "input": message(text)}})).text)

        await say("done with 1")
        await say("done with 2")
        answer = await say("mark 1, 2 and 3 as done")
        notices = [e for e in answer if e["type"] == "notice"]
        assert [(n["level"], n["message"]) for n in notices] == [("warning", "2 tasks were already done: 1, 2.")], [
            e["type"] for e in answer]
        steps = [e["item"]["workflow"]["tasks"] for e in answer if e["type"] == "thread.item.done" and e["item"]["type"] == "workflow"]
        assert [[t["title"] for t in s] for s in steps] == [["Marked 'Pay rent' done"]]


async def test_a_half_turn_keeps_its_steps(settings) -> None:  # type: ignore[no-untyped-def]
    """A client that disconnects after a change committed: the steps so far are stored, collapsed."""
    from datetime import datetime

    from chatkit.types import CustomTask, ThreadMetadata, Workflow, WorkflowItem
    from tests.servers import in_process

    from todochat.api.auth import issue_token
    from todochat.client import ChatKitClient
    from todochat.context import RequestContext

    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("hi")
        ctx = RequestContext(user_id="alice")
        server = app.state.chatkit
        thread = await server.store.load_thread(turn.thread_id, context=ctx)
        assert isinstance(thread, ThreadMetadata)
        pending = WorkflowItem(
            id="wf_half", thread_id=thread.id, created_at=datetime.now(),  # noqa: DTZ005 — chatkit's naive time
            workflow=Workflow(type="custom", tasks=[CustomTask(title="Added 'Pay rent'")], expanded=True),
        )
        await server.handle_stream_cancelled(thread, [pending], ctx)
        items = await client.items(turn.thread_id)
        stored = workflows(items)
        assert len(stored) == 1 and stored[0]["workflow"]["expanded"] is False
        assert stored[0]["workflow"]["summary"]["title"] == "1 change"
        assert [t["title"] for t in stored[0]["workflow"]["tasks"]] == ["Added 'Pay rent'"]
