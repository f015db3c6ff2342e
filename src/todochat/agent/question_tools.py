"""The agent's ``ask_user`` tool: ask the user to choose between readings of a request that could
mean different things (a numeric date like "3/4": 4 March or 3 April?). It changes nothing; it
records the question as the conversation state's ``pending`` (``{"kind": "ask", ...}``,
docs/agent-tools.md), which the ChatKit server shows as a structured input item whose options
are the full requests (chatkit/questions.py); choosing one sends it as the user's next message."""

from __future__ import annotations

from typing import Any

from agents import FunctionTool, function_tool

from todochat.agent.tools import Ctx, _guard
from todochat.errors import ValidationError
from todochat.tasks.rules import check_text

QUESTION_MAX = 200
"""Characters of the question."""
OPTION_MAX = 200
"""Characters of one option."""
OPTIONS = (2, 5)
"""How many options a question offers (at least, at most)."""


def checked(question: str, options: list[str]) -> tuple[str, list[str]]:
    """The question and its options, whitespace-collapsed and checked.

    Raises:
        ValidationError: an empty or over-long question or option, a control character, a
            repeated option, or fewer than 2 / more than 5 options (field ``question``/``options``).
    """
    text = " ".join(check_text(question, "question").split())
    if not 1 <= len(text) <= QUESTION_MAX:
        raise ValidationError(f"The question is 1 to {QUESTION_MAX} characters.", field="question")
    cleaned = [" ".join(check_text(o, "options").split()) for o in options]
    if not OPTIONS[0] <= len(cleaned) <= OPTIONS[1] or len(set(cleaned)) != len(cleaned):
        raise ValidationError(f"Offer {OPTIONS[0]} to {OPTIONS[1]} different options.", field="options")
    if any(not 1 <= len(o) <= OPTION_MAX for o in cleaned):
        raise ValidationError(f"Each option is 1 to {OPTION_MAX} characters.", field="options")
    return text, cleaned


@function_tool
async def ask_user(ctx: Ctx, question: str, options: list[str]) -> str:
    """Ask the user to choose when their request could mean different things (e.g. the date 3/4: 4 March or 3 April). Changes nothing; the app shows the options as buttons and the chosen one comes back as the user's next message. Also ask the question in your reply.

    Args:
        question: The short question, e.g. "Do you mean 4 March or 3 April?".
        options: 2 to 5 options, each the user's whole request as it reads with that choice, e.g. "add pay rent on 4 March 2027".
    """
    arguments: dict[str, Any] = {"question": question, "options": options}

    async def call() -> dict[str, Any]:
        text, cleaned = checked(question, options)
        ctx.context.remember(pending={"kind": "ask", "tool": "ask_user", "question": text, "options": cleaned})
        return {"asked": text, "options": cleaned}

    return await _guard(ctx, "ask_user", arguments, call)


QUESTION_TOOLS: list[FunctionTool] = [ask_user]
