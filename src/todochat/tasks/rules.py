"""Field rules of a task: title, description, priority and tags are cleaned or refused here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from todochat.errors import ValidationError
from todochat.tasks.models import (
    DESCRIPTION_MAX,
    DUE_YEAR_MAX,
    DUE_YEAR_MIN,
    NUMBER_MAX,
    TAG_MAX,
    TAGS_PER_TASK_MAX,
    TITLE_MAX,
    Priority,
)

_TAG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
"""Control characters (C0 but tab/newline/return, DEL, C1), line/paragraph separators and
non-characters: never stored (NUL cannot be stored on PostgreSQL at all)."""
PRIORITY_ALIASES = {"urgent": "high", "important": "high", "p1": "high", "p2": "medium", "p3": "low", "p4": "none"}


def nfc(text: str) -> str:
    """``text`` in Unicode Normalization Form C (UAX #15): "Café" typed with a combining accent
    (NFD, as some keyboards and macOS file names give it) is stored and searched as the composed
    "Café", so one spelling never misses the other."""
    return unicodedata.normalize("NFC", text)


def check_text(text: str, field: str) -> str:
    """``text`` unchanged if it has no control character (tab, newline and return are fine).

    Every stored text of every front goes through this: task fields here, messages and thread
    titles at the ChatKit boundary.

    Raises:
        ValidationError: a control character or NUL (named ``field``).
    """
    found = _CONTROL.search(text)
    if found:
        raise ValidationError(
            f"The {field} contains a control character (U+{ord(found.group()):04X}); remove it.", field=field
        )
    return text


def check_number(number: int, field: str = "number") -> int:
    """A task number people or clients give: 1..:data:`NUMBER_MAX` (the column's range), checked
    before it reaches SQL (a larger one made SQLite raise OverflowError and PostgreSQL DataError).

    Raises:
        ValidationError: not an integer in range (named ``field``).
    """
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= NUMBER_MAX:
        raise ValidationError(f"Task numbers are whole numbers from 1 to {NUMBER_MAX}.", field=field)
    return number


def check_reference(ref: str, field: str = "task") -> str:
    """Words that name a task ("the dentist one", "#3"): text of at most ``2 × TITLE_MAX``
    characters without control characters.

    Raises:
        ValidationError: too long or a control character (named ``field``).
    """
    if len(ref) > 2 * TITLE_MAX:
        raise ValidationError(f"The {field} is at most {2 * TITLE_MAX} characters.", field=field)
    return nfc(check_text(ref, field))


def clean_title(title: str) -> str:
    """Trim and collapse white space; NFC (:func:`nfc`).

    Raises:
        ValidationError: empty, a control character, or longer than 200 characters (field ``title``).
    """
    text = " ".join(nfc(check_text(title or "", "title")).split())
    if not text:
        raise ValidationError("A task needs a title.", field="title")
    if len(text) > TITLE_MAX:
        raise ValidationError(
            f"The title is {len(text)} characters long; the limit is {TITLE_MAX}.", field="title"
        )
    return text


def clean_description(description: str | None) -> str:
    """Trim a description; NFC (:func:`nfc`).

    Raises:
        ValidationError: a control character, or longer than 1000 characters (field ``description``).
    """
    text = nfc(check_text(description or "", "description")).strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            f"The description is {len(text)} characters long; the limit is {DESCRIPTION_MAX}.",
            field="description",
        )
    return text


def with_note(description: str | None, note: str) -> str:
    """A task's description after "add a note … : <note>": the note on a new line after what the
    description already says (nothing is lost), or the note alone; a note the description already
    ends with is not repeated.

    Raises:
        ValidationError: an empty note, or a result the description rule refuses
            (:func:`clean_description`: control characters, over 1000 characters).
    """
    added = clean_description(note)
    if not added:
        raise ValidationError("The note is empty.", field="description")
    old = (description or "").strip()
    if old.endswith(added):
        return old
    return clean_description(f"{old}\n{added}" if old else added)


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
        ValidationError: a tag with spaces or symbols, or longer than 40 characters, or more than
            :data:`TAGS_PER_TASK_MAX` tags (field ``tags``).
    """
    result: set[str] = set()
    if len(tags or []) > 10 * TAGS_PER_TASK_MAX:  # refuse before cleaning 50,000 of them
        raise ValidationError(f"A task has at most {TAGS_PER_TASK_MAX} tags.", field="tags")
    for raw in tags or []:
        if not isinstance(raw, str) or len(raw) > 2 * TAG_MAX:
            raise ValidationError(f"Invalid tag: a tag is at most {TAG_MAX} characters.", field="tags")
        tag = nfc(raw).strip().lstrip("#").lower()
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _TAG.match(tag):
            raise ValidationError(
                f"Invalid tag {raw!r}: a tag is one word of letters, digits, '-' or '_'.", field="tags"
            )
        result.add(tag)
    if len(result) > TAGS_PER_TASK_MAX:
        raise ValidationError(f"A task has at most {TAGS_PER_TASK_MAX} tags; this gives {len(result)}.", field="tags")
    return sorted(result)


def check_tag_count(tags: Sequence[str]) -> None:
    """A task's tags after a change (e.g. ``add_tags``) are at most :data:`TAGS_PER_TASK_MAX`.

    Raises:
        ValidationError: more (field ``tags``).
    """
    if len(tags) > TAGS_PER_TASK_MAX:
        raise ValidationError(f"A task has at most {TAGS_PER_TASK_MAX} tags; this gives {len(tags)}.", field="tags")


def parse_day(value: str, field: str) -> date:
    """A ``YYYY-MM-DD`` day in the due range (years :data:`DUE_YEAR_MIN`..:data:`DUE_YEAR_MAX`).

    Raises:
        ValidationError: anything else (named ``field``).
    """
    text = value.strip()
    try:
        day = date.fromisoformat(text) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(f"{text[:40]!r} is not a day (YYYY-MM-DD).", field=field)
    if not DUE_YEAR_MIN <= day.year <= DUE_YEAR_MAX:
        raise ValidationError(
            f"{value!r} is not a day (YYYY-MM-DD) between the years {DUE_YEAR_MIN} and {DUE_YEAR_MAX}.", field=field
        )
    return day
