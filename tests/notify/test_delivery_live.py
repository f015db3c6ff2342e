"""Reminders delivered by real ``todochat serve`` processes: 5 s ahead on the real clock to a local
webhook receiver and a local SMTP server; across a restart (delivered once, late); and by two
replicas on PostgreSQL racing over 50 reminders due at the same second (each delivered once)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.notify.receivers import HttpReceiver, SmtpServer, wait_for
from tests.servers import LiveServer

from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.notify.models import Delivery

pytestmark = pytest.mark.slow


async def insert_reminders(database_url: str, tmp_path: Path, user: str, numbers: list[int], fire_at: datetime) -> list[int]:
    engine = make_engine(Settings(database_url=database_url, data_dir=tmp_path / "client", jwt_secret="x" * 40))
    try:
        sm = make_sessionmaker(engine)
        return [await add_reminder(sm, user, n, fire_at, created_at=fire_at - timedelta(minutes=1)) for n in numbers]
    finally:
        await engine.dispose()


async def delivery_rows(database_url: str, tmp_path: Path) -> list[Delivery]:
    engine = make_engine(Settings(database_url=database_url, data_dir=tmp_path / "client", jwt_secret="x" * 40))
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.execute(select(Delivery).order_by(Delivery.id))).scalars())
    finally:
        await engine.dispose()


def add_tasks(server: LiveServer, count: int, user: str = "alice") -> list[int]:
    numbers = []
    with httpx.Client(base_url=server.base_url, headers=server.headers(user), timeout=30) as http:
        for i in range(count):
            response = http.post("/api/v1/tasks", json={"title": f"Stretch {i}"})
            assert response.status_code == 201, response.text
            numbers.append(response.json()["number"])
    return numbers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reminder_5s_ahead_reaches_webhook_and_email(
    server_factory: Callable[..., LiveServer],
    database_url: str,
    tmp_path: Path,
    webhook: HttpReceiver,
    smtp: SmtpServer,
) -> None:
    server = server_factory(
        TODOCHAT_CLOCK_FIXED=None,  # the real clock
        TODOCHAT_REMINDERS_POLL_SECONDS="1",
        TODOCHAT_REMINDER_WEBHOOK_URL=webhook.url + "/reminders",
        TODOCHAT_SMTP_HOST="127.0.0.1",
        TODOCHAT_SMTP_PORT=str(smtp.port),
        TODOCHAT_SMTP_STARTTLS="false",
    )
    [number] = add_tasks(server, 1)
    me = httpx.patch(server.base_url + "/api/v1/me", headers=server.headers(),
                     json={"reminder_channels": {"email": {"address": "alice@example.com"}}}, timeout=30)
    assert me.status_code == 200, me.text
    fire_at = datetime.now(UTC) + timedelta(seconds=5)
    [rid] = asyncio.run(insert_reminders(database_url, tmp_path, "alice", [number], fire_at))

    wait_for(lambda: webhook.requests and smtp.messages, timeout=90, what="the webhook POST and the email")
    [post] = webhook.requests
    assert post.json()["reminder"] == {"id": rid, "at": fire_at.isoformat()}
    assert post.json()["late"] is False
    assert fire_at.timestamp() - 0.5 <= post.at <= fire_at.timestamp() + 60  # not early, within 60 s
    print(f"webhook POST {post.at - fire_at.timestamp():.2f} s after the reminder's time")
    [(_, rcpt, message)] = smtp.messages
    assert rcpt == ["alice@example.com"] and message["Subject"] == "Reminder: Stretch 0"

    def settled() -> list[Delivery] | None:
        rows = asyncio.run(delivery_rows(database_url, tmp_path))
        return rows if len(rows) == 3 and all(r.status == "sent" for r in rows) else None

    rows = wait_for(settled, timeout=60, what="page, webhook and email deliveries sent")
    assert sorted((r.channel, r.attempts, r.late) for r in rows) == [
        ("email", 1, False), ("page", 1, False), ("webhook", 1, False)]
    assert len(webhook.requests) == 1 and len(smtp.messages) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_server_down_across_due_time_delivers_once_late_on_restart(
    database_url: str, tmp_path: Path, webhook: HttpReceiver
) -> None:
    """The first server's clock stands before the reminder; it stops; the next one starts after
    the due time and delivers it once, marked late."""
    from tests.servers import server_env

    env = {"TODOCHAT_REMINDERS_POLL_SECONDS": "1", "TODOCHAT_REMINDER_WEBHOOK_URL": webhook.url}
    first = LiveServer(server_env(database_url, tmp_path / "srv", **env)).start()
    try:
        [number] = add_tasks(first, 1)
        [rid] = asyncio.run(insert_reminders(database_url, tmp_path, "alice", [number], TEST_NOW + timedelta(minutes=5)))
    finally:
        first.stop()
    assert webhook.requests == []
    later = (TEST_NOW + timedelta(minutes=20)).isoformat()
    second = LiveServer(server_env(database_url, tmp_path / "srv", TODOCHAT_CLOCK_FIXED=later, **env)).start()
    try:
        post = wait_for(lambda: webhook.requests and webhook.requests[0], timeout=60, what="the late delivery")
        assert post.json()["reminder"]["id"] == rid and post.json()["late"] is True
        rows = wait_for(
            lambda: [r for r in asyncio.run(delivery_rows(database_url, tmp_path)) if r.status == "sent"] or None,
            timeout=60, what="deliveries sent",
        )
    finally:
        second.stop()
    assert all(r.late for r in rows)
    assert len(webhook.requests) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_replicas_deliver_50_reminders_once_each(
    server_factory: Callable[..., LiveServer], database_url: str, tmp_path: Path, webhook: HttpReceiver
) -> None:
    env = {
        "TODOCHAT_CLOCK_FIXED": None,
        "TODOCHAT_REMINDERS_POLL_SECONDS": "1",
        "TODOCHAT_REMINDER_WEBHOOK_URL": webhook.url,
    }
    first = server_factory(**env)
    server_factory(**env)
    numbers = add_tasks(first, 50)
    fire_at = (datetime.now(UTC) + timedelta(seconds=4)).replace(microsecond=0)  # all due at the same second
    ids = asyncio.run(insert_reminders(database_url, tmp_path, "alice", numbers, fire_at))

    def settled() -> bool:
        rows = asyncio.run(delivery_rows(database_url, tmp_path))
        return len(rows) == 100 and all(r.status == "sent" for r in rows)

    wait_for(settled, timeout=120, what="100 deliveries (page + webhook) sent")
    per_reminder = Counter(r.json()["reminder"]["id"] for r in webhook.requests)
    assert per_reminder == Counter(dict.fromkeys(ids, 1))
    assert all(r.at >= fire_at.timestamp() - 0.5 for r in webhook.requests)
    last = max(r.at for r in webhook.requests) - fire_at.timestamp()
    print(f"2 replicas: 50 reminders, {len(webhook.requests)} webhook POSTs, the last {last:.2f} s after their time")
