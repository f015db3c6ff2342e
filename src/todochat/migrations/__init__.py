"""Alembic migrations: the only way the schema changes. ``upgrade``/``current``/``downgrade`` helpers."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from todochat.config import Settings
from todochat.db import ensure_sqlite_dir
from todochat.errors import ConfigurationError
from todochat.files import create_private_file

HERE = Path(__file__).parent


def alembic_config(settings: Settings) -> Config:
    """An Alembic ``Config`` pointing at this package's scripts and ``settings.database_url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = settings.database_url
    return cfg


def head_revision(settings: Settings) -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config(settings)).get_current_head()


def check_known_revision(settings: Settings, current: str | None) -> None:
    """Refuse to migrate a database stamped with a revision this code does not know.

    Raises:
        ConfigurationError: the database's revision is unknown (made by a newer todochat?).
    """
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config(settings))
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise ConfigurationError(
            f"The database is at revision {current!r}, which this version of todochat does not "
            "know (was it migrated by a newer version?). Refusing to migrate."
        )


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (blocking; run from a thread inside an event loop).

    Raises:
        ConfigurationError: the database is at an unknown revision.
    """
    with _sqlite_migration_lock(settings.database_url):
        check_known_revision(settings, current_revision(settings))
        command.upgrade(alembic_config(settings), revision)


@contextmanager
def _sqlite_migration_lock(url: str) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes (two ``serve`` starting at once)
    with an exclusive ``flock`` on ``<file>.migrate-lock``; PostgreSQL uses an advisory lock (env.py)."""
    if not ensure_sqlite_dir(url):
        yield
        return
    lock_path = Path(url.split("///", 1)[1].split("?", 1)[0] + ".migrate-lock")
    create_private_file(lock_path)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def downgrade(settings: Settings, revision: str = "-1") -> None:
    """Downgrade the database by one revision, or to ``revision``."""
    command.downgrade(alembic_config(settings), revision)


def current_revision(settings: Settings) -> str | None:
    """The revision the database is stamped with, or None for an empty database."""
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def _read() -> str | None:
        engine = create_async_engine(settings.database_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync_conn: MigrationContext.configure(sync_conn).get_current_revision()
                )
        finally:
            await engine.dispose()

    return asyncio.run(_read())


__all__ = ["current_revision", "downgrade", "head_revision", "upgrade"]
