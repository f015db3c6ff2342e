"""Each pending question of the conversation state (docs/agent-tools.md ``pending``) as the choices
a structured input item offers, and the reply each choice stands for (chatkit/questions.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from chatkit.types import ThreadAddStructuredInputParams, ThreadMetadata

from todochat.agent.context import STATE_KEY
from todochat.agent.models.builtin.intents import classify
from todochat.agent.models.builtin.planner import plan_pending
from todochat.agent.models.builtin.references import State
from todochat.agent.question_tools import checked
from todochat.chatkit import questions
from todochat.errors import Conflict, ValidationError

DENTISTS = {"kind": "choose", "tool": "complete_task", "arguments": {"task": "dentist"},
            "candidates": [{"number": 3, "title": "Call the dentist"}, {"number": 5, "title": "Pay the dentist bill"}]}
REMINDERS = {"kind": "choose", "tool": "cancel_reminder", "arguments": {"task": "rent"}, "candidates": [
    {"reminder": 11, "number": 2, "title": "Pay rent", "fire_at": "2026-11-20T09:00"},
    {"reminder": 12, "number": 2, "title": "Pay rent", "fire_at": "2026-11-20T14:30"}]}
DELETE_3 = {"kind": "confirm", "tool": "delete_tasks", "arguments": {"tag": "x"}, "numbers": [1, 2, 4],
            "yes": {"tool": "delete_tasks", "arguments": {"numbers": [1, 2, 4], "confirm": True}}}
ASK = {"kind": "ask", "tool": "ask_user", "question": "Do you mean 4 March or 3 April?",
       "options": ["add rent on 4 March 2027", "add rent on 3 April 2027"]}
EARLIER = {"kind": "confirm", "tool": "update_task", "arguments": {"task": "1"}, "yes": {"tool": "update_task", "arguments": {}}}


@pytest.mark.parametrize(("pending", "question", "options"), [
    (DENTISTS, "Which one do you mean?", {"Task 3: Call the dentist": "task 3", "Task 5: Pay the dentist bill": "task 5"}),
    (REMINDERS, "Which reminder?", {"2026-11-20 09:00 — task 2 Pay rent": "the first", "2026-11-20 14:30 — task 2 Pay rent": "the second"}),
    (DELETE_3, "Delete these 3 tasks?", {"Yes": "yes", "No": "no"}),
    (EARLIER, "Move it earlier anyway?", {"Yes": "yes", "No": "no"}),
    (ASK, "Do you mean 4 March or 3 April?", {"add rent on 4 March 2027": "add rent on 4 March 2027",
                                              "add rent on 3 April 2027": "add rent on 3 April 2027"}),
])
def test_each_pending_question_offers_its_answers(pending: dict, question: str, options: dict[str, str]) -> None:
    assert questions.offer(pending) == (question, options)


def test_a_choice_with_one_candidate_or_an_unknown_kind_is_not_asked() -> None:
    assert questions.offer({**DENTISTS, "candidates": DENTISTS["candidates"][:1]}) is None
    assert questions.offer({"kind": "something"}) is None


@pytest.mark.parametrize(("pending", "reply", "call"), [
    (DENTISTS, "task 5", ("complete_task", {"task": "5"})),
    (REMINDERS, "the second", ("cancel_reminder", {"reminder": 12})),
    (DELETE_3, "yes", ("delete_tasks", {"numbers": [1, 2, 4], "confirm": True})),
])
def test_each_reply_makes_the_call_a_typed_answer_makes(pending: dict, reply: str, call: tuple) -> None:
    """The built-in planner's answer to the reply a choice stands for (the typed path)."""
    [action] = plan_pending(reply, classify(reply, pending=True), State(pending=pending))
    assert (action.tool, action.args) == call


def test_no_makes_no_call() -> None:
    [action] = plan_pending("no", classify("no", pending=True), State(pending=DELETE_3))
    assert not hasattr(action, "tool")


def thread_asking(pending: dict) -> tuple[ThreadMetadata, object]:
    thread = ThreadMetadata(id="thr_1", created_at=datetime.now(), metadata={STATE_KEY: {"pending": pending}})  # noqa: DTZ005
    item = questions.ask(thread, lambda: "msg_q")
    return thread, item


def params(values: list[str], status: str = "answered") -> ThreadAddStructuredInputParams:
    return ThreadAddStructuredInputParams.model_validate(
        {"thread_id": "thr_1", "item_id": "msg_q", "input": {"status": status, "answers": {"answer": {"values": values}}}})


def test_ask_records_the_question_once_and_checks_answers() -> None:
    thread, item = thread_asking(DELETE_3)
    assert item is not None and item.id == "msg_q"
    assert questions.open_question(thread) == {"item": "msg_q", "replies": {"Yes": "yes", "No": "no"}}
    assert questions.ask(thread, lambda: "msg_other") is None  # already asked
    questions.check_answer(item, params(["No"]), thread)
    questions.check_answer(item, params([], "skipped"), thread)
    with pytest.raises(ValidationError):
        questions.check_answer(item, params(["Maybe"]), thread)
    with pytest.raises(ValidationError):
        questions.check_answer(item, params(["Yes", "No"]), thread)
    answered = item.model_copy(update={"status": "answered"})
    with pytest.raises(Conflict):
        questions.check_answer(answered, params(["No"]), thread)
    thread.metadata = {STATE_KEY: {"pending": None}}  # a later message moved on
    with pytest.raises(Conflict):
        questions.check_answer(item, params(["No"]), thread)


@pytest.mark.parametrize(("question", "options"), [
    ("", ["a", "b"]), ("q" * 201, ["a", "b"]), ("Which?", ["a"]), ("Which?", ["a", "a"]),
    ("Which?", ["a", "b" * 201]), ("Which?", [str(i) for i in range(6)]), ("Which\x00?", ["a", "b"]),
])
def test_ask_user_refuses_a_bad_question(question: str, options: list[str]) -> None:
    with pytest.raises(ValidationError):
        checked(question, options)


def test_ask_user_keeps_a_good_question() -> None:
    assert checked(" Do you mean  4 March? ", ["add x on 4 March 2027", "add x on 3 April 2027"]) == (
        "Do you mean 4 March?", ["add x on 4 March 2027", "add x on 3 April 2027"])
