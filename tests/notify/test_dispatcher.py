"""The dispatcher on SQLite and PostgreSQL, driven tick by tick at chosen instants: a due reminder
is delivered once on each channel, failures retry with backoff and give up visibly, a late firing
is marked, channels the user or the operator did not set are skipped."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.notify.receivers import HttpReceiver, SmtpServer

from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.notify import preferences
from todochat.notify.dispatcher import Dispatcher
from todochat.notify.models import Delivery, DeliveryAttempt
from todochat.tasks.models import Reminder
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

CTX = RequestContext(user_id="alice", clock=Clock(fixed=TEST_NOW))


def dispatcher(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, **changes: object) -> Dispatcher:
    configured = settings.model_copy(update=changes)
    return Dispatcher(lambda: sessionmaker, configured, lambda: Clock(fixed=TEST_NOW))


async def deliveries(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Delivery]:
    async with sessionmaker() as session:
        return {d.channel: d for d in (await session.execute(select(Delivery))).scalars()}


async def attempts(sessionmaker: async_sessionmaker[AsyncSession], delivery_id: int) -> list[DeliveryAttempt]:
    async with sessionmaker() as session:
        return list((await session.execute(
            select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id).order_by(DeliveryAttempt.id)
        )).scalars())


async def test_due_reminder_is_delivered_once(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    task = await service.add(CTX, TaskCreate(title="Call mom", due="2026-11-23T17:00"))
    rid = await add_reminder(sessionmaker, "alice", task.number, TEST_NOW + timedelta(minutes=5))
    d = dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url + "/hook")

    assert (await d.tick(TEST_NOW)).fired == 0  # not due yet
    assert webhook.requests == []
    result = await d.tick(TEST_NOW + timedelta(minutes=5, seconds=3))
    assert (result.fired, result.sent, result.failed) == (1, 2, 0)  # page + webhook
    again = await d.tick(TEST_NOW + timedelta(minutes=6))
    assert (again.fired, again.sent) == (0, 0)

    assert len(webhook.requests) == 1
    sent = webhook.requests[0]
    assert sent.path == "/hook"
    assert sent.json() == {
        "user": "alice",
        "task": {"number": task.number, "title": "Call mom", "due": "2026-11-23T17:00:00+00:00"},
        "reminder": {"id": rid, "at": "2026-11-23T09:05:00+00:00"},
        "late": False,
    }
    assert sent.headers["idempotency-key"].startswith("todochat-delivery-")
    rows = await deliveries(sessionmaker)
    assert set(rows) == {"page", "webhook"}
    assert all(r.status == "sent" and r.attempts == 1 and not r.late for r in rows.values())
    async with sessionmaker() as session:
        reminder = await session.get(Reminder, rid)
        assert reminder is not None
        assert reminder.status == "fired"
        assert reminder.fired_at == TEST_NOW + timedelta(minutes=5, seconds=3)
    assert [a.ok for a in await attempts(sessionmaker, rows["webhook"].id)] == [True]


async def test_failures_retry_with_backoff_then_give_up(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    webhook.status = 503
    task = await service.add(CTX, TaskCreate(title="Pay rent"))
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    d = dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url)
    now = TEST_NOW
    await d.tick(now)
    assert len(webhook.requests) == 1
    for wait in [30, 120, 600, 1800, 7200]:
        await d.tick(now + timedelta(seconds=wait - 1))  # not yet: the backoff holds
        row = (await deliveries(sessionmaker))["webhook"]
        assert (row.status, row.next_attempt_at) == ("pending", now + timedelta(seconds=wait))
        now += timedelta(seconds=wait)
        await d.tick(now)
    row = (await deliveries(sessionmaker))["webhook"]
    assert (row.status, row.attempts) == ("failed", 6)
    assert row.last_error is not None and "HTTP 503" in row.last_error
    assert len(webhook.requests) == 6
    tries = await attempts(sessionmaker, row.id)
    assert [(a.number, a.ok) for a in tries] == [(n, False) for n in range(1, 7)]
    webhook.status = 200
    await d.tick(now + timedelta(days=1))  # given up: never tried again
    assert len(webhook.requests) == 6
    assert (await deliveries(sessionmaker))["page"].status == "sent"  # the page channel did not fail


async def test_a_retry_that_succeeds(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    webhook.fail_first = 2
    task = await service.add(CTX, TaskCreate(title="Stretch"))
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    d = dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url)
    await d.tick(TEST_NOW)
    await d.tick(TEST_NOW + timedelta(seconds=30))
    await d.tick(TEST_NOW + timedelta(seconds=150))
    row = (await deliveries(sessionmaker))["webhook"]
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert [a.ok for a in await attempts(sessionmaker, row.id)] == [False, False, True]


async def test_unreachable_server_keeps_retrying(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Nothing listens at the webhook: the delivery stays pending and retries; nothing else fails."""
    from tests.servers import free_port

    task = await service.add(CTX, TaskCreate(title="Water plants"))
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    d = dispatcher(sessionmaker, settings, reminder_webhook_url=f"http://127.0.0.1:{free_port()}/")
    result = await d.tick(TEST_NOW)
    assert (result.fired, result.sent, result.retried) == (1, 1, 1)
    row = (await deliveries(sessionmaker))["webhook"]
    assert row.status == "pending" and "ConnectError" in (row.last_error or "")


async def test_late_when_fired_long_after_its_time(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    task = await service.add(CTX, TaskCreate(title="Dentist"))
    on_time = await add_reminder(sessionmaker, "alice", task.number, TEST_NOW - timedelta(seconds=59))
    late = await add_reminder(sessionmaker, "alice", task.number, TEST_NOW - timedelta(minutes=10))
    await dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url).tick(TEST_NOW)
    by_id = {r.json()["reminder"]["id"]: r.json()["late"] for r in webhook.requests}
    assert by_id == {on_time: False, late: True}
    async with sessionmaker() as session:
        flags = {(d.reminder_id, d.channel): d.late for d in (await session.execute(select(Delivery))).scalars()}
    assert flags == {(on_time, "page"): False, (on_time, "webhook"): False, (late, "page"): True, (late, "webhook"): True}


async def test_channels_follow_the_user_and_the_operator(
    service: TaskService,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    webhook: HttpReceiver,
    smtp: SmtpServer,
) -> None:
    task = await service.add(CTX, TaskCreate(title="Übung: stretch"))
    # the user turned email on, but the operator configured no SMTP; ntfy is configured, not chosen
    await preferences.set_channel(sessionmaker, "alice", TEST_NOW, "email", address="alice@example.com")
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    await dispatcher(sessionmaker, settings, ntfy_url=webhook.url).tick(TEST_NOW)
    assert set(await deliveries(sessionmaker)) == {"page"}
    assert webhook.requests == [] and smtp.messages == []

    # now both configured and chosen: ntfy to the user's topic, email through the relay
    await preferences.set_channel(sessionmaker, "alice", TEST_NOW, "ntfy", address="alice_phone")
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW + timedelta(minutes=1))
    d = dispatcher(sessionmaker, settings, ntfy_url=webhook.url + "/", smtp_host="127.0.0.1",
                   smtp_port=smtp.port, smtp_starttls=False, smtp_from="todochat@example.org")
    result = await d.tick(TEST_NOW + timedelta(minutes=1))
    assert (result.fired, result.sent) == (1, 3)
    [ntfy] = webhook.requests
    assert ntfy.path == "/alice_phone"
    assert ntfy.headers["tags"] == "alarm_clock"
    assert ntfy.headers["title"].startswith("=?utf-8?")  # RFC 2047: ntfy decodes it
    assert "Übung: stretch" in ntfy.body.decode()
    [(mail_from, rcpt, message)] = smtp.messages
    assert (mail_from, rcpt) == ("todochat@example.org", ["alice@example.com"])
    assert message["Subject"] == "Reminder: Übung: stretch"
    assert f"Reminder: Übung: stretch (task {task.number})" in message.get_content()

    # switched off again: only the page
    await preferences.set_channel(sessionmaker, "alice", TEST_NOW, "ntfy", enabled=False)
    await preferences.set_channel(sessionmaker, "alice", TEST_NOW, "email", enabled=False)
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW + timedelta(minutes=2))
    assert (await d.tick(TEST_NOW + timedelta(minutes=2))).sent == 1
    assert len(webhook.requests) == 1 and len(smtp.messages) == 1


async def test_completed_or_deleted_task_is_not_delivered(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    done = await service.add(CTX, TaskCreate(title="Done already"))
    gone = await service.add(CTX, TaskCreate(title="Deleted"))
    a = await add_reminder(sessionmaker, "alice", done.number, TEST_NOW)
    b = await add_reminder(sessionmaker, "alice", gone.number, TEST_NOW)
    await service.complete(CTX, done.number)
    await service.delete(CTX, gone.number)
    async with sessionmaker.begin() as session:  # as if the domain had not cancelled them
        for rid in (a, b):
            row = await session.get(Reminder, rid)
            assert row is not None
            row.status = "pending"
    open_task = await service.add(CTX, TaskCreate(title="Still open"))
    c = await add_reminder(sessionmaker, "alice", open_task.number, TEST_NOW)
    result = await dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url).tick(TEST_NOW)
    assert result.fired == 1  # only the open task's; the others never block it
    assert [r.json()["reminder"]["id"] for r in webhook.requests] == [c]
    async with sessionmaker() as session:  # the dispatcher changes no task's reminders outside the journal
        assert [(await session.get(Reminder, rid)).status for rid in (a, b)] == ["pending", "pending"]  # type: ignore[union-attr]


async def test_undone_completion_brings_back_a_reminder_that_then_fires(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    """Completing cancels the pending reminder through the journal; nothing fires while the task
    is done; undo makes it pending again and the next tick delivers it (late: its time passed)."""
    task = await service.add(CTX, TaskCreate(title="Stretch"))
    reminder = await service.add_reminder(CTX, task.number, at=TEST_NOW + timedelta(minutes=5))
    await service.complete(CTX, task.number)
    d = dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url)
    assert (await d.tick(TEST_NOW + timedelta(minutes=6))).fired == 0
    await service.undo(CTX)
    assert [r.id for r in await service.list_reminders(CTX)] == [reminder.id]
    result = await d.tick(TEST_NOW + timedelta(minutes=8))
    assert result.fired == 1
    assert [(r.json()["reminder"]["id"], r.json()["late"]) for r in webhook.requests] == [(reminder.id, True)]


async def test_concurrent_dispatchers_deliver_each_reminder_once(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    """Three dispatchers, each with its own engine (connection pool), tick at once over 50
    reminders due at the same second: every reminder reaches the webhook exactly once."""
    for i in range(50):
        task = await service.add(CTX, TaskCreate(title=f"Task {i}"))
        await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    engines = [make_engine(settings) for _ in range(3)]
    try:
        ds = [dispatcher(make_sessionmaker(e), settings, reminder_webhook_url=webhook.url) for e in engines]
        results = await asyncio.gather(*(d.tick(TEST_NOW + timedelta(seconds=1)) for d in ds))
        for _ in range(2):  # anything a loser skipped is picked up by a later tick
            results += await asyncio.gather(*(d.tick(TEST_NOW + timedelta(seconds=2)) for d in ds))
    finally:
        for e in engines:
            await e.dispose()
    assert sum(r.fired for r in results) == 50
    ids = [json.loads(r.body)["reminder"]["id"] for r in webhook.requests]
    assert len(ids) == 50 and len(set(ids)) == 50
    async with sessionmaker() as session:
        count = (await session.execute(select(func.count()).select_from(Delivery).where(Delivery.status == "sent"))).scalar_one()
    assert count == 100


@pytest.mark.parametrize("topic", ["", "a b", "x" * 65, "https://evil.example/x", "../admin"])
async def test_bad_ntfy_topic_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], topic: str
) -> None:
    from todochat.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        await preferences.set_channel(sessionmaker, "alice", TEST_NOW, "ntfy", address=topic)
    assert caught.value.field == "ntfy.topic"
    assert (await preferences.get_channels(sessionmaker, "alice")).ntfy_topic is None


async def test_a_redirect_is_not_followed(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    """The operator's webhook answers a redirect to another host: the server does not go there
    (a response cannot steer it to an arbitrary URL); the delivery is retried later."""
    elsewhere = HttpReceiver().start()
    try:
        webhook.status, webhook.location = 307, elsewhere.url + "/internal"
        task = await service.add(CTX, TaskCreate(title="Stretch"))
        await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
        await dispatcher(sessionmaker, settings, reminder_webhook_url=webhook.url).tick(TEST_NOW)
        assert len(webhook.requests) == 1 and elsewhere.requests == []
        row = (await deliveries(sessionmaker))["webhook"]
        assert row.status == "pending" and "HTTP 307" in (row.last_error or "")
    finally:
        elsewhere.stop()


async def test_shutdown_lets_the_tick_in_progress_finish(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Leaving the lifespan while a send is in flight: the send completes and is recorded, so a
    graceful restart leaves no claimed delivery behind to be sent twice."""
    from todochat.notify.channels import Notice, Senders
    from todochat.notify.dispatcher import running

    started, release = asyncio.Event(), asyncio.Event()

    class SlowWebhook(Senders):
        async def send(self, channel: str, notice: Notice) -> None:
            if channel == "webhook":
                started.set()
                await release.wait()

    configured = settings.model_copy(update={"reminder_webhook_url": "http://127.0.0.1:9/", "reminders_poll_seconds": 0.1})
    task = await service.add(CTX, TaskCreate(title="Stretch"))
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    d = Dispatcher(lambda: sessionmaker, configured, lambda: Clock(fixed=TEST_NOW), SlowWebhook(configured))
    async with running(d):
        await asyncio.wait_for(started.wait(), 30)
        asyncio.get_running_loop().call_later(0.2, release.set)
    row = (await deliveries(sessionmaker))["webhook"]
    assert (row.status, row.attempts) == ("sent", 1)


async def test_a_failed_tick_does_not_stop_the_loop(
    service: TaskService, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, webhook: HttpReceiver
) -> None:
    """The database is unreachable for the first ticks (connection refused): the loop logs it and
    keeps ticking, and the reminder is delivered once the database answers."""
    import time

    from sqlalchemy.ext.asyncio import create_async_engine
    from tests.servers import free_port

    from todochat.notify.dispatcher import running

    broken_engine = create_async_engine(f"postgresql+asyncpg://u:p@127.0.0.1:{free_port()}/none")
    ticks = {"n": 0}

    def current() -> async_sessionmaker[AsyncSession]:
        ticks["n"] += 1
        return make_sessionmaker(broken_engine) if ticks["n"] <= 2 else sessionmaker

    configured = settings.model_copy(update={"reminder_webhook_url": webhook.url, "reminders_poll_seconds": 0.05})
    task = await service.add(CTX, TaskCreate(title="Stretch"))
    await add_reminder(sessionmaker, "alice", task.number, TEST_NOW)
    try:
        async with running(Dispatcher(current, configured, lambda: Clock(fixed=TEST_NOW))):
            deadline = time.monotonic() + 30
            while not webhook.requests:
                assert time.monotonic() < deadline, "the loop stopped after a failed tick"
                await asyncio.sleep(0.05)
    finally:
        await broken_engine.dispose()
    assert ticks["n"] > 2 and len(webhook.requests) == 1
