"""``todochat eval`` prints a per-category table (issue 12, item 7): a case's category is its
``category`` field when it has one, else its id prefix; the table gives passed/total/percent per
category and an "all" row; the last line stays ``N passed, M failed``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rich.console import Console

from todochat.eval_cli import category_table, run_eval
from todochat.evals import CaseResult, Runner, case_category


def test_the_category_field_wins_over_the_id_prefix() -> None:
    assert case_category({"id": "qperiod-next3-01", "turns": ["x"]}) == "qperiod"
    assert case_category({"id": "p-add-01", "turns": ["x"]}) == "add"
    assert case_category({"id": "qperiod-next3-01", "category": "periods", "turns": ["x"]}) == "periods"
    assert case_category({"id": "view-01", "category": "  ", "turns": ["x"]}) == "view"  # blank: the prefix
    assert case_category({"id": "view-01", "category": 3, "turns": ["x"]}) == "view"  # not text: the prefix


def _render(results: list[CaseResult]) -> list[list[str]]:
    console = Console(width=100, record=True)
    console.print(category_table(results))
    rows = []
    for line in console.export_text().splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").replace("┃", "│").split("│")]
        if len(cells) == 4 and cells[0]:
            rows.append(cells)
    return rows


def test_the_table_counts_each_category_and_all() -> None:
    results = [
        CaseResult("a-1", "periods", []),
        CaseResult("a-2", "periods", ["shown: 'X' not mentioned"]),
        CaseResult("b-1", "next", []),
        CaseResult("b-2", "next", []),
        CaseResult("b-3", "next", []),
    ]
    rows = _render(results)
    assert rows[0] == ["category", "passed", "total", "%"]
    assert rows[1:] == [["next", "3", "3", "100.0"], ["periods", "1", "2", "50.0"], ["all", "4", "5", "80.0"]]


def test_one_category_has_no_all_row() -> None:
    assert _render([CaseResult("a-1", "view", []), CaseResult("a-2", "view", ["x"])])[1:] == [["view", "1", "2", "50.0"]]


def test_a_run_reports_by_the_category_field_and_ends_with_the_count_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TODOCHAT_DATA_DIR", str(tmp_path / "data"))
    cases = [
        {"id": "scope-weather", "category": "out_of_scope", "tasks": [{"title": "Pay rent"}],
         "turns": ["what's the weather?"], "expect": {"tasks": [{"title": "Pay rent"}]}},
        {"id": "scope-list", "tasks": [{"title": "Pay rent"}], "turns": ["show my tasks"],
         "expect": {"tasks": [{"title": "Pay rent"}], "shown": ["Nothing like this"]}},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    runner = Runner(workdir=tmp_path / "direct")
    try:
        direct = asyncio.run(runner.run(cases))
    finally:
        runner.close()
    assert [(r.category, r.passed) for r in direct] == [("out_of_scope", True), ("scope", False)]
    failed = asyncio.run(run_eval(path, None, "builtin", quiet=True))
    out = capsys.readouterr().out
    assert failed == 1
    assert "out_of_scope" in out and "scope" in out and "all" in out
    assert out.rstrip().splitlines()[-1] == "1 passed, 1 failed"
