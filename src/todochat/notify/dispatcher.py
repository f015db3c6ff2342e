"""The reminder dispatcher: fires due reminders exactly once and sends their deliveries, retrying
failures with backoff, on every replica at once.

Two short transactions per tick, each claiming rows with ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL (the pattern procrastinate and other PostgreSQL job queues are built on), so replicas
never take the same row and never wait on each other; on SQLite the transaction holds the one
writer lock (``BEGIN IMMEDIATE``), which serialises dispatchers the same way.

1. **Fire**: the reminders that fire now by the domain's rule (tasks/reminders.py ``fire_now``:
   pending, ``fire_at <= now``, on a task neither completed nor deleted) become ``fired`` (``fired_at``)
   in the same transaction that inserts one :class:`Delivery` per channel (the page always; the
   operator's webhook when set; the user's enabled channels). A reminder fired more than
   :data:`LATE_AFTER` after ``fire_at`` (the server was down) is marked ``late``.
   ``UNIQUE(reminder_id, channel, fire_at)`` backs the claim: a firing has one delivery per channel.
2. **Send**: deliveries ``pending`` (or ``sending`` with an expired lease: a process died
   mid-send) whose ``next_attempt_at <= now`` are claimed — ``status='sending'``, ``attempts+1``,
   ``next_attempt_at = now + LEASE`` — and committed before any network call, so no transaction
   stays open while a channel is slow. Each outcome is stored (:class:`DeliveryAttempt`); a failure
   is retried after ``TODOCHAT_REMINDERS_RETRY_SECONDS`` (30 s, 2 min, 10 min, 30 min, 2 h) and then
   given up: ``status='failed'`` with ``last_error``, shown by ``todochat reminders`` and the API.

A send is at least once only across a crash between the send and its record (the lease expires and
it is sent again); receivers can drop repeats by the delivery id (webhook ``Idempotency-Key``,
email ``Message-ID``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.config import Settings
from todochat.context import Clock
from todochat.notify import preferences
from todochat.notify.channels import Notice, PushTarget, SendError, Senders
from todochat.notify.models import (
    ERROR_MAX,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    PushSubscription,
)
from todochat.tasks import reminders
from todochat.tasks.models import Reminder, ReminderStatus, Task

logger = logging.getLogger(__name__)

LATE_AFTER = timedelta(seconds=60)
"""A reminder fired later than this after its time is ``late`` (the server was down)."""
LEASE = timedelta(seconds=120)
"""How long a claimed delivery is left to its dispatcher before another may take it again
(well above a send's timeouts)."""
BATCH = 200
"""Rows claimed per transaction; a tick repeats until fewer are due."""
CONCURRENT_SENDS = 16


@dataclass
class TickResult:
    """What one :meth:`Dispatcher.tick` did: reminders fired, deliveries sent, retried, failed."""

    fired: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass
class _Claimed:
    delivery_id: int
    attempt: int
    channel: str
    notice: Notice | None


class Dispatcher:
    """Fires due reminders and sends their deliveries (see the module docstring).

    Args:
        sessionmaker: returns the session factory (read at each tick: the app's, kept on
            ``app.state``).
        settings: the operator's channels and the retry schedule.
        clock: returns the clock ("now"; ``TODOCHAT_CLOCK_FIXED`` pins it).
    """

    def __init__(
        self,
        sessionmaker: Callable[[], async_sessionmaker[AsyncSession]],
        settings: Settings,
        clock: Callable[[], Clock],
        senders: Senders | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.settings = settings
        self._clock = clock
        self.senders = senders or Senders(settings)
        self.wake = asyncio.Event()
        self.stopping = False

    def now(self) -> datetime:
        """The dispatcher's "now" (aware UTC)."""
        return self._clock().now()

    async def tick(self, now: datetime | None = None) -> TickResult:
        """Fire every due reminder, then send every due delivery.

        Args:
            now: the instant to act at (tests); default the clock's now.
        """
        now = now or self.now()
        result = TickResult()
        while True:
            fired = await self.fire_due(now)
            result.fired += fired
            if fired < BATCH:
                break
        while True:
            claimed = await self._claim_deliveries(now)
            if not claimed:
                break
            await self._send_all(claimed, now, result)
            if len(claimed) < BATCH:
                break
        return result

    # ------------------------------------------------------------------ fire
    async def fire_due(self, now: datetime) -> int:
        """Claim up to :data:`BATCH` due reminders, mark them fired and insert their deliveries,
        in one transaction. Returns how many fired."""
        async with self._sessionmaker().begin() as session:
            due = list(
                (
                    await session.execute(
                        reminders.fire_now(now)  # the domain's rule: pending, due, on an open live task
                        .order_by(Reminder.fire_at, Reminder.id)
                        .limit(BATCH)
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            if not due:
                return 0
            channels: dict[str, set[str]] = {}
            rows: list[dict[str, object]] = []
            fired = 0
            for reminder in due:
                if reminder.user_id not in channels:
                    channels[reminder.user_id] = await self._channels_for(session, reminder.user_id)
                assert reminder.fire_at is not None
                late = now - reminder.fire_at > LATE_AFTER
                for channel in sorted(channels[reminder.user_id]):
                    rows.append(
                        {
                            "reminder_id": reminder.id,
                            "user_id": reminder.user_id,
                            "channel": channel,
                            "fire_at": reminder.fire_at,
                            "status": DeliveryStatus.pending.value,
                            "attempts": 0,
                            "next_attempt_at": now,
                            "late": late,
                            "created_at": now,
                        }
                    )
                reminder.status = ReminderStatus.fired.value
                reminder.fired_at = now
                fired += 1
                if late:
                    logger.info("reminder_late: reminder %s due %s fired %s", reminder.id, reminder.fire_at, now)
            if rows:
                dialect = session.bind.dialect.name if session.bind else "sqlite"
                insert = pg_insert if dialect == "postgresql" else sqlite_insert
                await session.execute(
                    insert(Delivery).values(rows).on_conflict_do_nothing(
                        index_elements=["reminder_id", "channel", "fire_at"]
                    )
                )
            return fired

    async def _channels_for(self, session: AsyncSession, user_id: str) -> set[str]:
        """The channels a firing of this user's reminder goes to: the page always, the webhook when
        the operator set one, and the user's enabled channels this server is configured for (Web
        Push only with a subscription)."""
        available = self.senders.available()
        prefs = await preferences.load(session, user_id)
        chosen = prefs.enabled | {Channel.page.value}
        if not prefs.push_subscriptions:  # Web Push on, but no browser subscribed yet
            chosen.discard(Channel.webpush.value)
        if Channel.webhook.value in available:
            chosen.add(Channel.webhook.value)
        return chosen & available

    # ------------------------------------------------------------------ send
    async def _claim_deliveries(self, now: datetime) -> list[_Claimed]:
        async with self._sessionmaker().begin() as session:
            rows = list(
                (
                    await session.execute(
                        select(Delivery)
                        .where(
                            Delivery.status.in_([DeliveryStatus.pending.value, DeliveryStatus.sending.value]),
                            Delivery.next_attempt_at <= now,
                        )
                        .order_by(Delivery.next_attempt_at, Delivery.id)
                        .limit(BATCH)
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            if not rows:
                return []
            for row in rows:
                if row.status == DeliveryStatus.sending.value:  # its dispatcher stopped mid-send
                    session.add(DeliveryAttempt(delivery_id=row.id, number=row.attempts, at=now, ok=False,
                                                error="interrupted: the lease expired before the outcome was stored"))
                row.status = DeliveryStatus.sending.value
                row.attempts += 1
                row.next_attempt_at = now + LEASE
            notices = await self._notices(session, rows)
            return [_Claimed(r.id, r.attempts, r.channel, notices.get(r.id)) for r in rows]

    async def _notices(self, session: AsyncSession, rows: list[Delivery]) -> dict[int, Notice]:
        reminders = {
            r.id: r
            for r in (await session.execute(select(Reminder).where(Reminder.id.in_({d.reminder_id for d in rows})))).scalars()
        }
        tasks = {
            t.id: t
            for t in (
                await session.execute(select(Task).where(Task.id.in_({r.task_id for r in reminders.values()})))
            ).scalars()
        }
        users = {d.user_id for d in rows}
        prefs = {u: await preferences.load(session, u) for u in users}
        push: dict[str, list[PushTarget]] = {u: [] for u in users}
        if any(d.channel == Channel.webpush.value for d in rows):
            for sub in (
                await session.execute(select(PushSubscription).where(PushSubscription.user_id.in_(users)))
            ).scalars():
                push[sub.user_id].append(PushTarget(sub.endpoint, sub.p256dh, sub.auth))
        out: dict[int, Notice] = {}
        for d in rows:
            reminder = reminders.get(d.reminder_id)
            task = tasks.get(reminder.task_id) if reminder else None
            if task is None:
                continue
            out[d.id] = Notice(
                delivery_id=d.id,
                reminder_id=d.reminder_id,
                user_id=d.user_id,
                number=task.number,
                title=task.title,
                due=task.due_at,
                due_all_day=task.due_all_day,
                fire_at=d.fire_at,
                late=d.late,
                ntfy_topic=prefs[d.user_id].ntfy_topic,
                email_address=prefs[d.user_id].email_address,
                push=tuple(push[d.user_id]),
            )
        return out

    async def _send_all(self, claimed: list[_Claimed], now: datetime, result: TickResult) -> None:
        gate = asyncio.Semaphore(CONCURRENT_SENDS)

        async def one(item: _Claimed) -> str | None:
            if item.notice is None:
                return "the reminder or its task is gone"
            async with gate:
                try:
                    await self.senders.send(item.channel, item.notice)
                except SendError as exc:
                    return str(exc) or type(exc).__name__
            return None

        errors = await asyncio.gather(*(one(item) for item in claimed))
        await self._record(list(zip(claimed, errors, strict=True)), now, result)

    async def _record(self, outcomes: list[tuple[_Claimed, str | None]], claimed_at: datetime, result: TickResult) -> None:
        """Store each attempt and its delivery's new state. Only a row still claimed by this
        attempt (``status='sending'`` and the same ``attempts``) is updated."""
        done = self.now() if self.now() > claimed_at else claimed_at
        schedule = self.settings.reminders_retry_seconds
        async with self._sessionmaker().begin() as session:
            for item, error in outcomes:
                session.add(DeliveryAttempt(delivery_id=item.delivery_id, number=item.attempt, at=done,
                                            ok=error is None, error=(error or None) and error[:ERROR_MAX]))
                values: dict[str, object]
                if error is None:
                    values = {"status": DeliveryStatus.sent.value, "sent_at": done, "last_error": None}
                    result.sent += 1
                elif item.attempt <= len(schedule) and item.notice is not None:
                    values = {
                        "status": DeliveryStatus.pending.value,
                        "next_attempt_at": claimed_at + timedelta(seconds=schedule[item.attempt - 1]),
                        "last_error": error[:ERROR_MAX],
                    }
                    result.retried += 1
                    logger.warning("delivery_retry: delivery %s (%s) attempt %s: %s", item.delivery_id, item.channel, item.attempt, error)
                else:
                    values = {"status": DeliveryStatus.failed.value, "last_error": error[:ERROR_MAX]}
                    result.failed += 1
                    logger.error("delivery_failed: delivery %s (%s) gave up after %s attempts: %s", item.delivery_id, item.channel, item.attempt, error)
                await session.execute(
                    update(Delivery)
                    .where(
                        Delivery.id == item.delivery_id,
                        Delivery.status == DeliveryStatus.sending.value,
                        Delivery.attempts == item.attempt,
                    )
                    .values(**values)
                )

    # ------------------------------------------------------------------ loop
    async def run(self) -> None:
        """Tick every ``TODOCHAT_REMINDERS_POLL_SECONDS`` (or sooner when :attr:`wake` is set)
        until :attr:`stopping` or cancelled. A failed tick (the database away, or a bug) is logged
        and the next tick tries again: a due reminder stays pending until a tick fires it."""
        interval = self.settings.reminders_poll_seconds
        while not self.stopping:
            try:
                result = await self.tick()
                if result.fired or result.sent or result.failed:
                    logger.info("reminders_tick: fired=%s sent=%s retried=%s failed=%s",
                                result.fired, result.sent, result.retried, result.failed)
            except (SQLAlchemyError, OSError, TimeoutError) as exc:  # the database is away: try again next tick
                logger.warning("reminders_tick_failed: %s", type(exc).__name__)
            except Exception:  # a bug must not stop every later reminder: log it, keep ticking
                logger.exception("reminders_tick_error")
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), interval)


STOP_GRACE_SECONDS = 15.0
"""On shutdown, how long a tick in progress may finish its sends and record them (above a send's
10 s timeout), so a graceful restart leaves no claimed delivery to be sent twice."""


@contextlib.asynccontextmanager
async def running(dispatcher: Dispatcher) -> AsyncIterator[Dispatcher]:
    """Run ``dispatcher`` in a background task for the duration of the block (the app lifespan).
    On exit the loop is asked to stop and its current tick may finish (up to
    :data:`STOP_GRACE_SECONDS`); only then is it cancelled."""
    task = asyncio.create_task(dispatcher.run(), name="todochat-reminders")
    try:
        yield dispatcher
    finally:
        dispatcher.stopping = True
        dispatcher.wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
