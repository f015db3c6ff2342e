"""Database access: the declarative base, a UTC datetime column type, and the async engine factory.

SQLite (the embedded default) runs in WAL mode with a busy timeout, one pooled connection per
process and ``BEGIN IMMEDIATE`` transactions, so writers queue instead of failing (SQLite has one
writer); that connection is reopened every ``db_sqlite_recycle_seconds`` so SQLite's heap of it
stays bounded. PostgreSQL gets a sized pool, pre-ping and a statement timeout from settings.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator
from tenacity import Retrying, retry_if_exception, stop_before_delay, wait_exponential

from todochat.config import Settings
from todochat.errors import ConfigurationError
from todochat.files import FILE_MODE, create_private_file, ensure_private_dir, tighten

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names are stable for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back timezone-aware (UTC), on SQLite and PostgreSQL.

    Raises:
        ValueError: on write of a naive datetime (every instant in todochat is aware).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SQLITE_BUSY_MS = 30_000
SQLITE_OPEN_RETRY_SECONDS = 30.0


def _database_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (SQLITE_BUSY); the aiosqlite adapter
    re-raises sqlite3's error as its own class, so the message is what both share."""
    return "database is locked" in str(exc)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Set up a new SQLite connection: WAL, a 30 s busy timeout (set first, so the other pragmas
    wait too), foreign keys, ``synchronous=NORMAL``.

    A connection opened while another process's last connection is closing (it cleans up the WAL
    under an exclusive lock) or recovering the WAL can get ``SQLITE_BUSY`` whatever the busy
    timeout (https://www.sqlite.org/wal.html, "Sometimes Queries Return SQLITE_BUSY In WAL Mode"):
    two replicas starting at once hit this. Those locks are brief, so "database is locked" here is
    retried (tenacity: waits of 10 ms doubling up to 0.5 s, no wait that would end past
    ``SQLITE_OPEN_RETRY_SECONDS``), then raised as it came; other errors propagate at once.
    """
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    retrying = Retrying(
        retry=retry_if_exception(_database_locked),
        wait=wait_exponential(multiplier=0.01, max=0.5),
        stop=stop_before_delay(SQLITE_OPEN_RETRY_SECONDS),
        reraise=True,  # the caller sees sqlite's own error, not tenacity's RetryError
    )
    for attempt in retrying:  # sleeps only at connect, only while another process holds the file briefly
        with attempt:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA synchronous=NORMAL")
            finally:
                cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def ensure_sqlite_dir(url: str) -> bool:
    """Prepare a SQLite file URL: its directory created 0700 and the file created empty with mode
    0600 before SQLite opens it (SQLite gives its ``-wal``/``-shm`` files the database file's mode),
    so other local accounts cannot read anyone's tasks; an existing file, directory, ``-wal`` or
    ``-shm`` of ours that others can read is tightened (:mod:`todochat.files`).

    Returns:
        True for a file, False otherwise (in-memory SQLite or another database).
    """
    if not url.startswith("sqlite"):
        return False
    path = url.split("///", 1)[1] if "///" in url else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return False
    database = Path(path.split("?", 1)[0])
    if not database.parent.exists():
        ensure_private_dir(database.parent)
    if not create_private_file(database):
        for name in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            tighten(name, FILE_MODE)
    return True


def make_engine(settings: Settings) -> AsyncEngine:
    """Create the async engine for ``settings.database_url``.

    Returns:
        An engine; SQLite files get their directory created.
    """
    url = settings.database_url
    if url.startswith("sqlite"):
        if settings.data_dir.is_dir() and url.startswith(f"sqlite+aiosqlite:///{settings.data_dir}/"):
            ensure_private_dir(settings.data_dir)  # the data dir of an older version may be 0755
        if ensure_sqlite_dir(url):
            engine = create_async_engine(
                url, pool_size=1, max_overflow=0, pool_timeout=60, pool_recycle=settings.db_sqlite_recycle_seconds
            )
        else:  # in-memory: SQLAlchemy keeps its one connection (StaticPool)
            engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={
            "timeout": 5,
            "server_settings": {"statement_timeout": str(settings.db_statement_timeout_ms)},
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory whose sessions keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def safe_url(url: str) -> str:
    """``url`` with its password masked, for messages and logs (``***``); unparsable → as given."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<unparsable URL>"


def _one_line(exc: BaseException) -> str:
    text_ = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return (
        f"{type(getattr(exc, 'orig', None) or exc).__name__}: {text_}"
        if text_
        else type(exc).__name__
    )


CHECK_TIMEOUT_SECONDS = 10.0


async def check_database(settings: Settings) -> None:
    """Connect to ``settings.database_url`` and run ``SELECT 1``: the start-up check of
    ``todochat serve`` and ``todochat db upgrade``.

    Raises:
        ConfigurationError: the URL is malformed or the database cannot be reached within
            ``CHECK_TIMEOUT_SECONDS``; a one-line message naming ``TODOCHAT_DATABASE_URL`` (password masked).
    """
    shown = safe_url(settings.database_url)
    try:
        make_url(settings.database_url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigurationError(f"TODOCHAT_DATABASE_URL is malformed ({_one_line(exc)})") from exc
    try:
        engine = make_engine(settings)
    except (ArgumentError, ValueError, TypeError, ImportError, OSError) as exc:
        raise ConfigurationError(
            f"TODOCHAT_DATABASE_URL {shown} is invalid: {_one_line(exc)}"
        ) from exc
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else _one_line(exc)
        raise ConfigurationError(
            f"TODOCHAT_DATABASE_URL: cannot reach the database at {shown}: {reason}"
        ) from exc
    finally:
        await engine.dispose()
