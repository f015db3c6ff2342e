"""Migration 0014 (the per-user change mark, tasks/changes.py) on SQLite and PostgreSQL: existing
users' counters are back-filled from their journal, so no mark starts below the changes already
made, and new changes move it on from there."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from todochat import migrations
from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.changes import change_mark
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)
STORED = NOW.replace(tzinfo=None)  # as the raw rows hold it (UTC)

counters = sa.table("task_counters", *(sa.column(c) for c in ("user_id", "last_number", "last_change")))
groups = sa.table(
    "journal_groups", *(sa.column(c) for c in ("user_id", "seq", "action", "created_at", "undone_at", "redoable"))
)


def test_0014_back_fills_each_users_change_mark(database_url: str, tmp_path: Path) -> None:
    conf = Settings(database_url=database_url, data_dir=tmp_path / "data", jwt_secret="m" * 40)
    migrations.upgrade(conf, "0013")

    async def seed() -> None:
        engine = make_engine(conf)
        try:
            async with engine.begin() as conn:
                await conn.execute(counters.insert(), [
                    {"user_id": "alice", "last_number": 3, "last_change": 4},
                    {"user_id": "bob", "last_number": 1, "last_change": 1},
                    {"user_id": "erin", "last_number": 0, "last_change": 0},
                ])  # fmt: skip
                rows = [{"user_id": "alice", "seq": s, "action": "add", "created_at": STORED, "undone_at": None, "redoable": False} for s in (1, 2, 3, 4)]
                rows[2]["undone_at"] = rows[3]["undone_at"] = STORED  # alice undid her last two changes
                rows.append({"user_id": "bob", "seq": 1, "action": "add", "created_at": STORED, "undone_at": None, "redoable": False})
                await conn.execute(groups.insert(), rows)
        finally:
            await engine.dispose()

    async def marks_then_a_change() -> tuple[dict[str, int], int]:
        engine = make_engine(conf)
        try:
            sessionmaker = make_sessionmaker(engine)
            marks = {u: (await change_mark(sessionmaker, u)).mark for u in ("alice", "bob", "erin", "zoe")}
            ctx = RequestContext(user_id="alice", tz=ZoneInfo("UTC"), clock=Clock(NOW))
            await TaskService(sessionmaker).add(ctx, TaskCreate(title="After the upgrade"))
            return marks, (await change_mark(sessionmaker, "alice")).mark
        finally:
            await engine.dispose()

    asyncio.run(seed())
    migrations.upgrade(conf)
    marks, after = asyncio.run(marks_then_a_change())
    # last_change plus the groups undone now: alice 4 + 2, bob 1 + 0; no journal: 0; no row: 0
    assert marks == {"alice": 6, "bob": 1, "erin": 0, "zoe": 0}
    assert after == 7
