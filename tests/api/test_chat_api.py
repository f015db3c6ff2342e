"""The stateless chat API (POST /api/{user_id}/chat, GET .../conversations/{id}/messages) in
process, on SQLite and PostgreSQL: one Store with /chatkit, tool call reports, 401/403/404/422."""

from __future__ import annotations

from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from tests.api.test_rest_tasks import NOW, app_settings
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.context import Clock


def said(model: ScriptedModel) -> list[tuple[str, str]]:
    """(role, text) of the user and assistant messages the model saw in its latest call."""
    out = []
    for item in model.last_call.input:  # type: ignore[union-attr]
        if isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("content"), list):
            out.append((item["role"], "".join(part.get("text", "") for part in item["content"])))
    return out


def scripted() -> ScriptedModel:
    """Four runs: add with a tool, a plain answer, a plain answer, an invalid add."""
    return ScriptedModel([
        [function_call("add_task", {"title": "Buy milk", "priority": "high", "tags": ["home"], "due": "2026-11-20"}, call_id="c1")],
        [assistant_message("Added task 1: Buy milk.", item_id="m1")],
        [assistant_message("You have 1 task: Buy milk.", item_id="m2")],
        [assistant_message("Hello from ChatKit.", item_id="m3")],
        [function_call("add_task", {"title": "Party", "due": "2026-02-30"}, call_id="c2")],
        [assistant_message("2026-02-30 is not a date, so I added nothing.", item_id="m4")],
    ])  # fmt: skip


async def test_chat_turns_share_the_store_with_chatkit(settings: Settings) -> None:
    model = scripted()
    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=model) as (_app, http):
        auth = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        r = await http.post("/api/alice/chat", json={"message": "add buy milk friday, urgent #home"}, headers=auth)
        assert r.status_code == 200, r.text
        first = r.json()
        assert first["response"] == "Added task 1: Buy milk."
        assert first["tool_calls"] == [{
            "tool": "add_task",
            "arguments": {"title": "Buy milk", "priority": "high", "tags": ["home"], "due": "2026-11-20"},
            "result": "task 1: Buy milk",
        }]  # fmt: skip
        conversation = first["conversation_id"]
        task = (await http.get("/api/v1/tasks/1", headers=auth)).json()
        assert (task["title"], task["priority"], task["tags"], task["due"]) == ("Buy milk", "high", ["home"], "2026-11-20")

        # continue the same conversation through /chatkit: the model sees the earlier turn
        client = ChatKitClient(http, issue_token("alice", s))
        turn = await client.send("what do I have?", conversation)
        assert turn.error is None and turn.text == "You have 1 task: Buy milk."
        seen = said(model)
        assert seen[0] == ("user", "add buy milk friday, urgent #home")
        assert ("assistant", "Added task 1: Buy milk.") in seen
        assert seen[-1] == ("user", "what do I have?")

        # and the reverse: a ChatKit thread continued through the chat API
        started = await client.send("hi")
        assert started.text == "Hello from ChatKit."
        r = await http.post("/api/alice/chat", json={"message": "add party on feb 30", "conversation_id": started.thread_id}, headers=auth)
        reply = r.json()
        assert reply["conversation_id"] == started.thread_id
        assert "not a date" in reply["response"]
        [call] = reply["tool_calls"]
        assert call["tool"] == "add_task" and call["result"].startswith("validation:") and "2026-02-30" in call["result"]
        assert [t["title"] for t in (await http.get("/api/v1/tasks", headers=auth)).json()["tasks"]] == ["Buy milk"]
        assert said(model)[0] == ("user", "hi") and said(model)[-1] == ("user", "add party on feb 30")
        model.assert_complete()

        r = await http.get(f"/api/alice/conversations/{conversation}/messages", headers=auth)
        assert r.status_code == 200
        history = [(m["role"], m["content"]) for m in r.json()]
        assert history[0] == ("user", "add buy milk friday, urgent #home")
        assert ("assistant", "Added task 1: Buy milk.") in history
        assert any(role == "widget" and "Buy milk" in text for role, text in history)
        assert history[-2:] == [("user", "what do I have?"), ("assistant", "You have 1 task: Buy milk.")]
        assert all(m["id"] and m["created_at"] for m in r.json())
        threads = (await client.request({"type": "threads.list", "params": {"limit": 10}}))["data"]
        assert {t["id"] for t in threads} == {conversation, started.thread_id}


async def test_chat_refuses_other_users_and_bad_requests(settings: Settings) -> None:
    model = ScriptedModel([[assistant_message("Hi Bob.", item_id="b1")]])
    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=model) as (_app, http):
        alice = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        bob = {"Authorization": f"Bearer {issue_token('bob', s)}"}
        r = await http.post("/api/bob/chat", json={"message": "hello"}, headers=bob)
        bobs = r.json()["conversation_id"]
        assert r.json()["response"] == "Hi Bob." and r.json()["tool_calls"] == []
        bob_history = (await http.get(f"/api/bob/conversations/{bobs}/messages", headers=bob)).json()

        # a path user that is not the token's user: 403, whatever else is asked
        for method, path, body in [
            ("POST", "/api/bob/chat", {"message": "delete everything", "conversation_id": bobs}),
            ("POST", "/api/bob/chat", {"message": "hi"}),
            ("GET", f"/api/bob/conversations/{bobs}/messages", None),
        ]:
            r = await http.request(method, path, json=body, headers=alice)
            assert r.status_code == 403, r.text
            assert r.json()["error"] == "forbidden" and "Bob" not in r.text
        # alice's own path but bob's conversation: not found, never data
        r = await http.post("/api/alice/chat", json={"message": "hi", "conversation_id": bobs}, headers=alice)
        assert r.status_code == 404 and "Bob" not in r.text
        r = await http.get(f"/api/alice/conversations/{bobs}/messages", headers=alice)
        assert r.status_code == 404 and "Bob" not in r.text
        r = await http.get("/api/alice/conversations/thr_missing/messages", headers=alice)
        assert r.status_code == 404
        # no or bad token: 401
        for headers in ({}, {"Authorization": "Bearer forged.token.here"}):
            assert (await http.post("/api/alice/chat", json={"message": "hi"}, headers=headers)).status_code == 401
            assert (await http.get(f"/api/bob/conversations/{bobs}/messages", headers=headers)).status_code == 401
        # bad bodies: 422 naming the field, nothing stored
        for body, field in [({"message": "   "}, "input"), ({}, "message"), ({"message": "x" * 5000}, "input")]:
            r = await http.post("/api/alice/chat", json=body, headers=alice)
            assert r.status_code == 422 and r.json()["field"] == field, r.text
        assert (await http.get(f"/api/bob/conversations/{bobs}/messages", headers=bob)).json() == bob_history
        client = ChatKitClient(http, issue_token("alice", s))
        assert (await client.request({"type": "threads.list", "params": {"limit": 10}}))["data"] == []
        model.assert_complete()


async def test_chat_with_the_builtin_model(settings: Settings) -> None:
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        auth = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        r = await http.post("/api/alice/chat", json={"message": "add buy milk"}, headers=auth)
        assert r.status_code == 200, r.text
        reply = r.json()
        assert "milk" in reply["response"].lower()
        assert [c["tool"] for c in reply["tool_calls"]] == ["add_task"]
        assert reply["tool_calls"][0]["arguments"]["title"].lower() == "buy milk"
        r = await http.post("/api/alice/chat", json={"message": "show my tasks", "conversation_id": reply["conversation_id"]}, headers=auth)
        assert [c["tool"] for c in r.json()["tool_calls"]] == ["list_tasks"]
        assert "Buy milk" in r.json()["response"] or "1 open task" in r.json()["response"].lower()
