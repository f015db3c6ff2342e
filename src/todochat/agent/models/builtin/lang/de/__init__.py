"""German (``de``): the data package the built-in model reads German with.

``MARKERS`` and ``FOLD`` (``words.py``) let :func:`todochat.agent.models.builtin.lang.detect`
recognise a German message; ``GRAMMAR`` (``rules.py``) rewrites one into the engine's canonical
English (:class:`~todochat.agent.models.builtin.lang.grammar.Grammar`).
"""

from __future__ import annotations

from todochat.agent.models.builtin.lang.de.rules import GRAMMAR
from todochat.agent.models.builtin.lang.de.words import FOLD, MARKERS

__all__ = ["FOLD", "GRAMMAR", "MARKERS"]
