"""``todochat eval``: progress, failures, per-category results and the JSON report."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from todochat.evals import CaseResult, Runner, load_cases
from todochat.presentation import escape_terminal


async def run_eval(path: Path, report: Path | None, model: str, quiet: bool = False) -> int:
    """Run the cases of ``path`` on ``model``; print a line per failing case, a per-category
    table and ``N passed, M failed``. Returns the number of failed cases."""
    console = Console()
    cases = load_cases(path)
    runner = await asyncio.to_thread(Runner, model)  # migrations run their own event loop
    try:
        if quiet:
            results = await runner.run(cases)
        else:
            with Progress(console=console, transient=True) as progress:
                bar = progress.add_task(f"{path.name} on {model}", total=len(cases))
                results = await runner.run(cases, lambda _r: progress.advance(bar))
    finally:
        runner.close()
    for result in results:
        if not result.passed:
            line = f"FAIL {result.id}: " + " | ".join(result.failures)
            console.print(escape_terminal(line), markup=False, highlight=False, soft_wrap=True)
    console.print(category_table(results))
    if report:
        text = json.dumps([r.report() for r in results], indent=2, ensure_ascii=False)
        await asyncio.to_thread(report.write_text, text)
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return failed


def category_table(results: list[CaseResult]) -> Table:
    """Passed/total/percent per case category (``CaseResult.category``: the case's ``category``
    field or its id prefix, evals.case_category), sorted by name, with an "all" row last when
    there is more than one category."""
    total: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    for r in results:
        total[r.category] += 1
        ok[r.category] += r.passed
    table = Table("category", "passed", "total", "%")
    for name in sorted(total):
        table.add_row(name, str(ok[name]), str(total[name]), _percent(ok[name], total[name]))
    if len(total) > 1:
        passed, count = sum(ok.values()), sum(total.values())
        table.add_section()
        table.add_row("all", str(passed), str(count), _percent(passed, count))
    return table


def _percent(passed: int, total: int) -> str:
    return f"{100 * passed / total:.1f}" if total else "-"
