"""Bulk update over a real ``todochat serve`` (uvicorn, real HTTP) on SQLite and PostgreSQL: REST
``POST /api/v1/tasks/bulk/update`` and the MCP ``update_tasks`` tool over streamable HTTP, a refused
postpone that changes nothing, and one undo per bulk change from either front."""

from __future__ import annotations

import httpx
import pytest
from tests.mcp.test_http import mcp_client
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
FRIDAY, MONDAY = "2026-11-27", "2026-11-30"  # the servers' clock: Monday 23 Nov 2026


async def test_bulk_update_over_rest_and_mcp(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers("alice"), timeout=30) as http:
        for title, due in [("Dentist", f"{FRIDAY}T15:00"), ("Pay rent", FRIDAY), ("Gym", "2026-11-26T18:00")]:
            assert (await http.post("/api/v1/tasks", json={"title": title, "due": due})).status_code == 201

        async def dues() -> list[str | None]:
            return [t["due"] for t in (await http.get("/api/v1/tasks")).json()["tasks"]]

        before = await dues()
        r = await http.post("/api/v1/tasks/bulk/update", json={"filter": {"due": FRIDAY}, "changes": {"due_day": MONDAY}})
        assert r.status_code == 200, r.text
        assert [t["number"] for t in r.json()["tasks"]] == [1, 2]
        assert await dues() == [f"{MONDAY}T15:00", MONDAY, "2026-11-26T18:00"]
        r = await http.post("/api/v1/tasks/bulk/update", json={"all": True, "changes": {"due_day": "2026-11-28", "later_only": True}})
        assert r.status_code == 409 and r.json()["error"] == "earlier_than_due", r.text
        r = await http.post("/api/v1/tasks/bulk/update", json={"all": True, "changes": {"title": "Same"}})
        assert r.status_code == 422 and r.json()["field"] == "title"
        assert await dues() == [f"{MONDAY}T15:00", MONDAY, "2026-11-26T18:00"]

        async with mcp_client(live_server, "alice") as mcp:
            asked = await mcp.call_tool("update_tasks", {"all": True, "shift": "P1W"})
            assert asked.is_error and asked.structured_content["error"] == "confirmation_required"
            assert [t["number"] for t in asked.structured_content["would_change"]] == [1, 2, 3]
            done = await mcp.call_tool("update_tasks", {"all": True, "shift": "P1W", "confirm": True})
            assert [t["due"] for t in done.structured_content["tasks"]] == ["2026-12-07T15:00", "2026-12-07", "2026-12-03T18:00"]
            unknown = await mcp.call_tool("update_tasks", {"all": True, "title": "x", "confirm": True})
            assert unknown.is_error and "title" in unknown.content[0].text
            undone = await mcp.call_tool("undo", {})
            assert undone.structured_content["message"] == "Undid: changed 3 tasks"
        assert (await http.post("/api/v1/tasks/undo")).json()["message"] == "Undid: changed 2 tasks"
        assert await dues() == before
