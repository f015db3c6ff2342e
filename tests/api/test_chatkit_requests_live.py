"""Every ChatKit 1.6.5 request type over real HTTP (``todochat serve``, SQLite and PostgreSQL):
answered, or refused with a 4xx JSON error before anything is stored (issue 11: several were
500s, and one ``input_tag`` part broke every later turn of its thread; a tag must now name a task)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)


def message(text: str, **extra: Any) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}, **extra}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


async def test_every_request_type_is_answered_or_refused_before_storing(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=30) as http:

        async def post(payload: dict[str, Any]) -> httpx.Response:
            return await http.post("/chatkit", json=payload)

        created = await post({"type": "threads.create", "params": {"input": message("add buy milk")}})
        assert created.status_code == 200
        thread_id = next(e["thread"]["id"] for e in events(created.text) if e["type"] == "thread.created")

        async def items() -> list[dict[str, Any]]:
            answer = await post({"type": "items.list", "params": {"thread_id": thread_id, "limit": 100, "order": "asc"}})
            return answer.json()["data"]

        before = await items()
        user_item = next(i["id"] for i in before if i["type"] == "user_message")
        other_item = next(i["id"] for i in before if i["type"] != "user_message")
        widget_item = next(i["id"] for i in before if i["type"] == "widget")
        tid = {"thread_id": thread_id}
        big = 2**63
        refused: list[tuple[dict[str, Any], int, str]] = [
            ({"type": "attachments.create", "params": {"name": "a.png", "size": 3, "mime_type": "image/png"}}, 422, "attachment_refused"),
            ({"type": "attachments.delete", "params": {"attachment_id": "att_1"}}, 404, "not_found"),
            ({"type": "input.transcribe", "params": {"audio_base64": "AAAA", "mime_type": "audio/webm"}}, 400, "unsupported"),
            ({"type": "threads.sync_custom_action", "params": {**tid, "action": {"type": "task.complete", "payload": {"number": 1}}}}, 422, "validation"),  # no item_id
            ({"type": "threads.sync_custom_action", "params": {**tid, "item_id": user_item, "action": {"type": "task.complete", "payload": {"number": 1}}}}, 422, "validation"),
            ({"type": "threads.sync_custom_action", "params": {**tid, "item_id": widget_item, "action": {"type": "task.complete", "payload": {"number": 2}}}}, 422, "validation"),
            ({"type": "threads.add_client_tool_output", "params": {**tid, "result": {"ok": True}}}, 409, "conflict"),
            ({"type": "threads.add_structured_input", "params": {**tid, "item_id": other_item, "input": {}}}, 422, "validation"),
            ({"type": "threads.add_structured_input", "params": {**tid, "item_id": "msg_missing", "input": {}}}, 404, "not_found"),
            ({"type": "threads.retry_after_item", "params": {**tid, "item_id": other_item}}, 422, "validation"),
            ({"type": "threads.retry_after_item", "params": {**tid, "item_id": "msg_missing"}}, 404, "not_found"),
            ({"type": "threads.custom_action", "params": {**tid, "action": {"type": "task.complete", "payload": {"number": big}}}}, 422, "validation"),
            ({"type": "threads.custom_action", "params": {**tid, "action": {"type": "task.explode", "payload": {"number": 1}}}}, 422, "validation"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": {
                **message("hi"), "content": [{"type": "input_tag", "id": "t1", "text": "@milk", "data": {}}]}}}, 422, "validation"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": message("hi", attachments=["att_1"])}}, 404, "not_found"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": message("hi", quoted_text="q" * 4001)}}, 422, "validation"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": message("nul\x00here")}}, 422, "validation"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": message("x" * 4001)}}, 422, "validation"),
            ({"type": "threads.add_user_message", "params": {**tid, "input": message("   ")}}, 422, "validation"),
            ({"type": "threads.create", "params": {"input": message("bell\x07")}}, 422, "validation"),
            ({"type": "threads.update", "params": {**tid, "title": "t" * 10_000}}, 422, "validation"),
            ({"type": "threads.update", "params": {**tid, "title": "a\x00b"}}, 422, "validation"),
            ({"type": "threads.list", "params": {"limit": -1}}, 422, "validation"),
            ({"type": "items.list", "params": {**tid, "limit": big}}, 422, "validation"),
            ({"type": "items.feedback", "params": {**tid, "item_ids": [user_item] * 101, "kind": "positive"}}, 422, "validation"),
            ({"type": "threads.get_by_id", "params": {"thread_id": "thr_missing"}}, 404, "not_found"),
            ({"type": "threads.delete", "params": {"thread_id": "thr_missing"}}, 404, "not_found"),
            ({"type": "threads.no_such_type", "params": {}}, 422, "validation"),
        ]
        for payload, status, error in refused:
            answer = await post(payload)
            assert answer.status_code == status, (payload["type"], answer.status_code, answer.text[:300])
            assert answer.headers["content-type"].startswith("application/json"), payload["type"]
            assert answer.json()["error"] == error, (payload["type"], answer.text[:300])
        for text in ("nul\x00here", "x" * 4001):  # the stateless chat API goes through the same checks
            answer = await http.post("/api/alice/chat", json={"message": text, "conversation_id": thread_id})
            assert answer.status_code == 422 and answer.json()["field"] == "input", answer.text[:300]
        assert await items() == before  # nothing refused was stored
        threads = (await post({"type": "threads.list", "params": {"limit": 10}})).json()["data"]
        assert [t["id"] for t in threads] == [thread_id]

        # the types the server answers, on the same thread: each works and the thread still works
        answered: list[dict[str, Any]] = [
            {"type": "threads.get_by_id", "params": tid},
            {"type": "threads.sync_custom_action", "params": {**tid, "item_id": widget_item, "action": {"type": "task.complete", "payload": {"number": 1}}}},
            {"type": "threads.update", "params": {**tid, "title": "Groceries"}},
            {"type": "items.feedback", "params": {**tid, "item_ids": [user_item], "kind": "positive"}},
            {"type": "threads.add_user_message", "params": {**tid, "input": message("show my tasks", quoted_text="buy milk")}},
            {"type": "threads.retry_after_item", "params": {**tid, "item_id": user_item}},
            {"type": "threads.list", "params": {}},
            {"type": "items.list", "params": tid},
        ]
        for payload in answered:
            answer = await post(payload)
            assert answer.status_code == 200, (payload["type"], answer.text[:300])
            assert not any(e.get("type") == "error" for e in events(answer.text)), (payload["type"], answer.text[:300])
        assert (await post({"type": "threads.get_by_id", "params": tid})).json()["title"] == "Groceries"
        assert (await http.get("/api/v1/tasks/1")).json()["completed"] is True  # the sync action's change
        assert (await post({"type": "threads.delete", "params": tid})).status_code == 200
        assert (await post({"type": "threads.get_by_id", "params": tid})).status_code == 404
