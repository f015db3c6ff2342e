"""The SQLite writer connection is reopened every ``db_sqlite_recycle_seconds``: SQLite's heap
of a connection grows with the turns it served and is given back only when it closes (the soak
benchmark's finding, bench/README.md "Soak")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import time_machine

from todochat.config import Settings
from todochat.db import make_engine


async def test_the_sqlite_connection_is_reopened_after_the_recycle_time(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'r.db'}", jwt_secret="r" * 40, db_sqlite_recycle_seconds=300)
    engine = make_engine(settings)

    async def driver() -> object:
        async with engine.connect() as conn:
            return (await conn.get_raw_connection()).driver_connection

    try:
        with time_machine.travel(datetime(2026, 11, 18, 9, tzinfo=UTC), tick=False) as traveller:
            first = await driver()
            traveller.shift(299)
            assert await driver() is first  # one writer connection, reused
            traveller.shift(2)
            reopened = await driver()
            assert reopened is not first
            traveller.shift(60)
            assert await driver() is reopened
    finally:
        await engine.dispose()
