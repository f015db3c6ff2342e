"""German reading (issue 12 item 6): language detection, the German grammar's own examples, and a
German turn through ``BuiltinModel`` end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents import ModelSettings
from agents.models.interface import ModelTracing
from openai.types.responses import ResponseFunctionToolCall

from todochat.agent.models.builtin import BuiltinModel, lang
from todochat.agent.models.builtin.lang import canonical, detect
from todochat.agent.models.builtin.lang.de import rules
from todochat.agent.models.builtin.lang.grammar import Grammar, Phrase, Rule

CLOCK = "Current local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.\n"

DETECT_TABLE = [
    ("füg Milch kaufen hinzu", "de"),
    ("Aufgabe 3 erledigt", "de"),
    ("erinnere mich morgen um halb sieben an den Zahnarzt", "de"),
    ("was ist ueberfaellig?", "de"),
    ("loesche Aufgabe 2", "de"),
    ("Was steht heute an?", "de"),
    ("rückgängig", "de"),
    ("ja", "de"),
    ("nein danke", "de"),
    ("add buy milk tomorrow", "en"),
    ("mark Milch kaufen as done", "en"),  # German title, English command
    ("delete task 2", "en"),
    ("show my tasks", "en"),
    ("what's overdue?", "en"),
    ("yes", "en"),
    ("Zahnarzt", "en"),  # one word, no sign either way
    ("", "en"),
    ("🙂🙂", "en"),
    ("add Zahnarzt morgen", "en"),  # mixed, a tie: English
]


@pytest.mark.parametrize(("text", "code"), DETECT_TABLE)
def test_detect_names_the_language_of_a_message(text: str, code: str) -> None:
    assert detect(text) == code


def test_languages_are_english_and_german() -> None:
    assert lang.LANGUAGES == ("en", "de")


def _examples() -> list[tuple[str, str, str]]:
    out = [(f"rule {r.name}", src, want) for r in rules.RULES for src, want in r.examples]
    out += [(f"ref {p.pattern[:20]}", src, want) for p in rules.REFS for src, want in p.examples]
    out += [(f"phrase {p.pattern[:20]}", src, want) for p in rules.PHRASES for src, want in p.examples]
    return out


def test_every_rule_phrase_and_ref_has_examples() -> None:
    assert all(r.examples for r in rules.RULES)
    assert all(p.examples for p in rules.PHRASES + rules.REFS)


@pytest.mark.parametrize(("name", "text", "english"), _examples())
def test_german_grammar_examples(name: str, text: str, english: str) -> None:
    if name.startswith("rule"):
        assert rules.GRAMMAR.canonical(text) == english
    elif name.startswith("ref"):
        assert rules.GRAMMAR.ref(text) == english
    else:
        _, spans = rules.GRAMMAR.mark(text)
        assert (spans[0][1] if spans else "") == english


def test_canonical_leaves_english_and_unread_german_unchanged() -> None:
    assert canonical("add buy milk tomorrow") == "add buy milk tomorrow"
    assert canonical("Wie spät ist es?") == "Wie spät ist es?"  # German, but no rule reads it
    assert canonical("füg Milch kaufen morgen hinzu") == 'add "Milch kaufen" tomorrow'


def test_a_grammar_is_data_any_language_can_fill() -> None:
    toy = Grammar(
        phrases=(Phrase("when", r"domani", "tomorrow"),),
        rules=(Rule("add", r"aggiungi\s+{title}", "add {title}"),),
        trailing={"when": " {}"},
    )
    assert toy.canonical("aggiungi comprare il latte domani") == 'add "comprare il latte" tomorrow'
    assert toy.canonical("qualcosa d'altro") is None


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "input_text", "text": text}]}


async def test_a_german_turn_through_the_model_calls_the_tool_the_english_one_would() -> None:
    items = [
        {"role": "developer", "content": "todochat-state: " + json.dumps({"shown": [], "touched": [], "pending": None})},
        user("Füg bitte Oma anrufen morgen um halb sieben hinzu"),
    ]
    response = await BuiltinModel().get_response(
        CLOCK, items, ModelSettings(), [], None, [], ModelTracing.DISABLED,
        previous_response_id=None, conversation_id=None, prompt=None,
    )
    (call,) = response.output
    assert isinstance(call, ResponseFunctionToolCall) and call.name == "add_task"
    args = json.loads(call.arguments)
    assert args["title"] == "Oma anrufen" and args["due"] == "2026-11-19T06:30"
