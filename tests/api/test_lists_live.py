"""REST ``/api/v1/lists`` and the ``list`` field of tasks over a real ``todochat serve`` (uvicorn)
on SQLite and PostgreSQL: CRUD with open-task counts, the ``?list=`` filter, bad input (4xx naming
the field, nothing changed), deleting a list with tasks (409, then confirmed, then one undo), and
another user's lists out of reach."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


async def lists(http: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[tuple[str, int]]:
    r = await http.get("/v1/lists", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return [(x["name"], x["open_tasks"]) for x in r.json()["lists"]]


async def test_lists_over_real_http(live_server: LiveServer) -> None:  # noqa: F811
    alice, bob = live_server.headers("alice"), live_server.headers("bob")
    async with httpx.AsyncClient(base_url=live_server.base_url + "/api", timeout=30) as http:
        assert (await http.get("/v1/lists")).status_code == 401
        assert await lists(http, alice) == [("Inbox", 0)]
        r = await http.post("/v1/lists", json={"name": " Work "}, headers=alice)
        assert r.status_code == 201 and r.json()["name"] == "Work", r.text
        assert (await http.post("/v1/lists", json={"name": "Home"}, headers=alice)).status_code == 201

        # tasks carry their list's name, in and out; ?list= filters
        r = await http.post("/v1/tasks", json={"title": "Send the report", "list": "work"}, headers=alice)
        assert r.status_code == 201 and r.json()["list"] == "Work", r.text
        r = await http.post("/v1/tasks", json={"title": "Buy milk"}, headers=alice)
        assert r.json()["list"] == "Inbox"
        r = await http.patch("/v1/tasks/2", json={"list": "Home"}, headers=alice)
        assert r.status_code == 200 and r.json()["list"] == "Home"
        r = await http.post("/v1/tasks", json={"title": "Fix the tap", "list": "Home"}, headers=alice)
        assert await lists(http, alice) == [("Inbox", 0), ("Home", 2), ("Work", 1)]
        r = await http.get("/v1/tasks", params={"list": "HOME"}, headers=alice)
        assert [t["title"] for t in r.json()["tasks"]] == ["Buy milk", "Fix the tap"]
        r = await http.get("/v1/tasks", params={"list": "Garden"}, headers=alice)
        assert r.status_code == 404 and r.json()["field"] == "list"

        # bad input: 4xx naming the field, nothing changed
        for name, status in (("work", 422), ("", 422), ("   ", 422), ("x" * 101, 422), ("Inbox", 422)):
            r = await http.post("/v1/lists", json={"name": name}, headers=alice)
            assert (r.status_code, r.json()["field"]) == (status, "name"), (name, r.text)
        r = await http.post("/v1/lists", json={"name": "Ok", "colour": "red"}, headers=alice)
        assert r.status_code == 422
        r = await http.patch("/v1/lists/Work", json={"name": "home"}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "name"
        r = await http.patch("/v1/lists/Inbox", json={"name": "Stuff"}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "name"
        r = await http.post("/v1/tasks", json={"title": "Lost", "list": "Nowhere"}, headers=alice)
        assert r.status_code == 404 and r.json()["field"] == "list"
        assert await lists(http, alice) == [("Inbox", 0), ("Home", 2), ("Work", 1)]
        assert len((await http.get("/v1/tasks", headers=alice)).json()["tasks"]) == 3

        # rename, archive
        r = await http.patch("/v1/lists/work", json={"name": "Office"}, headers=alice)
        assert r.status_code == 200 and (r.json()["name"], r.json()["open_tasks"]) == ("Office", 1)
        assert (await http.get("/v1/tasks/1", headers=alice)).json()["list"] == "Office"
        r = await http.patch("/v1/lists/Office", json={"archived": True}, headers=alice)
        assert r.json()["archived"] is True
        assert await lists(http, alice) == [("Inbox", 0), ("Home", 2)]
        assert ("Office", 1) in await lists(http, alice, archived="true")
        r = await http.patch("/v1/lists/Office", json={"archived": False}, headers=alice)
        assert (await http.get("/v1/lists/office", headers=alice)).json()["archived"] is False

        # another user's list is out of reach
        assert (await http.get("/v1/lists/Home", headers=bob)).status_code == 404
        assert (await http.patch("/v1/lists/Home", json={"name": "Mine"}, headers=bob)).status_code == 404
        assert (await http.delete("/v1/lists/Home", params={"confirm": "true"}, headers=bob)).status_code == 404
        r = await http.post("/v1/tasks", json={"title": "Sneak", "list": "Home"}, headers=bob)
        assert r.status_code == 404
        assert (await http.get("/v1/tasks", params={"list": "Home"}, headers=bob)).status_code == 404
        assert await lists(http, bob) == [("Inbox", 0)]

        # deleting a list with tasks asks first, then deletes them with it; one undo brings all back
        r = await http.delete("/v1/lists/Home", headers=alice)
        assert r.status_code == 409 and "2 tasks" in r.json()["message"], r.text
        assert [w["number"] for w in r.json()["would_delete"]] == [2, 3]
        assert await lists(http, alice) == [("Inbox", 0), ("Home", 2), ("Office", 1)]
        r = await http.delete("/v1/lists/Home", params={"confirm": "true"}, headers=alice)
        assert r.status_code == 204
        assert await lists(http, alice) == [("Inbox", 0), ("Office", 1)]
        assert [t["number"] for t in (await http.get("/v1/tasks", headers=alice)).json()["tasks"]] == [1]
        r = await http.post("/v1/tasks/undo", headers=alice)
        assert r.status_code == 200 and r.json()["message"] == "Undid: deleted the list 'Home' and its 2 tasks"
        assert await lists(http, alice) == [("Inbox", 0), ("Home", 2), ("Office", 1)]
        r = await http.get("/v1/tasks", params={"list": "Home"}, headers=alice)
        assert [t["number"] for t in r.json()["tasks"]] == [2, 3]
        r = await http.delete("/v1/lists/Inbox", params={"confirm": "true"}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "name"
        doc = (await http.get(live_server.base_url + "/openapi.json")).json()
        assert "/api/v1/lists/{name}" in doc["paths"]
