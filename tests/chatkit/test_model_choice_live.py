"""The model picker (issue 16, item 6: ``inference_options.model``) over real HTTP against a real
``todochat serve`` on SQLite and PostgreSQL, with an LLM served by the local fake OpenAI-compatible
server: each message runs on the model it chose, the next one without a choice on the default, and
a model the server does not offer is refused with a ChatKit error event, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.fake_llm import FakeLLM, Reply, ToolCall, fake_llm  # noqa: F401 — the fixture
from tests.servers import LiveServer

MODELS = json.dumps(["builtin", {"id": "openai-compatible:llama3.2", "label": "Llama 3.2", "description": "On our GPU box"}])


def message(text: str, model: str | None = None) -> dict[str, Any]:
    options = {"model": model} if model else {}
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": options}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def replies(turn: list[dict[str, Any]]) -> list[str]:
    return ["".join(p["text"] for p in e["item"]["content"]) for e in turn
            if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"]


async def test_each_message_runs_on_the_model_it_chose(server_factory: Any, fake_llm: FakeLLM) -> None:  # noqa: F811
    server: LiveServer = server_factory(TODOCHAT_MODELS=MODELS, TODOCHAT_OPENAI_BASE_URL=fake_llm.base_url)
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=60) as http:
        assert (await httpx.AsyncClient(base_url=server.base_url).get("/api/v1/models")).status_code == 401
        offered = (await http.get("/api/v1/models")).json()
        assert offered == [
            {"id": "builtin", "label": "Built-in (offline)", "description": None, "default": True},
            {"id": "openai-compatible:llama3.2", "label": "Llama 3.2", "description": "On our GPU box", "default": False},
        ]

        # the built-in model, chosen by id
        created = events((await http.post("/chatkit", json={"type": "threads.create", "params": {"input": message("add buy milk", "builtin")}})).text)
        assert replies(created)[-1].startswith("Added task 1"), created
        thread_id = next(e["thread"]["id"] for e in created if e["type"] == "thread.created")
        assert fake_llm.requests == []

        # the LLM, chosen for one message: the fake answers it, its tool call reaches the service
        fake_llm.add(Reply(tool_calls=[ToolCall("add_task", {"title": "Call the plumber"})]), Reply(text="Added “Call the plumber” for you."))
        turn = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            "thread_id": thread_id, "input": message("plumber please", "openai-compatible:llama3.2")}})).text)
        assert replies(turn)[-1] == "Added “Call the plumber” for you.", turn
        assert [r.body["model"] for r in fake_llm.requests] == ["llama3.2", "llama3.2"]
        assert fake_llm.requests[0].path == "/v1/chat/completions"
        assert "plumber please" in json.dumps(fake_llm.requests[0].body["messages"])
        titles = [t["title"] for t in (await http.get("/api/v1/tasks")).json()["tasks"]]
        assert titles == ["Buy milk", "Call the plumber"]

        # the next message without a choice: the default (built-in) model again, the fake not asked
        turn = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            "thread_id": thread_id, "input": message("done with task 1")}})).text)
        assert replies(turn)[-1] == "Marked task 1: Buy milk as done.", turn
        assert len(fake_llm.requests) == 2

        # a model this server does not offer: one error event, nothing stored or changed
        items = (await http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread_id, "limit": 100}})).json()["data"]
        threads = (await http.post("/chatkit", json={"type": "threads.list", "params": {"limit": 100}})).json()["data"]
        for request in (
            {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message("delete task 2", "openai:gpt-5")}},
            {"type": "threads.create", "params": {"input": message("delete task 2", "llama3.2")}},
        ):
            refused = await http.post("/chatkit", json=request)
            assert refused.status_code == 200 and refused.headers["content-type"].startswith("text/event-stream")
            assert events(refused.text) == [{
                "type": "error", "code": "custom", "allow_retry": False,
                "message": "This server does not offer the model " + repr(request["params"]["input"]["inference_options"]["model"])
                + "; choose one of: builtin, openai-compatible:llama3.2. Nothing was sent.",
            }], refused.text
        assert (await http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread_id, "limit": 100}})).json()["data"] == items
        assert (await http.post("/chatkit", json={"type": "threads.list", "params": {"limit": 100}})).json()["data"] == threads
        tasks = (await http.get("/api/v1/tasks")).json()["tasks"]
        assert [(t["title"], t["completed"]) for t in tasks] == [("Buy milk", True), ("Call the plumber", False)]
        assert len(fake_llm.requests) == 2

    # the operator drops the LLM: a retry of the message that chose it is refused, nothing deleted or re-run
    server.stop()
    again: LiveServer = server_factory()  # the same database, only the built-in model offered
    async with httpx.AsyncClient(base_url=again.base_url, headers=again.headers(), timeout=60) as http:
        assert [m["id"] for m in (await http.get("/api/v1/models")).json()] == ["builtin"]
        plumber = next(i for i in items if i["type"] == "user_message" and i["content"][0]["text"] == "plumber please")
        refused = await http.post("/chatkit", json={"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": plumber["id"]}})
        assert [(e["type"], e["message"]) for e in events(refused.text)] == [
            ("error", "This server does not offer the model 'openai-compatible:llama3.2'; choose one of: builtin. Nothing was sent.")]
        assert (await http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread_id, "limit": 100}})).json()["data"] == items
        assert len((await http.get("/api/v1/tasks")).json()["tasks"]) == 2
