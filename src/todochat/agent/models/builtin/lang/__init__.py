"""Languages of the built-in model: each one a data package (words, rules, examples, reply templates).

``detect(text)`` names the language of one user message (an ISO 639-1 code); the engine reads
and answers in it unless the user's setting names one. English (``"en"``) is the default and the
engine's own language; other packages live beside this module (``de``: German). A package gives
``MARKERS`` (words only it uses, for :func:`detect`) and ``FOLD`` (how its letters are typed on a
keyboard without them); a package that the engine reads through a grammar also gives ``GRAMMAR``
(a :class:`~todochat.agent.models.builtin.lang.grammar.Grammar`, see ``grammar.py`` and the
package README's "Languages" section).
"""

from __future__ import annotations

import re
from types import ModuleType

from todochat.agent.models.builtin.lang import de, en

LANGUAGES = ("en", "de")
"""The languages the built-in model reads (ISO 639-1 codes)."""

DEFAULT = "en"

_PACKAGES: dict[str, ModuleType] = {"en": en, "de": de}
_WORD = re.compile(r"[^\W\d_]+")
_FOLD = tuple(pair for package in _PACKAGES.values() for pair in package.FOLD)


def fold(text: str) -> str:
    """``text`` in lower case with every package's special letters spelled out ("ü" → "ue")."""
    text = text.lower()
    for letter, plain in _FOLD:
        text = text.replace(letter, plain)
    return text


_MARKERS = {code: frozenset(fold(word) for word in package.MARKERS) for code, package in _PACKAGES.items()}


def detect(text: str) -> str:
    """The language of one user message: a code from :data:`LANGUAGES`.

    Each package's ``MARKERS`` are counted over the message's words (folded, so "loesche" counts
    as "lösche"); the language with the most wins when it has more than :data:`DEFAULT` has. A
    message with no marker, or a tie (mixed or short messages), stays :data:`DEFAULT`. Pure and
    deterministic; a few microseconds for a chat message.
    """
    words = _WORD.findall(fold(text[:2000]))
    if not words:
        return DEFAULT
    counts = {code: sum(word in markers for word in words) for code, markers in _MARKERS.items()}
    best = max(counts, key=lambda code: (counts[code], code == DEFAULT))
    return best if counts[best] > counts[DEFAULT] else DEFAULT


def canonical(text: str) -> str:
    """``text`` as the engine reads it: a message :func:`detect` finds in another language and
    whose package's grammar reads it becomes its canonical English command; anything else
    (English, or a sentence no rule reads) is returned unchanged."""
    code = detect(text)
    grammar = getattr(_PACKAGES[code], "GRAMMAR", None)
    if grammar is None:
        return text
    english = grammar.canonical(text)
    return text if english is None else english
