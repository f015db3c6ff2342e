"""Thread titles: a short summary of what a conversation is about, set after the turn's reply so
naming never delays it (the chatkit server streams ``thread.updated`` once the reply is done).

The summary comes from the tasks the turn changed ("Pay rent and call mom"); a turn that changed
nothing is named after its message, cleaned ("What's due this week"); greetings and thanks leave
the thread unnamed until a later turn has a subject.
"""

from __future__ import annotations

import re
from typing import Any

TITLE_MAX = 60
"""The longest title set here (characters, with the ellipsis)."""
SMALL_TALK = re.compile(
    r"(?:hi|hello|hey|hallo|yo|hiya|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank you|thx|ok(?:ay)?|cool|"
    r"great|bye|help|\?+)(?: there)?[\s!.,?]*(?:todochat)?[\s!.,?]*",
    re.IGNORECASE,
)
"""Messages that say nothing about tasks: no title from them."""
FILLER = re.compile(r"^(?:(?:please|pls|can you|could you|would you|i need you to|i want to|i'd like to)[\s,]+)+", re.IGNORECASE)


def summary_title(message: str, effects: list[dict[str, Any]]) -> str | None:
    """The title of a thread whose (first named) turn was ``message`` with ``effects``.

    Args:
        message: the user's message text.
        effects: what the turn changed (``chatkit.turns.effect_of`` records: ``{"tool", "tasks":
            [{"number", "title"}]}``).

    Returns:
        At most :data:`TITLE_MAX` characters: the changed tasks' titles ("Pay rent", "Pay rent and
        call mom", "Pay rent, call mom and 2 more"), else the cleaned message; None for small talk
        or an empty message.
    """
    titles: dict[str, None] = {}
    for effect in effects:
        for task in effect.get("tasks") or []:
            title = " ".join(str(task.get("title") or "").split()) if isinstance(task, dict) else ""
            if title:
                titles.setdefault(title, None)
    names = list(titles)
    if names:
        return _fit(_join(names))
    text = " ".join(message.split())
    if not text or SMALL_TALK.fullmatch(text):
        return None
    text = FILLER.sub("", text).rstrip(" ?!.,;:") or text
    return _fit(text[:1].upper() + text[1:])


def _join(names: list[str]) -> str:
    rest = [n[:1].lower() + n[1:] if n[1:2].islower() else n for n in names[1:]]  # "Pay rent and call mom"
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {rest[0]}"
    return f"{names[0]}, {rest[0]} and {len(names) - 2} more"


def _fit(text: str) -> str:
    """``text`` cut at a word boundary to :data:`TITLE_MAX` characters, with an ellipsis."""
    if len(text) <= TITLE_MAX:
        return text
    cut = text[: TITLE_MAX - 1]
    if " " in cut[TITLE_MAX // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


__all__ = ["TITLE_MAX", "summary_title"]
