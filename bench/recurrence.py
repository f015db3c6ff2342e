"""Benchmark: completing long-overdue repeating tasks, and /health latency meanwhile.

A real ``todochat serve`` process (SQLite, built-in model). One client completes repeating
tasks whose due dates lie far in the past (each completion walks the rule to find the next
occurrence); another polls ``/health`` the whole time. Run:

    .venv/bin/python bench/recurrence.py [--tasks 20] [--database-url postgresql+asyncpg://…]

It prints the completion and /health latencies; record results in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.servers import LiveServer, server_env

RULES = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYDAY=-1FR",
         "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;COUNT=1000"]
DUES = ["1900-01-01", "1950-06-15T08:00", "2000-01-01"]


def walks() -> None:
    """In-process: the cost of one next-occurrence walk (+ COUNT bookkeeping) per rule and due date."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from todochat.tasks import dates

    now, tz = datetime(2026, 12, 2, 9, tzinfo=UTC), ZoneInfo("Europe/Berlin")
    for rule in RULES:
        costs = []
        for due in (datetime(1900, 1, 1, tzinfo=UTC), datetime(1950, 6, 15, 7, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC)):
            start = time.perf_counter()
            found = dates.next_occurrence(rule, due, due.hour == 0, now, tz)
            if found:
                dates.remaining_rule(rule, due, due.hour == 0, found[0], now, tz)
            costs.append((time.perf_counter() - start) * 1000)
        print(f"walk {rule:40} due 1900/1950/2000: " + " / ".join(f"{c:.1f}" for c in costs) + " ms")


REJECTED = ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
            "FREQ=MONTHLY;BYSETPOS=-40;BYDAY=MO", "FREQ=DAILY;UNTIL=20200101", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30"]


def validations() -> None:
    """In-process: the cost of refusing rules that never occur (dateutil alone walks to 9999)."""
    from todochat.errors import ValidationError
    from todochat.tasks import dates

    for rule in REJECTED:
        start = time.perf_counter()
        with contextlib.suppress(ValidationError):
            dates.normalize_rrule(rule)
        print(f"refuse {rule:40} {(time.perf_counter() - start) * 1000:.1f} ms")


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


async def run(server: LiveServer, tasks: int) -> None:
    done = asyncio.Event()
    health: list[float] = []

    async def poll() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as http:
            while not done.is_set():
                start = time.perf_counter()
                await http.get("/health")
                health.append(time.perf_counter() - start)

    completions: list[float] = []
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(), timeout=120) as http:
        numbers = []
        for i in range(tasks):
            body = {"title": f"repeat {i}", "due": DUES[i % len(DUES)], "recurrence": RULES[i % len(RULES)]}
            answer = await http.post("/api/v1/tasks", json=body)
            answer.raise_for_status()
            numbers.append(answer.json()["number"])
        poller = asyncio.create_task(poll())
        for number in numbers:
            start = time.perf_counter()
            (await http.post(f"/api/v1/tasks/{number}/complete")).raise_for_status()
            completions.append(time.perf_counter() - start)
        done.set()
        await poller
    print(f"completions: {len(completions)}  p50 {pct(completions, .5):.1f} ms  max {max(completions) * 1000:.1f} ms")
    print(f"/health: {len(health)} answers  p50 {pct(health, .5):.1f} ms  max {max(health) * 1000:.1f} ms"
          f"  mean {statistics.mean(health) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    walks()
    validations()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        server = LiveServer(server_env(url, Path(tmp) / "data")).start()
        try:
            asyncio.run(run(server, args.tasks))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
