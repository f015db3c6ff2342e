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
    nice .venv/bin/python bench/soak.py --tracemalloc --snapshots DIR ...   # dump a snapshot per sample
    nice .venv/bin/python bench/soak.py --trace-from 2000 --snapshots DIR ...   # trace from turn 2000 only
    nice .venv/bin/python bench/soak.py --census ...   # containers (GC-tracked or not) that grew
    .venv/bin/python bench/soak.py --compare DIR/turn-02000.snap DIR/turn-06000.snap   # growth by traceback
    .venv/bin/python bench/soak.py --summarize out.csv [--skip 2000]   # slopes of a (stopped) run

It prints one line per sample and, at the end, the growth per turn over each half of the run
(a leak grows in both halves; a warm-up grows only in the first) and, with ``--tracemalloc``,
the 15 source lines whose traced memory grew most between the first sample after warm-up and the
last. Record results in bench/README.md ("Soak").
"""

from __future__ import annotations

import argparse
import asyncio
import collections
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
    first_census = None
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
            if args.trace_from and turn == args.trace_from:  # trace only what is allocated from here on
                tracemalloc.start(args.frames)
            if turn % args.every == 0:
                gc.collect()
                if args.trim:  # hand freed heap pages back to the kernel: what stays is in use
                    ctypes.CDLL("libc.so.6").malloc_trim(0)
                traced = tracemalloc.get_traced_memory()[0] // 1024 if tracemalloc.is_tracing() else 0
                sample = (turn, time.perf_counter() - started, rss_kib(), traced, len(gc.get_objects()))
                samples.append(sample)
                record(sample, args.csv)
                if args.census and first_census is None:
                    first_census = census()
                elif args.census:
                    census_growth(first_census)
                if args.tracemalloc and turn == args.every * 2:
                    first_snapshot = tracemalloc.take_snapshot()
                if tracemalloc.is_tracing() and args.snapshots:
                    tracemalloc.take_snapshot().dump(f"{args.snapshots}/turn-{turn:06d}.snap")
        if args.tracemalloc and first_snapshot is not None:
            gc.collect()
            last = tracemalloc.take_snapshot()
            print("\ntraced growth by line (from the 2nd sample to the end):")
            for stat in last.compare_to(first_snapshot, "lineno")[:15]:
                print(f"  {stat}")
    return samples


CONTAINERS = (dict, list, set, collections.deque, bytearray)


def census(keep: bool = False) -> dict[int, tuple[type, int, object]]:
    """Every dict, list, set, deque and bytearray alive, GC-tracked or not, by ``id``:
    (type, length, the object if ``keep`` else None: a census kept between samples must not keep
    dead containers alive). Untracked ones (a dict holding only strings and numbers, which
    ``gc.get_objects()`` leaves out) are found among the referents of tracked objects."""
    found: dict[int, tuple[type, int, object]] = {}
    for obj in gc.get_objects():
        for item in (obj, *gc.get_referents(obj)):
            if type(item) in CONTAINERS and id(item) not in found:
                found[id(item)] = (type(item), len(item), item if keep else None)
    return found


def census_growth(before: dict[int, tuple[type, int, object]], top: int = 8) -> None:
    """Print the containers alive in both censuses that grew most, with a few of their newest
    entries and the type of what holds them."""
    after = census(keep=True)
    grew = sorted(((n - before[k][1], k) for k, (t, n, obj) in after.items() if k in before and before[k][0] is t and n > before[k][1]),
                  reverse=True)[:top]  # fmt: skip
    untracked = sum(n for t, n, obj in after.values() if not gc.is_tracked(obj))
    print(f"  census: {len(after)} containers, untracked entries {untracked}; grew most:")
    for diff, k in grew:
        t, n, obj = after[k]
        sample = list(obj)[-3:] if not isinstance(obj, bytearray) else bytes(obj[-40:])
        holders = sorted({type(h).__name__ for h in gc.get_referrers(obj) if h is not after and not isinstance(h, tuple)})[:4]
        tracked = "tracked" if gc.is_tracked(obj) else "untracked"
        print(f"    +{diff} → {n} {t.__name__} ({tracked}; held by {holders}): {str(sample)[:160]}")
    after.clear()


def sqlite_kib() -> int:
    """Memory the SQLite library holds (``sqlite3_memory_used``: page cache, prepared statements,
    schema) in KiB; -1 when this Python's sqlite3 is not the shared ``libsqlite3.so.0``."""
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return -1
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return int(lib.sqlite3_memory_used()) // 1024


ARENA_ALIGN = 64 * 1024 * 1024
"""glibc's non-main arenas (one per thread that allocates, up to 8 × cores) are 64 MiB-aligned heaps."""


def anon_split() -> tuple[int, int, int]:
    """Resident anonymous memory of this process in KiB, by where it lies (``/proc/self/smaps``):
    the main arena's ``[heap]`` (brk: the event loop thread's ``malloc``), the heaps of glibc's thread
    arenas (64 MiB-aligned: aiosqlite's connection thread, where SQLite allocates), and the rest
    (pymalloc's 1 MiB arenas, large ``mmap`` allocations, thread stacks)."""
    brk = arenas = other = 0
    kind = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split(maxsplit=5)
        if "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
            name = head[5] if len(head) > 5 else ""
            start = int(head[0].split("-")[0], 16)
            kind = "brk" if name == "[heap]" else None if name else ("arena" if start % ARENA_ALIGN == 0 else "other")
        elif line.startswith("Rss:") and kind is not None:
            kib = int(line.split()[1])
            if kind == "brk":
                brk += kib
            elif kind == "arena":
                arenas += kib
            else:
                other += kib
    return brk, arenas, other


def pymalloc_kib() -> tuple[int, int, int]:
    """pymalloc's state from ``sys._debugmallocstats()`` (CPython; it writes to the C ``stderr``,
    captured here through a temporary file): (arenas allocated now × 1 MiB, bytes in allocated
    blocks, bytes in free blocks of used pools), in KiB; -1 each while tracemalloc traces. Arena KiB minus the other two is held by
    empty pools and alignment: fragmentation shows as arenas growing while allocated blocks do not."""
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as out:
        sys.stderr.flush()
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        figures = {}
        for line in out:
            if line.startswith("#") and "=" in line:
                name, value = line[1:].split("=")
                figures[name.strip()] = int(value.strip().replace(",", ""))
    if "arenas allocated current" not in figures:  # tracemalloc on: pymalloc is wrapped, no figures
        return -1, -1, -1
    arenas = figures["arenas allocated current"] * 1024  # 1 MiB arenas (CPython 3.10+)
    return arenas, figures["bytes in allocated blocks"] // 1024, figures["bytes in available blocks"] // 1024


CSV_HEADER = ("turn,seconds,rss_kib,traced_kib,objects,anon_kib,file_kib,sqlite_kib,brk_kib,thread_arenas_kib,other_anon_kib,"
              "pymalloc_arenas_kib,pymalloc_used_kib,pymalloc_free_kib")


def record(sample: tuple[int, float, int, int, int], csv: str | None) -> None:
    """Print one sample (turn, seconds, RSS KiB, traced KiB, objects, and the split of resident
    memory: anonymous/file, SQLite's heap, :func:`anon_split`); append it to ``csv``."""
    turn, seconds, rss, traced, objects = sample
    anon, mapped, sqlite = rss_kib("RssAnon"), rss_kib("RssFile"), sqlite_kib()
    brk, arenas, other = anon_split()
    py_arenas, py_used, py_free = pymalloc_kib()
    print(f"turn {turn:6d}  {seconds:7.0f}s  rss {rss:7d} KiB (anon {anon} file {mapped} sqlite {sqlite}; "
          f"brk {brk} thread arenas {arenas} other {other}; pymalloc arenas {py_arenas} used {py_used} free {py_free})  "
          f"traced {traced:7d} KiB  objects {objects:8d}", flush=True)
    if csv:
        path = Path(csv)
        header = not path.exists()
        with path.open("a") as out:
            if header:
                out.write(CSV_HEADER + "\n")
            out.write(",".join(str(v) for v in (*sample, anon, mapped, sqlite, brk, arenas, other, py_arenas, py_used, py_free)) + "\n")


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares slope of ``(turn, KiB)`` points, in KiB per turn."""
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (v - my) for t, v in points) / den if den else 0.0


def summarize_csv(csv: str, skip: int) -> None:
    """The growth of a (possibly interrupted) run from its CSV: RSS and anonymous memory per turn
    over the first and the second half of the samples after the first ``skip`` turns (warm-up),
    as least-squares slopes and end to end, in KiB/turn."""
    lines = Path(csv).read_text().split()
    names = lines[0].split(",")
    rows = [dict(zip(names, map(float, line.split(",")), strict=False)) for line in lines[1:]]
    rows = [r for r in rows if r["turn"] > skip]
    mid = len(rows) // 2
    for name, part in (("first half", rows[: mid + 1]), ("second half", rows[mid:])):
        t0, t1 = int(part[0]["turn"]), int(part[-1]["turn"])
        out = [f"{name}: turns {t0}–{t1}"]
        for column in ("rss_kib", "anon_kib", "brk_kib", "thread_arenas_kib", "other_anon_kib", "sqlite_kib",
                       "pymalloc_arenas_kib", "pymalloc_used_kib", "traced_kib"):
            if column in part[0]:
                fit = slope([(int(r["turn"]), int(r[column])) for r in part])
                ends = (part[-1][column] - part[0][column]) / (t1 - t0)
                out.append(f"{column[:-4]} {fit:+.3f} (ends {ends:+.3f}) KiB/turn, {int(part[0][column])}→{int(part[-1][column])}")
        print("\n  ".join(out))


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


def compare(first: str, last: str, key: str, top: int) -> None:
    """Print the ``top`` tracebacks (or lines, ``key``) whose traced memory grew most from snapshot
    ``first`` to ``last`` (files written by ``--snapshots``), with their size and block counts."""
    old, new = tracemalloc.Snapshot.load(first), tracemalloc.Snapshot.load(last)
    stats = new.compare_to(old, key)
    grew = sum(s.size_diff for s in stats)
    print(f"traced {sum(s.size for s in stats) // 1024} KiB, {grew / 1024:+.0f} KiB from {first} to {last}")
    for stat in stats[:top]:
        print(f"\n{stat.size_diff / 1024:+.1f} KiB ({stat.count_diff:+d} blocks; now {stat.size / 1024:.0f} KiB in {stat.count})")
        for line in stat.traceback.format(most_recent_first=True)[:24]:
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250, help="sample every K turns")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--thread-turns", type=int, default=30, help="turns per thread before a new one")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--trim", action="store_true", help="glibc malloc_trim(0) before each sample")
    parser.add_argument("--csv", default=None)
    parser.add_argument("--summarize", metavar="CSV", default=None,
                        help="print the growth per turn of a run's CSV (halves after --skip turns) and exit")
    parser.add_argument("--skip", type=int, default=2000, help="warm-up turns --summarize leaves out")
    parser.add_argument("--census", action="store_true",
                        help="at each sample, the containers (GC-tracked or not) that grew most since the first sample")
    parser.add_argument("--frames", type=int, default=10, help="traceback depth tracemalloc keeps")
    parser.add_argument("--trace-from", type=int, default=0, metavar="TURN",
                        help="start tracemalloc at this turn (cheaper than --tracemalloc: the warm-up runs at full speed)")
    parser.add_argument("--snapshots", metavar="DIR", default=None,
                        help="with --tracemalloc: dump a snapshot at each sample to DIR/turn-NNNNNN.snap")
    parser.add_argument("--compare", nargs=2, metavar=("FIRST", "LAST"), default=None,
                        help="print the tracebacks whose memory grew most between two snapshots and exit")
    parser.add_argument("--key", default="traceback", help="--compare grouping: traceback, lineno or filename")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    if args.summarize:
        summarize_csv(args.summarize, args.skip)
        return
    if args.compare:
        compare(*args.compare, args.key, args.top)
        return
    if args.snapshots:
        Path(args.snapshots).mkdir(parents=True, exist_ok=True)
    if args.tracemalloc:
        tracemalloc.start(args.frames)
    print(f"pid {os.getpid()}  MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', '-')}  "
          f"turns {args.turns}  users {args.users}  thread turns {args.thread_turns}", flush=True)
    summary(asyncio.run(soak(args, make_settings())))


if __name__ == "__main__":
    main()
