"""The conversation case files pass with the built-in model, through the real ChatKit path."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

import pytest

from todochat.evals import Runner, load_cases

ROOT = Path(__file__).resolve().parents[4]
FILES = {
    "own": ROOT / "evals" / "cases.jsonl",
    "bulk": ROOT / "evals" / "bulk_scope.jsonl",
    "undo": ROOT / "evals" / "undo_levels.jsonl",
    "resched": ROOT / "evals" / "resched.jsonl",
    "dates": ROOT / "evals" / "dates_family.jsonl",  # issue 11 item 4 (the frozen slice stays out: report only)
    "reminders": ROOT / "evals" / "reminders.jsonl",  # issue 14, the chat side (frozen_reminders.jsonl: report only)
    "reminders_bulk": ROOT / "evals" / "reminders_bulk.jsonl",  # issue 14 trust gaps (frozen_reminders_bulk.jsonl: report only)
    "reminders_when": ROOT / "evals" / "reminders_when.jsonl",  # issue 14 spans (frozen_reminders_when.jsonl: report only)
    "notes": ROOT / "evals" / "notes.jsonl",  # issue 15 item 4 (frozen_notes.jsonl: report only)
    "views": ROOT / "evals" / "views.jsonl",  # issue 15 item 5 (frozen_views.jsonl: report only)
    "lists": ROOT / "evals" / "lists.jsonl",  # issue 15 item 2 (frozen_lists.jsonl: report only)
    "subtasks": ROOT / "evals" / "subtasks.jsonl",  # issue 15 item 3 (frozen_subtasks.jsonl: report only)
    "exact_refs": ROOT / "evals" / "exact_refs.jsonl",  # issue 16 item 1: what a task tag becomes (frozen_exact_refs.jsonl: report only)
    "ask_dates": ROOT / "evals" / "ask_dates.jsonl",  # issue 16 item 2: date questions (frozen_ask_dates.jsonl: report only)
    "subtree_move": ROOT / "evals" / "subtree_move.jsonl",  # a parent moved to a list takes its subtree (frozen_subtree_move.jsonl: report only)
    "time_grammar": ROOT / "evals" / "time_grammar.jsonl",  # issue 12 item 3 (frozen_time_grammar.jsonl: report only)
    "repair": ROOT / "evals" / "repair.jsonl",  # issue 12 item 4: corrections and follow-ups (frozen_repair.jsonl: report only)
    "queries": ROOT / "evals" / "queries.jsonl",  # issue 12 item 5 (frozen_queries.jsonl: report only)
    "update_wording": ROOT / "evals" / "update_wording.jsonl",  # issue 12 wording family (frozen_update_wording.jsonl: report only)
    "de": ROOT / "evals" / "de.jsonl",  # issue 12 item 6: German reading (frozen_de.jsonl: report only)
    "public": ROOT.parent / "shared" / "eval" / "cases.jsonl",
}


@pytest.mark.slow
@pytest.mark.timeout(1200)  # 536 cases, each in its own database: past 300 s on a loaded machine
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_case_passes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = FILES[name]
    if not path.exists():
        if os.environ.get("CI"):  # CI has shared/ beside the checkout: never skip there
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path} is not in this checkout")
    monkeypatch.setenv("TODOCHAT_RATE_LIMIT", "100000/minute")
    cases = load_cases(path)
    if name == "own":
        assert len(cases) >= 200
    runner = Runner(workdir=tmp_path)
    try:
        results = asyncio.run(runner.run(cases))
    finally:
        runner.close()
    failed = [f"{r.id}: {r.failures}" for r in results if not r.passed]
    by_category = Counter(r.category for r in results if r.passed)
    assert not failed, f"{len(failed)} failed ({dict(by_category)} passed):\n" + "\n".join(failed)
