"""Finding the task a person means by words ("the dentist one", "call mom", typos included).

The rule: a title matches words when every meaningful word of the reference matches a title
word (exactly, by a shared stem such as buy/buying — the stems of :mod:`todochat.tasks.search`,
so both rules stem alike — or with one or two typos via rapidfuzz).
A unique full match wins; several full matches are ambiguous unless exactly one title equals
the reference; failing that, the unique best partial match of at least half the words wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from todochat.tasks import search

STOP_WORDS = frozenset(
    ["a", "an", "the", "my", "our", "your", "this", "that", "one", "ones", "task", "tasks", "todo", "todos", "item", "items", "thing", "to", "of", "for", "about", "with", "on", "in", "at", "and", "please"]
)


class Titled(Protocol):
    """Anything with a title."""

    title: str


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (:func:`search.tokens`) without stop words."""
    return [w for w in search.tokens(text) if w not in STOP_WORDS]


def word_matches(ref: str, title_word: str) -> bool:
    """True when a reference word means a title word (same, same stem, or a small typo)."""
    if ref == title_word or search.stem(ref) == search.stem(title_word):
        return True
    if len(ref) >= 4 and len(title_word) >= 4:
        if title_word.startswith(ref) or ref.startswith(title_word):
            return min(len(ref), len(title_word)) >= 4
        return fuzz.ratio(ref, title_word, score_cutoff=80) >= 80
    return False


def score(reference: str, title: str) -> float:
    """Share (0..1) of the reference's words found in ``title``."""
    return _Scorer(reference).score(title)


class _Scorer:
    """:func:`score` against one reference for many titles: the reference's words are read once,
    and each distinct title word is compared with them once (a user's titles share most words)."""

    def __init__(self, reference: str) -> None:
        self.ref_words = words(reference)
        self.seen: dict[str, frozenset[int]] = {}  # title word -> the reference words (indices) it matches

    def _hits(self, title_word: str) -> frozenset[int]:
        hits = self.seen.get(title_word)
        if hits is None:
            hits = frozenset(i for i, r in enumerate(self.ref_words) if word_matches(r, title_word))
            self.seen[title_word] = hits
        return hits

    def score(self, title: str) -> float:
        if not self.ref_words:
            return 0.0
        found: set[int] = set()
        for word in words(title):
            found |= self._hits(word)
        return len(found) / len(self.ref_words)


@dataclass
class Match:
    """The outcome of matching: one task, several candidates, or none."""

    best: list[Titled]
    full: bool


def match(reference: str, tasks: Sequence[Titled]) -> Match:
    """Rank ``tasks`` against ``reference``.

    Returns:
        ``Match(best=[t], full=True)`` for a clear winner; ``best`` with several tasks when
        they tie (ambiguous); ``best=[]`` when nothing matches well enough.
    """
    scorer = _Scorer(reference)
    scored = [(scorer.score(t.title), t) for t in tasks]
    top = max((s for s, _ in scored), default=0.0)
    if top >= 1.0:
        full = [t for s, t in scored if s >= 1.0]
        if len(full) > 1:
            norm = " ".join(words(reference))
            exact = [t for t in full if " ".join(words(t.title)) == norm]
            if len(exact) == 1:
                return Match([exact[0]], True)
        return Match(full, True)
    if top >= 0.5:
        return Match([t for s, t in scored if s == top], False)
    return Match([], False)
