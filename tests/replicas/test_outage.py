"""A real server while PostgreSQL goes away and comes back, and while it is asked to stop."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from tests.pg import PgCluster
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient, ChatKitError

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def start(pg_url: str, tmp_path: Path, **extra: str) -> LiveServer:
    return LiveServer(server_env(pg_url, tmp_path / "srv", **extra)).start(timeout=180)


@pytest.fixture
def restart_guard(pg_cluster: PgCluster) -> Iterator[PgCluster]:
    """The session cluster, started again after the test whatever happens."""
    yield pg_cluster
    if not pg_cluster.is_running():
        pg_cluster.start()


async def wait_for(http: httpx.AsyncClient, path: str, status: int, within: float) -> float:
    """Poll ``path`` until it answers ``status``; return the seconds it took."""
    began = time.monotonic()
    while True:
        try:
            if (await http.get(path, timeout=5)).status_code == status:
                return time.monotonic() - began
        except httpx.HTTPError:
            pass
        assert time.monotonic() - began < within, f"{path} did not answer {status} in {within} s"
        await asyncio.sleep(0.1)


async def test_outage_gives_503_and_recovers_without_losing_acknowledged_tasks(
    restart_guard: PgCluster, pg_url: str, tmp_path: Path
) -> None:
    cluster = restart_guard
    server = start(pg_url, tmp_path)
    acked: list[str] = []
    statuses: list[int] = []
    stop_writing = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            headers = server.headers("alice")

            async def writer() -> None:
                i = 0
                while not stop_writing.is_set():
                    title = f"write {i}"
                    i += 1
                    try:
                        answer = await http.post(
                            "/api/v1/tasks", json={"title": title}, headers=headers
                        )
                    except httpx.HTTPError:
                        continue
                    statuses.append(answer.status_code)
                    if answer.status_code == 201:
                        acked.append(title)
                    else:
                        assert answer.status_code == 503, answer.text
                        assert answer.json()["error"] == "database_unavailable"
                        await asyncio.sleep(0.05)

            assert (await http.get("/ready")).status_code == 200
            writing = asyncio.create_task(writer())
            await asyncio.sleep(0.5)
            cluster.stop("immediate")  # a crash, not a polite shutdown

            await wait_for(http, "/ready", 503, within=15)
            began = time.monotonic()
            down = await http.post("/api/v1/tasks", json={"title": "during"}, headers=headers)
            assert down.status_code == 503 and time.monotonic() - began < 10
            body = down.json()
            assert body["error"] == "database_unavailable" and "unavailable" in body["message"]
            assert "Traceback" not in down.text
            chat = ChatKitClient(http, server.token("alice"), "UTC")
            try:  # a streaming turn ends promptly: 503 before the stream, or an error event
                turn = await asyncio.wait_for(chat.send("show my tasks"), 20)
                assert turn.error, turn.events
            except ChatKitError as refused:
                assert refused.status == 503 and refused.body["error"] == "database_unavailable"

            cluster.start()
            recovered = await wait_for(http, "/ready", 200, within=30)
            await asyncio.sleep(0.5)
            stop_writing.set()
            await writing

            listed = (await http.get("/api/v1/tasks", params={"limit": 500}, headers=headers)).json()["tasks"]
            titles = {t["title"] for t in listed}
            assert set(acked) <= titles, "an acknowledged task was lost"
            assert sorted(t["number"] for t in listed) == list(range(1, len(listed) + 1))
            assert statuses.count(503) >= 1 and len(acked) >= 2
            print(f"recovered in {recovered:.1f}s; {len(acked)} acked, {statuses.count(503)} 503s")
    finally:
        stop_writing.set()
        server.stop()


async def lock_counter(pg_url: str, user: str) -> asyncpg.Connection:
    """Hold ``user``'s task-number counter row locked in an open transaction (a slow database)."""
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
    await conn.execute("BEGIN")
    await conn.execute("SELECT * FROM task_counters WHERE user_id = $1 FOR UPDATE", user)
    return conn


async def test_sigterm_lets_a_running_request_finish(pg_url: str, tmp_path: Path) -> None:
    server = start(pg_url, tmp_path, TODOCHAT_GRACEFUL_SHUTDOWN_SECONDS="30")
    process = server.process
    assert process is not None
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            headers = server.headers("alice")
            first = await http.post("/api/v1/tasks", json={"title": "one"}, headers=headers)
            assert first.status_code == 201
            lock = await lock_counter(pg_url, "alice")
            pending = asyncio.create_task(
                http.post("/api/v1/tasks", json={"title": "two"}, headers=headers)
            )
            await asyncio.sleep(1.0)
            assert not pending.done()  # it is waiting for the database
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(1.0)
            with pytest.raises(httpx.ConnectError):  # no new connections once stopping
                await http.get("/health", headers={"Connection": "close"})
            await lock.execute("ROLLBACK")
            await lock.close()
            answer = await asyncio.wait_for(pending, 30)
            assert answer.status_code == 201 and answer.json()["number"] == 2
        # uvicorn re-raises the captured SIGTERM once it has shut down cleanly
        assert await asyncio.to_thread(process.wait, 30) in (0, -signal.SIGTERM)
    finally:
        server.stop()


async def test_sigterm_gives_up_after_the_graceful_timeout(pg_url: str, tmp_path: Path) -> None:
    server = start(pg_url, tmp_path, TODOCHAT_GRACEFUL_SHUTDOWN_SECONDS="2")
    process = server.process
    assert process is not None
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            headers = server.headers("alice")
            assert (
                await http.post("/api/v1/tasks", json={"title": "one"}, headers=headers)
            ).is_success
            lock = await lock_counter(pg_url, "alice")
            stuck = asyncio.create_task(
                http.post("/api/v1/tasks", json={"title": "stuck"}, headers=headers)
            )
            await asyncio.sleep(1.0)
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)
            took = time.monotonic() - began
            await lock.execute("ROLLBACK")
            await lock.close()
            assert 1.5 < took < 15, took
            with pytest.raises(httpx.HTTPError):
                (await stuck).raise_for_status()
    finally:
        server.stop()
