"""Field rules of a task: title, description, priority and tags are cleaned or refused here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from todochat.errors import ValidationError
from todochat.tasks.models import DESCRIPTION_MAX, TAG_MAX, TITLE_MAX, Priority

_TAG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
PRIORITY_ALIASES = {"urgent": "high", "important": "high", "p1": "high", "p2": "medium", "p3": "low", "p4": "none"}


def clean_title(title: str) -> str:
    """Trim and collapse white space.

    Raises:
        ValidationError: empty, or longer than 200 characters (field ``title``).
    """
    text = " ".join((title or "").split())
    if not text:
        raise ValidationError("A task needs a title.", field="title")
    if len(text) > TITLE_MAX:
        raise ValidationError(
            f"The title is {len(text)} characters long; the limit is {TITLE_MAX}.", field="title"
        )
    return text


def clean_description(description: str | None) -> str:
    """Trim a description.

    Raises:
        ValidationError: longer than 1000 characters (field ``description``).
    """
    text = (description or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            f"The description is {len(text)} characters long; the limit is {DESCRIPTION_MAX}.",
            field="description",
        )
    return text


def clean_priority(priority: str | None) -> str:
    """``none|low|medium|high`` (aliases urgent/important/p1–p4 accepted).

    Raises:
        ValidationError: any other value (field ``priority``).
    """
    value = (priority or "none").strip().lower()
    value = PRIORITY_ALIASES.get(value, value)
    if value not in Priority.__members__:
        raise ValidationError(
            f"Unknown priority {priority!r}: use none, low, medium or high.", field="priority"
        )
    return value


def clean_tags(tags: Sequence[str] | None) -> list[str]:
    """Lower-case tags without ``#``, de-duplicated and sorted.

    Raises:
        ValidationError: a tag with spaces or symbols, or longer than 40 characters (field ``tags``).
    """
    result: set[str] = set()
    for raw in tags or []:
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _TAG.match(tag):
            raise ValidationError(
                f"Invalid tag {raw!r}: a tag is one word of letters, digits, '-' or '_'.", field="tags"
            )
        result.add(tag)
    return sorted(result)


def parse_day(value: str, field: str) -> date:
    """A ``YYYY-MM-DD`` day.

    Raises:
        ValidationError: anything else (named ``field``).
    """
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a day (YYYY-MM-DD).", field=field) from exc
