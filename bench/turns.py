"""Benchmark: fully persisted chat turns per second through a real ``todochat serve`` process.

Each turn is a ChatKit ``threads.add_user_message`` over HTTP (SSE) with the built-in model,
alternating "add …" and "show my tasks", so every turn writes the user message, a widget, an
assistant message and (for adds) a task. Run:

    .venv/bin/python bench/turns.py --turns 400 --concurrency 8 [--database-url postgresql+asyncpg://…]

It prints turns/s and latency percentiles; record results in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.servers import LiveServer, server_env

from todochat.client import ChatKitClient


async def worker(base_url: str, token: str, turns: int, latencies: list[float], wid: int) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
        client = ChatKitClient(http, token, "UTC")
        thread = (await client.send(f"add warm up {wid}")).thread_id
        for i in range(turns):
            text = f"add bench task {wid}-{i}" if i % 2 == 0 else "show my pending tasks"
            start = time.perf_counter()
            turn = await client.send(text, thread)
            latencies.append(time.perf_counter() - start)
            if turn.error:
                raise RuntimeError(turn.error)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="todochat-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    server = LiveServer(server_env(url, tmp / "data", TODOCHAT_RATE_LIMIT="100000/second", TODOCHAT_HISTORY_WINDOW="20")).start()
    try:
        per_worker = args.turns // args.concurrency
        latencies: list[float] = []
        started = time.perf_counter()
        cpu0 = _cpu(server.process.pid)  # type: ignore[union-attr]
        await asyncio.gather(*(
            worker(server.base_url, server.token(f"bench{w}"), per_worker, latencies, w) for w in range(args.concurrency)
        ))
        elapsed = time.perf_counter() - started
        cpu = _cpu(server.process.pid) - cpu0  # type: ignore[union-attr]
        total = per_worker * args.concurrency
        q = statistics.quantiles(latencies, n=100)
        print(f"database: {url.split(':')[0]}  turns: {total}  concurrency: {args.concurrency}")
        print(f"throughput: {total / elapsed:.1f} turns/s wall; server CPU {cpu:.2f}s → {total / cpu:.1f} turns per CPU-second")
        print(f"latency ms: p50 {q[49] * 1000:.1f}  p90 {q[89] * 1000:.1f}  p99 {q[98] * 1000:.1f}")
    finally:
        server.stop()


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    asyncio.run(main())
