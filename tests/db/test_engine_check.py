"""The engine on both databases: start-up check, UTC instants, PostgreSQL pool and statement timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import DBAPIError
from tests.pg import PgCluster, free_port

from todochat.config import Settings
from todochat.db import UTCDateTime, check_database, make_engine, safe_url
from todochat.errors import ConfigurationError


def make_settings(url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(database_url=url, data_dir=tmp_path / "data", jwt_secret="x" * 40, **extra)


async def test_check_database_ok(database_url: str, tmp_path: Path) -> None:
    await check_database(make_settings(database_url, tmp_path))


async def test_unreachable_database_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://app:s3cret@127.0.0.1:{free_port()}/todochat"
    with pytest.raises(ConfigurationError) as info:
        await check_database(make_settings(url, tmp_path))
    message = str(info.value)
    assert message.startswith("TODOCHAT_DATABASE_URL: cannot reach the database at ")
    assert "\n" not in message and "s3cret" not in message and "app:***@127.0.0.1" in message
    assert "ConnectionRefusedError" in message


async def test_malformed_url_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"^TODOCHAT_DATABASE_URL is malformed \(") as info:
        await check_database(make_settings("postgresql+asyncpg://u:pw@host:port/db", tmp_path))
    assert "\n" not in str(info.value)


def test_wrong_scheme_is_refused_by_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TODOCHAT_DATABASE_URL must start with"):
        make_settings("mysql://u@h/db", tmp_path)


def test_safe_url_masks_password() -> None:
    assert safe_url("postgresql+asyncpg://u:pw@h:5432/d") == "postgresql+asyncpg://u:***@h:5432/d"
    assert safe_url("postgresql+asyncpg://u@h:nope/d") == "<unparsable URL>"


async def test_instants_round_trip_as_utc(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(make_settings(database_url, tmp_path))
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    plus5 = timezone(timedelta(hours=5))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(table.metadata.create_all)
            await conn.execute(
                insert(table).values(id=1, at=datetime(2026, 3, 1, 12, 30, tzinfo=plus5))
            )
        async with engine.connect() as conn:
            value = (await conn.execute(select(table.c.at))).scalar_one()
        assert value == datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
        assert value.utcoffset() == timedelta(0)
        async with engine.begin() as conn:
            with pytest.raises(Exception, match="naive datetime"):
                await conn.execute(insert(table).values(id=2, at=datetime(2026, 3, 1)))  # noqa: DTZ001
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_pool_and_statement_timeout(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(pg_url, tmp_path, db_pool_size=3, db_statement_timeout_ms=200)
    engine = make_engine(settings)
    try:
        assert engine.pool.size() == 3
        async with engine.connect() as conn:
            assert (await conn.execute(text("SHOW statement_timeout"))).scalar_one() == "200ms"
            with pytest.raises(DBAPIError, match="statement timeout"):
                await conn.execute(text("SELECT pg_sleep(2)"))
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_pool_survives_a_server_restart(
    pg_cluster: PgCluster, pg_url: str, tmp_path: Path
) -> None:
    """pre-ping: pooled connections broken by a restart are replaced, not handed out."""
    engine = make_engine(make_settings(pg_url, tmp_path))
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
        pg_cluster.stop()
        pg_cluster.start()
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 2"))).scalar_one() == 2
    finally:
        await engine.dispose()
