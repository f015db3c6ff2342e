"""CSV import (RFC 4180): Todoist's project CSV and todochat's own task CSV. Every cell is text;
a cell that would run as a spreadsheet formula is refused (:func:`drafts.literal_cell`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime

from dateutil import parser as dateparser

from todochat.errors import ImportFileError
from todochat.tasks.export import COLUMNS
from todochat.tasks.imports import recur
from todochat.tasks.imports.drafts import ParsedFile, TaskDraft, literal_cell, split_tags

csv.field_size_limit(1_000_000)

TODOIST_COLUMNS = ("TYPE", "CONTENT")
"""The header cells that make a CSV a Todoist one (template: TYPE, CONTENT, DESCRIPTION, PRIORITY,
INDENT, AUTHOR, RESPONSIBLE, DATE, DATE_LANG, TIMEZONE, DURATION, DURATION_UNIT, DEADLINE)."""
OUR_COLUMNS = tuple(column.name for column in COLUMNS)
"""todochat's CSV columns, as the exporter writes them (tasks/export.py); ``title`` is the only one required."""
TODOIST_PRIORITY = {"1": "high", "2": "medium", "3": "low", "4": "none", "": "none"}
"""Todoist CSV PRIORITY: 1 = p1 (highest) … 4 = p4 (Todoist help, "Format a CSV file to import into
Todoist"). An empty cell is read as no priority (Todoist itself would set p1)."""
_TRUE = {"true", "yes", "1", "x", "done", "completed", "y"}
_FALSE = {"false", "no", "0", "", "open", "pending", "n"}
_LABEL = re.compile(r"(?:^|\s)@([^\s@]+)")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2})?$")


def rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(first line, cells)`` of each CSV record (a quoted cell may span lines).

    Raises:
        ImportFileError: malformed CSV (an unclosed quote), naming the line.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"Line {start}: the CSV is malformed ({exc}).", line=start) from exc


def is_todoist(header: list[str]) -> bool:
    """True when a CSV header is Todoist's (TYPE and CONTENT columns)."""
    names = {h.strip().upper() for h in header}
    return all(c in names for c in TODOIST_COLUMNS)


def _header(text: str, fmt: str) -> tuple[Iterator[tuple[int, list[str]]], dict[str, int]]:
    it = rows(text)
    for _line, cells in it:
        if any(c.strip() for c in cells):
            key = str.upper if fmt == "todoist" else str.lower
            return it, {key(c.strip().lstrip("\ufeff")): i for i, c in enumerate(cells)}
    raise ImportFileError("The CSV has no header row.", line=1)


def _cell(cells: list[str], columns: dict[str, int], name: str, line: int) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return literal_cell(cells[index], line=line, column=name).strip()


def read_todoist(text: str) -> ParsedFile:
    """Todoist's CSV export/template: ``task`` rows become drafts, ``note`` rows are appended to the
    task above's description, ``section`` rows name the list of the tasks under them, ``meta`` rows
    are ignored. ``@label`` words of CONTENT become tags; INDENT gives the parent (the nearest task
    above with one less indent); DATE is an ISO day/time, an explicit date with a year, or a repeat
    phrase (``every monday``); other dates are left out with a warning.

    Raises:
        ImportFileError: no header, a row of an unknown TYPE, a bad PRIORITY or INDENT, a formula cell.
    """
    it, columns = _header(text, "todoist")
    if not is_todoist(list(columns)):
        raise ImportFileError("Line 1: a Todoist CSV starts with the columns TYPE and CONTENT.", line=1)
    out = ParsedFile("todoist", [])
    section: str | None = None
    stack: list[TaskDraft] = []  # the latest task at each indent level
    for line, cells in it:
        if not any(c.strip() for c in cells):
            continue
        kind = _cell(cells, columns, "TYPE", line).lower()
        content = _cell(cells, columns, "CONTENT", line)
        if kind == "meta":
            continue
        if kind == "section":
            section = content or None
            stack = []
            continue
        if kind == "note":
            if not stack:
                out.warnings.append(f"Line {line}: a note with no task above it was left out.")
            elif content:
                task = stack[-1]
                task.description = f"{task.description}\n\n{content}".strip()
            continue
        if kind != "task":
            raise ImportFileError(f"Line {line}: TYPE {kind!r} is not task, section, note or meta.", line=line)
        priority = _cell(cells, columns, "PRIORITY", line)
        if priority not in TODOIST_PRIORITY:
            raise ImportFileError(f"Line {line}: PRIORITY {priority!r} is not 1, 2, 3 or 4.", line=line)
        indent_text = _cell(cells, columns, "INDENT", line) or "1"
        if not indent_text.isdigit() or not 1 <= int(indent_text) <= 5:
            raise ImportFileError(f"Line {line}: INDENT {indent_text!r} is not 1 to 5.", line=line)
        indent = int(indent_text)
        if indent > len(stack) + 1:
            raise ImportFileError(f"Line {line}: INDENT {indent} has no task of indent {indent - 1} above it.", line=line)
        tags = _LABEL.findall(content)
        title = _LABEL.sub(" ", content).strip() if tags else content
        draft = TaskDraft(
            line=line,
            title=title,
            description=_cell(cells, columns, "DESCRIPTION", line),
            priority=TODOIST_PRIORITY[priority],
            tags=tags,
            list_name=section,
            ref=f"line {line}",
            parent=stack[indent - 2].ref if indent > 1 else None,
        )
        _todoist_date(draft, _cell(cells, columns, "DATE", line), out)
        stack = [*stack[: indent - 1], draft]
        out.drafts.append(draft)
    return out


def _todoist_date(draft: TaskDraft, text: str, out: ParsedFile) -> None:
    if not text:
        return
    rule = recur.from_every(text)
    if rule is not None:
        draft.recurrence = rule
        return
    due = iso_due(text)
    if due is None and re.search(r"\b\d{4}\b", text):
        try:
            parsed = dateparser.parse(text)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is not None:
            timed = parsed.hour or parsed.minute or re.search(r"\d:\d\d|\d\s*[ap]\.?m\b", text, re.I)
            due = parsed.strftime("%Y-%m-%dT%H:%M") if timed else parsed.date().isoformat()
    if due is None:
        out.warnings.append(f"Line {draft.line}: DATE {text[:40]!r} was not understood; the task is imported without a due date.")
    draft.due = due


def iso_due(text: str) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD[T ]HH:MM[:SS]`` (local) as the service's due text, else None."""
    value = text.strip()
    if _ISO_DAY.match(value):
        return value
    found = _ISO_TIME.match(value)
    if found:
        return f"{found.group(1)}T{found.group(2)}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.isoformat() if parsed.tzinfo else parsed.strftime("%Y-%m-%dT%H:%M")


def read_ours(text: str) -> ParsedFile:
    """todochat's CSV (:data:`OUR_COLUMNS`, as ``GET /api/v1/export?format=csv`` and the chat
    clients write it): ``completed`` true/false, ``tags`` separated by spaces, commas or
    semicolons, ``due`` ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (the user's zone), ``recurrence`` an
    RRULE, ``list`` a list name, ``parent`` the ``number`` of another row. Unknown columns are
    left out with a warning.

    Raises:
        ImportFileError: no ``title`` column, a bad ``completed`` or ``due_all_day`` value, a
            formula cell (each naming its line).
    """
    it, columns = _header(text, "csv")
    if "title" not in columns:
        if is_todoist(list(columns)):
            raise ImportFileError("Line 1: this is a Todoist CSV; import it with format todoist.", line=1)
        raise ImportFileError("Line 1: the CSV has no 'title' column (columns: " + ", ".join(OUR_COLUMNS) + ").", line=1)
    out = ParsedFile("csv", [])
    unknown = [c for c in columns if c and c not in OUR_COLUMNS]
    if unknown:
        out.warnings.append(f"Line 1: the column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} {'are' if len(unknown) > 1 else 'is'} not imported.")
    for line, cells in it:
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, line: int = line, cells: list[str] = cells) -> str:
            return _cell(cells, columns, name, line)

        done = cell("completed").lower()
        if done not in _TRUE and done not in _FALSE:
            raise ImportFileError(f"Line {line}: completed {done[:20]!r} is not true or false.", line=line)
        due = cell("due")
        due_text = iso_due(due) if due else None
        if due and due_text is None:
            raise ImportFileError(f"Line {line}: due {due[:40]!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM.", line=line)
        all_day = cell("due_all_day").lower()
        if all_day not in _TRUE and all_day not in _FALSE:
            raise ImportFileError(f"Line {line}: due_all_day {all_day[:20]!r} is not true or false.", line=line)
        number = cell("number")
        out.drafts.append(
            TaskDraft(
                line=line,
                title=cell("title"),
                description=cell("description"),
                completed=done in _TRUE,
                priority=cell("priority").lower() or "none",
                tags=split_tags(cell("tags")),
                due=due_text,
                recurrence=cell("recurrence") or None,
                list_name=cell("list") or None,
                ref=number or None,
                parent=cell("parent") or None,
            )
        )
    return out
