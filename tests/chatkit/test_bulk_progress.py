"""Progress updates for bulk changes in chat (issue 16, item 5) over HTTP on SQLite and PostgreSQL:
a confirmed change of many tasks streams a ChatKit ``progress_update`` naming the count before its
widget; the confirmation question, and a bulk change of a few tasks, stream none."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import in_process

from todochat.agent.bulk_progress import BULK_PROGRESS_MIN
from todochat.api.auth import issue_token
from todochat.config import Settings


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


async def turn(http: httpx.AsyncClient, text: str, thread_id: str | None) -> tuple[str, list[dict[str, Any]]]:
    if thread_id is None:
        body = {"type": "threads.create", "params": {"input": message(text)}}
    else:
        body = {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message(text)}}
    answer = await http.post("/chatkit", json=body)
    assert answer.status_code == 200, answer.text
    events = [json.loads(line[6:]) for line in answer.text.splitlines() if line.startswith("data: ")]
    thread_id = thread_id or next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
    return thread_id, events


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] if e["type"] != "thread.item.done" else "done:" + e["item"]["type"] for e in events]


async def test_a_confirmed_change_of_many_tasks_streams_its_progress(settings: Settings) -> None:
    many = BULK_PROGRESS_MIN + 2
    async with in_process(settings) as (_app, http):
        http.headers["Authorization"] = f"Bearer {issue_token('alice', settings)}"
        for n in range(many):
            assert (await http.post("/api/v1/tasks", json={"title": f"Errand {n + 1}", "tags": ["errand"]})).status_code == 201
        for n in range(3):
            assert (await http.post("/api/v1/tasks", json={"title": f"Call {n + 1}", "tags": ["call"]})).status_code == 201

        thread_id, asked = await turn(http, "complete all errand tasks", None)
        assert "progress_update" not in kinds(asked), asked  # a question: nothing changes yet
        _, done = await turn(http, "yes", thread_id)
        progress = [e for e in done if e["type"] == "progress_update"]
        assert progress == [{"type": "progress_update", "icon": "check-circle", "text": f"Completing {many} tasks…"}], kinds(done)
        order = kinds(done)
        assert order.index("progress_update") < order.index("done:widget"), order  # before what it announces
        tasks = (await http.get("/api/v1/tasks", params={"status": "all"})).json()["tasks"]
        assert sorted(t["title"] for t in tasks if t["completed"]) == sorted(f"Errand {n + 1}" for n in range(many))

        thread_id, asked = await turn(http, "delete all call tasks", None)  # three: quick, no progress
        _, done = await turn(http, "yes", thread_id)
        assert "progress_update" not in kinds(done), kinds(done)
        assert not [t for t in (await http.get("/api/v1/tasks", params={"status": "all"})).json()["tasks"] if "call" in t["tags"]]
