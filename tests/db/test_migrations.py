"""Alembic migrations on SQLite and PostgreSQL: one head, upgrade, current, downgrade, unknown revisions."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

import todochat.conversations.models
import todochat.notify.models
import todochat.oauth_models
import todochat.revocation
import todochat.tasks.models  # noqa: F401  (register tables)
from todochat import migrations
from todochat.config import Settings
from todochat.db import Base
from todochat.errors import ConfigurationError

APP_TABLES = {"tasks", "task_tags", "task_counters", "threads", "thread_items", "feedback"}


@pytest.fixture
def empty(database_url: str, tmp_path: Path) -> Settings:
    """Settings over a fresh database that has not been migrated."""
    return Settings(database_url=database_url, data_dir=tmp_path / "data", jwt_secret="x" * 40)


def tables(settings: Settings) -> set[str]:
    async def read() -> set[str]:
        engine = create_async_engine(settings.database_url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def schema_diff(settings: Settings) -> list[object]:
    async def read() -> list[object]:
        engine = create_async_engine(settings.database_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(
                        MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def stamp_raw(settings: Settings, revision: str) -> None:
    async def write() -> None:
        engine = create_async_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
                )
        finally:
            await engine.dispose()

    asyncio.run(write())


def test_one_head(empty: Settings) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config(empty))
    assert len(script.get_heads()) == 1
    assert migrations.head_revision(empty) == script.get_heads()[0]


def test_upgrade_current_downgrade_upgrade(empty: Settings) -> None:
    head = migrations.head_revision(empty)
    assert migrations.current_revision(empty) is None
    migrations.upgrade(empty)
    assert migrations.current_revision(empty) == head
    assert tables(empty) >= APP_TABLES
    migrations.upgrade(empty)  # idempotent at head
    assert migrations.current_revision(empty) == head

    previous = ScriptDirectory.from_config(migrations.alembic_config(empty)).get_revision(head)
    migrations.downgrade(empty)
    assert migrations.current_revision(empty) == previous.down_revision
    if previous.down_revision is None:
        assert not (APP_TABLES & tables(empty))
    migrations.upgrade(empty)
    assert migrations.current_revision(empty) == head


def test_models_match_migrations(empty: Settings) -> None:
    """The tables the code declares are exactly what the migrations build (no missing migration)."""
    migrations.upgrade(empty)
    assert schema_diff(empty) == []


def test_unknown_revision_is_refused(empty: Settings) -> None:
    migrations.upgrade(empty)
    stamp_raw(empty, "f00dcafe9999")
    with pytest.raises(
        ConfigurationError, match=r"revision 'f00dcafe9999'.*does not know.*Refusing"
    ):
        migrations.upgrade(empty)
    assert migrations.current_revision(empty) == "f00dcafe9999"  # nothing was touched
    assert tables(empty) >= APP_TABLES


def test_check_known_revision_accepts_known_and_empty(empty: Settings) -> None:
    migrations.check_known_revision(empty, None)
    migrations.check_known_revision(empty, migrations.head_revision(empty))


@pytest.mark.slow
@pytest.mark.postgres
def test_replicas_migrating_at_once_take_turns(pg_url: str, tmp_path: Path) -> None:
    """Three processes upgrade one empty PostgreSQL database at the same moment (replicas
    starting together): an advisory lock serialises them, so all succeed."""
    code = (
        "import sys; from todochat import migrations; from todochat.config import Settings; "
        "migrations.upgrade(Settings(database_url=sys.argv[1], jwt_secret='x' * 40, "
        "data_dir=sys.argv[2]))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, pg_url, str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [
        (proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "") for proc in procs
    ]
    for proc in procs:
        if proc.stderr:
            proc.stderr.close()
    assert [code for code, _ in results] == [0, 0, 0], results
    settings = Settings(database_url=pg_url, data_dir=tmp_path, jwt_secret="x" * 40)
    assert migrations.current_revision(settings) == migrations.head_revision(settings)
