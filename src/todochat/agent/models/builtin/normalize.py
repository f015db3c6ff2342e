"""Normalising a user's message: quotes, emoji, white space and politeness, keeping the case."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-"})

# Politeness and filler around a request: removed before parsing ("could you please add ..." → "add ...").
_LEADING = re.compile(
    r"^(?:(?:ok(?:ay)?|so|well|um+|uh+|hm+|hey|hi|hello|yo|oh|oops|please|pls|plz|kindly|now|and|also|then|"
    r"alright|right|great|cool|actually|btw|thanks|thank you|thx|perfect|nice|awesome|wait|hold on|hmm+|no wait|oh wait|sorry|"
    r"(?:hey |hi )?(?:todochat|assistant|bot)|"
    r"(?:could|can|would|will) (?:you|u|ya)(?: (?:please|pls|plz|kindly|just|also|quickly))*|"
    r"would you mind|do you mind|i'?d like (?:you )?to|i would like (?:you )?to|i want you to|"
    r"i need you to|go ahead and|just|quickly|let'?s|help me)\b[\s,:!.-]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|thanks|thank you|thx|ty|for me|thanks a lot|cheers|if you can|if possible|asap please|actually|after all|i guess|i think|i suppose)\b)+[\s.!?]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Utterance:
    """A cleaned message.

    Attributes:
        raw: the message as typed.
        text: cleaned text, original case (titles keep the user's capitals).
        question: the message asked something (ended with "?").
    """

    raw: str
    text: str
    question: bool

    @property
    def lower(self) -> str:
        """The cleaned text in lower case."""
        return self.text.lower()


def strip_symbols(text: str) -> str:
    """Drop emoji and pictographs (Unicode categories So, Cs, Co and variation selectors) and
    control (Cc) and format (Cf, zero-width) characters."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("So", "Cs", "Co", "Cc") or ch in ("\ufe0f", "\u200d", "\ufe0e"):
            out.append(" ")  # control characters too: never in a title (and \x01 masks quotes)
        elif cat == "Cf":  # zero-width and format characters
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean(text: str) -> str:
    """Unify quotes and dashes, drop emoji, collapse white space (no politeness removal)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    text = strip_symbols(text)
    return re.sub(r"\s+", " ", text).strip()


def strip_politeness(text: str) -> str:
    """Remove leading fillers ("could you please", "hey,") and trailing ones ("please", "thanks")."""
    previous = None
    while previous != text:
        previous = text
        stripped = _LEADING.sub("", text, count=1)
        if stripped.strip():
            text = stripped
        stripped = _TRAILING.sub("", text)
        if stripped.strip():
            text = stripped
        text = text.strip()
    return text


def normalize(message: str) -> Utterance:
    """Clean ``message`` for parsing.

    Returns:
        An :class:`Utterance` whose ``text`` has no emoji, unified quotes, single spaces, no
        politeness, and no trailing ``.``/``!``/``?`` (``question`` remembers a ``?``).
    """
    text = clean(message)
    question = text.rstrip().endswith("?")
    text = re.sub(r"[\s.!?;,]+$", "", text)
    text = strip_politeness(text)
    text = re.sub(r"[\s.!?;,]+$", "", text)
    return Utterance(raw=message, text=text, question=question)
