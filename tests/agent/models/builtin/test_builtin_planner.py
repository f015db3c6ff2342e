"""The parser and planner: utterance + conversation state + now → tool calls, then the reply."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.models.builtin.planner import Call, Turn
from todochat.agent.models.builtin.references import State

WED = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def first(message: str, *, shown: list[int] | None = None, touched: list[int] | None = None,
          pending: dict[str, Any] | None = None, asked: bool = True) -> Any:
    """The first action for ``message``: ``(tool, args)`` or the reply text."""
    state = State(shown=shown or [], touched=touched or [], pending=pending)
    action = Turn(message, state, WED, [], pending_live=asked).next_action()
    return (action.tool, action.args) if isinstance(action, Call) else action


def task(number: int, title: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "title": title, "completed": False, "priority": "none", "tags": [], "due": None, "recurrence": None, **extra}


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("Add a task to buy groceries", {"title": "Buy groceries"}),
        ("could you please add walk the dog 🐕", {"title": "Walk the dog"}),
        ("remind me to call mom tomorrow at 6pm", {"title": "Call mom", "due": "2026-11-19T18:00", "remind_before_minutes": 0}),
        ("i have to finish the presentation by friday", {"title": "Finish the presentation", "due": "2026-11-20"}),
        ("add an urgent task to renew my passport", {"title": "Renew my passport", "priority": "high"}),
        ("add low priority task: clean the garage", {"title": "Clean the garage", "priority": "low"}),
        ("add read that article p3", {"title": "Read that article", "priority": "low"}),
        ("add buy printer ink #work", {"title": "Buy printer ink", "tags": ["work"]}),
        ("add print boarding passes for work", {"title": "Print boarding passes", "tags": ["work"]}),
        ("add buy a gift for mom", {"title": "Buy a gift for mom"}),
        ("add update the wiki tagged work", {"title": "Update the wiki", "tags": ["work"]}),
        ("add 'Prepare slides for Monday'", {"title": "Prepare slides for Monday"}),
        ("add \u201cCall Bob at 5\u201d", {"title": "Call Bob at 5"}),
        ("add buy groceries with description milk, eggs and bread", {"title": "Buy groceries", "description": "milk, eggs and bread"}),
        ("add call the vet - notes: ask about the vaccine", {"title": "Call the vet", "description": "ask about the vaccine"}),
        ("add water the plants every monday", {"title": "Water the plants", "due": "2026-11-23", "recurrence": "FREQ=WEEKLY;BYDAY=MO"}),
        ("add pay rent every month on the 1st", {"title": "Pay rent", "due": "2026-12-01", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1"}),
        ("I need to remember to pay bills", {"title": "Pay bills"}),
        ("don't let me forget to buy a birthday card for Anna", {"title": "Buy a birthday card for Anna"}),
        ("note to self: defrost the freezer", {"title": "Defrost the freezer"}),
        ("buy milk tomorrow", {"title": "Buy milk", "due": "2026-11-19"}),
        ("add a task to cancel my gym membership", {"title": "Cancel my gym membership"}),
        ("remind me to take out the trash tonight", {"title": "Take out the trash", "due": "2026-11-18T20:00", "remind_before_minutes": 0}),
    ],
)
def test_add_phrasings(message: str, args: dict[str, Any]) -> None:
    assert first(message) == ("add_task", args)


@pytest.mark.parametrize(
    ("message", "tool", "args"),
    [
        ("Mark task 3 as complete", "complete_task", {"task": "3"}),
        ("tick off #2", "complete_task", {"task": "2"}),
        ("I finished buying groceries", "complete_task", {"task": "buying groceries"}),
        ("paid the rent", "complete_task", {"task": "pay the rent"}),
        ("just called mom", "complete_task", {"task": "call mom"}),
        ("done with call mom", "complete_task", {"task": "call mom"}),
        ("the groceries are done", "complete_task", {"task": "groceries"}),
        ("complete tasks 1 and 3", "complete_tasks", {"numbers": [1, 3]}),
        ("mark everything as done", "complete_tasks", {"all": True}),
        ("done with everything overdue", "complete_tasks", {"due": "overdue"}),
        ("uncheck task 2", "reopen_task", {"task": "2"}),
        ("actually I haven't called mom yet", "reopen_task", {"task": "call mom"}),
        ("mark pay bills as not done", "reopen_task", {"task": "pay bills"}),
        ("remove task 2", "delete_task", {"task": "2"}),
        ("get rid of the gym task", "delete_task", {"task": "gym"}),
        ("cancel the dentist appointment", "delete_task", {"task": "dentist appointment"}),
        ("i don't need to call mom anymore", "delete_task", {"task": "call mom"}),
        ("delete all completed tasks", "delete_tasks", {"status": "completed"}),
        ("clear my list", "delete_tasks", {"all": True}),
        ("delete tasks 1 and 2", "delete_tasks", {"numbers": [1, 2]}),
        ("undo", "undo", {}),
    ],
)
def test_complete_reopen_delete_phrasings(message: str, tool: str, args: dict[str, Any]) -> None:
    assert first(message) == (tool, args)


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("rename buy milk to buy oat milk", {"task": "buy milk", "title": "Buy oat milk"}),
        ("Change task 1 to 'Call mom tonight'", {"task": "1", "title": "Call mom tonight"}),
        ("move the dentist appointment to thursday", {"task": "dentist appointment", "due_day": "2026-11-19"}),
        ("push pay rent to next friday", {"task": "pay rent", "due_day": "2026-11-27", "later_only": True}),
        ("make pay rent high priority", {"task": "pay rent", "priority": "high"}),
        ("pay bills isn't urgent", {"task": "pay bills", "priority": "low"}),
        ("tag pay bills with finance", {"task": "pay bills", "add_tags": ["finance"]}),
        ("remove the work tag from task 1", {"task": "1", "remove_tags": ["work"]}),
        ("add a note to call mom: ask about christmas", {"task": "call mom", "add_note": "ask about christmas"}),
        ("remove the due date from pay rent", {"task": "pay rent", "due": ""}),
        ("make water the plants repeat every week", {"task": "water the plants", "recurrence": "FREQ=WEEKLY", "due_day": "2026-11-18"}),
        ("change task 1 to tomorrow", {"task": "1", "due_day": "2026-11-19"}),
    ],
)
def test_update_phrasings(message: str, args: dict[str, Any]) -> None:
    assert first(message) == ("update_task", args)


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("Show me all my tasks", {"status": "all"}),
        ("What's pending?", {"status": "pending"}),
        ("What have I completed?", {"status": "completed"}),
        ("what's due today?", {"due": "today"}),
        ("anything overdue?", {"due": "overdue"}),
        ("show my high priority tasks", {"priority": "high"}),
        ("list tasks tagged work", {"tag": "work"}),
        ("find tasks about groceries", {"query": "groceries"}),
        ("which tasks don't have a due date?", {"due": "none"}),
        ("what's on my plate for friday", {"status": "pending", "due": "2026-11-20"}),
        ("show my tasks sorted by due date", {"sort": "due"}),
    ],
)
def test_list_phrasings(message: str, args: dict[str, Any]) -> None:
    assert first(message) == ("list_tasks", args)


def test_references_come_from_the_conversation_state() -> None:
    assert first("complete the first one", shown=[4, 2, 9]) == ("complete_task", {"task": "4"})
    assert first("delete the last one", shown=[4, 2, 9]) == ("delete_task", {"task": "9"})
    assert first("make it high priority", touched=[7]) == ("update_task", {"task": "7", "priority": "high"})
    assert first("mark both as done", shown=[1, 3]) == ("complete_tasks", {"numbers": [1, 3]})
    asked = first("complete the first one")
    assert isinstance(asked, str) and "which task" in asked.lower()


def test_pending_confirmation_and_choice_are_answered() -> None:
    confirm = {"kind": "confirm", "tool": "delete_tasks", "arguments": {"status": "completed"}, "numbers": [1, 2],
               "yes": {"tool": "delete_tasks", "arguments": {"numbers": [1, 2], "confirm": True}}}
    assert first("yes", pending=confirm) == ("delete_tasks", {"numbers": [1, 2], "confirm": True})
    assert first("go ahead", pending=confirm) == ("delete_tasks", {"numbers": [1, 2], "confirm": True})
    assert "won't" in first("no", pending=confirm)
    choose = {"kind": "choose", "tool": "complete_task", "arguments": {"task": "report"},
              "candidates": [{"number": 1, "title": "Write quarterly report"}, {"number": 2, "title": "Review report template"}]}
    assert first("the quarterly one", pending=choose) == ("complete_task", {"task": "1"})
    assert first("the second", pending=choose) == ("complete_task", {"task": "2"})
    assert first("2", pending=choose) == ("complete_task", {"task": "2"})
    assert first("both", pending=choose) == ("complete_tasks", {"numbers": [1, 2]})
    # a stale pending question (the last reply asked nothing) is not answered
    assert not isinstance(first("yes", pending=confirm, asked=False), tuple)


def test_several_intents_run_one_after_another_with_state_following() -> None:
    turn = Turn("add book flights and make it high priority", State(), WED, [])
    assert (turn.next_action().tool, turn.next_action().args) == ("add_task", {"title": "Book flights"})  # type: ignore[union-attr]
    turn.results.append({"ok": True, "task": task(4, "Book flights")})
    second = turn.next_action()
    assert isinstance(second, Call) and (second.tool, second.args) == ("update_task", {"task": "4", "priority": "high"})
    turn.results.append({"ok": True, "task": task(4, "Book flights", priority="high")})
    reply = turn.next_action()
    assert reply == "Added task 4: Book flights. Updated task 4: Book flights, high priority."


@pytest.mark.parametrize(
    ("message", "titles"),
    [
        ("add milk, eggs and bread", ["Milk", "Eggs", "Bread"]),
        ("add buy apples, bananas and oranges", ["Buy apples", "Buy bananas", "Buy oranges"]),
        ("add wash the car and walk the dog", ["Wash the car", "Walk the dog"]),
        ("add buy eggs and also add clean the fridge", ["Buy eggs", "Clean the fridge"]),
        ("add call mom and dad", ["Call mom and dad"]),
    ],
)
def test_enumerations_make_one_task_per_item(message: str, titles: list[str]) -> None:
    turn = Turn(message, State(), WED, [])
    made = []
    while isinstance(action := turn.next_action(), Call):
        made.append(action.args["title"])
        turn.results.append({"ok": True, "task": task(len(made), action.args["title"])})
    assert made == titles


def test_a_tag_word_with_no_tagged_tasks_falls_back_to_a_search() -> None:
    turn = Turn("list my shopping tasks", State(), WED, [])
    assert turn.next_action().args == {"tag": "shopping"}  # type: ignore[union-attr]
    turn.results.append({"ok": True, "count": 0, "tasks": []})
    retry = turn.next_action()
    assert isinstance(retry, Call) and retry.args == {"query": "shopping"}


def test_words_joined_by_and_are_retried_one_by_one_when_nothing_matches_all() -> None:
    turn = Turn("complete call mom and pay bills", State(), WED, [])
    assert turn.next_action().args == {"task": "call mom and pay bills"}  # type: ignore[union-attr]
    turn.results.append({"ok": False, "error": "not_found", "message": "No task matches."})
    assert turn.next_action().args == {"task": "call mom"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "message",
    ["hello!", "what can you do?", "thanks!", "what's the weather in Paris?", "tell me a joke",
     "¿qué tengo que hacer hoy?", "asdkjh qwe", "write me a poem about cats", "😀", "yes", ""],
)
def test_chat_and_out_of_scope_change_nothing(message: str) -> None:
    assert isinstance(first(message), str)


def test_an_ambiguous_numeric_date_is_asked_about() -> None:
    """Through ``ask_user`` (the app offers the readings as choices), with the same reply after
    it; as a plain question when the agent has no ``ask_user``."""
    tool, args = first("add dentist on 3/4")
    assert tool == "ask_user"
    assert args == {"question": "Do you mean 4 March or 3 April?",
                    "options": ["add dentist on 4 March 2027", "add dentist on 3 April 2027"]}
    asked = {"ok": True, "asked": args["question"], "options": args["options"]}
    reply = Turn("add dentist on 3/4", State(), WED, [asked]).next_action()
    assert reply == "Do you mean 4 March or 3 April? Please say the date with the month name."
    refused = {"ok": False, "error": "validation", "message": "Offer 2 to 5 different options."}
    assert Turn("add dentist on 3/4", State(), WED, [refused]).next_action() == reply
    assert Turn("add dentist on 3/4", State(), WED, [], tools=frozenset({"add_task"})).next_action() == reply


@pytest.mark.parametrize(
    ("message", "tool", "args"),
    [
        ("delet task 2", "delete_task", {"task": "2"}),
        ("adda task buy stamps", "add_task", {"title": "Buy stamps"}),
        ("compelte task 1", "complete_task", {"task": "1"}),
    ],
)
def test_a_misspelt_command_word_is_corrected(message: str, tool: str, args: dict[str, Any]) -> None:
    assert first(message) == (tool, args)


def test_real_words_near_a_command_are_not_corrected() -> None:
    assert isinstance(first("lost my keys"), str)


def test_past_tense_clauses_complete_one_task_each() -> None:
    turn = Turn("I've called mom and paid the bills", State(), WED, [])
    assert turn.next_action().args == {"task": "call mom"}  # type: ignore[union-attr]
    turn.results.append({"ok": True, "task": task(2, "Call mom", completed=True)})
    assert turn.next_action().args == {"task": "pay the bills"}  # type: ignore[union-attr]


def test_each_verb_led_item_keeps_its_own_date() -> None:
    turn = Turn("add call mom tmrw, call dad on sunday", State(), WED, [])
    made = []
    while isinstance(action := turn.next_action(), Call):
        made.append(action.args)
        turn.results.append({"ok": True, "task": task(len(made), action.args["title"])})
    assert made == [{"title": "Call mom", "due": "2026-11-19"}, {"title": "Call dad", "due": "2026-11-22"}]


@pytest.mark.parametrize(
    ("message", "tool", "args"),
    [
        ("set a reminder for tomorrow 9am to call the doctor", "add_task", {"title": "Call the doctor", "due": "2026-11-19T09:00", "remind_before_minutes": 0}),
        ("finish the report by friday", "add_task", {"title": "Finish the report", "due": "2026-11-20"}),
        ("finish the report", "complete_task", {"task": "report"}),
        ("tomorrow: call mom", "add_task", {"title": "Call mom", "due": "2026-11-19"}),
        ("set pay bills to done", "complete_task", {"task": "pay bills"}),
        ("set task 2 due dec 24", "update_task", {"task": "2", "due_day": "2026-12-24"}),
    ],
)
def test_deadlines_leading_dates_and_status_words(message: str, tool: str, args: dict[str, Any]) -> None:
    assert first(message) == (tool, args)


def test_after_a_list_it_means_the_task_shown_not_the_one_changed_before() -> None:
    state = State(shown=[3], touched=[1], listed_last=True)
    action = Turn("delete it", state, WED, []).next_action()
    assert isinstance(action, Call) and action.args == {"task": "3"}
    state.listed_last = False
    action = Turn("delete it", state, WED, []).next_action()
    assert isinstance(action, Call) and action.args == {"task": "1"}


@pytest.mark.parametrize(
    ("message", "fmt"),
    [
        ("export my tasks", "csv"),
        ("please download my todos as ics", "ics"),
        ("save my task list to a calendar file", "ics"),
        ("give me a csv of my tasks", "csv"),
    ],
)
def test_export_calls_the_download_client_tool(message: str, fmt: str) -> None:
    assert first(message) == ("download_tasks", {"format": fmt})


def test_export_words_inside_a_task_are_not_an_export() -> None:
    assert first("add export the quarterly numbers")[0] == "add_task"


@pytest.mark.parametrize(
    ("message", "after", "before"),
    [
        ("what's due next week?", "2026-11-23", "2026-11-29"),
        ("show my tasks for next month", "2026-12-01", "2026-12-31"),
        ("anything due this month?", "2026-11-18", "2026-11-30"),
    ],
)
def test_date_ranges_become_due_after_and_before(message: str, after: str, before: str) -> None:
    tool, args = first(message)
    assert tool == "list_tasks"
    assert (args["due_after"], args["due_before"]) == (after, before)
