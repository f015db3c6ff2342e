"""The reply writer: one short sentence per tool result; never the whole list."""

from __future__ import annotations

from typing import Any

from todochat.agent.models.builtin.normalize import normalize
from todochat.agent.models.builtin.replies import describe, when_text


def task(number: int, title: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "title": title, "completed": False, "priority": "none", "tags": [], "due": None, "recurrence": None, **extra}


def test_add_reply_names_the_task_and_its_details() -> None:
    result = {"ok": True, "task": task(4, "Pay rent", due="2026-11-20", priority="high", tags=["home"], recurrence="FREQ=MONTHLY")}
    assert describe("add_task", {}, result) == "Added task 4: Pay rent, due Fri 20 Nov, high priority, #home, repeats every month."


def test_list_replies_count_without_listing() -> None:
    tasks = [task(1, "Buy milk"), task(2, "Call mom"), task(3, "Pay bills")]
    reply = describe("list_tasks", {"status": "pending"}, {"ok": True, "count": 3, "tasks": tasks})
    assert reply == "Here are your 3 open tasks."
    assert "Buy milk" not in reply
    assert describe("list_tasks", {"due": "overdue"}, {"ok": True, "count": 0, "tasks": []}) == "You have nothing overdue."
    # no status said: the default view (open tasks, tasks/views.py)
    assert describe("list_tasks", {"due": "today"}, {"ok": True, "count": 0, "tasks": []}) == "You have no open tasks due today."
    assert describe("list_tasks", {"status": "all", "due": "today"}, {"ok": True, "count": 0, "tasks": []}) == "You have no tasks due today."
    assert describe("list_tasks", {"status": "pending"}, {"ok": True, "count": 2, "tasks": tasks[:2]}, "count") == "You have 2 open tasks."


def test_failures_say_what_went_wrong() -> None:
    assert describe("complete_task", {"task": "99"}, {"ok": False, "error": "not_found", "message": "x"}) == "I couldn't find task 99."
    assert "dentist" in describe("delete_task", {"task": "dentist"}, {"ok": False, "error": "not_found", "message": "x"})
    ambiguous = {"ok": False, "error": "ambiguous", "message": "x",
                 "candidates": [{"number": 1, "title": "Write quarterly report"}, {"number": 2, "title": "Review report template"}]}
    text = describe("complete_task", {"task": "report"}, ambiguous)
    assert "task 1 \"Write quarterly report\"" in text and "task 2 \"Review report template\"" in text and text.endswith("?")
    confirm = {"ok": False, "error": "confirmation_required", "message": "x",
               "would_delete": [{"number": 1, "title": "Buy milk"}, {"number": 2, "title": "Call mom"}]}
    text = describe("delete_tasks", {"status": "completed"}, confirm)
    assert "Buy milk" in text and "Call mom" in text and text.endswith("Shall I delete them?")
    assert describe("undo", {}, {"ok": False, "error": "nothing_to_undo", "message": "x"}) == "There's nothing to undo."


def test_changes_and_repeats_are_reported() -> None:
    done = {"ok": True, "task": task(1, "Water plants", completed=True), "next_task": task(2, "Water plants", due="2026-11-25")}
    assert describe("complete_task", {"task": "1"}, done) == "Marked task 1: Water plants as done. The next one is task 2, due Wed 25 Nov."
    assert describe("update_task", {"task": "1", "due": ""}, {"ok": True, "task": task(1, "Pay rent")}) == "Removed the due date of task 1: Pay rent."
    assert describe("delete_tasks", {"numbers": [1, 2]}, {"ok": True, "tasks": [task(1, "a"), task(2, "b")]}).startswith("Deleted 2 tasks.")
    assert when_text("2026-11-19T18:00") == "Thu 19 Nov at 18:00"


def test_normaliser_removes_politeness_emoji_and_punctuation_but_keeps_case() -> None:
    assert normalize("Could you please add Call Bob 🙏!!").text == "add Call Bob"
    assert normalize("hey, can you show my tasks please?").text == "show my tasks"
    assert normalize("what\u2019s due today?").question
    assert normalize("hello!").text == "hello"


def test_note_replies_say_the_note() -> None:
    dentist = task(1, "Dentist", description="ask about the filling\nbring the x-rays")
    assert describe("update_task", {"task": "dentist", "add_note": "bring the x-rays"}, {"ok": True, "task": dentist}) == \
        "Added a note to 'Dentist': bring the x-rays."
    assert describe("show_task", {"task": "1"}, {"ok": True, "task": dentist}) == \
        "The note on 'Dentist' (task 1): ask about the filling bring the x-rays"
    assert describe("show_task", {"task": "1"}, {"ok": True, "task": task(1, "Dentist", description="")}) == "'Dentist' (task 1) has no note."
    assert describe("add_task", {}, {"ok": True, "task": task(2, "Call the bank", description="ask about the rate")}) == \
        "Added task 2: Call the bank. Note: ask about the rate."
