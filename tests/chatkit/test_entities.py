"""Task tags in, task annotations out (chatkit/entities.py) and the @-menu rule (tasks/mentions.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chatkit.types import (
    InferenceOptions,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
)

from todochat.agent.models.builtin.model import decide, read_input
from todochat.chatkit.entities import TaskTagConverter, mentioned, reference_text, task_source
from todochat.tasks.mentions import Mention, offers, same_title


def tag(number: int, title: str) -> UserMessageTagContent:
    return UserMessageTagContent(id=f"task-{number}", text=title, data={"number": number}, interactive=True)


def text(value: str) -> UserMessageTextContent:
    return UserMessageTextContent(text=value)


def item(*parts: Any) -> UserMessageItem:
    return UserMessageItem(
        id="msg_1", thread_id="thr_1", created_at=datetime(2026, 11, 23, 9, 0),  # noqa: DTZ001 — chatkit's naive time
        content=list(parts), attachments=[], inference_options=InferenceOptions(),
    )


def test_a_tag_reads_as_task_n_with_one_space_around_it() -> None:
    assert reference_text(item(text("done with "), tag(7, "Call the dentist"))) == "done with task 7"
    assert reference_text(item(text("done with"), tag(7, "Call the dentist"), text("please"))) == "done with task 7 please"
    assert reference_text(item(tag(7, "x"), text(", done"))) == "task 7, done"
    assert reference_text(item(text("complete "), tag(3, "a"), text(" and "), tag(4, "b"))) == "complete task 3 and task 4"


async def test_the_model_reads_the_number_never_the_title() -> None:
    converted = await TaskTagConverter().to_agent_input([item(text("done with "), tag(7, "Dentist appointment"))])
    texts = [part["text"] for message in converted for part in message["content"]]
    assert texts[0] == "done with task 7"
    assert texts[1].startswith("# User-provided context for @-mentions")  # an LLM also learns the title
    assert "task 7" in texts[2] and "'Dentist appointment'" in texts[2]
    message, *_ = read_input(converted)  # the built-in model skips the context message
    assert message == "done with task 7"
    [call] = decide("Current local time: 2026-11-23T09:00 (Monday); time zone: UTC.", converted)
    assert call.name == "complete_task" and '"7"' in call.arguments


def test_replies_mention_tasks_in_every_form_people_and_the_model_write() -> None:
    def numbers(value: str) -> list[int]:
        return [n for n, _ in mentioned(value)]

    assert numbers("Marked task 7: Call dentist as done.") == [7]
    assert numbers("Updated 2 tasks: task 2: Grocery run; task 3: Pay rent.") == [2, 3]
    assert numbers('This would delete 3 tasks: 1 "Buy groceries", 2 "Grocery run", 4 "Milk".') == [1, 2, 4]
    assert numbers("Tasks 2, 3 and 5 are done; see #9.") == [2, 3, 5, 9]
    assert numbers("Added 3 tasks, due Fri 27 Nov at 18:00, #home, 2 open tasks.") == []
    text_, index = "Marked task 7 done, task 7 again", mentioned("Marked task 7 done, task 7 again")[0][1]
    assert text_[:index].endswith("task 7") and len(mentioned(text_)) == 1  # one annotation per task


def test_the_menu_offers_title_word_prefixes_or_the_number() -> None:
    assert offers(["dent"], 7, "Call the dentist")
    assert offers(["dent", "ap"], 7, "Dentist appointment") and not offers(["dent", "bill"], 7, "Dentist appointment")
    assert offers(["7"], 7, "Anything") and not offers(["entist"], 7, "Call the dentist")
    assert offers([], 1, "Everything")
    assert same_title("@Call  the Dentist", "call the dentist") and not same_title("Call the dentist", "Call mom")


def test_an_entity_says_the_task_state_in_a_rows_words() -> None:
    today = date(2026, 11, 23)
    source = task_source(Mention(7, "Pay rent", False, "2026-11-24T18:00"), today)
    assert (source.id, source.title, source.data, source.interactive) == ("task-7", "Pay rent", {"number": 7}, True)
    assert source.description == "Task 7 · due tomorrow at 18:00"
    assert task_source(Mention(7, "Pay rent", True, "2026-11-24"), today).description == "Task 7 · done"
    assert task_source(Mention(8, "Milk", False), today).description == "Task 8 · open"
