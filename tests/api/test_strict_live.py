"""Over a real ``todochat serve`` (uvicorn, real HTTP) on SQLite and PostgreSQL: one search rule
through REST, MCP and chat (the same cases, the same answers), and strict inputs on every front."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from tests.mcp.test_http import mcp_client
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)
from tests.tasks.search_cases import CASES, TASKS

pytestmark = pytest.mark.slow
ROW = re.compile(r"^\[[ x]\] (\d+)\. ", re.MULTILINE)


async def rest_search(http: httpx.AsyncClient, query: str) -> list[int]:
    """Every page of ``GET /api/v1/tasks?q=`` two at a time, following ``next_cursor``."""
    found: list[int] = []
    params: dict[str, Any] = {"q": query, "limit": 2}
    while True:
        r = await http.get("/api/v1/tasks", params=params)
        assert r.status_code == 200, r.text
        found += [t["number"] for t in r.json()["tasks"]]
        if not r.json()["next_cursor"]:
            return found
        params["cursor"] = r.json()["next_cursor"]


async def chat_search(http: httpx.AsyncClient, query: str) -> list[int]:
    """Ask the built-in model "find tasks about <query>"; the numbers of the list widget it shows."""
    r = await http.post("/api/alice/chat", json={"message": f"find tasks about {query}"})
    assert r.status_code == 200, r.text
    calls = r.json()["tool_calls"]
    assert [c["tool"] for c in calls][:1] == ["list_tasks"] and calls[0]["arguments"]["query"], calls
    conversation = r.json()["conversation_id"]
    messages = (await http.get(f"/api/alice/conversations/{conversation}/messages")).json()
    widgets = [m["content"] for m in messages if m["role"] == "widget"]
    return [int(n) for n in ROW.findall(widgets[-1])] if widgets else []


async def test_one_search_rule_through_rest_mcp_and_chat(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers("alice"), timeout=30) as http:
        for task in TASKS:
            assert (await http.post("/api/v1/tasks", json=task)).status_code == 201
        async with mcp_client(live_server, "alice") as mcp:
            for query, numbers in CASES:
                assert await rest_search(http, query) == numbers, ("REST", query)
                result = await mcp.call_tool("list_tasks", {"query": query})
                assert [t["number"] for t in result.structured_content["tasks"]] == numbers, ("MCP", query)
                assert await chat_search(http, query) == numbers, ("chat", query)


async def test_unknown_fields_on_every_front_change_nothing(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers("alice"), timeout=30) as http:
        for title in ("Buy milk", "Call mom", "Pay rent"):
            await http.post("/api/v1/tasks", json={"title": title})

        async def tasks() -> list[tuple[int, str, str | None, bool]]:
            body = (await http.get("/api/v1/tasks")).json()
            return [(t["number"], t["title"], t["due"], t["completed"]) for t in body["tasks"]]

        before = await tasks()
        r = await http.post("/api/v1/tasks", json={"title": "x", "due_date": "2026-11-20"})
        assert r.status_code == 422 and r.json()["field"] == "due_date", r.text
        assert set(r.json()) >= {"error", "message", "field"}
        r = await http.post("/api/alice/chat", json={"message": "add buy bread", "user_id": "bob"})
        assert r.status_code == 422 and r.json()["field"] == "user_id", r.text
        async with mcp_client(live_server, "alice") as mcp:
            result = await mcp.call_tool("add_task", {"title": "x", "due_date": "2026-11-20"})
            assert result.is_error and "due_date" in result.content[0].text
            result = await mcp.call_tool("complete_tasks", {"numbers": [2], "selection": "all"})
            assert result.is_error and "selection" in result.content[0].text
        assert await tasks() == before

        # the reported requests now do exactly what they name
        r = await http.post("/api/v1/tasks/bulk/complete", json={"numbers": [2]})
        assert [t["number"] for t in r.json()["tasks"]] == [2]
        r = await http.post("/api/v1/tasks/bulk/delete", json={"numbers": [2, 3], "confirm": True})
        assert [t["number"] for t in r.json()["tasks"]] == [2, 3]
        assert await tasks() == [(1, "Buy milk", None, False)]
        r = await http.get(f"/api/v1/tasks/{2**63}")
        assert r.status_code == 422 and r.json()["field"] == "number"
