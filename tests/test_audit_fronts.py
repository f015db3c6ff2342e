"""Each front names itself and its tool in the change journal (the audit log): chat (agent tools,
even run in parallel), widget actions, REST routes and MCP tools — SQLite and PostgreSQL."""

from __future__ import annotations

from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from mcp import Client
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.context import RequestContext
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService


async def fronts(service: TaskService, user: str = "alice") -> list[tuple[str, str | None, str | None]]:
    """(action, front, tool) of the user's journal, oldest first."""
    entries = await service.activity(RequestContext(user_id=user), limit=100)
    return [(e.action, e.front, e.tool) for e in reversed(entries)]


async def test_chat_tools_widget_and_rest_name_themselves(settings: Settings) -> None:
    model = ScriptedModel([
        [function_call("add_task", {"title": "Buy milk"}, call_id="c1")],
        [assistant_message("Added.", item_id="m1")],
        # two tool calls in one model response: the SDK runs them concurrently
        [function_call("add_task", {"title": "Walk dog"}, call_id="c2"),
         function_call("update_task", {"task": "1", "priority": "high"}, call_id="c3")],
        [assistant_message("Done.", item_id="m2")],
    ])
    async with in_process(settings, model=model) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("add buy milk")
        second = await client.send("add walk dog and make milk high", turn.thread_id)
        assert second.error is None, second.events
        widget = next(i for i in await client.items(turn.thread_id) if i["type"] == "widget")
        done = await client.stream({"type": "threads.custom_action", "params": {
            "thread_id": turn.thread_id, "item_id": widget["id"],
            "action": {"type": "task.complete", "payload": {"number": 1}}}})
        assert done.error is None, done.events
        r = await http.delete("/api/v1/tasks/2", headers=client.headers)
        assert r.status_code == 204, r.text
        log = await fronts(app.state.service)
    assert log[0] == ("add", "chat", "add_task")
    assert sorted(log[1:3]) == [("add", "chat", "add_task"), ("update", "chat", "update_task")]
    assert log[3:] == [("complete", "widget", "task.complete"), ("delete", "rest", "DELETE /api/v1/tasks/{number}")]


async def test_mcp_tools_name_themselves(settings: Settings, service: TaskService) -> None:
    server = build_server(Backend(service=lambda: service, user=lambda: "alice", settings=settings))
    async with Client(server) as client:
        assert not (await client.call_tool("add_task", {"title": "Pay rent"})).is_error
        assert not (await client.call_tool("complete_task", {"task": "1"})).is_error
        assert not (await client.call_tool("undo", {})).is_error
    assert await fronts(service) == [("add", "mcp", "add_task"), ("complete", "mcp", "complete_task")]
    entries = await service.activity(RequestContext(user_id="alice"))
    assert entries[0].undone
