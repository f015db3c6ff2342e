"""Pages read only what they need (bench/growth.py) yet are exactly the pages of the whole
ordered result: searched pages (batches) and pages sorted by due (a window of stored due times),
on SQLite and PostgreSQL, in zones far east and west of UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from todochat.context import Clock, RequestContext
from todochat.tasks import queries
from todochat.tasks.models import Task, TaskTag
from todochat.tasks.schemas import TaskFilter

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WORDS = ["milk", "report", "invoice", "garden"]


async def fill(sessionmaker, user: str, count: int) -> None:
    """Tasks due a few hours apart, all-day and timed mixed (both kinds collide around midnight
    in every zone), some undated; every fourth tagged."""
    rows, tags = [], []
    for n in range(1, count + 1):
        due = NOW + timedelta(hours=5 * ((n * 37) % count) - 2 * count) if n % 5 else None
        all_day = n % 3 == 0
        if due is not None and all_day:
            due = due.replace(hour=0, minute=0)
        rows.append({"user_id": user, "number": n, "title": f"{WORDS[n % 4]} {WORDS[(n * 3) % 4]} {n}",
                     "description": "", "completed": False, "priority": "none", "due_at": due,
                     "due_all_day": all_day, "created_at": NOW, "updated_at": NOW})
    async with sessionmaker.begin() as session:
        await session.execute(insert(Task), rows)
        ids = {r.number: r.id for r in (await session.execute(Task.__table__.select().where(Task.user_id == user))).all()}
        tags = [{"task_id": ids[n], "user_id": user, "tag": "work"} for n in range(4, count + 1, 4)]
        await session.execute(insert(TaskTag), tags)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris"])
async def test_pages_equal_slices_of_the_whole_result(sessionmaker, monkeypatch, zone: str) -> None:
    monkeypatch.setattr(queries, "SEARCH_BATCH", 7)  # several batches per page
    await fill(sessionmaker, "alice", 120)
    ctx = RequestContext(user_id="alice", tz=ZoneInfo(zone), clock=Clock(fixed=NOW))
    cases = [(TaskFilter(), "due"), (TaskFilter(tag="work"), "due"), (TaskFilter(query="invoice"), "number"),
             (TaskFilter(query="garden report"), "title")]
    async with sessionmaker() as session:
        for flt, sort in cases:
            whole = [t.number for t in await queries.fetch(session, ctx, flt, sort=sort)]
            assert whole, (flt, sort)
            for offset, limit in [(0, 1), (0, 10), (3, 10), (25, 7), (len(whole) - 2, 10), (len(whole) + 5, 10)]:
                page = [t.number for t in await queries.fetch(session, ctx, flt, sort=sort, limit=limit, offset=offset)]
                assert page == whole[offset:offset + limit], (flt, sort, offset, limit)
