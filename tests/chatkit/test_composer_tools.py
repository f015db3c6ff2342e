"""Composer tools (issue 16, item 6: ``inference_options.tool_choice``) over real HTTP: "Add task"
adds whatever the message says, "Plan my day" and "Weekly review" answer views from the service,
an unknown tool is refused before anything is stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import LiveServer


def message(text: str, tool: str | None = None) -> dict[str, Any]:
    options = {"tool_choice": {"id": tool}} if tool else {}
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": options}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def done(turn: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["item"] for e in turn if e["type"] == "thread.item.done" and e["item"]["type"] == kind]


def text_of(item: dict[str, Any]) -> str:
    return "".join(part["text"] for part in item["content"])


async def test_composer_tools_over_http(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=60) as http:
        tools = (await http.get("/api/v1/composer-tools")).json()
        assert [(t["id"], t["label"]) for t in tools] == [("add_task", "Add task"), ("plan_my_day", "Plan my day"), ("weekly_review", "Weekly review")]

        created = events((await http.post("/chatkit", json={"type": "threads.create", "params": {"input": message("groceries")}})).text)
        assert text_of(done(created, "assistant_message")[-1]).startswith("Sorry, I didn't understand"), created  # no tool: not a task
        thread_id = next(e["thread"]["id"] for e in created if e["type"] == "thread.created")
        tid = {"thread_id": thread_id}
        turn = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message("groceries", "add_task")}})).text)
        assert text_of(done(turn, "assistant_message")[-1]) == "Added task 1: Groceries.", turn  # "Add task": whatever it says
        for text in ("pay rent today", "call mom yesterday", "dentist in 3 days", "water plants"):
            turn = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message(text, "add_task")}})).text)
            assert "Added task" in text_of(done(turn, "assistant_message")[-1]), turn
        await http.post("/api/v1/tasks/1/complete")
        items = (await http.post("/chatkit", json={"type": "items.list", "params": {**tid, "order": "asc", "limit": 100}})).json()["data"]
        assert [text_of(i) for i in items if i["type"] == "user_message"][1:3] == ["groceries", "pay rent today"]  # stored as typed

        plan = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message("go", "plan_my_day")}})).text)
        assert text_of(done(plan, "assistant_message")[-1]) == "2 tasks for today, 1 of them overdue. Done and Delete are on each row."
        widget = done(plan, "widget")[-1]
        assert widget["widget"]["status"]["text"] == "Today · 2" and "Call mom" in widget["copy_text"] and "Pay rent" in widget["copy_text"]
        assert "Dentist" not in widget["copy_text"] and "Water plants" not in widget["copy_text"]

        review = events((await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message("go", "weekly_review")}})).text)
        assert text_of(done(review, "assistant_message")[-1]) == "In the last 7 days you finished 1 task. 1 task overdue, 2 tasks due in the next 7 days."
        assert done(review, "widget")[-1]["widget"]["status"]["text"] == "This week · 3 open, 1 done"

        before = (await http.post("/chatkit", json={"type": "items.list", "params": {**tid, "limit": 100}})).json()["data"]
        refused = await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {**tid, "input": message("go", "launch_rockets")}})
        assert refused.status_code == 422 and refused.json()["field"] == "inference_options.tool_choice", refused.text
        assert (await http.post("/chatkit", json={"type": "items.list", "params": {**tid, "limit": 100}})).json()["data"] == before
        assert len((await http.get("/api/v1/tasks")).json()["tasks"]) == 5
