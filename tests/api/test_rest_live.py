"""REST and chat over a real ``todochat serve`` (uvicorn; clock pinned to TEST_NOW) on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


async def test_rest_and_chat_over_real_http(live_server: LiveServer) -> None:  # noqa: F811
    berlin = {**live_server.headers("alice"), "X-Timezone": "Europe/Berlin"}
    async with httpx.AsyncClient(base_url=live_server.base_url + "/api", timeout=30) as http:
        r = await http.get("/v1/tasks")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"

        # a weekly 09:00 task across the end of summer time in Berlin (Sun 27 Oct 2030)
        r = await http.post("/v1/tasks", json={"title": "Yoga", "due": "2030-10-24T09:00", "recurrence": "weekly", "tags": ["Health"]}, headers=berlin)
        assert r.status_code == 201, r.text
        r = await http.post("/v1/tasks/1/complete", headers=berlin)
        nxt = r.json()["next_task"]
        assert (nxt["number"], nxt["due"], nxt["tags"]) == (2, "2030-10-31T09:00", ["health"])
        utc = {**live_server.headers("alice"), "X-Timezone": "UTC"}
        assert (await http.get("/v1/tasks/2", headers=utc)).json()["due"] == "2030-10-31T08:00"
        assert (await http.get("/v1/tasks/1", headers=live_server.headers("bob"))).status_code == 404

        r = await http.post("/v1/tasks", json={"title": "Party", "due": "2026-02-30"}, headers=berlin)
        assert r.status_code == 422 and r.json()["field"] == "due"

        r = await http.post("/v1/tasks/bulk/delete", json={"filter": {"tag": "health"}}, headers=berlin)
        assert r.status_code == 409 and [w["number"] for w in r.json()["would_delete"]] == [1, 2]
        r = await http.post("/v1/tasks/bulk/delete", json={"filter": {"tag": "health"}, "confirm": True}, headers=berlin)
        assert r.status_code == 200
        assert (await http.get("/v1/tasks", headers=berlin)).json()["tasks"] == []
        r = await http.post("/v1/tasks/undo", headers=berlin)
        assert [t["number"] for t in r.json()["tasks"]] == [1, 2]

        r = await http.post("/alice/chat", json={"message": "add buy milk"}, headers=berlin)
        assert r.status_code == 200, r.text
        conversation = r.json()["conversation_id"]
        assert [c["tool"] for c in r.json()["tool_calls"]] == ["add_task"]
        assert (await http.post("/bob/chat", json={"message": "hi"}, headers=berlin)).status_code == 403
        r = await http.get(f"/alice/conversations/{conversation}/messages", headers=berlin)
        assert r.json()[0] == {**r.json()[0], "role": "user", "content": "add buy milk"}
        titles = [t["title"] for t in (await http.get("/v1/tasks", headers=berlin)).json()["tasks"]]
        assert titles[-1].lower() == "buy milk"
        doc = (await http.get(live_server.base_url + "/openapi.json")).json()
        assert "/api/v1/tasks/bulk/delete" in doc["paths"]
