"""todo.txt import (the format of todotxt.org, "todo.txt format" rules): one task per line."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from todochat.errors import ImportFileError
from todochat.tasks.imports import recur
from todochat.tasks.imports.drafts import ParsedFile, TaskDraft

_DONE = re.compile(r"^x (?:(\d{4}-\d{2}-\d{2}) )?(?:(\d{4}-\d{2}-\d{2}) )?")
_PRIORITY = re.compile(r"^\(([A-Z])\) ")
_CREATED = re.compile(r"^(\d{4}-\d{2}-\d{2}) ")
_TOKEN = re.compile(r"^(?:\+(?P<project>\S+)|@(?P<context>\S+)|(?P<key>[A-Za-z][\w-]*):(?P<value>[^\s:]\S*))$")
PRIORITIES = {"A": "high", "B": "medium"}
"""``(A)`` is high, ``(B)`` medium, ``(C)``–``(Z)`` low (todo.txt has 26 levels; todochat 3)."""


def _day(text: str, line: int, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ImportFileError(f"Line {line}: the {what} {text!r} is not a real day.", line=line) from exc


def read(text: str) -> ParsedFile:
    """Each non-blank line is a task: ``x`` [completion date] [creation date] marks it done,
    ``(A)`` gives the priority (also ``pri:A`` on a done task), ``+project`` the list (the first
    one; further projects become tags), ``@context`` tags, ``due:YYYY-MM-DD`` the due day,
    ``rec:1w`` / ``rec:+2d`` the repeat; other ``key:value`` extensions (``t:``, ``id:``…) are
    kept in the title only if they are not recognised (``id:``/``p:`` name a parent, as todo.txt
    tools that do subtasks write them). The title is the text without those words.

    Raises:
        ImportFileError: a ``due:`` or date that is no real day, or a line that is only tokens
            (no title), naming the line.
    """
    out = ParsedFile("todotxt", [])
    for line, raw in enumerate(text.splitlines(), start=1):
        rest = raw.strip()
        if not rest:
            continue
        draft = TaskDraft(line=line, title="")
        done = _DONE.match(rest)
        if done:
            draft.completed = True
            if done.group(1):
                finished = _day(done.group(1), line, "completion date")
                draft.completed_at = datetime.combine(finished, time(12, 0), tzinfo=UTC)
            rest = rest[done.end():]
        found = _PRIORITY.match(rest)
        if found:
            draft.priority = PRIORITIES.get(found.group(1), "low")
            rest = rest[found.end():]
        created = _CREATED.match(rest)
        if created:
            _day(created.group(1), line, "creation date")
            rest = rest[created.end():]
        words: list[str] = []
        for word in rest.split():
            token = _TOKEN.match(word)
            if token is None:
                words.append(word)
            elif token["project"]:
                if draft.list_name is None:
                    draft.list_name = token["project"]
                else:
                    draft.tags.append(token["project"])
            elif token["context"]:
                draft.tags.append(token["context"])
            else:
                _extension(draft, token["key"].lower(), token["value"], word, words, out)
        draft.title = " ".join(words)
        if not draft.title:
            raise ImportFileError(f"Line {line}: the task has no title, only tags and extensions.", line=line)
        out.drafts.append(draft)
    return out


def _extension(draft: TaskDraft, key: str, value: str, word: str, words: list[str], out: ParsedFile) -> None:
    line = draft.line
    if key == "due":
        draft.due = _day(value, line, "due date").isoformat()
    elif key == "rec":
        rule = recur.from_amount(value)
        if rule is None:
            out.warnings.append(f"Line {line}: rec:{value[:20]} was not understood; the task is imported without a repeat.")
        draft.recurrence = rule
    elif key == "pri" and len(value) == 1 and value.isalpha():
        draft.priority = PRIORITIES.get(value.upper(), "low")
    elif key == "id":
        draft.ref = value
    elif key in ("p", "parent"):
        draft.parent = value
    elif key in ("t", "h"):
        pass  # threshold ("not before") and hidden: todochat has no such fields
    else:
        words.append(word)  # e.g. a URL "https://…" or a time "10:30" is part of the title
