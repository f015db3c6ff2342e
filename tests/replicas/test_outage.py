"""A real server while PostgreSQL goes away and comes back, and while it is asked to stop."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from tests import hardening_tally as tally
from tests.pg import PgCluster
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient, ChatKitError

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def start(pg_url: str, tmp_path: Path, **extra: str) -> LiveServer:
    """A server on ``pg_url`` with rate limits off: these tests write as fast as they can and must
    see the database's answers (201/503), never ``429 rate_limited``."""
    env = server_env(pg_url, tmp_path / "srv", TODOCHAT_RATE_LIMIT="off", **extra)
    return LiveServer(env).start(timeout=180)


async def until(condition: Callable[[], Awaitable[bool]], what: str, within: float = 30) -> None:
    """Poll ``condition`` every 50 ms until it holds; fail naming ``what`` after ``within`` s."""
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, f"{what}: not within {within} s"
        await asyncio.sleep(0.05)


async def waiting_on_a_lock(pg_url: str) -> int:
    """How many database sessions are waiting for a lock (a request blocked by ``lock_counter``)."""
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ))  # fmt: skip
    finally:
        await conn.close()


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

            async def acked_at_least(n: int) -> bool:
                assert not writing.done(), writing  # the writer failed: its exception shows here
                return len(acked) >= n

            await until(lambda: acked_at_least(2), "two writes acknowledged before the outage")
            cluster.stop("immediate")  # a crash, not a polite shutdown
            tally.fault("database outage")

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
            before = len(acked)
            await until(lambda: acked_at_least(before + 1), "a write acknowledged after recovery")
            stop_writing.set()
            await writing

            listed = (await http.get("/api/v1/tasks", params={"limit": 500}, headers=headers)).json()["tasks"]
            titles = {t["title"] for t in listed}
            tally.observed("lost_writes", len(set(acked) - titles))
            assert set(acked) <= titles, "an acknowledged task was lost"
            assert sorted(t["number"] for t in listed) == list(range(1, len(listed) + 1))
            assert statuses.count(503) >= 1 and len(acked) >= 3
            assert 429 not in statuses
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


async def blocked(pg_url: str) -> bool:
    """True once some session waits for a lock."""
    return await waiting_on_a_lock(pg_url) >= 1


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
            await until(lambda: blocked(pg_url), "the second request waiting for the lock")
            assert not pending.done()  # it is waiting for the database
            process.send_signal(signal.SIGTERM)
            tally.fault("SIGTERM mid-request")

            async def refused() -> bool:  # no new connections once stopping
                try:
                    await http.get("/health", headers={"Connection": "close"})
                except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError):
                    return True  # refused, or accepted by the closing socket and dropped unanswered
                return False

            await until(refused, "new connections refused after SIGTERM", within=10)
            assert not pending.done()  # still waiting: stopping did not cut it off
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
            await until(lambda: blocked(pg_url), "the request waiting for the lock")
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            tally.fault("SIGTERM mid-request")
            await asyncio.to_thread(process.wait, 30)
            took = time.monotonic() - began
            await lock.execute("ROLLBACK")
            await lock.close()
            assert 1.5 < took < 15, took
            with pytest.raises(httpx.HTTPError):
                (await stuck).raise_for_status()
    finally:
        server.stop()
