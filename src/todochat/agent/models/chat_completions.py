"""The Chat Completions model for OpenAI-compatible servers: no ``developer`` role on the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

from agents import ModelResponse, ModelSettings, ModelTracing, OpenAIChatCompletionsModel, Tool
from agents.agent_output import AgentOutputSchemaBase
from agents.handoffs import Handoff
from agents.items import TResponseInputItem, TResponseStreamEvent

INSTRUCTION_ROLES = ("developer", "system")


def compatible_input(
    system_instructions: str | None, items: str | list[TResponseInputItem]
) -> tuple[str | None, str | list[TResponseInputItem]]:
    """Rewrite a turn's input so any Chat Completions server takes it (one place for both fixes).

    1. The input's leading ``developer``/``system`` messages move into the system instructions,
       and any later ``developer`` message becomes a ``system`` one. The Agents SDK's Chat
       Completions converter sends ``developer`` as is, and our ChatKit server starts the input
       with one (the ``todochat-state`` message); many OpenAI-compatible servers (older vLLM and
       llama.cpp chat templates, Ollama models, Gemini) refuse that role or a second system message.
    2. Assistant messages whose content is a list of ``output_text`` parts (what chatkit's
       ``ThreadItemConverter.assistant_message_to_input`` makes of earlier replies) get their
       text as a plain string: the SDK's converter raises ``UserError("Unknown content")`` on
       ``output_text`` in an easy input message, so every second turn of a thread would fail.
    3. User messages made only of text parts get their text as a plain string: the SDK would
       send a list of ``{"type": "text"}`` parts, which some servers' templates do not accept.

    Args:
        system_instructions: the agent's instructions (sent as the first ``system`` message).
        items: the turn's input items; a plain string is returned unchanged.

    Returns:
        ``(instructions, items)``: the instructions with the leading messages' text appended
        (blank line between), and the remaining items (a new list; the caller's is not changed).
    """
    if isinstance(items, str):
        return system_instructions, items
    parts = [system_instructions] if system_instructions else []
    rest = list(items)
    while rest and _role(rest[0]) in INSTRUCTION_ROLES:
        parts.append(_text(rest.pop(0)))
    converted: list[TResponseInputItem] = []
    for item in rest:
        role, message = _role(item), cast(dict[str, Any], item)
        if role == "developer":
            item = cast(TResponseInputItem, {**message, "role": "system"})
        elif _flattens(role, message):
            item = cast(TResponseInputItem, {**message, "content": _text(message)})
        converted.append(item)
    return ("\n\n".join(p for p in parts if p) or None), converted


def _role(item: Any) -> str | None:
    if isinstance(item, dict) and item.get("type", "message") == "message":
        role = item.get("role")
        return role if isinstance(role, str) else None
    return None


def _flattens(role: str | None, message: dict[str, Any]) -> bool:
    """Rules 2 and 3 of :func:`compatible_input`: content parts that become one string."""
    content = message.get("content")
    if not isinstance(content, list) or not content:
        return False
    if role == "assistant":
        return "id" not in message  # an easy input message, not a Responses output message
    return role == "user" and all(isinstance(p, dict) and p.get("type") == "input_text" for p in content)


def _text(item: Any) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(
        part.get("text") or part.get("refusal") or "" for part in content or [] if isinstance(part, dict)
    )


class CompatibleChatCompletionsModel(OpenAIChatCompletionsModel):
    """``OpenAIChatCompletionsModel`` whose input any Chat Completions server takes
    (:func:`compatible_input`), used for ``openai-compatible:`` and ``gemini:``."""

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *args: Any,
        **kwargs: Any,
    ) -> ModelResponse:
        system_instructions, input = compatible_input(system_instructions, input)
        return await super().get_response(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing, *args, **kwargs
        )

    async def stream_response(  # type: ignore[override]
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *args: Any,
        **kwargs: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        system_instructions, input = compatible_input(system_instructions, input)
        async for event in super().stream_response(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing, *args, **kwargs
        ):
            yield event
