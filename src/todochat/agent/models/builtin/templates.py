"""Reply templates by language: ``text(language, key, **slots)`` over the per-language tables
(``lang/en_replies.py``, ``lang/de_replies.py``), and the reply language of the current turn.

The reply language is chosen once per model call (``model.decide``: the user's setting from the
instructions' ``Reply language:`` line, else the language of the latest message, else English)
and held in a context variable for the duration of that call, so the reply code (replies.py,
lists.py) names keys, never languages.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from todochat.agent.models.builtin.lang import de_replies, en_replies

TABLES: dict[str, dict[str, str]] = {"en": en_replies.TEMPLATES, "de": de_replies.TEMPLATES}
"""Template tables by ISO 639-1 code; English is complete and the fallback for a missing key."""

DEFAULT = "en"
_current: ContextVar[str] = ContextVar("todochat_reply_language", default=DEFAULT)


def text(language: str, key: str, **slots: object) -> str:
    """The template ``key`` of ``language`` (English when the language or the key is unknown)
    filled with ``slots``.

    Raises:
        KeyError: ``key`` is in no table, or a slot the template names is missing.
    """
    template = TABLES.get(language, TABLES[DEFAULT]).get(key)
    if template is None:
        template = TABLES[DEFAULT][key]
    return template.format(**slots)


def has(key: str, language: str | None = None) -> bool:
    """Whether ``language``'s table (default: the current one) has ``key``."""
    return key in TABLES.get(language or current(), TABLES[DEFAULT])


def t(key: str, **slots: object) -> str:
    """:func:`text` in the current turn's reply language."""
    return text(current(), key, **slots)


def plural(key: str, count: int, **slots: object) -> str:
    """``key_one`` for a count of 1, else ``key_many``, filled with ``count`` and ``slots``."""
    return t(f"{key}_{'one' if count == 1 else 'many'}", count=count, **slots)


def current() -> str:
    """The reply language of the current model call (``"en"`` outside one)."""
    return _current.get()


@contextmanager
def replying_in(language: str) -> Iterator[None]:
    """Make ``language`` (a key of :data:`TABLES`; others mean English) the reply language of
    the code run inside the block."""
    token = _current.set(language if language in TABLES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def slots_of(template: str) -> set[str]:
    """The slot names a template uses (``"Added {task}."`` → ``{"task"}``)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def openings(*keys: str) -> list[str]:
    """Regular expressions (escaped literal text) for the start of each template ``key`` in every
    language, up to its first slot: how the model recognises its own earlier replies in any
    language (a list reply starts ``Here are your`` / ``Hier sind deine``)."""
    found: list[str] = []
    for table in TABLES.values():
        for key in keys:
            template = table.get(key)
            if template is None:
                continue
            head = template.split("{", 1)[0]
            if head and re.escape(head) not in found:
                found.append(re.escape(head))
    return found
