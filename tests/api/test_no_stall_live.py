"""Issue 11 probe findings, over real HTTP against ``todochat serve`` on SQLite and PostgreSQL:
no request stalls the server for others or is answered 500/503 because of its input."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
from sqlalchemy import update
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.models import Task

BIG = 2**63


async def test_completing_a_long_overdue_daily_task_does_not_stall_health(live_server: LiveServer) -> None:  # noqa: F811
    """Old behaviour: 7 s of server-wide stall for 30 days of FREQ=DAILY;FREQ=SECONDLY, minutes
    for 2000-01-01; FREQ=DAILY from 0001-01-01 1.8 s per completion."""
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=30) as http:
        refused = await http.post("/api/v1/tasks", json={"title": "x", "due": "2000-01-01", "recurrence": "FREQ=DAILY;FREQ=SECONDLY"})
        assert refused.status_code == 422 and "FREQ twice" in refused.json()["message"]
        numbers = []
        for due in ("1900-01-01", "2000-01-01T08:00"):
            created = await http.post("/api/v1/tasks", json={"title": "Water plants", "due": due, "recurrence": "FREQ=DAILY"})
            assert created.status_code == 201, created.text
            numbers.append(created.json()["number"])
        # rows stored before the rules existed: due in year 1, and a rule dateutil reads as SECONDLY
        legacy = (await http.post("/api/v1/tasks", json={"title": "Old", "due": "1900-01-01", "recurrence": "daily"})).json()
        bad_rule = (await http.post("/api/v1/tasks", json={"title": "Odd", "due": "2000-01-01", "recurrence": "daily"})).json()
        await backdate(live_server, legacy["number"], datetime(1, 1, 1, tzinfo=UTC), None)
        await backdate(live_server, bad_rule["number"], None, "FREQ=DAILY;FREQ=SECONDLY")
        numbers.append(legacy["number"])

        health_times: list[float] = []
        done = asyncio.Event()

        async def poll_health() -> None:
            async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as other:
                while not done.is_set():
                    started = time.perf_counter()
                    assert (await other.get("/health")).status_code == 200
                    health_times.append(time.perf_counter() - started)

        poller = asyncio.create_task(poll_health())
        for number in numbers:
            started = time.perf_counter()
            completed = await http.post(f"/api/v1/tasks/{number}/complete")
            elapsed = time.perf_counter() - started
            assert completed.status_code == 200, completed.text
            assert completed.json()["next_task"] is not None
            assert elapsed < 1.0, f"completion took {elapsed:.2f} s"
        started = time.perf_counter()
        refused = await http.post(f"/api/v1/tasks/{bad_rule['number']}/complete")
        assert refused.status_code == 422 and "Change or clear its recurrence" in refused.json()["message"]
        assert time.perf_counter() - started < 1.0
        done.set()
        await poller
        assert health_times and max(health_times) < 1.0


async def backdate(server: LiveServer, number: int, due_at: datetime | None, recurrence: str | None) -> None:
    """Write a task row as an older version could have stored it (no checks)."""
    settings = Settings(database_url=server.env["TODOCHAT_DATABASE_URL"], jwt_secret="x" * 40)
    engine = make_engine(settings)
    values = {"due_at": due_at} if due_at else {"recurrence": recurrence}
    async with make_sessionmaker(engine).begin() as session:
        await session.execute(update(Task).where(Task.user_id == "alice", Task.number == number).values(**values))
    await engine.dispose()


async def test_out_of_range_input_is_a_clear_4xx(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=30) as http:
        for number in (BIG, 2**31, 0):
            for method, path in (("GET", f"/api/v1/tasks/{number}"), ("POST", f"/api/v1/tasks/{number}/complete"),
                                 ("DELETE", f"/api/v1/tasks/{number}")):
                answer = await http.request(method, path)
                assert answer.status_code == 422, (method, path, answer.text)
                assert answer.json()["field"] == "number"
        for due in ("9999-12-31T23:59", "0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "1899-12-31", "2201-01-01"):
            answer = await http.post("/api/v1/tasks", json={"title": "x", "due": due})
            assert answer.status_code == 422 and answer.json()["field"] == "due", (due, answer.text)
        for title in ("a\x00b", "bell\x07", "esc\x1b[31m"):
            answer = await http.post("/api/v1/tasks", json={"title": title})
            assert answer.status_code == 422 and answer.json()["field"] == "title", (title, answer.text)
        answer = await http.post("/api/v1/tasks", json={"title": "x", "description": "line\x00"})
        assert answer.status_code == 422 and answer.json()["field"] == "description"

        started = time.perf_counter()
        answer = await http.post("/api/v1/tasks", json={"title": "tagged", "tags": [f"t{i}" for i in range(50_000)]})
        assert answer.status_code == 422 and answer.json()["field"] == "tags"
        assert time.perf_counter() - started < 2.0
        answer = await http.post("/api/v1/tasks", json={"title": "tagged", "tags": [f"t{i}" for i in range(21)]})
        assert answer.status_code == 422 and "at most 20 tags" in answer.json()["message"]
        task = (await http.post("/api/v1/tasks", json={"title": "ok", "tags": [f"t{i}" for i in range(20)]})).json()
        answer = await http.patch(f"/api/v1/tasks/{task['number']}", json={"add_tags": ["one-more"]})
        assert answer.status_code == 422 and answer.json()["field"] == "tags"

        listed = (await http.get("/api/v1/tasks")).json()["tasks"]
        assert [t["title"] for t in listed] == ["ok"]  # nothing refused was stored
        assert (await http.get("/api/v1/tasks", params={"due_before": "9999-12-31"})).status_code == 422


async def test_bodies_above_the_limit_are_refused_before_they_are_read(live_server: LiveServer) -> None:  # noqa: F811
    token = live_server.token()
    for path in ("/api/v1/tasks", "/chatkit"):
        # only the headers are sent: the answer comes without waiting for the 50 MiB body
        reader, writer = await asyncio.open_connection("127.0.0.1", live_server.port)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * 1024 * 1024}\r\n\r\n".encode()
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        assert head.startswith(b"HTTP/1.1 413"), head
        writer.close()

    async def chunks():  # no Content-Length: counted while it streams (1 MiB + 64 KiB)
        for _ in range(17):
            yield b"x" * 65536

    async with httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers(), timeout=60) as http:
        answer = await http.post("/api/v1/tasks", content=chunks(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        assert answer.json()["error"] == "payload_too_large"
        assert (await http.get("/api/v1/tasks")).json()["tasks"] == []


async def test_an_overlong_request_id_is_not_echoed(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as http:
        answer = await http.get("/health", headers={"X-Request-ID": "r" * 10_000})
        assert len(answer.headers["X-Request-ID"]) <= 64
        assert (await http.get("/health", headers={"X-Request-ID": "abc-123"})).headers["X-Request-ID"] == "abc-123"
