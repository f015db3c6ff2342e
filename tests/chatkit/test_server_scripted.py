"""The ChatKit server end to end over HTTP (in-process ASGI) with a scripted model."""

from __future__ import annotations

from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient


async def test_turn_adds_task_streams_widget_and_persists(settings):
    model = ScriptedModel([
        [function_call("add_task", {"title": "Buy milk"}, call_id="call_1")],
        [assistant_message("Added task 1: Buy milk.", item_id="msg_a1")],
    ])
    async with in_process(settings, model=model) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("add buy milk")
        assert turn.error is None, turn.events
        assert turn.text == "Added task 1: Buy milk."
        assert "1. Buy milk" in turn.shown
        items = await client.items(turn.thread_id)
        assert [i["type"] for i in items] == ["user_message", "widget", "workflow", "assistant_message"]
        assert [t["title"] for t in items[2]["workflow"]["tasks"]] == ["Added 'Buy milk'"]  # the turn's steps (chatkit/steps.py)
        thread = await client.request({"type": "threads.get_by_id", "params": {"thread_id": turn.thread_id}})
        assert thread["title"] == "Buy milk"  # named after the task the turn added (chatkit/titles.py)
        other = ChatKitClient(http, issue_token("bob", settings))
        r = await http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": turn.thread_id}}, headers=other.headers)
        assert r.status_code == 404
        tasks = await app.state.service.list(_ctx("alice"))
        assert [t.title for t in tasks] == ["Buy milk"]


def _ctx(user):
    from todochat.context import RequestContext

    return RequestContext(user_id=user)


async def test_client_tool_download_then_output(settings):
    model = ScriptedModel([
        [function_call("add_task", {"title": "Pay rent", "due": "2026-12-01"}, call_id="c1")],
        [assistant_message("Added.", item_id="msg_b1")],
        [function_call("download_tasks", {"format": "ics"}, call_id="c2")],
    ])
    async with in_process(settings, model=model) as (_app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        first = await client.send("add pay rent on dec 1")
        turn = await client.send("export my tasks", first.thread_id)
        call = turn.client_tool_call
        assert call and call["name"] == "download_tasks"
        assert call["arguments"]["format"] == "ics"
        assert call["arguments"] == {"format": "ics", "status": "all", "count": 1}  # the page fetches /api/v1/export
        done = await client.stream({
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": first.thread_id, "result": {"downloaded": 1}},
        })
        assert done.text == "Downloaded 1 tasks."
        types = [i["type"] for i in await client.items(first.thread_id)]
        assert types[-2:] == ["client_tool_call", "assistant_message"]


async def test_widget_action_completes_and_replaces_widget(settings):
    model = ScriptedModel([
        [function_call("add_task", {"title": "Buy milk"}, call_id="c1")],
        [assistant_message("Added.", item_id="msg_c1")],
    ])
    async with in_process(settings, model=model) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("add buy milk")
        widget_item = next(i for i in await client.items(turn.thread_id) if i["type"] == "widget")
        action = {"type": "threads.custom_action", "params": {
            "thread_id": turn.thread_id, "item_id": widget_item["id"],
            "action": {"type": "task.complete", "payload": {"number": 1}}}}
        done = await client.stream(action)
        assert any(e["type"] == "thread.item.replaced" for e in done.events)
        stored = next(i for i in await client.items(turn.thread_id) if i["id"] == widget_item["id"])
        assert "Reopen" in str(stored["widget"])
        assert (await app.state.service.get(_ctx("alice"), 1)).completed
        # the button's change is in the journal like any other: undoable from any front
        undone = await http.post("/api/v1/tasks/undo", headers=client.headers)
        assert undone.json()["message"] == "Undid: marked 'Buy milk' done", undone.text
        assert not (await app.state.service.get(_ctx("alice"), 1)).completed
        await http.post("/api/v1/tasks/redo", headers=client.headers)
        stale = await client.stream({**action, "params": {**action["params"], "action": {"type": "task.complete", "payload": {"number": 9}}}})
        assert stale.error and "9" in stale.error
        bob = ChatKitClient(http, issue_token("bob", settings))
        r = await http.post("/chatkit", json=action, headers=bob.headers)
        assert r.status_code == 404
