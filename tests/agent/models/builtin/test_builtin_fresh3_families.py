"""Rule families widened for the third round of fresh phrasings (issue 12, generality;
evals/fresh3.jsonl): a heading that only points at the tasks ("these: a, b"), list questions
without a question word ("got anything overdue") and questions whose words look like a reopen
("how many things are still open"), priority nouns shortened ("low prio"), "everything that's
done", a take-back after "no" ("wait no, undo"), trailing hedges ("make it tomorrow actually"),
a clock time said with a part of the day ("every morning at 7"), and a done/delete said with
another verb of the same kind ("picked up the groceries" for "Buy groceries")."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin.dates import find_when
from todochat.agent.models.builtin.normalize import strip_politeness
from todochat.agent.models.builtin.planner import Call, Turn
from todochat.agent.models.builtin.references import State

WED = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))


def action(message: str) -> Any:
    """The first action for ``message`` in an empty conversation."""
    return Turn(message, State(), WED, [], pending_live=True).next_action()


def first(message: str) -> Any:
    """``(tool, args)`` of the first action, or the reply."""
    a = action(message)
    return (a.tool, a.args) if isinstance(a, Call) else a


@pytest.mark.parametrize(("message", "title"), [
    ("add these: call grandma, buy stamps", "Call grandma"),
    ("add the following: buy eggs, fix the sink", "Buy eggs"),
    ("please add these three things - walk the dog, feed the cat", "Walk the dog"),
    ("add the following tasks: renew the lease, pay the deposit", "Renew the lease"),
])
def test_a_pointing_heading_is_no_title(message: str, title: str) -> None:
    assert first(message) == ("add_task", {"title": title})


@pytest.mark.parametrize(("message", "args"), [
    ("got anything overdue", {"due": "overdue"}),
    ("have i got anything due tomorrow", {"due": "tomorrow"}),
    ("got any high priority stuff?", {"priority": "high"}),
    ("how many things are still open", {"status": "pending"}),
    ("which ones are still open", {"status": "pending"}),
    ("show low prio tasks", {"priority": "low"}),
    ("any hi-pri stuff", {"priority": "high"}),
    ("list my top prio items", {"priority": "high"}),
])
def test_list_questions(message: str, args: dict[str, Any]) -> None:
    assert first(message) == ("list_tasks", args)


def test_a_task_still_open_is_reopened() -> None:
    assert first("the report is still open") == ("reopen_task", {"task": "report"})


@pytest.mark.parametrize("message", ["delete everything that's done", "remove all the ones that are finished",
                                     "clear out the stuff thats completed"])
def test_everything_thats_done(message: str) -> None:
    assert first(message) == ("delete_tasks", {"status": "completed"})


@pytest.mark.parametrize("message", ["wait no, undo", "no, undo", "oh no undo that", "no no, revert it"])
def test_no_before_a_take_back_is_an_undo(message: str) -> None:
    assert first(message) == ("undo", {})


@pytest.mark.parametrize("message", ["no", "no, cancel", "nope"])
def test_no_alone_still_declines(message: str) -> None:
    assert not isinstance(action(message), Call)


@pytest.mark.parametrize(("text", "left"), [
    ("make it tomorrow actually", "make it tomorrow"),
    ("make it friday i guess", "make it friday"),
    ("add call mom after all", "add call mom"),
])
def test_trailing_hedges(text: str, left: str) -> None:
    assert strip_politeness(text) == left


@pytest.mark.parametrize(("text", "due"), [
    ("stretch every morning at 7", "2026-11-19 07:00"),
    ("read every evening at 9", "2026-11-18 21:00"),
    ("journal each evening at 8:30", "2026-11-18 20:30"),
    ("read every night", "2026-11-18 21:00"),
])
def test_a_clock_time_beats_the_part_of_the_day(text: str, due: str) -> None:
    when = find_when(text, WED)
    assert when.recurrence == "FREQ=DAILY"
    assert f"{when.day} {when.at:%H:%M}" == due


@pytest.mark.parametrize(("message", "tool", "target", "again"), [
    ("picked up the groceries", "complete_task", "pick up the groceries", "groceries"),
    ("rang the plumber", "complete_task", "ring the plumber", "plumber"),
    ("mailed the invoice", "complete_task", "mail the invoice", "invoice"),
])
def test_a_kindred_verb_tries_the_object(message: str, tool: str, target: str, again: str) -> None:
    a = action(message)
    assert (a.tool, a.args) == (tool, {"task": target})
    assert [(f.tool, f.args) for f in a.fallback] == [(tool, {"task": again})]
    assert a.fallback_on == ("not_found",)


@pytest.mark.parametrize(("message", "task", "due_day"), [
    ("give buy milk a deadline of friday", "buy milk", "2026-11-20"),
    ("set a deadline of friday for buy milk", "buy milk", "2026-11-20"),
    ("the deadline for pay rent is dec 1", "pay rent", "2026-12-01"),
    ("pay rent's deadline is the 1st", "pay rent", "2026-12-01"),
    ("put a deadline on the report: friday", "report", "2026-11-20"),
    ("set the deadline for buy milk to friday", "buy milk", "2026-11-20"),
])
def test_the_due_date_said_as_a_noun(message: str, task: str, due_day: str) -> None:
    assert first(message) == ("update_task", {"task": task, "due_day": due_day})


@pytest.mark.parametrize(("message", "task"), [
    ("rent paid", "pay rent"), ("invoice sent", "send invoice"), ("milk bought", "buy milk"),
    ("the garage cleaned", "clean garage"), ("flights booked", "book flights"), ("report finished", "report"),
])
def test_a_participle_reports_done(message: str, task: str) -> None:
    assert first(message) == ("complete_task", {"task": task})


@pytest.mark.parametrize("message", ["call mom when landed", "get car washed", "pay rent tomorrow"])
def test_a_task_phrase_ending_in_a_participle_stays_a_task(message: str) -> None:
    assert first(message)[0] == "add_task"
