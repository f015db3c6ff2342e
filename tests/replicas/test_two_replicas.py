"""Two real ``todochat serve`` processes on one database: nothing a replica needs lives in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient, ChatKitError
from todochat.tasks.models import Task

pytestmark = pytest.mark.slow


def start_pair(database_url: str, data_dir: Path, **extra: str) -> list[LiveServer]:
    """Start two servers on one database at the same moment (both migrate on start)."""
    env = server_env(database_url, data_dir, **extra)
    servers = [LiveServer(dict(env)), LiveServer(dict(env))]
    with ThreadPoolExecutor(2) as pool:  # generous: this machine may be busy
        list(pool.map(lambda server: server.start(timeout=180), servers))
    return servers


@pytest.fixture
def pg_pair(pg_url: str, tmp_path: Path) -> Iterator[list[LiveServer]]:
    """Two replicas on one fresh PostgreSQL database."""
    servers = start_pair(pg_url, tmp_path / "srv")
    yield servers
    for server in servers:
        server.stop()


async def titles_in_db(database_url: str, user: str) -> list[str]:
    """The titles of ``user``'s live (not deleted) tasks, read straight from the database."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(Task.title).where(Task.user_id == user, Task.deleted_at.is_(None))
            )
            return sorted(rows.scalars())
    finally:
        await engine.dispose()


async def test_conversation_tasks_and_actions_carry_across_replicas(
    pg_pair: list[LiveServer],
) -> None:
    a, b = pg_pair
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=60) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=60) as http_b,
    ):
        on_a = ChatKitClient(http_a, a.token("alice"), "UTC")
        on_b = ChatKitClient(http_b, b.token("alice"), "UTC")

        first = await on_a.send("add buy milk")
        assert first.error is None and first.thread_id, first.events
        second = await on_b.send("show my tasks", first.thread_id)
        assert second.error is None, second.events
        assert "Buy milk" in second.shown

        history_a, history_b = await on_a.items(first.thread_id), await on_b.items(first.thread_id)
        assert [i["id"] for i in history_a] == [i["id"] for i in history_b]
        said = [c["text"] for i in history_b if i["type"] == "user_message" for c in i["content"]]
        assert said == ["add buy milk", "show my tasks"]

        # a widget streamed by A, clicked on B
        widget = next(i for i in history_a if i["type"] == "widget")
        action = {"type": "task.complete", "payload": {"number": 1}}
        clicked = await on_b.stream({"type": "threads.custom_action", "params": {
            "thread_id": first.thread_id, "item_id": widget["id"], "action": action}})  # fmt: skip
        assert clicked.error is None, clicked.events
        tasks = (await http_a.get("/api/v1/tasks", headers=a.headers("alice"))).json()["tasks"]
        assert [(t["number"], t["completed"]) for t in tasks] == [(1, True)]

        # a task added through B is listed by A
        made = await http_b.post(
            "/api/v1/tasks", json={"title": "Call mum"}, headers=b.headers("alice")
        )
        assert made.status_code == 201, made.text
        listed = (await http_a.get("/api/v1/tasks", headers=a.headers("alice"))).json()["tasks"]
        assert [t["title"] for t in listed] == ["Buy milk", "Call mum"]

        # a confirmation asked on A is answered on B
        asked = await on_a.send("delete all my tasks", first.thread_id)
        assert asked.error is None, asked.events
        assert await titles_in_db(a.env["TODOCHAT_DATABASE_URL"], "alice") == [
            "Buy milk",
            "Call mum",
        ]
        answered = await on_b.send("yes", first.thread_id)
        assert answered.error is None, answered.events
        assert await titles_in_db(a.env["TODOCHAT_DATABASE_URL"], "alice") == []

        # another user sees none of it on either replica
        bob = ChatKitClient(http_b, b.token("bob"), "UTC")
        with pytest.raises(ChatKitError) as denied:
            await bob.items(first.thread_id)
        assert denied.value.status == 404


async def test_twenty_concurrent_adds_over_two_processes(database_url: str, tmp_path: Path) -> None:
    """20 adds at once, alternating between two processes: numbers 1…20, no duplicate, no gap
    (SQLite: two processes on one file; PostgreSQL: two replicas)."""
    servers = start_pair(database_url, tmp_path / "srv")
    try:
        clients = [httpx.AsyncClient(base_url=s.base_url, timeout=60) for s in servers]
        headers = servers[0].headers("alice")

        async def add(i: int) -> int:
            response = await clients[i % 2].post("/api/v1/tasks", json={"title": f"task {i}"},
                                                 headers=headers)  # fmt: skip
            assert response.status_code == 201, response.text
            return int(response.json()["number"])

        numbers = await asyncio.gather(*(add(i) for i in range(20)))
        assert sorted(numbers) == list(range(1, 21))
        listed = (await clients[1].get("/api/v1/tasks", headers=headers)).json()["tasks"]
        assert sorted(t["number"] for t in listed) == list(range(1, 21))
        assert {t["title"] for t in listed} == {f"task {i}" for i in range(20)}
        for client in clients:
            await client.aclose()
    finally:
        for server in servers:
            server.stop()


@pytest.mark.postgres
async def test_rate_limit_is_shared_across_replicas_with_redis(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    servers = start_pair(pg_url, tmp_path / "srv", TODOCHAT_RATE_LIMIT="4/minute",
                         TODOCHAT_RATE_LIMIT_STORAGE=redis_url)  # fmt: skip
    try:
        a, b = servers
        async with (
            httpx.AsyncClient(base_url=a.base_url, timeout=60) as http_a,
            httpx.AsyncClient(base_url=b.base_url, timeout=60) as http_b,
        ):
            alice = a.headers("alice")
            codes = [(await http.get("/api/v1/tasks", headers=alice)).status_code
                     for http in (http_a, http_b, http_a, http_b)]  # fmt: skip
            assert codes == [200, 200, 200, 200]
            for http in (http_a, http_b):
                over = await http.get("/api/v1/tasks", headers=alice)
                assert over.status_code == 429
                assert over.json()["error"] == "rate_limited"
                assert 1 <= int(over.headers["retry-after"]) <= 60
            # a streaming ChatKit turn over the limit is refused before any work
            with pytest.raises(ChatKitError) as refused:
                await ChatKitClient(http_b, b.token("alice"), "UTC").send("add sneaky task")
            assert refused.value.status == 429
            assert await titles_in_db(pg_url, "alice") == []
            # other users have their own budget
            assert (await http_a.get("/api/v1/tasks", headers=a.headers("bob"))).status_code == 200
    finally:
        for server in servers:
            server.stop()
