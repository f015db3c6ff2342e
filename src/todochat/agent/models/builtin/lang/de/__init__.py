"""German (``de``): the data package the built-in model reads German with.

``MARKERS`` and ``FOLD`` (``words.py``) let :func:`todochat.agent.models.builtin.lang.detect`
recognise a German message.
"""

from __future__ import annotations

from todochat.agent.models.builtin.lang.de.words import FOLD, MARKERS

__all__ = ["FOLD", "MARKERS"]
