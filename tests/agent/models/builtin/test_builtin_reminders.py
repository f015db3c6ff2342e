"""The built-in model's reminder family (issue 14): phrases → the reminder tools, the rounds that
depend on a result, the questions a tool asks back, and the replies. Tool shapes: docs/agent-tools.md."""

from __future__ import annotations

from typing import Any

import pytest
from tests.agent.models.builtin.test_builtin_planner import WED, first, task

from todochat.agent.models.builtin.dates import find_offset
from todochat.agent.models.builtin.intents import Intent, classify
from todochat.agent.models.builtin.planner import Call, Turn
from todochat.agent.models.builtin.references import State


def reminder(rid: int, number: int, title: str, fire_at: str | None, before: int | None = None) -> dict[str, Any]:
    return {"id": rid, "task": number, "title": title, "at": None if before is not None else fire_at,
            "before_minutes": before, "fire_at": fire_at, "status": "pending"}


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30 minutes before the dentist", 30), ("an hour before", 60), ("the day before", 1440),
        ("2 days before rent", 2880), ("half an hour before", 30), ("an hour and a half early", 90),
        ("1.5 hours before", 90), ("a week ahead of it", 10080), ("45 mins beforehand", 45),
        ("3 hours in advance", 180),
    ],
)
def test_offsets_before_a_due_time(text: str, minutes: int) -> None:
    found = find_offset(text)
    assert found is not None and found[0] == minutes


@pytest.mark.parametrize("text", ["buy milk before work", "before friday", "in 2 hours", "the day after tomorrow"])
def test_words_that_are_no_offset(text: str) -> None:
    assert find_offset(text) is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # a new task with a reminder at its due time (an all-day due: 09:00 that day, the domain's rule)
        ("remind me to call mom at 5pm", ("add_task", {"title": "Call mom", "due": "2026-11-18T17:00", "remind_before_minutes": 0})),
        ("remind me to stretch in 1 minute", ("add_task", {"title": "Stretch", "due": "2026-11-18T09:01", "remind_at": "PT1M"})),
        ("remind me in 2 hours to stretch", ("add_task", {"title": "Stretch", "due": "2026-11-18T11:00", "remind_at": "PT2H"})),
        ("remind me to pay rent on friday", ("add_task", {"title": "Pay rent", "due": "2026-11-20", "remind_before_minutes": 0})),
        ("set a reminder for 4pm to pick up the kids", ("add_task", {"title": "Pick up the kids", "due": "2026-11-18T16:00", "remind_before_minutes": 0})),
        ("ping me in 10 minutes to check the pasta", ("add_task", {"title": "Check the pasta", "due": "2026-11-18T09:10", "remind_at": "PT10M"})),
        ("remind me to leave for the airport at 5pm, 30 minutes before",
         ("add_task", {"title": "Leave for the airport", "due": "2026-11-18T17:00", "remind_before_minutes": 30})),
        # no time said: a task, nothing to remind at; an all-day today whose 09:00 has passed: no reminder
        ("remind me to call the dentist", ("add_task", {"title": "Call the dentist"})),
        ("remind me to pay rent today", ("add_task", {"title": "Pay rent", "due": "2026-11-18"})),
        # a reminder on an existing task
        ("remind me 30 minutes before the dentist", ("add_reminder", {"task": "dentist", "before_minutes": 30})),
        ("remind me 10 minutes before the meeting starts", ("add_reminder", {"task": "meeting", "before_minutes": 10})),
        ("remind me about the rent the day before", ("add_reminder", {"task": "rent", "before_minutes": 1440})),
        ("remind me on friday about the rent", ("add_reminder", {"task": "rent", "at": "2026-11-20T09:00"})),
        ("remind me about the dentist on thursday at 8pm", ("add_reminder", {"task": "dentist", "at": "2026-11-19T20:00"})),
        ("remind me about the dentist", ("add_reminder", {"task": "dentist", "before_minutes": 0})),
        # list
        ("what reminders do I have?", ("list_reminders", {})),
        ("do I have any reminders?", ("list_reminders", {})),
        ("what am I being reminded about?", ("list_reminders", {})),
        ("any reminders for the dentist?", ("list_reminders", {"task": "dentist"})),
        # cancel
        ("cancel the reminder for the dentist", ("cancel_reminder", {"task": "dentist"})),
        ("don't remind me about rent", ("cancel_reminders", {"task": "rent"})),
        ("stop reminding me to stretch", ("cancel_reminders", {"task": "stretch"})),
        ("the gym doesn't need a reminder", ("cancel_reminders", {"task": "gym"})),
        ("cancel all my reminders", ("cancel_reminders", {"all": True})),
        ("no more reminders", ("cancel_reminders", {"all": True})),
        ("i dont want any more reminders", ("cancel_reminders", {"all": True})),
        ("cancel the reminders for the dentist", ("cancel_reminders", {"task": "dentist"})),
        # not reminders
        ("cancel the dentist", ("delete_task", {"task": "dentist"})),
        ("remind me to buy milk before work", ("add_task", {"title": "Buy milk before work"})),
        ("what's due tomorrow?", ("list_tasks", {"due": "tomorrow"})),
        ("get a new alarm clock", ("add_task", {"title": "Get a new alarm clock"})),
        ("remove the smoke alarm", ("delete_task", {"task": "smoke alarm"})),
        ("remind me by email to call bob", ("add_task", {"title": "Call bob"})),
        ("did I finish the report?", ("list_tasks", {"status": "completed"})),
    ],
)
def test_reminder_phrases(message: str, expected: tuple[str, dict[str, Any]]) -> None:
    assert first(message) == expected


def test_references_name_the_task_of_a_reminder() -> None:
    assert first("remind me an hour before", touched=[4]) == ("add_reminder", {"task": "4", "before_minutes": 60})
    assert first("remind me about it tomorrow morning", touched=[4]) == ("add_reminder", {"task": "4", "at": "2026-11-19T09:00"})
    assert first("remind me about the second one 15 minutes before", shown=[3, 5]) == ("add_reminder", {"task": "5", "before_minutes": 15})
    assert first("actually cancel that reminder", touched=[2]) == ("cancel_reminder", {"task": "2"})
    assert "Which task" in first("remind me an hour before")  # nothing to point at: ask, change nothing


def test_at_the_due_time_and_before_it_makes_two_reminders() -> None:
    turn = Turn("remind me to call mom at 5pm and 15 minutes before", State(), WED, [])
    action = turn.next_action()
    assert isinstance(action, Call) and action.args == {"title": "Call mom", "due": "2026-11-18T17:00", "remind_before_minutes": 0}
    turn.results.append({"ok": True, "task": task(3, "Call mom", due="2026-11-18T17:00")})
    action = turn.next_action()
    assert isinstance(action, Call) and (action.tool, action.args) == ("add_reminder", {"task": "3", "before_minutes": 15})
    turn.results.append({"ok": True, "reminder": reminder(9, 3, "Call mom", "2026-11-18T16:45", 15)})
    reply = turn.next_action()
    assert reply == ("Added task 3: Call mom, due Wed 18 Nov at 17:00. I'll remind you then. "
                     "I'll remind you about task 3: Call mom on Wed 18 Nov at 16:45 (15 minutes before).")


def test_cancel_all_asks_with_the_list_and_yes_cancels_exactly_those() -> None:
    turn = Turn("turn off all my reminders", State(), WED, [])
    assert isinstance(action := turn.next_action(), Call) and (action.tool, action.args) == ("cancel_reminders", {"all": True})
    would = [{"reminder": 7, "number": 1, "title": "Dentist", "fire_at": "2026-11-20T14:30:00+00:00"},
             {"reminder": 8, "number": 2, "title": "Gym", "fire_at": "2026-11-19T07:00:00+00:00"}]
    turn.results.append({"ok": False, "error": "confirmation_required", "message": "x", "action": "cancel_reminders",
                         "would_change": would})
    assert turn.next_action() == ("This would cancel 2 reminders: task 1: Dentist — Fri 20 Nov at 14:30; "
                                  "task 2: Gym — Thu 19 Nov at 07:00. Shall I cancel them?")
    yes = {"tool": "cancel_reminders", "arguments": {"reminders": [7, 8], "confirm": True}}
    pending = {"kind": "confirm", "tool": "cancel_reminders", "arguments": {"all": True}, "numbers": [1, 2], "yes": yes}
    assert first("yes", pending=pending) == ("cancel_reminders", {"reminders": [7, 8], "confirm": True})
    assert first("no", pending=pending) == "OK, I won't change anything."
    done = Turn("yes", State(pending=pending), WED, [{"ok": True, "reminders": [
        reminder(7, 1, "Dentist", "2026-11-20T14:30", 30), reminder(8, 2, "Gym", "2026-11-19T07:00")]}])
    assert done.next_action() == ("Cancelled 2 reminders: task 1: Dentist — Fri 20 Nov at 14:30 (30 minutes before); "
                                  "task 2: Gym — Thu 19 Nov at 07:00. Say \"undo\" to bring them back.")
    empty = Turn("cancel all my reminders", State(), WED, [{"ok": False, "error": "not_found", "message": "none"}])
    assert empty.next_action() == "You have no reminders to cancel."


def test_a_task_named_a_reminder_is_deleted_when_it_has_none() -> None:
    turn = Turn("nuke the dentist reminder", State(), WED, [])
    assert (a := turn.next_action()) and isinstance(a, Call) and (a.tool, a.args) == ("cancel_reminder", {"task": "dentist"})
    turn.results.append({"ok": False, "error": "not_found", "message": "Task 1 'Dentist' has no pending reminder.", "number": 1})
    assert (a := turn.next_action()) and isinstance(a, Call) and (a.tool, a.args) == ("delete_task", {"task": "dentist"})


def test_a_reminder_about_a_task_that_does_not_exist_adds_it() -> None:
    turn = Turn("remind me about the team dinner on friday at 7:30pm", State(), WED, [])
    assert (a := turn.next_action()) and isinstance(a, Call) and a.args == {"task": "team dinner", "at": "2026-11-20T19:30"}
    turn.results.append({"ok": False, "error": "not_found", "message": "No task matches 'team dinner'."})
    a = turn.next_action()
    assert isinstance(a, Call) and a.tool == "add_task"
    assert a.args["due"] == "2026-11-20T19:30" and a.args["remind_before_minutes"] == 0
    # but an offset needs the task: no new task titled "30 minutes before the dentist"
    turn = Turn("remind me 30 minutes before the dentist", State(), WED, [{"ok": False, "error": "not_found", "message": "x"}])
    assert turn.next_action() == "I couldn't find a task matching \"dentist\"."


def test_a_past_time_asks_and_yes_makes_the_offered_call() -> None:
    past = {"ok": False, "error": "reminder_in_past", "message": "That time has passed — remind you now?",
            "field": "before_minutes", "fire_at": "2026-11-18T08:30:00+01:00", "now": "2026-11-18T09:00:00+01:00",
            "number": 1, "title": "Standup"}
    reply = Turn("remind me an hour before the standup", State(), WED, [past]).next_action()
    assert isinstance(reply, str) and reply.endswith("remind you now?") and "08:30" in reply
    yes = {"tool": "add_reminder", "arguments": {"task": "1", "at": "now"}}
    pending = {"kind": "confirm", "tool": "add_reminder", "arguments": {"task": "standup", "before_minutes": 60}, "yes": yes}
    assert first("yes", pending=pending) == ("add_reminder", {"task": "1", "at": "now"})
    assert first("no", pending=pending) == "OK, I won't change anything."


def test_which_reminder_is_answered_with_its_id() -> None:
    candidates = [{"reminder": 7, "number": 1, "title": "Dentist", "fire_at": "2026-11-20T14:30"},
                  {"reminder": 8, "number": 1, "title": "Dentist", "fire_at": "2026-11-20T14:50"}]
    asked = {"ok": False, "error": "ambiguous_reminder", "message": "several", "candidates": candidates}
    reply = Turn("cancel the reminder for the dentist", State(), WED, [asked]).next_action()
    assert isinstance(reply, str) and reply.endswith("?") and "14:30" in reply and "14:50" in reply
    pending = {"kind": "choose", "tool": "cancel_reminder", "arguments": {"task": "dentist"}, "candidates": candidates}
    assert first("the second one", pending=pending) == ("cancel_reminder", {"reminder": 8})
    assert first("the 14:30 one", pending=pending) == ("cancel_reminder", {"reminder": 7})
    turn = Turn("both", State(pending=pending), WED, [])
    assert (a := turn.next_action()) and isinstance(a, Call) and (a.tool, a.args) == (
        "cancel_reminders", {"reminders": [7, 8], "confirm": True})


def test_replies_say_when_a_reminder_fires() -> None:
    listed = {"ok": True, "count": 2, "reminders": [reminder(7, 1, "Dentist", "2026-11-20T14:30", 30),
                                                  reminder(8, 2, "Gym", "2026-11-19T07:00")]}
    reply = Turn("what reminders do I have?", State(), WED, [listed]).next_action()
    assert reply == ("You have 2 reminders: task 1: Dentist — Fri 20 Nov at 14:30 (30 minutes before); "
                     "task 2: Gym — Thu 19 Nov at 07:00.")
    none = Turn("show my reminders", State(), WED, [{"ok": True, "count": 0, "reminders": []}]).next_action()
    assert none == "You have no reminders."
    added = Turn("remind me to pay rent on friday", State(), WED,
                 [{"ok": True, "task": task(1, "Pay rent", due="2026-11-20")}]).next_action()
    assert added == "Added task 1: Pay rent, due Fri 20 Nov. I'll remind you on Fri 20 Nov at 09:00."


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("send my reminders to ntfy topic alerts", Intent("channel", body="ntfy", target="alerts", field="on")),
        ("email my reminders to me@example.com", Intent("channel", body="email", target="me@example.com", field="on")),
        ("send reminders by email to me@example.com", Intent("channel", body="email", target="me@example.com", field="on")),
        ("use web push for reminders", Intent("channel", body="webpush", field="on")),
        ("stop emailing me reminders", Intent("channel", body="email", field="off")),
        ("remind me by email", Intent("channel", body="email", field="on")),
    ],
)
def test_delivery_channel_phrases(message: str, intent: Intent) -> None:
    assert classify(message) == intent


def test_a_channel_needs_its_address_and_the_tool() -> None:
    assert first("remind me by email") == "Which email address should I send your reminders to?"
    assert first("send my reminders to ntfy topic alerts") == (
        "set_reminder_channel", {"channel": "ntfy", "enabled": True, "address": "alerts"})
    assert first("stop emailing me reminders") == ("set_reminder_channel", {"channel": "email", "enabled": False})
    without = Turn("send my reminders to ntfy topic alerts", State(), WED, [], tools=frozenset({"add_task", "add_reminder"}))
    assert without.next_action() == "I can't change where reminders are delivered on this server; reminders show on this page."
    done = Turn("email my reminders to me@example.com", State(), WED, [{"ok": True, "reminder_channels": {}}])
    assert done.next_action() == "OK, your reminders will be sent by email (me@example.com)."


def test_a_reminder_at_the_due_time_of_a_task_without_one_asks_when() -> None:
    refused = {"ok": False, "error": "validation", "field": "before_minutes", "number": 1,
               "message": "Task 1 'Call the plumber' has no due time, so it can't remind you minutes before it."}
    reply = Turn("remind me about the plumber", State(), WED, [refused]).next_action()
    assert reply == ("Task 1 has no due time, so there is nothing to remind you before. When should I remind you? "
                     "For example \"remind me about task 1 tomorrow at 9am\".")


async def test_the_model_calls_only_tools_the_agent_has() -> None:
    from agents import FunctionTool, ModelSettings
    from agents.models.interface import ModelTracing
    from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

    from todochat.agent.models.builtin import BuiltinModel
    from todochat.agent.tools import TOOLS

    clock = "Current local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.\n"
    items: list[Any] = [{"role": "user", "content": [{"type": "input_text", "text": "send my reminders to ntfy topic alerts"}]}]

    async def respond(tools: list[Any]) -> Any:
        out = await BuiltinModel().get_response(clock, items, ModelSettings(), tools, None, [], ModelTracing.DISABLED)
        return out.output[0]

    without = await respond(list(TOOLS))  # the task tools: no set_reminder_channel among them
    assert isinstance(without, ResponseOutputMessage)
    assert "can't change where reminders are delivered" in without.content[0].text  # type: ignore[union-attr]
    channel = FunctionTool(name="set_reminder_channel", description="", params_json_schema={}, on_invoke_tool=lambda *_: None)  # type: ignore[arg-type,return-value]
    called = await respond([*TOOLS, channel])
    assert isinstance(called, ResponseFunctionToolCall) and called.name == "set_reminder_channel"
