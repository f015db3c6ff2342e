"""The one search rule over tasks, for chat, REST and MCP alike.

The rule: a query is a list of words (case ignored, a few filler words such as "the" or "about"
dropped). A task matches when **every** query word equals, as a whole word after stemming, a word of
its title, its description or one of its tags. Stemming is the Snowball English (Porter2) stemmer
(https://snowballstem.org/algorithms/english/stemmer.html), so "groceries" finds "Buy grocery" and
a task tagged #groceries, "buying" finds "buy milk", and "car" does not find "birthday card".

In SQL the rule is approximated from above (a ``LIKE`` on a prefix every matching word contains,
see :func:`prefix`), and :func:`matches` makes it exact in Python before any paging, so a page
of results never holds a task the rule rejects and never skips one it accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import and_, exists, func, or_

from todochat.tasks.models import Task, TaskTag

FILLER_WORDS = frozenset(
    ["a", "an", "the", "my", "our", "your", "of", "for", "to", "and", "or", "about", "with", "on", "in", "at"]
)
"""Words a query may contain that say nothing about the task ("tasks about the groceries")."""

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_STEMMER = snowballstemmer.stemmer("english")  # PyStemmer's C build when installed (a dependency)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text``, Unicode NFC (a query typed "café" with a combining
    accent finds "Café"): letters and digits of any script, with an inner apostrophe kept
    ("mom's"); punctuation, ``_``, ``#`` and ``-`` separate words."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower().replace("’", "'"))


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """The Snowball English stem of one lower-case word ("groceries" → "groceri",
    "grocery" → "groceri", "cards" → "card", "car" → "car")."""
    return str(_STEMMER.stemWord(word))


def terms(query: str | None) -> list[str]:
    """The stems a query must all match (filler words dropped, duplicates once, in order).
    An empty list means the query narrows nothing."""
    out: list[str] = []
    for word in tokens(query or ""):
        if word not in FILLER_WORDS and stem(word) not in out:
            out.append(stem(word))
    return out


def task_stems(title: str, description: str | None, tags: Iterable[str]) -> set[str]:
    """The stems of every word of a task's title, description and tags."""
    text = " ".join([title, description or "", *tags])
    return {stem(w) for w in tokens(text)}


def matches(query_terms: list[str], title: str, description: str | None, tags: Iterable[str]) -> bool:
    """True when every stem of ``query_terms`` (from :func:`terms`) is a stem of the task's words."""
    have = task_stems(title, description, tags)
    return all(t in have for t in query_terms)


def prefix(term: str) -> str:
    """A string every word whose stem is ``term`` contains (the SQL prefilter's ``LIKE`` part).

    Porter2 rewrites at most the last letter of a stem of four or more letters relative to the
    word (y → i, an added e, "-biliti" → "-bl") and the last two of a short one ("dying" → "die",
    "skies" → "sky"), so dropping those is enough; only the leading
    ASCII part is kept because SQLite's ``lower()`` folds ASCII only. Checked over generated words
    in tests/tasks/test_search.py. May be "" (then the word does not narrow the SQL query).
    """
    if len(term) >= 4:
        keep = term[:-1]
    elif term.endswith("ie"):
        keep = term[:-2]
    elif term.endswith(("e", "i", "y")):
        keep = term[:-1]
    else:
        keep = term
    ascii_part = re.match(r"[a-z0-9']*", keep)
    return ascii_part.group(0) if ascii_part else ""


def prefilter(user_id: str, query_terms: list[str]) -> Any:
    """SQL condition: for each term, some word of the title, description or a tag contains its
    :func:`prefix`. A superset of :func:`matches`; ``None`` when no term narrows."""
    conditions = []
    for term in query_terms:
        pre = prefix(term)
        if not pre:
            continue
        like = f"%{pre}%"
        conditions.append(
            or_(
                func.lower(Task.title).like(like),
                func.lower(func.coalesce(Task.description, "")).like(like),
                exists().where(TaskTag.task_id == Task.id, TaskTag.user_id == user_id, TaskTag.tag.like(like)),
            )
        )
    return and_(*conditions) if conditions else None
