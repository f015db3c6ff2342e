"""Compare the built-in model's date reader with ctparse, dateparser and recurrent on our date cases.

Not a test and not part of the product: the three libraries are installed only for this
comparison (``.venv/bin/pip install ctparse dateparser recurrent``). The cases are every
one-turn eval case in UTC that adds one task with a due date and starts from an empty list
(``evals/time_grammar.jsonl``, ``evals/frozen_time_grammar.jsonl``, ``evals/dates_family.jsonl``,
``evals/cases.jsonl``, ``../shared/eval/cases.jsonl``). Each reader gets the whole message and the
case's clock; a reading is right when its day (and, when the case expects one, its hour and
minute) and, for a repeating task, its RRULE frequency match the case.

Times are the median of ``--repeat`` runs per message, then p50/p95 over messages (this
machine: 2 cores shared with other work, so absolute numbers vary; compare the rows).

Usage: ``.venv/bin/python bench/dates_compare.py [--markdown] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from dateutil.rrule import rrulestr

ROOT = Path(__file__).resolve().parents[1]
FILES = ["evals/time_grammar.jsonl", "evals/frozen_time_grammar.jsonl", "evals/dates_family.jsonl",
         "evals/cases.jsonl", "/work/shared/eval/cases.jsonl"]

Reading = tuple[datetime | None, bool, str | None]  # (due, has a time, frequency)


def load() -> list[dict[str, Any]]:
    """The comparable cases: ``{"file", "id", "text", "now", "due", "repeat"}``."""
    out = []
    for name in FILES:
        path = Path(name) if name.startswith("/") else ROOT / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            want = case["expect"]["tasks"]
            if case.get("tasks") or len(case["turns"]) != 1 or len(want) != 1 or not want[0].get("due"):
                continue
            if case.get("timezone", "UTC") != "UTC" or not re.match(r"^(add|remind|schedule)\b", case["turns"][0]):
                continue
            out.append({"file": Path(name).name, "id": case["id"], "text": case["turns"][0],
                        "now": datetime.fromisoformat(case.get("now", "2026-11-18T09:00:00")),
                        "due": want[0]["due"], "repeat": want[0].get("repeat")})
    return out


def ours() -> Callable[[str, datetime], Reading]:
    from zoneinfo import ZoneInfo

    from todochat.agent.models.builtin import timegrammar
    from todochat.agent.models.builtin.dates import find_when

    def read(text: str, now: datetime) -> Reading:
        timegrammar.parse.cache_clear()  # each timed run reads the message afresh
        when = find_when(text, now.replace(tzinfo=ZoneInfo("UTC")))
        if when.day is None:
            return None, False, None
        due = datetime.combine(when.day, when.at or datetime.min.time())
        freq = re.search(r"FREQ=(\w+)", when.recurrence)[1].lower() if when.recurrence else None  # type: ignore[index]
        return due, when.at is not None, freq
    return read


def ctparse_reader() -> Callable[[str, datetime], Reading]:
    from ctparse import ctparse
    from ctparse.types import Interval

    def read(text: str, now: datetime) -> Reading:
        found = ctparse(text, ts=now, timeout=1.0)
        if not found:
            return None, False, None
        res = found.resolution
        if isinstance(res, Interval):
            res = res.t_from
        if res is None or res.year is None or res.month is None or res.day is None:
            return None, False, None
        timed = res.hour is not None
        return datetime(res.year, res.month, res.day, res.hour or 0, res.minute or 0), timed, None  # noqa: DTZ001 - local wall time
    return read


def dateparser_reader() -> Callable[[str, datetime], Reading]:
    from dateparser.search import search_dates

    def read(text: str, now: datetime) -> Reading:
        found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": now, "PREFER_DATES_FROM": "future"})
        if not found:
            return None, False, None
        said, value = found[-1]
        timed = bool(re.search(r"\d:\d|\d ?[ap]m|noon|half|quarter|o'clock|\bat \d", said))
        return value.replace(tzinfo=None), timed, None
    return read


def recurrent_reader() -> Callable[[str, datetime], Reading]:
    from recurrent.event_parser import RecurringEvent

    def read(text: str, now: datetime) -> Reading:
        event = RecurringEvent(now_date=now)
        value = event.parse(text)
        if value is None:
            return None, False, None
        if isinstance(value, datetime):
            return value, value.time() != now.time(), None
        rule = str(value).replace("RRULE:", "")
        freq = re.search(r"FREQ=(\w+)", rule)
        try:
            first = rrulestr(rule, dtstart=now.replace(hour=0, minute=0, second=0)).after(now.replace(hour=0, minute=0), inc=True)
        except (ValueError, TypeError):
            first = None
        timed = "BYHOUR" in rule
        if first is not None and timed:
            hour = int(re.search(r"BYHOUR=(\d+)", rule)[1])  # type: ignore[index]
            minute = int(m[1]) if (m := re.search(r"BYMINUTE=(\d+)", rule)) else 0
            first = first.replace(hour=hour, minute=minute)
        return first, timed, freq[1].lower() if freq else None
    return read


def right(case: dict[str, Any], reading: Reading) -> bool:
    due, timed, freq = reading
    if due is None:
        return False
    want = case["due"]
    if "T" in want:
        if not timed or due.strftime("%Y-%m-%dT%H:%M") != want:
            return False
    elif due.strftime("%Y-%m-%d") != want:
        return False
    return freq == case["repeat"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the README table only")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per message (the median is kept)")
    args = parser.parse_args()
    cases = load()
    readers = {"built-in (ours)": ours, "ctparse 0.3.6": ctparse_reader, "dateparser 1.5.0": dateparser_reader,
               "recurrent 0.4.1": recurrent_reader}
    rows = []
    for name, make in readers.items():
        read = make()
        read(cases[0]["text"], cases[0]["now"])  # warm-up: models and caches load once
        ok = {"time_grammar": [0, 0], "frozen": [0, 0], "older": [0, 0], "recurring": [0, 0]}
        times = []
        misses = []
        for case in cases:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    reading = read(case["text"], case["now"])
                except Exception:  # a library that raises has simply not read the phrase
                    reading = (None, False, None)
                runs.append((time.perf_counter() - start) * 1000)
            times.append(statistics.median(runs))
            good = right(case, reading)
            group = ("time_grammar" if case["file"] == "time_grammar.jsonl" else
                     "frozen" if case["file"] == "frozen_time_grammar.jsonl" else "older")
            for g in (group, "recurring") if case["repeat"] else (group,):
                ok[g][0] += good
                ok[g][1] += 1
            if not good:
                misses.append(case["id"])
        total = sum(v[0] for k, v in ok.items() if k != "recurring"), len(cases)
        p95 = statistics.quantiles(times, n=20)[-1]
        rows.append((name, ok, total, statistics.median(times), p95, misses))
    if not args.markdown:
        for name, _ok, _total, _p50, _p95, misses in rows:
            print(f"{name} misses: {' '.join(misses)}")
    print(f"\n{len(cases)} messages ({sum(1 for c in cases if c['repeat'])} repeating)\n")
    print("| reader | time_grammar | frozen_time_grammar | older date cases | repeating | all | ms p50 | ms p95 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, ok, total, p50, p95, _ in rows:
        cells = " | ".join(f"{ok[k][0]}/{ok[k][1]}" for k in ("time_grammar", "frozen", "older", "recurring"))
        print(f"| {name} | {cells} | {total[0]}/{total[1]} ({100 * total[0] / total[1]:.0f} %) | {p50:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
