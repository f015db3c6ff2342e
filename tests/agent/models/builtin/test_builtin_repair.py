"""The built-in model's repair and bad-input stages on their own (builtin/repair.py, guard.py):
what each family decides from the thread, and that bad input is answered before any parsing.
The end-to-end behaviour (the store changed or not) is in tests/agent/test_bad_input.py and the
repair eval cases (evals/repair.jsonl)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin import guard
from todochat.agent.models.builtin.planner import Call
from todochat.agent.models.builtin.references import State
from todochat.agent.models.builtin.repair import read_history, repair

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday
ADDED = [("user", "add call mom tomorrow at 5pm"), ("assistant", "Added task 1: Call mom, due Thu 19 Nov at 17:00.")]
LISTED = [("user", "show my tasks"), ("assistant", "Here are your 2 open tasks.")]


def calls(message: str, history: list[tuple[str, str]], state: State) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    found = repair(message, history, state, NOW)
    assert found is not None and found.actions, message
    return [(a.tool, a.args) if isinstance(a, Call) else ("say", {"text": a.text}) for a in found.actions]


def test_a_day_correction_moves_the_task_just_added_and_keeps_its_time() -> None:
    assert calls("no, I meant friday", ADDED, State(touched=[1])) == [("update_task", {"task": "1", "due_day": "2026-11-20"})]


def test_a_bare_number_replaces_the_one_number_of_the_last_request() -> None:
    history = [("user", "complete task 5"), ("assistant", "Marked task 5: Pay rent as done.")]
    assert calls("sorry, make that 6", history, State(touched=[5])) == [("undo", {}), ("complete_task", {"task": "6"})]


def test_a_take_back_after_a_list_changes_nothing() -> None:
    [(tool, args)] = calls("scratch that", LISTED, State(shown=[1, 2], touched=[1, 2]))
    assert tool == "say" and "nothing changed" in args["text"]


def test_a_take_back_after_an_undo_is_a_redo() -> None:
    history = [("user", "undo"), ("assistant", "Undid: added 'Buy milk'.")]
    assert calls("wait, never mind", history, State()) == [("redo", {})]


def test_the_other_one_with_more_than_one_other_asks() -> None:
    history = [*LISTED, ("user", "complete the first"), ("assistant", "Marked task 1: A as done.")]
    [(tool, args)] = calls("no, the other one", history, State(shown=[1, 2, 3], touched=[1]))
    assert tool == "say" and "Which task" in args["text"]


def test_and_n_too_repeats_the_last_change_on_it() -> None:
    history = [("user", "delete task 1"), ("assistant", "Deleted task 1: A. Say \"undo\" to bring it back.")]
    assert calls("and 3 too", history, State()) == [("delete_task", {"task": "3"})]


def test_a_date_question_is_answered_by_position_or_month() -> None:
    history = [("user", "add pay rent on 3/4"), ("assistant", "Do you mean 4 March or 3 April? Please say the date with the month name.")]
    for answer, want in (("the second", "add pay rent on 3 April"), ("the March one", "add pay rent on 4 March"), ("1", "add pay rent on 4 March")):
        found = repair(answer, history, State(), NOW)
        assert found is not None and found.message == want, answer


def test_a_new_command_is_not_taken_for_a_repair() -> None:
    assert repair("actually, delete task 2", ADDED, State(touched=[1]), NOW) is None
    assert repair("show my tasks", ADDED, State(touched=[1]), NOW) is None
    assert repair("no, I meant friday", [], State(touched=[1]), NOW) is None  # nothing to correct


def test_history_leaves_out_widgets_and_the_latest_message() -> None:
    items = [
        {"role": "developer", "content": "todochat-state: {}"},
        {"role": "user", "content": "show my tasks"},
        {"role": "user", "content": "[The app showed the user this list]\n[ ] 1. Buy milk"},
        {"role": "assistant", "type": "message", "content": [{"type": "output_text", "text": "Here is your 1 open task."}]},
        {"role": "user", "content": "never mind"},
    ]
    assert read_history(items) == [("user", "show my tasks"), ("assistant", "Here is your 1 open task.")]


@pytest.mark.parametrize(("message", "said"), [
    ("", guard.EMPTY),
    ("\u200b \u2060", guard.EMPTY),
    ("🎉👍", guard.SYMBOLS),
    ("x" * 10_000, "too long"),
    ("add " + ", ".join(f"x{i}" for i in range(200)), "list of 200 items"),
])
def test_bad_input_is_answered_before_parsing(message: str, said: str) -> None:
    reply = guard.refusal(message)
    assert reply is not None and said in reply


@pytest.mark.parametrize("message", ["?", "add milk, eggs and bread", "delete tasks " + ", ".join(str(i) for i in range(1, 40)), "hi"])
def test_ordinary_messages_pass_the_guard(message: str) -> None:
    assert guard.refusal(message) is None


def test_a_symbol_answers_a_pending_question() -> None:
    assert guard.refusal("👍", pending=True) is None

