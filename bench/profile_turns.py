"""Profile chat turns in-process: ``create_app`` + ``httpx.ASGITransport``, built-in model, SQLite.

    .venv/bin/python bench/profile_turns.py --turns 200 [--database-url …] [--out /tmp/turns.prof]

Prints the cumulative and own-time top of a cProfile of ``--turns`` turns (one thread per user,
alternating "add bench task N" and "show my pending tasks"), after a few warm-up turns.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.servers import JWT_SECRET, in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.migrations import upgrade


async def run(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="todochat-prof-"))
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'prof.db'}"
    settings = Settings(database_url=url, data_dir=tmp, jwt_secret=JWT_SECRET,
                        rate_limit="100000/second", history_window=20)
    await asyncio.to_thread(upgrade, settings)
    async with in_process(settings) as (_app, http):
        client = ChatKitClient(http, issue_token("prof", settings), "UTC")
        thread = (await client.send("add warm up")).thread_id
        for i in range(10):
            await client.send(f"add warm {i}", thread)
        prof = None if args.no_profile else cProfile.Profile()
        start, cpu = time.perf_counter(), time.process_time()
        if prof is not None:
            prof.enable()
        statements: list[str] = []
        event.listen(_app.state.engine.sync_engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2].split()[0]))
        for i in range(args.turns):
            if args.mode == "create":  # the issue's turn: threads.create "add buy milk"
                turn = await client.send("add buy milk")
            else:
                text = f"add bench task {i}" if i % 2 == 0 else "show my pending tasks"
                turn = await client.send(text, thread)
            if turn.error:
                raise RuntimeError(turn.error)
        if prof is not None:
            prof.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print("SQL statements per turn:", {k: round(statements.count(k) / args.turns, 2) for k in sorted(set(statements))})
    print(f"{args.turns} turns: {wall / args.turns * 1000:.1f} ms wall, {cpu / args.turns * 1000:.1f} ms CPU per turn (client included)")
    if prof is None:
        return
    if args.out:
        prof.dump_stats(args.out)
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", default=None)
    parser.add_argument("--mode", choices=["create", "mixed"], default="create")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true",
                        help="no cProfile (time the turns alone, or sample them with py-spy)")
    asyncio.run(run(parser.parse_args()))
