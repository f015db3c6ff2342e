"""Reading other apps' task files: each format into :class:`TaskDraft` s (``read``), which the
import service (tasks/importing.py) checks against the task rules and adds in one change."""

from __future__ import annotations

from pathlib import PurePath

from todochat.errors import ImportFileError, ValidationError
from todochat.tasks.imports import csvfiles, icalendar_todos, taskwarrior, todotxt
from todochat.tasks.imports.drafts import (
    FORMATS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_TASKS,
    ImportFormat,
    ParsedFile,
    TaskDraft,
    decode,
)

READERS = {
    "todoist": csvfiles.read_todoist,
    "csv": csvfiles.read_ours,
    "todotxt": todotxt.read,
    "ics": icalendar_todos.read,
    "taskwarrior": taskwarrior.read,
}
"""Format name → reader (text → :class:`ParsedFile`)."""
MIME_TYPES = {
    "text/csv": "csv", "application/csv": "csv", "text/plain": "todotxt", "text/calendar": "ics",
    "application/json": "taskwarrior", "application/vnd.ms-excel": "csv",
}
"""Content types of importable files (a chat attachment's ``mime_type``) → the format they suggest."""


def detect(text: str, name: str | None = None) -> str:
    """The format of a file from its content and name: ``BEGIN:VCALENDAR`` → ics, a JSON array or
    object → taskwarrior, a CSV header with TYPE and CONTENT → todoist, with ``title`` → csv, else
    a ``.txt`` file or plain lines → todotxt.

    Raises:
        ImportFileError: a ``.csv`` file whose header is neither format's.
    """
    head = text.lstrip()[:200]
    suffix = PurePath(name).suffix.lower() if name else ""
    if head.upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if head.startswith(("[", "{")):
        return "taskwarrior"
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = next(csvfiles.rows(first), (1, []))[1]
    if csvfiles.is_todoist(header):
        return "todoist"
    if "title" in {h.strip().lower() for h in header}:
        return "csv"
    if suffix == ".csv":
        raise ImportFileError(
            "Line 1: the CSV header is neither todochat's (number,title,…) nor Todoist's (TYPE,CONTENT,…).", line=1
        )
    return "todotxt"


def read(data: bytes, fmt: str | None = None, *, name: str = "file", max_bytes: int = IMPORT_MAX_BYTES) -> ParsedFile:
    """Read an import file.

    Args:
        data: the file's bytes.
        fmt: one of :data:`FORMATS`, or None to :func:`detect` it.
        name: the file's name (messages, format detection).
        max_bytes: the size limit (``TODOCHAT_IMPORT_MAX_BYTES``); 0: none.

    Returns:
        The drafts in file order and the reader's warnings.

    Raises:
        ValidationError: an unknown format (field ``format``).
        ImportFileError: too large (413), binary, not UTF-8,
            malformed for its format, more than :data:`IMPORT_MAX_TASKS` tasks — each naming the
            line or record when there is one.
    """
    if fmt is not None and fmt not in READERS:
        raise ValidationError(f"Unknown import format {fmt[:40]!r}: use one of {', '.join(FORMATS)}.", field="format")
    text = decode(data, name=name, max_bytes=max_bytes)
    chosen = fmt or detect(text, name)
    parsed = READERS[chosen](text)
    if len(parsed.drafts) > IMPORT_MAX_TASKS:
        raise ImportFileError(
            f"{name} has {len(parsed.drafts):,} tasks; one import adds at most {IMPORT_MAX_TASKS:,}."
        )
    if not parsed.drafts:
        raise ImportFileError(f"{name} has no tasks to import.")
    return parsed


__all__ = [
    "FORMATS",
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_TASKS",
    "MIME_TYPES",
    "ImportFileError",
    "ImportFormat",
    "ParsedFile",
    "TaskDraft",
    "decode",
    "detect",
    "read",
]
