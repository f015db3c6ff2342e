"""The eval harness reads and compares lists (shared/eval/README.md): ``list`` equal case-insensitively,
``null`` and "Inbox" the same; a list named in a case's ``tasks`` is created; ``--report`` gives it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from todochat.evals import Runner, task_matches


def test_list_is_compared_case_insensitively_and_null_is_the_inbox() -> None:
    work = {"title": "Report", "list": "Work"}
    inbox = {"title": "Milk", "list": "Inbox"}
    assert task_matches({"list": "work"}, work) and task_matches({"list": "WORK"}, work)
    assert not task_matches({"list": None}, work) and not task_matches({"list": "Home"}, work)
    assert task_matches({"list": None}, inbox) and task_matches({"list": "inbox"}, inbox)
    assert task_matches({"title": "Report"}, work)  # an entry without list does not check it


def test_a_case_list_is_created_and_reported(tmp_path: Path) -> None:
    case = {
        "id": "list-harness",
        "tasks": [{"title": "Plan", "list": "Work"}, {"title": "Review", "list": "work"}, {"title": "Milk"}],
        "turns": ["what lists do I have?"],
        "expect": {"tasks": [{"title": "Plan", "list": "Work"}, {"title": "Review", "list": "Work"},
                             {"title": "Milk", "list": None}], "shown": ["Work (2 open)", "Inbox (1 open)"]},
    }
    runner = Runner(workdir=tmp_path)
    try:
        [result] = asyncio.run(runner.run([case]))
    finally:
        runner.close()
    assert result.passed, result.failures
    assert sorted(t["list"] for t in result.report()["tasks"]) == ["Inbox", "Work", "Work"]
