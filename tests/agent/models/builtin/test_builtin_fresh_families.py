"""Rule families widened for fresh phrasings (issue 12, generality; evals/fresh2.jsonl): a heading
before the tasks, a priority said as a clause, "done with X" without a subject, the clitic "'s",
"no need for X", the passive "X got moved to <date>", comparatives of importance, clearing every
tag, more reminder leads, "as part of X", a life area said alone, "done ones too", a quoted new
title, and a follow-up clause that repeats the same act on "it". Each row is one of those rules'
examples; the conversations are in evals/fresh2.jsonl."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin.planner import Call, Turn, later_said, plan
from todochat.agent.models.builtin.references import State

WED = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def first(message: str) -> Any:
    """The first action for ``message`` in an empty conversation: ``(tool, args)`` or the reply."""
    action = Turn(message, State(), WED, [], pending_live=True).next_action()
    return (action.tool, action.args) if isinstance(action, Call) else action


@pytest.mark.parametrize(("message", "expected"), [
    # a heading before the tasks: its priority applies to each, its words are no title
    ("add an urgent one: fix the leaking tap", ("add_task", {"title": "Fix the leaking tap", "priority": "high"})),
    ("low priority: organize the bookshelf", ("add_task", {"title": "Organize the bookshelf", "priority": "low"})),
    ("add three things: buy eggs, buy flour", ("add_task", {"title": "Buy eggs"})),
    # a priority said as a clause of its own, with a degree word
    ("add send the contract to legal, it's pretty important", ("add_task", {"title": "Send the contract to legal", "priority": "high"})),
    ("all done with booking flights", ("complete_task", {"task": "booking flights"})),
    ("rent's paid", ("complete_task", {"task": "pay rent"})),
    ("no need for the flights task anymore", ("delete_task", {"task": "flights"})),
    ("the dentist got moved to thursday", ("update_task", {"task": "dentist", "due_day": "2026-11-19"})),
    ("make clean garage less important", ("update_task", {"task": "clean garage", "priority": "low"})),
    ("untag the flights", ("update_task", {"task": "flights", "tags": []})),
    ("which ones are high priority", ("list_tasks", {"priority": "high"})),
    ("give me a heads up about rent the day before", ("add_reminder", {"task": "rent", "before_minutes": 1440})),
    ("alert me about the dentist an hour before", ("add_reminder", {"task": "dentist", "before_minutes": 60})),
    ("add send invites as part of plan party", ("add_task", {"title": "Send invites", "parent": "plan party"})),
    ("any errands?", ("list_tasks", {"tag": "errands"})),
    ("show me everything, done ones too", ("list_tasks", {"status": "all"})),
    ("call buy milk 'buy oat milk' instead", ("update_task", {"task": "buy milk", "title": "buy oat milk"})),
])
def test_fresh_phrasings(message: str, expected: Any) -> None:
    assert first(message) == expected


@pytest.mark.parametrize("message", ["rent's paid, tick it off", "no need for the flights task anymore, remove it"])
def test_a_repeated_act_on_it_is_one_act(message: str) -> None:
    kinds = [intent.kind for intent, _, _ in plan(message, State(), WED)]
    assert len(kinds) == 1 and kinds[0] in ("complete", "delete")


@pytest.mark.parametrize("message", ["call mom and dad", "buy paint, check the mail", "what's important today?"])
def test_the_widened_rules_leave_other_phrasings_alone(message: str) -> None:
    assert first(message)[0] in ("add_task", "list_tasks")


@pytest.mark.parametrize(("text", "iso"), [
    ("the day after", "P1D"), ("the following week", "P1W"), ("two days later", "P2D"), ("to a week later", "P1W"),
    ("friday", None), ("the day after tomorrow", None),
])
def test_a_date_said_only_relative_to_the_tasks_own(text: str, iso: str | None) -> None:
    assert later_said(text) == iso
