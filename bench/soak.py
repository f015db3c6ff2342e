"""Soak benchmark: does resident memory level off over many chat turns?

Runs N in-process ChatKit turns (``create_app`` + ``httpx.ASGITransport``, the built-in model,
a SQLite file) and samples the process's resident memory (``VmRSS``), Python's traced heap
(``tracemalloc``, only with ``--tracemalloc``: it slows turns ~2×) and the live object count
every K turns. Users take turns; each user starts a new thread every ``--thread-turns`` turns
(so per-thread state shows as growth), and a user's task list stays bounded (each added task is
completed two turns later, and "show my pending tasks" lists only open ones).

    nice .venv/bin/python bench/soak.py --turns 10000 --every 500 [--tracemalloc] [--csv out.csv]
    MALLOC_ARENA_MAX=2 nice .venv/bin/python bench/soak.py ...   # glibc arenas capped
    nice .venv/bin/python bench/soak.py --trim ...   # malloc_trim(0) before each sample

It prints one line per sample and, at the end, the growth per turn over each half of the run
(a leak grows in both halves; a warm-up grows only in the first) and, with ``--tracemalloc``,
the 15 source lines whose traced memory grew most between the first sample after warm-up and the
last. Record results in bench/README.md ("Soak").
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")

from todochat import migrations
from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings


def rss_kib(field: str = "VmRSS") -> int:
    """A memory figure of this process in KiB from /proc/self/status: ``VmRSS`` (resident set),
    ``RssAnon`` (heap and other private memory), ``RssFile`` (mapped files: libraries, SQLite's
    WAL index)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def messages(user: int, i: int) -> str:
    """The user's i-th message: add, list, complete the task added two turns ago (bounded list)."""
    step = i % 3
    if step == 0:
        return f"add soak task {user} {i // 3}"
    if step == 1:
        return "show my pending tasks"
    return f"done with soak task {user} {i // 3}"


def make_settings() -> Settings:
    """A migrated SQLite file in a temp dir, the built-in model, rate limits off."""
    tmp = Path(tempfile.mkdtemp(prefix="todochat-soak-"))
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp / 'soak.db'}",
        data_dir=tmp,
        jwt_secret="soak-secret-" + "x" * 32,
        model="builtin",
        rate_limit="off",
        history_window=20,
    )
    migrations.upgrade(settings)
    return settings


async def soak(args: argparse.Namespace, settings: Settings) -> list[tuple[int, float, int, int, int]]:
    app = create_app(settings)
    samples: list[tuple[int, float, int, int, int]] = []
    first_snapshot = None
    started = time.perf_counter()
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://soak", timeout=120
    ) as http:
        clients = [ChatKitClient(http, issue_token(f"soak{u}", settings), "UTC") for u in range(args.users)]
        threads: list[str | None] = [None] * args.users
        counts = [0] * args.users
        for turn in range(1, args.turns + 1):
            u = turn % args.users
            if counts[u] % args.thread_turns == 0:
                threads[u] = None  # a new thread
            result = await clients[u].send(messages(u, counts[u]), threads[u])
            if result.error:
                raise RuntimeError(f"turn {turn}: {result.error}")
            threads[u] = result.thread_id
            counts[u] += 1
            if turn % args.every == 0:
                gc.collect()
                if args.trim:  # hand freed heap pages back to the kernel: what stays is in use
                    ctypes.CDLL("libc.so.6").malloc_trim(0)
                traced = tracemalloc.get_traced_memory()[0] // 1024 if args.tracemalloc else 0
                sample = (turn, time.perf_counter() - started, rss_kib(), traced, len(gc.get_objects()))
                samples.append(sample)
                record(sample, args.csv)
                if args.tracemalloc and turn == args.every * 2:
                    first_snapshot = tracemalloc.take_snapshot()
        if args.tracemalloc and first_snapshot is not None:
            gc.collect()
            last = tracemalloc.take_snapshot()
            print("\ntraced growth by line (from the 2nd sample to the end):")
            for stat in last.compare_to(first_snapshot, "lineno")[:15]:
                print(f"  {stat}")
    return samples


def sqlite_kib() -> int:
    """Memory the SQLite library holds (``sqlite3_memory_used``: page cache, prepared statements,
    schema) in KiB; -1 when this Python's sqlite3 is not the shared ``libsqlite3.so.0``."""
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return -1
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return int(lib.sqlite3_memory_used()) // 1024


def record(sample: tuple[int, float, int, int, int], csv: str | None) -> None:
    """Print one sample (turn, seconds, RSS KiB, traced KiB, objects); append it to ``csv``."""
    turn, seconds, rss, traced, objects = sample
    anon, mapped = rss_kib("RssAnon"), rss_kib("RssFile")
    print(f"turn {turn:6d}  {seconds:7.0f}s  rss {rss:7d} KiB (anon {anon} file {mapped} sqlite {sqlite_kib()})  traced {traced:7d} KiB  "
          f"objects {objects:8d}", flush=True)
    if csv:
        with Path(csv).open("a") as out:
            out.write(",".join(str(v) for v in sample) + "\n")


def summary(samples: list[tuple[int, float, int, int, int]]) -> None:
    """Growth per turn (RSS and traced heap) over the first and second half of the samples."""
    if len(samples) < 4:
        return
    mid = len(samples) // 2
    for name, part in (("first half", samples[1 : mid + 1]), ("second half", samples[mid:])):
        (t0, _, r0, p0, o0), (t1, _, r1, p1, o1) = part[0], part[-1]
        turns = t1 - t0
        print(
            f"{name}: turns {t0}–{t1}: rss {1024 * (r1 - r0) / turns:+.0f} B/turn, "
            f"traced {1024 * (p1 - p0) / turns:+.0f} B/turn, objects {(o1 - o0) / turns:+.2f}/turn"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250, help="sample every K turns")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--thread-turns", type=int, default=30, help="turns per thread before a new one")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--trim", action="store_true", help="glibc malloc_trim(0) before each sample")
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()
    if args.tracemalloc:
        tracemalloc.start(10)
    print(f"pid {os.getpid()}  MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', '-')}  "
          f"turns {args.turns}  users {args.users}  thread turns {args.thread_turns}", flush=True)
    summary(asyncio.run(soak(args, make_settings())))


if __name__ == "__main__":
    main()
