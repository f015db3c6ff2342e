"""Languages of the built-in model: each one a data package (words, rules, examples, reply templates).

``detect(text)`` names the language of one user message (an ISO 639-1 code); the engine reads
and answers in it unless the user's setting names one. English (``"en"``) is the default and the
engine's own language; other packages live beside this module (``de``: German).
"""

from __future__ import annotations

LANGUAGES = ("en",)
"""The languages the built-in model reads and answers in (ISO 639-1 codes)."""

DEFAULT = "en"


def detect(text: str) -> str:
    """The language of one user message: a code from :data:`LANGUAGES`; :data:`DEFAULT` when
    the text gives no clear sign of another (short or mixed messages stay English)."""
    return DEFAULT
