"""Rule families of issue 12: period phrases of list questions (builtin/periods.py), "what's
next", out-of-scope questions (builtin/queries.py), and update wording outside the command
keywords (builtin/wording.py). Each rule's examples are its tests; the conversations are in
evals/queries.jsonl and evals/update_wording.jsonl."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin.intents import classify
from todochat.agent.models.builtin.periods import find_period
from todochat.agent.models.builtin.queries import asks_next, filter_args, off_topic

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday
SATURDAY_NOW = datetime(2026, 11, 21, 9, 0, tzinfo=ZoneInfo("UTC"))


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(("text", "after", "before"), [
    ("what's due in the next 3 days?", "2026-11-18", "2026-11-21"),
    ("show tasks for the next three days", "2026-11-18", "2026-11-21"),
    ("anything coming up in the next few days", "2026-11-18", "2026-11-21"),
    ("what do i have over the next 2 weeks", "2026-11-18", "2026-12-02"),
    ("within the coming fortnight", "2026-11-18", "2026-12-02"),
    ("what do i have this weekend?", "2026-11-21", "2026-11-22"),
    ("anything on the weekend", "2026-11-21", "2026-11-22"),
    ("what's due next weekend", "2026-11-28", "2026-11-29"),
    ("what's due in december?", "2026-12-01", "2026-12-31"),
    ("show my tasks for december", "2026-12-01", "2026-12-31"),
    ("anything due in jan?", "2027-01-01", "2027-01-31"),  # a month already past this year: the next one
    ("what's due in november 2027", "2027-11-01", "2027-11-30"),
    ("what's due between friday and sunday?", "2026-11-20", "2026-11-22"),
    ("tasks from monday to wednesday", "2026-11-23", "2026-11-25"),
])
def test_a_period_is_a_range_of_days(text: str, after: str, before: str) -> None:
    period = find_period(text, NOW)
    assert period is not None
    assert (period.after, period.before) == (d(after), d(before))


@pytest.mark.parametrize(("text", "after", "before"), [
    ("what's due before friday?", None, "2026-11-19"),  # strictly before
    ("tasks due before the weekend", None, "2026-11-20"),
    ("show everything due by saturday", None, "2026-11-21"),  # up to and including
    ("due no later than dec 3", None, "2026-12-03"),
    ("what's due after sunday?", "2026-11-23", None),  # strictly after
    ("which tasks are due later than november 24?", "2026-11-25", None),
    ("tasks due after november", "2026-12-01", None),
    ("anything from monday on", "2026-11-23", None),
])
def test_a_bound_is_an_open_range(text: str, after: str | None, before: str | None) -> None:
    period = find_period(text, NOW)
    assert period is not None
    assert period.after == (d(after) if after else None) and period.before == (d(before) if before else None)


def test_on_a_weekend_day_this_weekend_is_the_current_one() -> None:
    period = find_period("what do i have this weekend", SATURDAY_NOW)
    assert period is not None and (period.after, period.before) == (d("2026-11-21"), d("2026-11-22"))


@pytest.mark.parametrize("text", ["sort by due date", "tasks from work", "what may i do", "show my tasks", "what's due friday"])
def test_no_period_is_read_where_none_is_said(text: str) -> None:
    assert find_period(text, NOW) is None


def test_a_list_question_with_a_period_filters_by_due_range_soonest_first() -> None:
    assert filter_args("what's due in the next 3 days?", NOW) == {
        "status": "pending", "due_after": "2026-11-18", "due_before": "2026-11-21", "sort": "due"}
    assert filter_args("travel stuff due in december", NOW) == {
        "due_after": "2026-12-01", "due_before": "2026-12-31", "tag": "travel", "sort": "due"}
    assert filter_args("which tasks did I miss the deadline on?", NOW) == {"due": "overdue"}


@pytest.mark.parametrize("text", ["what's next?", "what's the next thing due", "what should i do next", "what's up next on my list", "my next task"])
def test_what_is_next_lists_open_tasks_soonest_first(text: str) -> None:
    assert asks_next(text)
    args = filter_args(text, NOW)
    assert args["sort"] == "due" and args.get("status", "pending") == "pending" and "due" not in args


@pytest.mark.parametrize("text", ["what's due next week", "show next month", "what's on my list"])
def test_next_week_is_not_what_is_next(text: str) -> None:
    assert not asks_next(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("what's the weather?", True),
    ("will it rain tomorrow?", True),
    ("who won the game last night?", True),
    ("tell me a joke", True),
    ("what's 17 times 23?", True),
    ("do I have a task about the game?", False),  # names tasks: a search
    ("anything due tomorrow?", False),
    ("what's tagged weather", False),
])
def test_off_topic_questions(text: str, expected: bool) -> None:
    assert off_topic(text) is expected


@pytest.mark.parametrize(("text", "target", "level"), [
    ("lower the priority on pay rent", "pay rent", "low"),
    ("raise the priority of task 2 to medium", "task 2", "medium"),
    ("drop the priority on the sink", "the sink", "low"),
    ("increase the priority of write report", "write report", "high"),
    ("bump write report to high", "write report", "high"),
    ("bump buy groceries to high priority", "buy groceries", "high"),
    ("bump call mom up to high priority", "call mom", "high"),
    ("lower the rent's priority", "the rent", "low"),
    ("bump the report up", "the report", "high"),
    ("knock the report down", "the report", "low"),
    ("downgrade pay rent to low", "pay rent", "low"),
    ("make it low", "it", "low"),
    ("set call mom to p1", "call mom", "high"),
    ("call mom needs to be high priority", "call mom", "high"),
    ("give the report a high priority", "the report", "high"),
    ("no rush on the report", "the report", "low"),
    ("pay rent is not a priority anymore", "pay rent", "low"),
])
def test_priority_wording(text: str, target: str, level: str) -> None:
    intent = classify(text)
    assert (intent.kind, intent.field, intent.target, intent.body) == ("update", "priority", target, level)


@pytest.mark.parametrize("text", ["drop the report", "bump task 2 to tomorrow", "kill task 4", "make task 1 due next week and high priority"])
def test_verbs_shared_with_other_families_keep_their_meaning(text: str) -> None:
    intent = classify(text)
    assert intent.field != "priority"


@pytest.mark.parametrize(("text", "target", "day"), [
    ("put call mom on tomorrow's list", "call mom", "tomorrow"),
    ("add the sink to today's list", "the sink", "today"),
    ("move the report to friday's agenda", "the report", "friday"),
    ("put groceries on the list for monday", "groceries", "monday"),
])
def test_a_days_list_is_a_due_day(text: str, target: str, day: str) -> None:
    intent = classify(text)
    assert (intent.kind, intent.field, intent.target, intent.body) == ("update", "day_list", target, day)


def test_a_named_list_is_not_a_day() -> None:
    assert classify("put call mom on my work list").field != "day_list"


@pytest.mark.parametrize(("text", "target", "when"), [
    ("put groceries off until saturday", "groceries", "saturday"),
    ("pay rent can wait until monday", "pay rent", "monday"),
    ("hold the report till friday", "the report", "friday"),
])
def test_putting_off_is_a_postpone(text: str, target: str, when: str) -> None:
    intent = classify(text)
    assert (intent.kind, intent.field, intent.target, intent.body) == ("update", "postpone", target, when)


@pytest.mark.parametrize("text", ["kill task 4", "nix the groceries", "zap task 2"])
def test_more_delete_verbs(text: str) -> None:
    assert classify(text).kind == "delete"


def test_the_reply_says_the_period() -> None:
    from todochat.agent.models.builtin.replies import describe

    weekend = {"status": "pending", "due_after": "2026-11-21", "due_before": "2026-11-22"}
    assert describe("list_tasks", weekend, {"ok": True, "count": 2, "tasks": []}, "list") == \
        "Here are your 2 open tasks due Sat 21 Nov to Sun 22 Nov."
    assert describe("list_tasks", {"due_before": "2026-11-19"}, {"ok": True, "count": 0, "tasks": []}, "list") == \
        "You have no open tasks due by Thu 19 Nov."


def test_the_reply_to_what_is_next_names_the_first_task() -> None:
    from todochat.agent.models.builtin.replies import describe

    tasks = [{"number": 2, "title": "Pay rent", "due": "2026-11-19"}, {"number": 9, "title": "Clean garage"}]
    assert describe("list_tasks", {"sort": "due"}, {"ok": True, "count": 2, "tasks": tasks}, "next") == \
        "Next up: task 2: Pay rent, due Thu 19 Nov. After that: 1 more open task."
    assert describe("list_tasks", {"sort": "due"}, {"ok": True, "count": 0, "tasks": []}, "next") == \
        "Nothing is next: you have no open tasks."
