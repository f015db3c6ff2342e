"""A slow database (PostgreSQL): a statement that waits past ``TODOCHAT_DB_STATEMENT_TIMEOUT_MS``
(here: for a row lock another connection holds) ends in a clear error soon after the limit, not a
hang, and nothing half-done stays behind; once the lock goes, the same request works."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from tests import hardening_tally as tally
from tests.replicas.test_outage import lock_counter
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def test_a_statement_past_the_timeout_is_a_clear_error_not_a_hang(pg_url: str, tmp_path: Path) -> None:
    env = server_env(pg_url, tmp_path / "srv", TODOCHAT_RATE_LIMIT="off", TODOCHAT_DB_STATEMENT_TIMEOUT_MS="1000")
    server = LiveServer(env).start(timeout=180)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=60) as http:
            assert (await http.post("/api/v1/tasks", json={"title": "first"})).status_code == 201
            lock = await lock_counter(pg_url, "alice")  # another session holds alice's counter row
            tally.fault("slow database (statement timeout)")
            try:
                started = time.monotonic()
                slow = await http.post("/api/v1/tasks", json={"title": "second"})
                took = time.monotonic() - started
                assert 0.8 < took < 10, took  # the 1 s limit, not the lock's lifetime
                assert slow.status_code == 503, slow.text
                body = slow.json()
                assert body["error"] == "database_timeout" and "too long" in body["message"], body
                assert slow.headers["Retry-After"]
                client = ChatKitClient(http, server.token())
                started = time.monotonic()
                turn = await client.send("add buy milk")
                assert time.monotonic() - started < 20  # the turn ends: the tool's statement timed out
                assert turn.error is None and "took too long" in turn.text, turn.events  # the tool says why
                items = await client.items(turn.thread_id)  # type: ignore[arg-type]
                assert items[0]["type"] == "user_message" and "widget" not in [i["type"] for i in items]
            finally:
                await lock.execute("ROLLBACK")
                await lock.close()
            again = await http.post("/api/v1/tasks", json={"title": "second"})
            assert again.status_code == 201 and again.json()["number"] == 2, again.text
            titles = [t["title"] for t in (await http.get("/api/v1/tasks")).json()["tasks"]]
            tally.observed("lost_writes", len({"first", "second"} - set(titles)))
            assert titles == ["first", "second"]
    finally:
        server.stop()
