"""Growth: query times with one user holding 100,000 tasks, with many small users, and turn
latency in a 2,000-item thread against a 10-item one (issue 13, "Growth"). Part of ``make bench``
(bench/stack.py); alone:

    .venv/bin/python bench/growth.py [--tasks 100000] [--users 2000] [--postgres]

Rows are bulk-inserted with Core (one user's tasks: a quarter tagged, half with a due date, a
third completed); each query runs ``REPEAT`` times through ``TaskService`` (what chat, REST and
MCP call) and the table shows the median.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sqlalchemy import insert, text  # noqa: E402
from tests.servers import JWT_SECRET, in_process  # noqa: E402

from todochat.api.auth import issue_token  # noqa: E402
from todochat.client import ChatKitClient  # noqa: E402
from todochat.config import Settings  # noqa: E402
from todochat.context import Clock, RequestContext  # noqa: E402
from todochat.migrations import upgrade  # noqa: E402
from todochat.tasks.models import Task, TaskCounter, TaskTag  # noqa: E402
from todochat.tasks.schemas import TaskFilter  # noqa: E402

REPEAT = 15
WORDS = ["milk", "report", "call", "email", "invoice", "garden", "car", "dentist", "book", "plan"]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


async def fill(app: Any, user: str, count: int, start_id: int) -> int:
    """Insert ``count`` tasks (and tags) for ``user``; returns the next free task id."""
    tasks, tags = [], []
    for n in range(1, count + 1):
        tid = start_id + n
        tasks.append({
            "id": tid, "user_id": user, "number": n,
            "title": title(n), "description": "",
            "completed": n % 3 == 0, "completed_at": NOW if n % 3 == 0 else None,
            "priority": ("none", "low", "medium", "high")[n % 4],
            "due_at": NOW + timedelta(days=(n % 400) - 200) if n % 2 == 0 else None, "due_all_day": True,
            "recurrence": None, "created_at": NOW, "updated_at": NOW, "deleted_at": None,
        })
        if n % 4 == 0:
            tags.append({"task_id": tid, "user_id": user, "tag": ("work", "home", "errand")[n % 3]})
    async with app.state.sessionmaker.begin() as session:
        for i in range(0, len(tasks), 5000):
            await session.execute(insert(Task), tasks[i:i + 5000])
        for i in range(0, len(tags), 5000):
            await session.execute(insert(TaskTag), tags[i:i + 5000])
        await session.execute(insert(TaskCounter), [{"user_id": user, "last_number": count, "last_change": 0}])
    return start_id + count


async def timed(call: Any) -> float:
    """Median ms of ``REPEAT`` runs of ``await call(i)``."""
    samples = []
    for i in range(REPEAT):
        began = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


async def queries(app: Any, user: str, count: int) -> dict[str, float]:
    service = app.state.service
    ctx = RequestContext(user_id=user, clock=Clock(fixed=NOW))
    page = 50
    return {
        "list pending, page of 50": await timed(lambda i: service.list(ctx, TaskFilter(status="pending"), limit=page, offset=i * page)),
        "filter tag, page of 50": await timed(lambda i: service.list(ctx, TaskFilter(tag="work"), limit=page)),
        "filter priority high, page of 50": await timed(lambda i: service.list(ctx, TaskFilter(priority="high", status="pending"), limit=page)),
        "filter overdue, page of 50": await timed(lambda i: service.list(ctx, TaskFilter(due="overdue"), limit=page)),
        "search 'invoice', page of 50": await timed(lambda i: service.list(ctx, TaskFilter(query="invoice"), limit=page)),
        "sort by due, page of 50": await timed(lambda i: service.list(ctx, TaskFilter(status="pending"), sort="due", limit=page)),
        "complete by number": await timed(lambda i: service.complete(ctx, count - 3 * i - 1)),
        "find by title words (pending first)": await timed(lambda i: service.resolve(ctx, title(count - 3 * i - 2), prefer="pending")),
    }


def title(n: int) -> str:
    """The title :func:`fill` gives task ``n``."""
    return f"{WORDS[n % 10]} {WORDS[(n * 7) % 10]} {n}"


async def history_turns(app: Any, http: Any, settings: Settings) -> dict[str, float]:
    """p50 ms of an "add buy milk" turn in a 10-item and in a 2,000-item thread (alternating)."""
    client = ChatKitClient(http, issue_token("history", settings), "UTC")
    small = (await client.send("add buy milk")).thread_id
    big = (await client.send("add buy milk")).thread_id
    for _ in range(3):
        await client.send("add buy milk", small)
    store = app.state.store
    ctx = RequestContext(user_id="history")
    item = (await store.load_thread_items(big, None, 1, "asc", ctx)).data[0]
    from todochat.conversations.turn_writes import close_turn, open_turn

    open_turn(ctx)
    base = item.created_at
    present = len((await store.load_thread_items(big, None, 100, "asc", ctx)).data)
    for i in range(2000 - present):  # the thread holds 2,000 items before the measured turns
        copy = item.model_copy(update={"id": f"msg_fill_{i}", "created_at": base + timedelta(microseconds=i)})
        await store.add_thread_item(big, copy, ctx)
    await store.commit_turn(ctx)
    close_turn(ctx)
    samples: dict[str, list[float]] = {"10-item thread": [], "2,000-item thread": []}
    for _ in range(REPEAT):
        for label, thread in (("10-item thread", small), ("2,000-item thread", big)):
            began = time.perf_counter()
            turn = await client.send("add buy milk", thread)
            samples[label].append((time.perf_counter() - began) * 1000)
            assert turn.error is None, turn.events
    return {label: statistics.median(values) for label, values in samples.items()}


async def one_database(url: str, tmp: Path, tasks: int, users: int) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    settings = Settings(database_url=url, data_dir=tmp, jwt_secret=JWT_SECRET, rate_limit="1000000/second", history_window=20,
                        quota_items_per_thread=3000)  # the measured turns add items to the 2,000 (the default limit)
    await asyncio.to_thread(upgrade, settings)
    async with in_process(settings) as (app, http):
        next_id = await fill(app, "big", tasks, 0)
        for u in range(users):
            next_id = await fill(app, f"small{u}", 100, next_id)
        async with app.state.sessionmaker.begin() as session:  # fresh statistics for the planner
            await session.execute(text("ANALYZE"))
        big = await queries(app, "big", tasks)
        small = await queries(app, f"small{users // 2}", 100)
        history = await history_turns(app, http, settings)
    return big, small, history


async def growth_tables(tmp: Path, cluster: Any | None, tasks: int = 100_000, users: int = 1000) -> str:
    """Run the growth measurements on SQLite (and PostgreSQL when ``cluster`` is given) and return
    them as Markdown."""
    results = {"SQLite": await one_database(f"sqlite+aiosqlite:///{tmp / 'growth.db'}", tmp, tasks, users)}
    if cluster is not None:
        results["PostgreSQL"] = await one_database(cluster.create_database("growth"), tmp, tasks, users)
    names = list(results)
    lines = [
        f"## Growth (one user with {tasks:,} tasks among {users:,} users with 100 each; median of {REPEAT} runs, ms)",
        "",
        "| query (through TaskService) | " + " | ".join(f"{n}: {tasks:,}-task user | {n}: 100-task user" for n in names) + " | target |",
        "| --- | " + " | ".join("--- | ---" for _ in names) + " | --- |",
    ]
    for key in results[names[0]][0]:
        target = "< 10" if key.startswith("complete") else "< 20" if key.endswith("page of 50") else ""
        cells = " | ".join(f"{results[n][0][key]:.1f} | {results[n][1][key]:.1f}" for n in names)
        lines.append(f"| {key} | {cells} | {target} |")
    lines += ["", "| turn \"add buy milk\" (p50 ms, in-process) | " + " | ".join(names) + " |", "| --- | " + " | ".join("---" for _ in names) + " |"]
    for key in results[names[0]][2]:
        lines.append(f"| {key} | " + " | ".join(f"{results[n][2][key]:.1f}" for n in names) + " |")
    ratio = " / ".join(f"{n} {results[n][2]['2,000-item thread'] / results[n][2]['10-item thread']:.2f}×" for n in names)
    lines += ["", f"2,000-item ÷ 10-item thread turn latency: {ratio} (target ≤ 1.10×)."]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        from tests.pg import start_cluster

        cluster = start_cluster()
    try:
        print(asyncio.run(growth_tables(Path(tempfile.mkdtemp(prefix="todochat-growth-")), cluster, args.tasks, args.users)))
    finally:
        if cluster is not None:
            cluster.destroy()
