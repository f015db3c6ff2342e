"""Two real ``todochat serve`` replicas on one PostgreSQL: messages to one thread sent to both at
once still run one turn at a time, each answering its own message (issue 11, item 8)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.replicas.test_two_replicas import start_pair, titles_in_db
from tests.servers import LiveServer

from todochat.client import ChatKitClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def replicas(pg_url: str, tmp_path: Path) -> Iterator[list[LiveServer]]:
    """Two replicas on one fresh PostgreSQL database."""
    servers = start_pair(pg_url, tmp_path / "srv")
    yield servers
    for server in servers:
        server.stop()


async def test_concurrent_messages_to_one_thread_across_replicas(replicas: list[LiveServer], pg_url: str) -> None:
    a, b = replicas
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=120) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=120) as http_b,
    ):
        clients = [ChatKitClient(http_a, a.token("alice"), "UTC"), ChatKitClient(http_b, b.token("alice"), "UTC")]
        first = await clients[0].send("hello")
        turns = await asyncio.gather(*(clients[i % 2].send(f"add task {i}", first.thread_id) for i in range(10)))
        for i, turn in enumerate(turns):
            assert turn.error is None and turn.text.endswith(f": {i}."), (i, [t.text for t in turns])
        assert await titles_in_db(pg_url, "alice") == [str(i) for i in range(10)]
        items = await clients[1].items(first.thread_id)
        kinds = [i["type"] for i in items[2:]]
        assert kinds == ["user_message", "widget", "workflow", "assistant_message"] * 10  # never interleaved
