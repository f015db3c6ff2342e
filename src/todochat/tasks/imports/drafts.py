"""The neutral shape every import format is read into (a :class:`TaskDraft` per task), and the
checks every file passes before any format reads it (size, binary content, UTF-8)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from todochat.errors import ImportFileError

ImportFormat = Literal["todoist", "todotxt", "ics", "taskwarrior", "csv"]
FORMATS: tuple[str, ...] = get_args(ImportFormat)
"""The import formats: Todoist CSV, todo.txt, iCalendar VTODO, Taskwarrior JSON, our own CSV."""

IMPORT_MAX_BYTES = 5 * 1024 * 1024
"""Default of ``TODOCHAT_IMPORT_MAX_BYTES``: the largest import file (5 MiB, ~40,000 tasks of CSV)."""
IMPORT_MAX_TASKS = 10_000
"""The most tasks one import adds (the default task quota: a larger file could never fit)."""


@dataclass
class TaskDraft:
    """One task as a file describes it, before the task rules (tasks/rules.py) check it.

    Attributes:
        line: where it is in the file: the line (CSV, todo.txt, JSON lines) or record number
            (iCalendar VTODO, JSON array element), counted from 1; ``where`` says which.
        where: ``line`` or ``record`` (how :attr:`line` counts).
        title, description: text as given (cleaned later).
        completed: done in the source; ``completed_at`` an aware instant when the source says.
        priority: ``none|low|medium|high`` (each format maps its own scale).
        tags: tag words as given (without ``#``).
        due: ISO text ``YYYY-MM-DD`` (a day), ``YYYY-MM-DDTHH:MM`` (local wall time) or an
            instant with its offset, or None; ``tasks/dates.parse_due`` reads it.
        recurrence: an RFC 5545 RRULE value (no ``RRULE:`` prefix) or None.
        list_name: the list (project) the source puts the task in, or None (the user's default).
        ref: the task's own id in the source (a number, UID, uuid) that other drafts' ``parent``
            names, or None.
        parent: the ``ref`` of the parent task in the source, or None.
        midnight_is_day: a ``due`` instant at 00:00 in the user's zone means that whole day
            (Taskwarrior stores ``due:2026-12-10`` as local midnight).
    """

    line: int
    title: str
    where: Literal["line", "record"] = "line"
    description: str = ""
    completed: bool = False
    completed_at: datetime | None = None
    priority: str = "none"
    tags: list[str] = field(default_factory=list)
    due: str | None = None
    recurrence: str | None = None
    list_name: str | None = None
    ref: str | None = None
    parent: str | None = None
    midnight_is_day: bool = False

    @property
    def place(self) -> str:
        """``line 5`` / ``record 3``: where to look in the file."""
        return f"{self.where} {self.line}"


@dataclass
class ParsedFile:
    """What a format reader found: the drafts in file order, and warnings about what it left out
    or read approximately (each names its line or record)."""

    format: str
    drafts: list[TaskDraft]
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, *, name: str = "file", max_bytes: int = IMPORT_MAX_BYTES) -> str:
    """The text of an import file: UTF-8 (a byte-order mark is dropped), CRLF line ends as LF.

    Raises:
        ImportFileError: the file is empty, larger than ``max_bytes`` (``status`` 413), holds a
            NUL byte (a binary file, e.g. a spreadsheet saved as .xlsx and renamed .csv), or is
            not UTF-8 (the line and byte of the first bad byte are named).
    """
    if max_bytes and len(data) > max_bytes:
        raise ImportFileError(
            f"{name} is {len(data):,} bytes; an import file is at most {max_bytes:,} bytes.", too_large=True
        )
    if not data.strip():
        raise ImportFileError(f"{name} is empty: there is nothing to import.")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ImportFileError(
            f"{name} is a binary file, not text (a NUL byte on line {line}): "
            "export it as CSV, todo.txt, iCalendar or JSON text.",
            line=line,
        )
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"{name} is not UTF-8 text (byte {exc.start + 1}, line {line}): save it as UTF-8.", line=line
        ) from exc


_FORMULA = re.compile(r"^(?:[=@\t\r]|[+\-](?=\S)(?![\d.,]+$))")
"""A spreadsheet formula's start (OWASP "CSV Injection"): ``=``, ``@``, tab, carriage return, or
``+``/``-`` before something other than a plain number."""


def literal_cell(text: str, *, line: int, column: str) -> str:
    """A CSV cell as text, never as a formula: a cell our exporters protected with a leading
    ``'`` (``'=2+2``) gives the text after the quote; a cell that would run as a spreadsheet
    formula (``=HYPERLINK(…)``, ``@SUM(…)``, ``-cmd|…``) is refused.

    Raises:
        ImportFileError: a formula cell (its line and column are named; nothing is imported).
    """
    if text.startswith("'") and _FORMULA.match(text[1:]):
        return text[1:]
    if _FORMULA.match(text):
        raise ImportFileError(
            f"Line {line}, column {column}: {_short(text)!r} is a spreadsheet formula, which is not "
            "imported (CSV injection). Put a ' before it to import it as text.",
            line=line,
            column=column,
        )
    return text


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


SPLIT_TAGS = re.compile(r"[\s,;]+")
"""Tags in one cell: separated by spaces, commas or semicolons (our two exporters use ' ' and '; ')."""


def split_tags(text: str) -> list[str]:
    """The tag words of a cell (``#home; work`` → ``["home", "work"]``)."""
    return [t.lstrip("#") for t in SPLIT_TAGS.split(text) if t.strip().lstrip("#")]
