"""Query plans once SQLite has statistics (``ANALYZE``): a page of a small user's tasks reads no
whole table beside a big user (bench/growth.py measured ~225 ms per page when the subtask counts
scanned ``tasks``; migration 0016)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, insert, text

from todochat.context import Clock, RequestContext
from todochat.tasks.models import Task, TaskCounter
from todochat.tasks.schemas import Progress, TaskCreate, TaskFilter

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FULL_SCAN = re.compile(r"^SCAN (tasks|task_tags)(_\d+)?\b(?! USING (COVERING )?INDEX)")  # an alias: tasks_2


@pytest.fixture
def database_url(tmp_path) -> str:  # SQLite only: its planner is the one that chose the scan
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


def _rows(user: str, count: int) -> list[dict[str, object]]:
    return [{"user_id": user, "number": n, "title": f"task {n}", "description": "", "completed": False,
             "priority": "none", "created_at": NOW, "updated_at": NOW} for n in range(1, count + 1)]


async def test_a_small_users_page_scans_no_table_once_statistics_exist(service, sessionmaker) -> None:
    async with sessionmaker.begin() as session:
        await session.execute(insert(Task), _rows("big", 3000) + _rows("small", 30))
        await session.execute(insert(TaskCounter), [{"user_id": "big", "last_number": 3000, "last_change": 0},
                                                    {"user_id": "small", "last_number": 30, "last_change": 0}])
        await session.execute(text("ANALYZE"))
    ctx = RequestContext(user_id="small", clock=Clock(fixed=NOW))
    parent = await service.add(ctx, TaskCreate(title="plan the trip"))
    await service.add(ctx, TaskCreate(title="book flights", parent=parent.number))
    engine = sessionmaker.kw["bind"].sync_engine
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, params, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = await service.list(ctx, TaskFilter(), limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert {t.title for t in page} >= {"plan the trip", "book flights"}
    assert next(t for t in page if t.title == "plan the trip").progress == Progress(done=0, total=1)
    async with sessionmaker() as session:
        conn = await session.connection()
        plans = [
            (row[-1], statement)
            for statement, params in statements
            for row in (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)).all()
        ]
    assert plans
    assert [(detail, statement[:120]) for detail, statement in plans if FULL_SCAN.match(detail)] == []
