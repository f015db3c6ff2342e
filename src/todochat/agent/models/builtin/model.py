"""``BuiltinModel``: the offline, deterministic Agents SDK ``Model`` that drives the task tools."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agents.agent_output import AgentOutputSchemaBase
from agents.handoffs import Handoff
from agents.items import ModelResponse, TResponseInputItem, TResponseStreamEvent
from agents.model_settings import ModelSettings
from agents.models.interface import Model, ModelTracing
from agents.tool import Tool
from agents.usage import Usage
from openai.types.responses.response_prompt_param import ResponsePromptParam

from todochat.agent.models.builtin import lang, templates
from todochat.agent.models.builtin.events import (
    OutputItem,
    function_call_item,
    message_item,
    stream_events,
)
from todochat.agent.models.builtin.planner import Call, Turn
from todochat.agent.models.builtin.references import State
from todochat.agent.models.builtin.repair import LIST_REPLY, read_history

logger = logging.getLogger(__name__)

CLOCK_LINE = re.compile(
    r"Current local time: (\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2})? \(\w+\); time zone: ([\w/+\-]+)\."
)
LANGUAGE_LINE = re.compile(r"Reply language: ([a-z]{2})\.")
"""The user's language setting in the instructions (agent.language_line), when it names one."""
STATE_PREFIX = "todochat-state:"
_NOT_TYPED = (
    "The following graphical UI widget",
    "Hidden context for the agent",
    "The user is referring to this",
    "# User-provided context",
    "The following image was generated",
)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _text(item: Any) -> str:
    content = _get(item, "content")
    if isinstance(content, str):
        return content
    parts = []
    for part in content or []:
        text = _get(part, "text")
        if isinstance(text, str):
            parts.append(text)
    return "".join(parts)


def read_clock(system_instructions: str | None) -> datetime:
    """The user's local "now" (aware) from the instructions' clock line; UTC now if absent.

    The line's shape is fixed by docs/agent-tools.md:
    ``Current local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.``
    """
    m = CLOCK_LINE.search(system_instructions or "")
    if not m:
        return datetime.now(UTC)
    try:
        zone = ZoneInfo(m[2])
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.fromisoformat(m[1]).replace(tzinfo=zone)


def reply_language(system_instructions: str | None, message: str) -> str:
    """The language of this turn's reply: the one the instructions' ``Reply language: xx.`` line
    names (the user's setting, agent.language_line) when the engine has its templates, else the
    language of the latest user message (``lang.detect``), else English."""
    m = LANGUAGE_LINE.search(system_instructions or "")
    if m and m[1] in templates.TABLES:
        return m[1]
    detected = lang.detect(message) if message else lang.DEFAULT
    return detected if detected in templates.TABLES else templates.DEFAULT


def _last_typed(items: list[TResponseInputItem]) -> int:
    """The index of the latest message the user typed (not a widget or context message); -1: none."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if _get(item, "role") == "user" and not _text(item).startswith(_NOT_TYPED):
            return index
    return -1


def typed_message(items: str | list[TResponseInputItem]) -> str:
    """The latest user message as typed, in the user's own language ("" when there is none)."""
    if isinstance(items, str):
        return items
    last_user = _last_typed(items)
    return _text(items[last_user]) if last_user >= 0 else ""


def read_input(items: str | list[TResponseInputItem]) -> tuple[str, State, list[dict[str, Any]], bool]:
    """From the agent input: the latest user message (in the engine's English, see
    :func:`lang.canonical`), the state, this turn's tool results (in call order, decoded JSON), and
    whether a pending question was the last thing asked."""
    if isinstance(items, str):
        return lang.canonical(items), State(), [], False
    state = State()
    for item in items:
        if _get(item, "role") in ("developer", "system"):
            text = _text(item).strip()
            if text.startswith(STATE_PREFIX):
                try:
                    state = State.from_json(json.loads(text[len(STATE_PREFIX):]))
                except (ValueError, TypeError):
                    logger.warning("unreadable conversation state message")
    last_user = _last_typed(items)
    message = lang.canonical(_text(items[last_user])) if last_user >= 0 else ""
    asked = False
    for item in reversed(items[: max(last_user, 0)]):
        if _get(item, "role") == "assistant":
            said = _text(item).strip()
            asked = said.endswith("?")
            state.listed_last = bool(LIST_REPLY.match(said))
            break
    outputs: dict[str, Any] = {}
    order: list[str] = []
    for item in items[last_user + 1:]:
        kind = _get(item, "type")
        if kind == "function_call":
            order.append(str(_get(item, "call_id")))
        elif kind == "function_call_output":
            outputs[str(_get(item, "call_id"))] = _get(item, "output")
    results = []
    for call_id in order:
        raw = outputs.get(call_id)
        if raw is None:
            break
        if not isinstance(raw, str):
            raw = _text({"content": raw}) if isinstance(raw, list) else str(raw)
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = {"ok": False, "error": "error", "message": raw}
        results.append(decoded if isinstance(decoded, dict) else {"ok": True, "value": decoded})
    return message, state, results, asked


def decide(
    system_instructions: str | None, input: str | list[TResponseInputItem], tools: list[Tool] | None = None
) -> list[OutputItem]:
    """The output items of one model call: one function call, or the final assistant message.

    ``tools`` are the agent's tools: a call to a tool the agent lacks (a build without the
    delivery channels has no ``set_reminder_channel``) becomes a sentence saying so. None or an
    empty list: not known, every tool is assumed."""
    message, state, results, asked = read_input(input)
    now = read_clock(system_instructions)
    names = frozenset(str(getattr(t, "name", "")) for t in tools) if tools else None
    history = read_history(input)
    with templates.replying_in(reply_language(system_instructions, typed_message(input))):
        action = Turn(message, state, now, results, pending_live=asked, tools=names, history=history).next_action()
    if isinstance(action, Call):
        return [function_call_item(action.tool, action.args)]
    return [message_item(action)]


class BuiltinModel(Model):
    """A deterministic natural-language model for the task tools; no network, no key.

    It reads the clock line of the instructions, the ``todochat-state`` developer message and
    the latest user message, and answers with one tool call per round, then a one-sentence reply.
    """

    def __init__(self) -> None:
        self.calls = 0

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
        **_: Any,
    ) -> ModelResponse:
        """Decide the next step (see :func:`decide`) and return it as a ``ModelResponse``."""
        self.calls += 1
        output = decide(system_instructions, input, tools)
        return ModelResponse(output=list(output), usage=Usage(requests=1), response_id=None)

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
        **_: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """Decide the next step and stream it as Responses events (see :func:`stream_events`)."""
        self.calls += 1
        output = decide(system_instructions, input, tools)
        for event in stream_events(output):
            yield event


WARM_UP_MESSAGES = (
    "add buy milk",
    "add call mom tomorrow at 5pm #family !high",
    "remind me to pay rent every month on the 1st at 9am",
    "show my tasks",
    "what's overdue?",
    "complete 1",
    "move the dentist to thursday",
    "delete 2 and 3",
    "undo",
    "füg Milch kaufen hinzu",
    "erinnere mich morgen um halb sieben an den Zahnarzt",
    "Aufgabe 3 erledigt",
)
"""Messages :func:`warm_up` reads: one of each common kind, English and German."""


def warm_up() -> None:
    """Read :data:`WARM_UP_MESSAGES` once (no tools run, nothing stored), so the patterns the
    engine compiles on first use are compiled at start-up rather than in a user's first turn."""
    clock = "Current local time: 2026-11-18T09:00 (Wednesday); time zone: UTC."
    for text in WARM_UP_MESSAGES:
        decide(clock, text)
