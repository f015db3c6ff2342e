"""German held-out families (evals/de2.jsonl): the model recognises its own German change replies
(so "doch nicht" and "nein, auf Samstag" act on them), and a vague time after a day is its own span."""

from __future__ import annotations

from itertools import pairwise

import pytest

from todochat.agent.models.builtin import repair, replies, templates
from todochat.agent.models.builtin.dates import cut, find_when
from todochat.agent.models.builtin.intents import _ANY_DAY
from todochat.agent.models.builtin.lang import canonical


@pytest.mark.parametrize(
    ("reply", "numbers"),
    [
        ("Erledigt: Aufgabe 1: Milch kaufen.", ["1"]),
        ("Hinzugefügt: Aufgabe 2: Brot. Hinzugefügt: Aufgabe 3: Eier.", ["2", "3"]),
        ("Geändert: Aufgabe 4: Zahnarzt, fällig Sa 21. Nov.", ["4"]),
        ("Added task 5: Buy milk.", ["5"]),
    ],
)
def test_a_change_reply_is_recognised_in_either_language(reply: str, numbers: list[str]) -> None:
    assert repair.CHANGED.search(reply)
    assert repair._CHANGED_TASKS.findall(reply) == numbers
    assert len(repair._STEP.findall(reply)) == len(numbers)


def test_a_german_list_reply_is_no_change() -> None:
    assert not repair.CHANGED.search("Hier sind deine Aufgaben: 1 \"Milch kaufen\".")


@pytest.mark.parametrize("text", ["the trash tomorrow morning", "the trash on friday evening"])
def test_a_vague_time_after_a_day_does_not_overlap_the_day(text: str) -> None:
    spans = sorted(find_when(text, _ANY_DAY).spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    assert cut(text, spans) == "the trash"


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("doch nicht", "never mind"),
        ("nein, ich meinte Freitag", "no, I meant on friday"),
        ("Aufgabe 2 mit dem Tag privat versehen", "tag task 2 with privat"),
        ("lösch die 3", "delete task 3"),
        ("hab den Zahnarzt erledigt", 'complete "Zahnarzt"'),
        ("ich muss noch Rechnungen sortieren, das ist dringend", 'add "Rechnungen sortieren", high priority'),
    ],
)
def test_held_out_german_families_read_as_english(german: str, english: str) -> None:
    assert canonical(german) == english


@pytest.mark.parametrize(
    ("language", "duration", "said"),
    [("de", "PT1H", "in einer Stunde"), ("de", "PT72H", "in 3 Tagen"), ("de", "PT1M", "in einer Minute"),
     ("de", "P7D", "in einer Woche"), ("en", "PT1H", "in an hour"), ("en", "PT72H", "in 3 days")],
)
def test_a_duration_after_in_takes_the_dative_in_german(language: str, duration: str, said: str) -> None:
    with templates.replying_in(language):
        assert replies.from_now_text(duration) == said


def test_the_which_task_questions_are_german_and_recognised_as_questions() -> None:
    with templates.replying_in("de"):
        german = [repair.ask_task(), templates.t("ask.list_only_had", count=1), templates.t("ask.tasks")]
    with templates.replying_in("en"):
        assert repair.ask_task() == "Which task do you mean? Tell me its number or some words from its title."
    for question in german:
        assert question.startswith(("Welche", "Die letzte"))
        assert repair.Exchange(user="x", reply=question).asked
        assert repair._WHICH_TASK.search(question)
