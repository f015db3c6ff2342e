"""Bad input (issue 12, "Bad input"): messages the built-in model answers at once with a clear
reply, changing nothing, before any parsing.

- empty (or only white space, punctuation or control characters): asked what to do;
- only emoji or symbols: said that the model reads words;
- very long (more than :data:`MAX_CHARS` characters as typed): asked to keep it short;
- a long list (more than :data:`MAX_ADDS` items) that would add one task per item: the model
  makes one tool call per model round and the Agents SDK stops a run after
  ``agents.run_config.DEFAULT_MAX_TURNS`` rounds, so a longer list would be cut off half-way;
  it asks for smaller groups instead. A long list for a bulk tool ("delete tasks 1, 2, … 60") is
  one call that asks for confirmation, so it is left alone.

Control characters and zero-width characters never reach a title: ``normalize.clean`` drops them.
Each check is linear in the message length (no backtracking regular expression runs on the
whole of a long message), so even 10,000 characters are answered in well under a millisecond.
"""

from __future__ import annotations

import re
import unicodedata

from agents.run_config import DEFAULT_MAX_TURNS

MAX_CHARS = 2000
"""Longer messages (as typed) are refused: no task phrase needs more."""
MAX_ADDS = DEFAULT_MAX_TURNS - 1
"""At most this many tasks from one message (one round each, plus the round of the reply)."""

EMPTY = "Your message was empty. What would you like to do? For example \"add pay rent on friday\" or \"show my tasks\"."
SYMBOLS = (
    "I can only read words, not emoji or symbols on their own. Tell me what to do, for example "
    "\"add buy milk\" or \"what's due today?\"."
)
TOO_LONG = "That message is too long for me ({n} characters). Please keep it short, like \"add pay rent on friday\"."
TOO_MANY = (
    "That's a list of {n} items, more than I can add from one message (at most {max}). Nothing was "
    "added; please send them in groups of up to {max}, like \"add milk, eggs, bread\"."
)
_SEPARATORS = re.compile(r"[,;\n]|\s(?:and|&)\s")
_ADD_START = re.compile(
    r"^\s*(?:please\s+)?(?:add|create|new|put|save|log|jot down|note down|write down|remind me to|"
    r"i need to|i have to|todo|to-do|tasks?)\b",
    re.IGNORECASE,
)
_NOT_ADD_START = re.compile(
    r"^\s*(?:please\s+)?(?:delete|remove|complete|finish|mark|tick|check|show|list|find|search|tag|move|"
    r"reschedule|undo|redo|reopen|uncheck|cancel|clear|set|make|change|update|rename|what|which|how)\b",
    re.IGNORECASE,
)


def _readable(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def refusal(message: str, *, pending: bool = False) -> str | None:
    """The reply for a bad message (see the module doc), or None when it is fine to parse.

    ``pending``: a question of the model is waiting for its answer; then a symbol ("👍") or a
    lone "?" is left to the planner."""
    if len(message) > MAX_CHARS:
        return TOO_LONG.format(n=f"{len(message):,}")
    if not any(_readable(ch) for ch in message):
        if "?" in message or pending:  # "?" asks for help
            return None
        if any(unicodedata.category(ch) in ("So", "Sk", "Sm") for ch in message):
            return SYMBOLS
        return EMPTY
    items = len(_SEPARATORS.findall(message)) + 1
    if items > MAX_ADDS and not _NOT_ADD_START.match(message) and (_ADD_START.match(message) or items > 2 * MAX_ADDS):
        return TOO_MANY.format(n=items, max=MAX_ADDS)
    return None
