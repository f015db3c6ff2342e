"""The page's change mark (``GET /api/v1/events`` polls it every 2 s per open panel): the
aggregate over the user's journal it used to be, against the per-user counter it is now
(tasks/changes.py, migration 0014), as a user's journal grows. Not part of ``make bench``; alone:

    .venv/bin/python bench/change_mark.py [--entries 1000 100000] [--postgres]

One user's journal groups are bulk-inserted with Core (every tenth undone), among 1,000 other
users with 10 each; each read runs ``REPEAT`` times in its own short session, as the event stream
reads it, and the table shows the median in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sqlalchemy import func, insert, select, text  # noqa: E402

from todochat.config import Settings  # noqa: E402
from todochat.db import make_engine, make_sessionmaker  # noqa: E402
from todochat.migrations import upgrade  # noqa: E402
from todochat.tasks.changes import change_mark  # noqa: E402
from todochat.tasks.models import JournalGroup, TaskCounter  # noqa: E402

REPEAT = 50
OTHERS = 1000
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


async def aggregate_mark(sessionmaker: Any, user_id: str) -> tuple[int, int, int]:
    """The mark as it was before migration 0014: one aggregate over the user's journal groups."""
    undone_seq = func.coalesce(func.sum(JournalGroup.seq).filter(JournalGroup.undone_at.is_not(None)), 0)
    stmt = select(
        func.coalesce(func.max(JournalGroup.seq), 0), func.count(JournalGroup.undone_at), undone_seq
    ).where(JournalGroup.user_id == user_id)
    async with sessionmaker() as session:
        return tuple((await session.execute(stmt)).one())  # type: ignore[return-value]


async def fill(sessionmaker: Any, user: str, count: int) -> None:
    """``count`` journal groups for ``user`` (every tenth undone) and their counter row."""
    rows = [
        {"user_id": user, "seq": s, "action": "add", "created_at": NOW, "undone_at": NOW if s % 10 == 0 else None, "redoable": False}
        for s in range(1, count + 1)
    ]
    async with sessionmaker.begin() as session:
        for i in range(0, len(rows), 5000):
            await session.execute(insert(JournalGroup), rows[i:i + 5000])
        await session.execute(insert(TaskCounter), [{"user_id": user, "last_number": 0, "last_change": count, "change_mark": count + count // 10}])


async def median_ms(call: Any) -> float:
    await call()  # warm-up (statement caches, pool)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def one_database(url: str, tmp: Path, sizes: list[int]) -> dict[int, tuple[float, float]]:
    """Per journal size: (aggregate ms, counter ms) for a user with that many entries."""
    settings = Settings(database_url=url, data_dir=tmp, jwt_secret="b" * 40)
    await asyncio.to_thread(upgrade, settings)
    engine = make_engine(settings)
    sessionmaker = make_sessionmaker(engine)
    try:
        async with sessionmaker.begin() as session:
            others = [{"user_id": f"u{u}", "seq": s, "action": "add", "created_at": NOW, "undone_at": None, "redoable": False}
                      for u in range(OTHERS) for s in range(1, 11)]  # fmt: skip
            await session.execute(insert(JournalGroup), others)
        out = {}
        for size in sizes:
            user = f"big{size}"
            await fill(sessionmaker, user, size)
            async with sessionmaker.begin() as session:  # fresh statistics for the planner
                await session.execute(text("ANALYZE"))
            old = await median_ms(lambda u=user: aggregate_mark(sessionmaker, u))
            new = await median_ms(lambda u=user: change_mark(sessionmaker, u))
            out[size] = (old, new)
        return out
    finally:
        await engine.dispose()


async def tables(tmp: Path, cluster: Any | None, sizes: list[int]) -> str:
    results = {"SQLite": await one_database(f"sqlite+aiosqlite:///{tmp / 'mark.db'}", tmp, sizes)}
    if cluster is not None:
        results["PostgreSQL"] = await one_database(cluster.create_database("mark"), tmp, sizes)
    lines = [
        "| journal entries of the user | database | aggregate over the journal (before, ms) | counter row (now, ms) | before ÷ now |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, by_size in results.items():
        for size, (old, new) in by_size.items():
            lines.append(f"| {size:,} | {name} | {old:.2f} | {new:.2f} | {old / new:.0f}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        from tests.pg import start_cluster

        cluster = start_cluster()
    try:
        print(asyncio.run(tables(Path(tempfile.mkdtemp(prefix="todochat-mark-")), cluster, args.entries)))
    finally:
        if cluster is not None:
            cluster.destroy()
