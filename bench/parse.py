"""Parse + plan time of the built-in model per message (issue 12 item 8; a benchmark, not a test).

For every user message of every eval case (``evals/*.jsonl`` and ``/work/shared/eval/cases.jsonl``)
it times :func:`todochat.agent.models.builtin.model.decide` — read the clock line and the input,
read the message (normalise, time grammar, intents) and plan its first action (a tool call or a
reply) — the whole work of one model call before any tool runs. The time grammar's parse cache
is cleared before each run, so a repeat does not reuse the previous run's reading. The engine (modules, compiled
patterns, the time grammar's rules) is loaded once, then each message is timed ``--repeat`` times
and its median kept; the table gives p50/p95/max over messages. A second line times the "bad
input" messages of issue 12 (empty, 10,000 characters, emoji only, control characters, a
200-item comma list, mixed language).

Usage: ``.venv/bin/python bench/parse.py [--repeat 5]``; results go in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from datetime import datetime
from pathlib import Path

from todochat.agent.models.builtin import timegrammar
from todochat.agent.models.builtin.model import decide

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/eval/cases.jsonl")

BAD_INPUT = {
    "empty": "",
    "10,000 characters": "add " + "very long title " * 625,
    "emoji only": "🎉🎉🔥🙂",
    "control characters": "add buy\x00 milk\x07 tomorrow\x1b",
    "a 200-item comma list": "add " + ", ".join(f"item {i}" for i in range(200)),
    "mixed language": "füg Milch kaufen hinzu and remind me tomorrow at half past six",
}


def clock_line(now: str, zone: str) -> str:
    moment = datetime.fromisoformat(now)
    return f"Current local time: {moment:%Y-%m-%dT%H:%M} ({moment:%A}); time zone: {zone}."


def messages() -> list[tuple[str, str]]:
    """(instructions, message) for every turn of every case file."""
    out = []
    files = sorted((ROOT / "evals").glob("*.jsonl")) + ([SHARED] if SHARED.exists() else [])
    for path in files:
        for line in path.read_text().splitlines():
            if line.strip().startswith("{"):
                case = json.loads(line)
                clock = clock_line(case.get("now", "2026-11-18T09:00:00"), case.get("timezone", "UTC"))
                out += [(clock, turn) for turn in case["turns"]]
    return out


def measure(items: list[tuple[str, str]], repeat: int) -> list[float]:
    """The median ms of ``repeat`` runs of each item."""
    result = []
    for instructions, message in items:
        runs = []
        for _ in range(repeat):
            timegrammar.parse.cache_clear()  # each run reads the message afresh (the cache is per turn's stages)
            start = time.perf_counter()
            decide(instructions, message)
            runs.append((time.perf_counter() - start) * 1000)
        result.append(statistics.median(runs))
    return result


def row(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.3f} | {p95:.3f} | {max(ms):.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per message (the median is kept)")
    args = parser.parse_args()
    items = messages()
    for instructions, message in items[:50]:  # warm-up: first-use caches (re, zoneinfo)
        decide(instructions, message)
    gc.freeze()  # as `todochat serve` does after start-up
    clock = clock_line("2026-11-18T09:00:00", "UTC")
    print("| messages | n | p50 ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    print(row("every eval message", measure(items, args.repeat)))
    for name, message in BAD_INPUT.items():
        print(f"| bad input: {name} | 1 | {measure([(clock, message)], args.repeat)[0]:.3f} | | |")


if __name__ == "__main__":
    main()
