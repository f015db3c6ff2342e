"""The page's task panel data (``GET /api/v1/panel``) and its change stream (``GET /api/v1/events``,
Server-Sent Events) over a real ``todochat serve`` on SQLite and PostgreSQL: the views' and lists'
counts, subtasks under their parents, bad input; an event after the same user's REST change and
undo, none from another user's change, 401 without a token, the end of the stream at sign-out,
the per-user stream bound (429) and a slot given back when the client goes away; and a change made through a second replica arrives on
a stream held by the first."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tests.servers import LiveServer, server_factory  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

FAST = {"TODOCHAT_EVENTS_POLL_SECONDS": "0.2", "TODOCHAT_EVENTS_MAX_STREAMS": "2"}
DEADLINE = 20.0


@dataclass
class Stream:
    """One open ``GET /api/v1/events``: its parsed events arrive on ``queue`` as ``(event, data)``."""

    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = field(default_factory=asyncio.Queue)
    raw: list[str] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    async def next(self) -> tuple[str, dict[str, Any]]:
        """The next event, waiting at most :data:`DEADLINE` seconds."""
        return await asyncio.wait_for(self.queue.get(), DEADLINE)


@contextlib.asynccontextmanager
async def events(http: httpx.AsyncClient, headers: dict[str, str]) -> AsyncIterator[Stream]:
    """Open the stream, parse it in a task; closed (client disconnect) on exit."""
    stream = Stream()
    opened: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def read() -> None:
        try:
            await read_stream()
        finally:
            stream.ended.set()

    async def read_stream() -> None:
        async with http.stream("GET", "/api/v1/events", headers=headers) as response:
            opened.set_result(response.status_code)
            assert response.headers["content-type"].startswith("text/event-stream")
            kind, data = "message", ""
            async for line in response.aiter_lines():
                stream.raw.append(line)
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data += line.split(":", 1)[1].strip()
                elif line == "" and data:
                    await stream.queue.put((kind, json.loads(data)))
                    kind, data = "message", ""

    task = asyncio.create_task(read())
    try:
        assert await asyncio.wait_for(opened, DEADLINE) == 200
        yield stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await task


async def test_the_panel_shows_views_lists_and_subtasks(server_factory) -> None:  # noqa: F811
    server: LiveServer = server_factory()  # clock pinned to Mon 23 Nov 2026 09:00 UTC (tests/clock.py)
    alice, bob = server.headers("alice"), server.headers("bob")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        assert (await http.get("/api/v1/panel")).status_code == 401
        assert (await http.post("/api/v1/lists", json={"name": "Work"}, headers=alice)).status_code == 201
        for body in (
            {"title": "Pay rent", "due": "2026-11-20"},  # 1 overdue → Today
            {"title": "Call mom", "due": "2026-11-23T17:00"},  # 2 today
            {"title": "Dentist", "due": "2026-11-25"},  # 3 upcoming
            {"title": "Read a book"},  # 4 no due date: in its list only
            {"title": "Ship the report", "list": "Work", "due": "2026-11-23"},  # 5
            {"title": "Write the summary", "list": "Work", "parent": 5},  # 6 subtask of 5
            {"title": "Old thing", "due": "2026-11-19"},  # 7, completed below
        ):
            assert (await http.post("/api/v1/tasks", json=body, headers=alice)).status_code == 201, body
        assert (await http.post("/api/v1/tasks/7/complete", headers=alice)).status_code == 200
        assert (await http.post("/api/v1/tasks", json={"title": "Bob's task", "due": "2026-11-23"}, headers=bob)).status_code == 201

        r = await http.get("/api/v1/panel", headers=alice)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["view"] == "today" and body["title"] == "Today" and body["list"] is None
        assert [(v["name"], v["title"], v["open_tasks"]) for v in body["views"]] == [("today", "Today", 3), ("upcoming", "Upcoming", 1)]
        assert [(x["name"], x["open_tasks"]) for x in body["lists"]] == [("Inbox", 4), ("Work", 2)]
        assert [(t["number"], t["depth"], t["due_label"]) for t in body["tasks"]] == [
            (1, 0, "overdue · Fri 20 Nov"), (5, 0, "due today"), (2, 0, "due today at 17:00"),
        ]

        r = await http.get("/api/v1/panel", params={"view": "upcoming"}, headers=alice)
        assert [t["title"] for t in r.json()["tasks"]] == ["Dentist"]

        r = await http.get("/api/v1/panel", params={"list": "work"}, headers=alice)
        body = r.json()
        assert body["list"] == "Work" and body["view"] is None and body["title"] == "Work"
        assert [(t["number"], t["parent"], t["depth"]) for t in body["tasks"]] == [(5, None, 0), (6, 5, 1)]

        r = await http.get("/api/v1/panel", params={"list": "Work", "view": "today"}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "list"
        r = await http.get("/api/v1/panel", params={"view": "someday"}, headers=alice)
        assert r.status_code == 422 and r.json()["field"] == "view"
        r = await http.get("/api/v1/panel", params={"list": "Nope"}, headers=alice)
        assert r.status_code == 404 and r.json()["error"] == "not_found", r.text


async def test_events_tell_the_user_of_their_own_changes(server_factory) -> None:  # noqa: F811
    server: LiveServer = server_factory(**FAST)
    alice, bob = server.headers("alice"), server.headers("bob")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=httpx.Timeout(30, read=DEADLINE)) as http:
        r = await http.get("/api/v1/events")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
        assert (await http.get("/api/v1/events", headers={"Authorization": "Bearer nope"})).status_code == 401

        async with events(http, alice) as mine, events(http, bob) as theirs:
            assert await mine.next() == ("ready", {"mark": 0})
            assert (await theirs.next())[0] == "ready"

            # bob's change reaches bob's stream, and nothing reaches alice's
            assert (await http.post("/api/v1/tasks", json={"title": "Bob's"}, headers=bob)).status_code == 201
            assert await theirs.next() == ("changed", {"mark": 1})
            assert (await http.post("/api/v1/tasks", json={"title": "Bob's 2"}, headers=bob)).status_code == 201
            assert (await theirs.next())[1]["mark"] == 2
            assert mine.queue.empty(), mine.raw

            # alice's own change, then its undo, each arrive
            assert (await http.post("/api/v1/tasks", json={"title": "Mine"}, headers=alice)).status_code == 201
            assert await mine.next() == ("changed", {"mark": 1})
            assert (await http.post("/api/v1/tasks/undo", headers=alice)).status_code == 200
            assert await mine.next() == ("changed", {"mark": 2})  # an undo moves the mark on
            assert (await http.post("/api/v1/lists", json={"name": "Home"}, headers=alice)).status_code == 201
            assert (await mine.next())[1]["mark"] == 3

            # at most TODOCHAT_EVENTS_MAX_STREAMS (2) per user: a third is refused, nothing opened
            async with events(http, alice):
                r = await http.get("/api/v1/events", headers=alice)
                assert r.status_code == 429 and r.json()["error"] == "too_many_streams", r.text
            # signing out everywhere ends the user's streams (within the revocation cache's 5 s)
            async with events(http, server.headers("dave")) as daves:
                assert (await daves.next())[0] == "ready"
                r = await http.post("/api/v1/me/sign-out-everywhere", headers=server.headers("dave"))
                assert r.status_code in (200, 204), r.text
                await asyncio.wait_for(daves.ended.wait(), DEADLINE)
            assert not theirs.ended.is_set()  # bob's stream is still open
        # the client went away: its slots are given back (polled, the server notices the disconnect)
        deadline = time.monotonic() + DEADLINE
        while True:
            async with http.stream("GET", "/api/v1/events", headers=alice) as response:
                if response.status_code == 200:
                    break
            assert time.monotonic() < deadline, "the closed streams' slots were never released"
            await asyncio.sleep(0.1)


async def test_a_change_through_another_replica_arrives(server_factory) -> None:  # noqa: F811
    first: LiveServer = server_factory(**FAST)
    second = LiveServer(first.env).start()  # same database and secret, its own process
    try:
        headers = first.headers("carol")
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=DEADLINE)) as http:
            http.base_url = httpx.URL(first.base_url)
            async with events(http, headers) as stream:
                assert (await stream.next())[0] == "ready"
                r = await http.post(second.base_url + "/api/v1/tasks", json={"title": "From replica two"}, headers=headers)
                assert r.status_code == 201
                assert await stream.next() == ("changed", {"mark": 1})
    finally:
        second.stop()
