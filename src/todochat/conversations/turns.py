"""One turn at a time per ChatKit thread: an in-process lock, plus a PostgreSQL advisory lock
across replicas.

Design notes (issue 11, item 8):

- What is serialised: every *streaming* ChatKit request naming a thread (``threads.add_user_message``,
  ``threads.retry_after_item``, ``threads.custom_action``, ``threads.add_client_tool_output``,
  ``threads.add_structured_input``) runs whole under the thread's lock: chatkit's own
  ``load_thread`` (so the conversation state a turn reads — pending questions, shown numbers — is
  the state left by the turn before it), storing the user's message, the agent run, and the final
  ``save_thread``. A "yes" therefore answers the question that is pending at its turn, and the
  thread's items alternate message/answer in the order the turns ran.
- SQLite: todochat serves SQLite from one process (one writer connection, ``todochat.db``), so an
  ``asyncio.Lock`` per (user, thread) is enough. The lock is FIFO; it is dropped from the table when
  nobody holds or waits for it.
- PostgreSQL: the in-process lock first (so one process queues its own waiters without holding a
  connection each), then ``pg_advisory_xact_lock(key)`` on a *dedicated* connection of a separate
  small pool, inside a transaction kept open for the whole turn; closing the connection (or its
  death) rolls the transaction back and releases the lock, so a crashed replica never leaves a
  thread locked. ``key`` is 64 bits of BLAKE2b over the length-prefixed (user, thread); a collision only serialises two
  unrelated threads. Why not the store's pool: a waiter holding a store connection while the lock
  holder needs one for its writes deadlocks once the pool is exhausted; why not ``SELECT … FOR
  UPDATE`` on the thread row: the holder's own ``save_thread`` from another connection would wait
  for itself. Advisory locks block no row, so the store's writes never wait on them (tested with
  more concurrent turns than the store's pool has connections).
- SQLite with several worker processes (``todochat serve --workers N``): the in-process lock
  first, then an exclusive POSIX byte-range lock (``fcntl.lockf``) on one byte of
  ``<database file>.turn-locks`` at offset ``lock_key mod 2**24``, polled without blocking the
  event loop. POSIX locks belong to the process, so the process counts its holders per byte and
  unlocks when the last one leaves; the kernel drops them when a worker dies.
- A wait is bounded (``wait_seconds``): past it the request fails with ``TurnInProgress`` (409)
  before anything is stored. On PostgreSQL the bound is the lock connection's ``lock_timeout``.
- Cancellation (a client that disconnects): the locks are released in ``finally`` under a shielded
  cancel scope, so an anyio cancellation cannot skip the rollback.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from todochat.errors import TurnInProgress

WAIT_SECONDS = 120.0
"""How long a turn waits for the one before it in the same thread (a real LLM turn takes seconds)."""
LOCK = select(func.pg_advisory_xact_lock(bindparam("key")))
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL SQLSTATE of a lock_timeout


def lock_key(user_id: str, thread_id: str) -> int:
    """The signed 64-bit advisory-lock key of one user's thread (BLAKE2b of both ids)."""
    digest = hashlib.blake2b(f"{len(user_id)}:{user_id}{thread_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class TurnLocks:
    """Per-thread turn locks for one process.

    Args:
        engine: the store's engine; on PostgreSQL a separate lock pool on the same URL is made
            lazily (``dispose()`` closes it). None or SQLite: in-process locks only.
        wait_seconds: the longest wait for a thread's lock before ``TurnInProgress``.
    """

    def __init__(self, engine: AsyncEngine | None, *, wait_seconds: float = WAIT_SECONDS) -> None:
        self._url = engine.url if engine is not None and engine.dialect.name == "postgresql" else None
        self._pool_size = max(2, engine.pool.size()) if self._url is not None and hasattr(engine.pool, "size") else 5  # type: ignore[union-attr]
        self.wait_seconds = wait_seconds
        self._local: dict[tuple[str, str], asyncio.Lock] = {}
        self._users: dict[tuple[str, str], int] = {}
        self._engine: AsyncEngine | None = None
        self._file = _FileLocks.for_engine(engine)

    @property
    def across_replicas(self) -> bool:
        """True when the lock also holds across processes (PostgreSQL)."""
        return self._url is not None

    def _lock_engine(self) -> AsyncEngine:
        if self._engine is None:
            assert self._url is not None
            wait_ms = str(int(self.wait_seconds * 1000))
            self._engine = create_async_engine(
                self._url,
                pool_size=self._pool_size,
                max_overflow=4 * self._pool_size,
                pool_timeout=self.wait_seconds,
                pool_pre_ping=True,
                connect_args={"timeout": 5, "server_settings": {
                    "lock_timeout": wait_ms, "statement_timeout": "0",
                    "idle_in_transaction_session_timeout": "0", "application_name": "todochat-turn-lock"}},
            )
        return self._engine

    @asynccontextmanager
    async def hold(self, user_id: str, thread_id: str) -> AsyncIterator[None]:
        """Hold the turn lock of ``user_id``'s thread ``thread_id`` for the body.

        Raises:
            TurnInProgress: another turn of the thread held the lock for ``wait_seconds``.
        """
        key = (user_id, thread_id)
        lock = self._local.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await lock.acquire()
            except TimeoutError as exc:
                raise _busy() from exc
            try:
                if self._url is None and self._file is not None:
                    async with self._file.hold(lock_key(user_id, thread_id), self.wait_seconds):
                        yield
                elif self._url is None:
                    yield
                else:
                    async with self._advisory(lock_key(user_id, thread_id)):
                        yield
            finally:
                lock.release()
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._local[key]

    @asynccontextmanager
    async def _advisory(self, key: int) -> AsyncIterator[None]:
        conn = await self._lock_engine().connect()
        try:
            await conn.begin()
            try:
                await conn.execute(LOCK, {"key": key})
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                    raise _busy() from exc
                raise
            yield
        finally:
            with anyio.CancelScope(shield=True):
                await conn.close()  # rolls the transaction back: the lock is released

    async def dispose(self) -> None:
        """Close the lock pool (PostgreSQL); the locks work again afterwards (a new pool)."""
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()


class _FileLocks:
    """Exclusive byte-range locks on one file, shared by the worker processes of a SQLite
    database (see the module notes).

    Args:
        path: the lock file (created if missing).
    """

    SLOTS = 1 << 24
    POLL_SECONDS = 0.005

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._held: dict[int, int] = {}

    @classmethod
    def for_engine(cls, engine: AsyncEngine | None) -> _FileLocks | None:
        """File locks next to the engine's SQLite file; None for PostgreSQL or in-memory SQLite."""
        if engine is None or engine.dialect.name != "sqlite":
            return None
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return cls(Path(database).with_name(Path(database).name + ".turn-locks"))

    @asynccontextmanager
    async def hold(self, key: int, wait_seconds: float) -> AsyncIterator[None]:
        """Hold the byte of ``key`` for the body.

        Raises:
            TurnInProgress: another process held it for ``wait_seconds``.
        """
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        offset = key % self.SLOTS
        if not self._held.get(offset):
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EACCES, errno.EAGAIN):
                        raise
                    if time.monotonic() > deadline:
                        raise _busy() from exc
                    await asyncio.sleep(self.POLL_SECONDS)
        self._held[offset] = self._held.get(offset, 0) + 1
        try:
            yield
        finally:
            self._held[offset] -= 1
            if not self._held[offset]:
                del self._held[offset]
                fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, offset)


def _busy() -> TurnInProgress:
    return TurnInProgress("Another reply in this conversation is still being written; try again in a moment.")
