"""Reply templates per language (builtin/templates.py, lang/*_replies.py) and the reply language
of a turn: the user's setting (the instructions' ``Reply language:`` line), else the message's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents import ModelSettings
from agents.models.interface import ModelTracing

from todochat.agent.models.builtin import BuiltinModel, templates
from todochat.agent.models.builtin.lang import en_replies
from todochat.agent.models.builtin.model import reply_language
from todochat.agent.models.builtin.replies import describe, when_text

CLOCK = "Current local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.\n"
GERMAN = CLOCK + "Reply language: de.\n"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "input_text", "text": text}]}


def said(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": [{"type": "output_text", "text": text}]}


def state(**values: Any) -> dict[str, Any]:
    return {"role": "developer", "content": "todochat-state: " + json.dumps({"shown": [], "touched": [], "pending": None, **values})}


def done(call: Any, result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(result)},
    ]


async def respond(instructions: str, items: list[dict[str, Any]]) -> Any:
    (out,) = (await BuiltinModel().get_response(instructions, items, ModelSettings(), [], None, [], ModelTracing.DISABLED)).output
    return out


@pytest.mark.parametrize("language", sorted(set(templates.TABLES) - {"en"}))
def test_every_english_template_has_a_translation_with_the_same_slots(language: str) -> None:
    table = templates.TABLES[language]
    assert set(table) == set(en_replies.TEMPLATES)
    wrong = {k: (templates.slots_of(v), templates.slots_of(table[k])) for k, v in en_replies.TEMPLATES.items()
             if templates.slots_of(v) != templates.slots_of(table[k])}
    assert wrong == {}
    assert all(text.strip() for text in table.values() if text not in ("", " "))


def test_a_template_fills_its_slots_and_an_unknown_language_falls_back_to_english() -> None:
    assert templates.text("de", "task_ref", number=4, title="Miete") == "Aufgabe 4: Miete"
    assert templates.text("fr", "task_ref", number=4, title="Rent") == "task 4: Rent"
    assert templates.current() == "en"
    with templates.replying_in("de"):
        assert templates.current() == "de"
        assert when_text("2026-11-20T14:30") == "Fr 20. Nov um 14:30"
    assert when_text("2026-11-20T14:30") == "Fri 20 Nov at 14:30"
    with templates.replying_in("xx"):
        assert templates.current() == "en"


def test_the_setting_wins_over_the_message_and_english_is_the_default() -> None:
    assert reply_language(GERMAN, "show my tasks") == "de"
    assert reply_language(CLOCK + "Reply language: en.\n", "show my tasks") == "en"
    assert reply_language(CLOCK + "Reply language: fr.\n", "show my tasks") == "en"  # no templates: the message decides
    assert reply_language(CLOCK, "show my tasks") == "en"
    assert reply_language(None, "") == "en"


def test_the_same_result_reads_in_each_language() -> None:
    result = {"ok": True, "task": {"number": 3, "title": "Pay rent", "due": "2026-11-20", "priority": "high"}}
    assert describe("add_task", {"title": "Pay rent"}, result) == "Added task 3: Pay rent, due Fri 20 Nov, high priority."
    with templates.replying_in("de"):
        assert describe("add_task", {"title": "Pay rent"}, result) == "Hinzugefügt: Aufgabe 3: Pay rent, fällig Fr 20. Nov, hohe Priorität."
        listed = describe("list_tasks", {"status": "pending"}, {"ok": True, "count": 2, "tasks": []})
        assert listed == "Hier sind deine 2 offenen Aufgaben."
        assert describe("list_tasks", {"status": "pending"}, {"ok": True, "count": 1}, "count") == "Du hast 1 offene Aufgabe."


async def test_an_english_message_gets_a_german_reply_when_the_setting_says_de() -> None:
    items: list[dict[str, Any]] = [state(), user("add pay rent on friday")]
    call = await respond(GERMAN, items)
    assert call.name == "add_task"  # the engine reads English as before
    items += done(call, {"ok": True, "task": {"number": 1, "title": "Pay rent", "due": "2026-11-20"}})
    message = await respond(GERMAN, items)
    assert message.content[0].text == "Hinzugefügt: Aufgabe 1: Pay rent, fällig Fr 20. Nov."
    english = await respond(CLOCK, items)
    assert english.content[0].text == "Added task 1: Pay rent, due Fri 20 Nov."


async def test_a_german_message_gets_a_german_reply_without_a_setting() -> None:
    """The reply language is detected on the message as typed, not on the English the engine
    reads it as (lang.canonical)."""
    items: list[dict[str, Any]] = [state(), user("füg Miete zahlen am Freitag hinzu")]
    call = await respond(CLOCK, items)
    assert call.name == "add_task"
    items += done(call, {"ok": True, "task": {"number": 1, "title": "Miete zahlen", "due": "2026-11-20"}})
    message = await respond(CLOCK, items)
    assert message.content[0].text == "Hinzugefügt: Aufgabe 1: Miete zahlen, fällig Fr 20. Nov."


async def test_the_model_knows_its_own_german_list_reply_as_a_list() -> None:
    items: list[dict[str, Any]] = [state(), user("show my tasks")]
    call = await respond(GERMAN, items)
    assert call.name == "list_tasks"
    items += done(call, {"ok": True, "count": 2, "tasks": [{"number": 4, "title": "Milk"}, {"number": 7, "title": "Rent"}]})
    reply = (await respond(GERMAN, items)).content[0].text
    assert reply.startswith("Hier sind deine 2")
    follow = [said(reply), state(shown=[4, 7]), user("mark the first one done")]
    call = await respond(GERMAN, [user("show my tasks"), *follow])
    assert (call.name, json.loads(call.arguments)) == ("complete_task", {"task": "4"})
    items = [user("show my tasks"), *follow, *done(call, {"ok": True, "task": {"number": 4, "title": "Milk"}})]
    assert (await respond(GERMAN, items)).content[0].text == "Erledigt: Aufgabe 4: Milk."


@pytest.mark.parametrize(("reply", "meant"), [("Hier ist deine 1 offene Aufgabe.", "4"), ("Hinzugefügt: Aufgabe 9: X.", "9"),
                                              ("Here is your 1 open task.", "4"), ("Added task 9: X.", "9")])
async def test_it_after_a_list_reply_is_the_listed_task_in_either_language(reply: str, meant: str) -> None:
    """"it" names the one task just listed after a list reply, else the one just changed."""
    call = await respond(GERMAN, [user("x"), said(reply), state(shown=[4], touched=[9]), user("mark it done")])
    assert (call.name, json.loads(call.arguments)) == ("complete_task", {"task": meant})


@pytest.mark.parametrize("reply", ["Hier sind deine 2 offenen Aufgaben.", "Here are your 2 open tasks.",
                                   "Du hast keine offenen Aufgaben, die heute fällig sind.", "Deine Liste ist leer. Leg eine Aufgabe an mit \"add …\"."])
def test_list_replies_of_both_languages_are_recognised(reply: str) -> None:
    from todochat.agent.models.builtin.repair import LIST_REPLY

    assert LIST_REPLY.match(reply)
    assert not LIST_REPLY.match("Hinzugefügt: Aufgabe 1: Milch.")
