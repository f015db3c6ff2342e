"""Subtasks (issue 15, item 3) over a real ``todochat serve`` on SQLite and PostgreSQL: the REST
``parent`` field in and out, ``?parent=``, bad parents (4xx naming the field, nothing changed),
completing a parent (asks, then one undoable step), deleting a subtree (asks, then undo), breaking
a task down, and the same by chat."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


async def tree(http: httpx.AsyncClient, headers: dict[str, str]) -> list[tuple[int, str, bool, Any]]:
    r = await http.get("/v1/tasks", headers=headers)
    assert r.status_code == 200, r.text
    return [(t["number"], t["title"], t["completed"], t["parent"]) for t in r.json()["tasks"]]


async def test_subtasks_over_real_http(live_server: LiveServer) -> None:  # noqa: F811
    alice = live_server.headers("alice")
    bob = live_server.headers("bob")
    async with httpx.AsyncClient(base_url=live_server.base_url + "/api", timeout=30) as http:
        for body in ({"title": "Plan the trip"}, {"title": "Book flights", "parent": 1}, {"title": "Pay rent"}):
            r = await http.post("/v1/tasks", json=body, headers=alice)
            assert r.status_code == 201, r.text
        assert r.json()["parent"] is None
        r = await http.post("/v1/tasks", json={"title": "Compare prices", "parent": 2}, headers=alice)
        assert (r.json()["number"], r.json()["parent"]) == (4, 2)

        # set, filter, clear
        r = await http.patch("/v1/tasks/3", json={"parent": 1}, headers=alice)
        assert r.status_code == 200 and r.json()["parent"] == 1
        top = (await http.get("/v1/tasks/1", headers=alice)).json()
        assert top["progress"] == {"done": 0, "total": 2}
        r = await http.get("/v1/tasks", params={"parent": 1}, headers=alice)
        assert [t["number"] for t in r.json()["tasks"]] == [2, 3]
        r = await http.get("/v1/tasks", params={"parent": 0}, headers=alice)
        assert [t["number"] for t in r.json()["tasks"]] == [1]
        r = await http.patch("/v1/tasks/3", json={"parent": None}, headers=alice)
        assert r.status_code == 200 and r.json()["parent"] is None

        # bad parents: 422 naming the field, nothing changed
        before = await tree(http, alice)
        for number, body, words in [
            (1, {"parent": 1}, "itself"),
            (1, {"parent": 4}, "loop"),
            (3, {"parent": 4}, "levels"),
            (3, {"parent": 99}, "no task 99"),
            (3, {"parent": -1}, ""),
        ]:
            r = await http.patch(f"/v1/tasks/{number}", json=body, headers=alice)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["field"] == "parent" or "parent" in str(r.json()), r.text
            assert words in r.json()["message"]
        r = await http.post("/v1/tasks", json={"title": "Too deep", "parent": 4}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "parent"
        r = await http.post("/v1/tasks", json={"title": "Bob's"}, headers=bob)
        r = await http.post("/v1/tasks", json={"title": "Sneaky", "parent": 3}, headers=bob)  # bob has no task 3
        assert r.status_code == 422 and r.json()["field"] == "parent"
        r = await http.patch("/v1/tasks/1", json={"parent": 4}, headers=bob)  # alice's 4 is not bob's
        assert r.status_code == 422 and r.json()["field"] == "parent"
        assert await tree(http, alice) == before
        assert await tree(http, bob) == [(1, "Bob's", False, None)]

        # completing a parent: 409 listing the open subtasks, then confirmed, then one undo
        r = await http.post("/v1/tasks/1/complete", headers=alice)
        assert r.status_code == 409 and r.json()["action"] == "complete"
        assert [t["number"] for t in r.json()["would_change"]] == [2, 4]
        assert await tree(http, alice) == before
        r = await http.post("/v1/tasks/1/complete", params={"confirm": "true"}, headers=alice)
        assert r.status_code == 200 and r.json()["task"]["progress"] == {"done": 1, "total": 1}
        assert [n for n, _, done, _ in await tree(http, alice) if done] == [1, 2, 4]
        r = await http.post("/v1/tasks/undo", headers=alice)
        assert sorted(t["number"] for t in r.json()["tasks"]) == [1, 2, 4]
        assert await tree(http, alice) == before

        # deleting a subtree: 409 listing it, then confirmed, then one undo
        r = await http.delete("/v1/tasks/2", headers=alice)
        assert r.status_code == 409 and [t["number"] for t in r.json()["would_delete"]] == [2, 4]
        assert await tree(http, alice) == before
        r = await http.delete("/v1/tasks/2", params={"confirm": "true"}, headers=alice)
        assert r.status_code == 204
        assert [n for n, *_ in await tree(http, alice)] == [1, 3]
        r = await http.post("/v1/tasks/undo", headers=alice)
        assert r.status_code == 200 and sorted(t["number"] for t in r.json()["tasks"]) == [2, 4]
        assert await tree(http, alice) == before

        # breaking a task down: one step
        r = await http.post("/v1/tasks/3/subtasks", json={"titles": ["Transfer", "File receipt"]}, headers=alice)
        assert r.status_code == 201, r.text
        assert r.json()["parent"]["progress"] == {"done": 0, "total": 2}
        assert [(t["number"], t["parent"]) for t in r.json()["tasks"]] == [(5, 3), (6, 3)]
        r = await http.post("/v1/tasks/3/subtasks", json={"titles": []}, headers=alice)
        assert r.status_code == 422
        r = await http.post("/v1/tasks/undo", headers=alice)
        assert await tree(http, alice) == before


async def test_subtasks_by_chat(live_server: LiveServer) -> None:  # noqa: F811
    alice = live_server.headers("alice")
    async with httpx.AsyncClient(base_url=live_server.base_url + "/api", timeout=30) as http:

        async def say(message: str, conversation: str | None = None) -> dict[str, Any]:
            body = {"message": message, **({"conversation_id": conversation} if conversation else {})}
            r = await http.post("/alice/chat", json=body, headers=alice)
            assert r.status_code == 200, r.text
            return r.json()

        first = await say("add renew passport")
        chat = first["conversation_id"]
        await say("add buy stamps as a subtask of the passport task", chat)
        await say("add plan the trip", chat)
        await say("break down plan the trip into book flights, book hotel, pack", chat)
        expected = [
            (1, "Renew passport", False, None), (2, "Buy stamps", False, 1), (3, "Plan the trip", False, None),
            (4, "Book flights", False, 3), (5, "Book hotel", False, 3), (6, "Pack", False, 3),
        ]
        assert [(n, t.lower(), d, p) for n, t, d, p in await tree(http, alice)] == [(n, t.lower(), d, p) for n, t, d, p in expected]
        await say("mark book hotel as done", chat)
        left = await say("what's left for the trip?", chat)
        assert "book flights" in left["response"].lower() and "book hotel" not in left["response"].lower()
        asked = await say("complete the trip", chat)
        assert "open subtask" in asked["response"]
        assert not [n for n, _, done, _ in await tree(http, alice) if done and n != 5]
        await say("yes", chat)
        assert [n for n, _, done, _ in await tree(http, alice) if done] == [3, 4, 5, 6]
        await say("undo", chat)
        assert [n for n, _, done, _ in await tree(http, alice) if done] == [5]
        await say("make 2 a top-level task", chat)
        assert (await http.get("/v1/tasks/2", headers=alice)).json()["parent"] is None
