"""The assistant's questions as ChatKit structured input (``StructuredInputItem``, chatkit 1.6.4+).

A tool that needs an answer records a ``pending`` question in the conversation state
(agent/tools.py ``_guard``, docs/agent-tools.md): ``choose`` (an ambiguous task or reminder
reference: "Which one?"), ``confirm`` (a bulk change, a postpone that moves a task earlier, a
reminder time that has passed: "Delete these 3 tasks?") or ``ask`` (the ``ask_user`` tool: "Do
you mean 4 March or 3 April?", each option the whole request). After the turn the server shows that
question as a ``StructuredInputItem`` with one multiple-choice input whose options are the answers
the question offers, and notes the item in the state (``pending["shown_as"]``: its id and the reply
each option stands for).

Answering (``threads.add_structured_input``) runs the turn a typed answer runs: the model gets the
option's reply ("task 7", "yes", "no"; a skipped question: "no") as the user's message, with the same conversation state,
so the same rule answers it (the built-in planner's ``plan_pending``, or an LLM reading the
state). A typed message instead closes the question with the typed text as its answer. Either
way the item is stored answered, so a reload shows which answer was given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from chatkit.store import NotFoundError, Store
from chatkit.types import (
    StructuredInputAnswer,
    StructuredInputItem,
    StructuredInputMultipleChoice,
    StructuredInputMultipleChoiceOption,
    ThreadAddStructuredInputParams,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
)
from openai.types.responses import ResponseInputTextParam
from openai.types.responses.response_input_item_param import Message

from todochat.agent.context import STATE_KEY
from todochat.context import RequestContext
from todochat.errors import Conflict, ValidationError

SHOWN_AS = "shown_as"
"""``pending`` key of the question item showing a pending question: ``{"item", "replies"}``."""
INPUT_ID = "answer"
"""The id of a question item's one multiple-choice input."""
OPTION_MAX = 120
"""Characters of an option's text (a long task title is cut with "…")."""
SKIPPED_REPLY = "no"
"""What a skipped question stands for: the typed "no" that changes nothing."""
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
CONFIRM_QUESTIONS = {
    "delete_tasks": "Delete these {n} tasks?",
    "complete_tasks": "Complete these {n} tasks?",
    "update_tasks": "Change these {n} tasks?",
    "delete_list": "Delete the list and its tasks?",
    "delete_task": "Delete it and its subtasks?",
    "complete_task": "Complete it and its subtasks?",
    "update_task": "Move it earlier anyway?",
    "add_reminder": "Remind you now instead?",
    "add_task": "Remind you now instead?",
    "cancel_reminders": "Cancel these {n} reminders?",
}
"""The question a ``confirm`` asks, by the tool that asked (``{n}``: how many it would change)."""


def _cut(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= OPTION_MAX else text[: OPTION_MAX - 1].rstrip() + "…"


def offer(pending: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """The question a pending state asks and its options.

    Args:
        pending: ``thread.metadata["todochat"]["pending"]`` (docs/agent-tools.md).

    Returns:
        ``(question, {option text: reply})``: the reply is the message a typed answer would be
        ("task 7", "the second", "yes", "no"); options keep their order. None for a pending state
        that offers no choices (an unknown kind, no candidates).
    """
    kind = pending.get("kind")
    options: dict[str, str] = {}
    if kind == "choose" and pending.get("tool") == "cancel_reminder":
        for index, c in enumerate((pending.get("candidates") or [])[: len(ORDINALS)]):
            when = str(c.get("fire_at") or "").replace("T", " ")[:16]
            options[_cut(f"{when} — task {c.get('number')} {c.get('title')}")] = f"the {ORDINALS[index]}"
        question = "Which reminder?"
    elif kind == "choose":
        for c in pending.get("candidates") or []:
            options[_cut(f"Task {c.get('number')}: {c.get('title')}")] = f"task {c.get('number')}"
        question = "Which one do you mean?"
    elif kind == "ask":  # ask_user (agent/question_tools.py): each option is the whole request
        options = {_cut(o): str(o) for o in pending.get("options") or []}
        question = str(pending.get("question") or "Which do you mean?")
        if len(options) < 2:
            return None
    elif kind == "confirm":
        tool = str(pending.get("tool") or "")
        count = len(pending.get("numbers") or []) or len((pending.get("yes") or {}).get("arguments", {}).get("reminders") or [])
        question = CONFIRM_QUESTIONS.get(tool, "Go ahead?").format(n=count)
        options = {"Yes": "yes", "No": "no"}
    else:
        return None
    if kind == "choose" and len(options) < 2:
        return None
    return question, options


def ask(thread: ThreadMetadata, new_id: Callable[[], str]) -> StructuredInputItem | None:
    """The question item for the question the turn just left pending, or None when nothing is
    pending (or it was already asked). Records ``{"item": <its id>, "replies": {...}}`` as
    ``pending["shown_as"]`` in ``thread.metadata`` (saved with the thread).

    Args:
        thread: the thread whose conversation state the tools updated this turn.
        new_id: gives a store-assigned id for the new item.
    """
    state = (thread.metadata or {}).get(STATE_KEY) or {}
    pending = state.get("pending")
    if not isinstance(pending, dict) or pending.get(SHOWN_AS):
        return None
    offered = offer(pending)
    if offered is None:
        return None
    question, options = offered
    item_id = new_id()
    pending = {**pending, SHOWN_AS: {"item": item_id, "replies": options}}
    thread.metadata = {**thread.metadata, STATE_KEY: {**state, "pending": pending}}
    return StructuredInputItem(
        id=item_id,
        thread_id=thread.id,
        created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
        inputs=[StructuredInputMultipleChoice(
            id=INPUT_ID,
            question=question,
            options=[StructuredInputMultipleChoiceOption(value=value) for value in options],
        )],
    )


def open_question(thread: ThreadMetadata) -> dict[str, Any] | None:
    """``{"item", "replies"}`` of the question waiting in ``thread``'s conversation state, or None."""
    pending = ((thread.metadata or {}).get(STATE_KEY) or {}).get("pending")
    question = pending.get(SHOWN_AS) if isinstance(pending, dict) else None
    return question if isinstance(question, dict) else None


def check_answer(item: StructuredInputItem, params: ThreadAddStructuredInputParams, thread: ThreadMetadata) -> None:
    """Refuse an answer the question cannot take, before anything is stored.

    Args:
        item: the item the request names (a question of the user's thread).
        params: the request's parameters (``input.answers`` keyed by input id).
        thread: the item's thread (its conversation state says which question is open).

    Raises:
        Conflict: the question was already answered, or is no longer the open one (a later
            message moved on) (409).
        ValidationError: no answer to the question (and no skip), more than one value, or a
            value that is not one of its options (field ``input``) (422).
    """
    if item.status != "pending":
        raise Conflict("That question was already answered; nothing changed.", item_id=item.id)
    question = open_question(thread)
    if question is None or question.get("item") != item.id:
        raise Conflict("That question is no longer open; nothing changed.", item_id=item.id)
    submission = params.input
    answer = submission.answers.get(INPUT_ID)
    if submission.status == "skipped":
        return
    if answer is None or answer.skipped or len(answer.values) != 1:
        raise ValidationError(
            f"Answer the question with exactly one of its options (input {INPUT_ID!r}), or skip it.", field="input"
        )
    offered = [o.value for i in item.inputs if isinstance(i, StructuredInputMultipleChoice) for o in i.options]
    if answer.values[0] not in offered:
        raise ValidationError(f"{_cut(answer.values[0])!r} is not one of the options offered.", field="input")


async def check_request(
    store: Store[RequestContext], params: ThreadAddStructuredInputParams, context: RequestContext
) -> None:
    """:func:`check_answer` for the thread and item ``params`` name, loaded from ``store``.

    Raises:
        chatkit.store.NotFoundError: not the user's thread or item (404).
        ValidationError: the item is not a question (field ``item_id``), or as :func:`check_answer`.
        Conflict: as :func:`check_answer`.
    """
    thread = await store.load_thread(params.thread_id, context=context)
    item = await store.load_item(params.thread_id, params.item_id, context=context)
    if not isinstance(item, StructuredInputItem):
        raise ValidationError("That item is not a question to answer.", field="item_id")
    check_answer(item, params, thread)


def answered_reply(item: StructuredInputItem, thread: ThreadMetadata) -> str | None:
    """The message an answered question stands for: the reply of the chosen option (recorded by
    :func:`ask`), ``"no"`` for a skipped question (nothing is changed), or None if ``item`` is not
    the open question or was not answered."""
    question = open_question(thread)
    if question is None or question.get("item") != item.id or item.status == "pending":
        return None
    if item.status == "skipped":
        return SKIPPED_REPLY
    values = [v for i in item.inputs if i.answer is not None for v in i.answer.values]
    replies = question.get("replies") or {}
    return replies.get(values[0]) if values and isinstance(replies, dict) else None


def closed(item: StructuredInputItem, text: str) -> StructuredInputItem:
    """``item`` answered with what the user typed instead of choosing (a freeform answer)."""
    inputs = [i.model_copy(update={"answer": StructuredInputAnswer(values=[_cut(text)])}) for i in item.inputs]
    return item.model_copy(update={"status": "answered", "inputs": inputs})


def history_message(item: StructuredInputItem) -> Message | None:
    """How a question reads in the model's history: answered with one of its options, a user
    message ``"[Answered: <option>]"``; otherwise nothing (the assistant's message asked it, and a
    typed answer is the user's next message)."""
    offered = {o.value for i in item.inputs if isinstance(i, StructuredInputMultipleChoice) for o in i.options}
    values = [v for i in item.inputs if i.answer is not None for v in i.answer.values if v in offered]
    if item.status != "answered" or not values:
        return None
    return reply_message("[Answered: " + ", ".join(values) + "]")


def reply_message(text: str) -> Message:
    """A user message of ``text`` for the agent input."""
    return Message(type="message", role="user", content=[ResponseInputTextParam(type="input_text", text=text)])


async def answered(
    store: Store[RequestContext], thread: ThreadMetadata, context: RequestContext
) -> tuple[str, str] | None:
    """After ``threads.add_structured_input`` stored the answer: ``(item id, reply)`` of the open
    question of ``thread`` when it is answered with an option, else None (chatkit calls the same
    ``respond`` after a client tool output)."""
    question = open_question(thread)
    if question is None:
        return None
    try:
        item = await store.load_item(thread.id, str(question.get("item")), context=context)
    except NotFoundError:
        return None
    if not isinstance(item, StructuredInputItem):
        return None
    reply = answered_reply(item, thread)
    return (item.id, reply) if reply is not None else None


async def close_typed(
    store: Store[RequestContext], thread: ThreadMetadata, text: str, context: RequestContext
) -> AsyncIterator[ThreadStreamEvent]:
    """A typed message while a question is open: the question item, answered with that text
    (replaced, so chatkit stores it). Nothing when no question is open."""
    question = open_question(thread)
    if question is None:
        return
    try:
        item = await store.load_item(thread.id, str(question.get("item")), context=context)
    except NotFoundError:
        return
    if isinstance(item, StructuredInputItem) and item.status == "pending":
        yield ThreadItemReplacedEvent(item=closed(item, text))


__all__ = [
    "INPUT_ID", "answered", "answered_reply", "ask", "check_answer", "check_request", "close_typed", "closed", "history_message",
    "offer", "open_question", "reply_message",
]
