"""The ChatKit server end to end over HTTP (in-process ASGI) with a scripted model."""

from __future__ import annotations

import httpx
from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call

from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient


async def test_turn_adds_task_streams_widget_and_persists(settings):
    model = ScriptedModel([
        [function_call("add_task", {"title": "Buy milk"}, call_id="call_1")],
        [assistant_message("Added task 1: Buy milk.", item_id="msg_a1")],
    ])
    app = create_app(settings, model=model)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            client = ChatKitClient(http, issue_token("alice", settings))
            turn = await client.send("add buy milk")
            assert turn.error is None, turn.events
            assert turn.text == "Added task 1: Buy milk."
            assert "1. Buy milk" in turn.shown
            items = await client.items(turn.thread_id)
            assert [i["type"] for i in items] == ["user_message", "widget", "assistant_message"]
            thread = await client.request({"type": "threads.get_by_id", "params": {"thread_id": turn.thread_id}})
            assert thread["title"] == "add buy milk"
            other = ChatKitClient(http, issue_token("bob", settings))
            r = await http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": turn.thread_id}}, headers=other.headers)
            assert r.status_code == 404
        tasks = await app.state.service.list(_ctx("alice"))
        assert [t.title for t in tasks] == ["Buy milk"]


def _ctx(user):
    from todochat.context import RequestContext

    return RequestContext(user_id=user)
