"""Rule family "lists" (issue 15): talking about lists (projects) rather than tasks.

Each rule is a way of speaking, not one sentence: creating ("create/make/start/set up a (new)
list called X", "new list: X", "create an X list"), listing them ("what/which lists do I have",
"show my lists"), showing one ("show/what's on/in my X list", "show my inbox"), adding to one
("add/put T to/on/in my X list …", "add to my X list: T"), moving a task ("move T to X",
"move T from X to Y", "put the T task in my X list"), renaming ("rename the X list to Y", "change
the name of the X list to Y") and deleting ("delete/remove/get rid of the X list").

``#work`` stays a tag: only the word "list" (or a move's destination) names a list. A move's
destination that reads as a date, time, priority or state ("move it to friday", "move it to
done") is left to the other rules. "my list", "my todo list" and "my task list" are the whole
list, not a list named "todo". "move T under X" is a subtask move (builtin subtasks rules), never a list.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from todochat.agent.models.builtin.dates import find_when
from todochat.agent.models.builtin.templates import plural, t

IC = re.IGNORECASE
_ANY_DAY = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
GENERIC = re.compile(
    r"^(?:todo|to-?do|to do|task|tasks|todos|to-?dos|whole|entire|full|complete|master|main|own|"
    r"the|my|a|an|this|that|new|other|every|all)$", IC
)
"""Words that are not a list's name ("my todo list" is the whole list)."""
_PHRASE = re.compile(r"\b(?:from|off|of|on|in|to|into|onto|at|for)\s+(?:my|the|our|your)\b|\b(?:everything|anything|all)\b|\s(?:my|the)$", IC)
"""A phrase with a place in it ("the dentist appointment from my [list]") names a task, not a list."""
_STATE_WORDS = re.compile(
    r"\b(?:done|complete[d]?|finished|pending|open|undone|not done|top|bottom|high|low|medium|urgent|"
    r"priority|later|earlier|sooner|back|front|end|start|next|p[1-4]|"
    r"morning|afternoon|evening|night|tonight|noon|midday|midnight|lunch|lunchtime|dinner|breakfast|weekend|"
    r"weekdays?|day|week|month|year)\b", IC
)
_REFERENCE = re.compile(r"^(?:it|that|this|them|those|these|both|(?:the|my) .+|task\s*#?\d+|#\d+|\d+)$", IC)
"""A task phrase that names an existing task (a pronoun, "the … task", a number), not a new one."""

_NAME = r"[\"'“‘]?(?P<name>[^\"'”’]+?)[\"'”’]?"
_LIST = r"(?:list|project)"


def list_name(raw: str) -> str | None:
    """The list name a phrase gives (quotes and "the/my" dropped, original case), or None when
    it names no list (empty, generic like "todo", or too long to be a name)."""
    name = re.sub(r"^(?:the|my|our|a|an)\s+", "", raw.strip(" .,!?:;\"'“”‘’"), flags=IC).strip()
    if not name or GENERIC.match(name) or _PHRASE.search(name) or len(name) > 100 or len(name.split()) > 5:
        return None
    return name


def _mk(kind: str, **fields: Any) -> Any:
    from todochat.agent.models.builtin.intents import Intent  # intents imports this module

    return Intent(kind, **fields)


def _to_place(raw: str) -> str | None:
    """A move's destination as a list name, or None when it reads as a date, time or state."""
    name = list_name(re.sub(r"\s+(?:list|project)$", "", raw.strip(), flags=IC))
    if name is None:
        return None
    explicit = re.search(rf"\b{_LIST}$", raw.strip(), IC)
    if not explicit and (_STATE_WORDS.search(name) or find_when(name, _ANY_DAY).found):
        return None
    return name


def classify_list(t: str) -> Any:
    """The list intent of clause ``t`` (original case), or None.

    Returns an ``Intent``: ``list_create`` (``body`` = name), ``list_lists``, ``list_rename``
    (``target`` = current name, ``body`` = new name), ``list_delete`` (``target`` = name),
    ``list_show`` (``target`` = name), ``add`` (``body`` = the task phrase, ``target`` = list
    name) or ``move`` (``target`` = the task phrase, ``body`` = list name).
    """
    s = t.strip().rstrip("?!. ")
    m = re.fullmatch(
        rf"(?:please )?(?:can you |could you )?(?:create|make|add|start|set up|setup|open|begin)(?: me| up)?"
        rf"(?: (?:a|an|another|one))?(?: new)? {_LIST}(?: (?:called|named|titled|for))?\s*[:\-]?\s*{_NAME}", s, IC
    ) or re.fullmatch(rf"new {_LIST}\s*[:\-]?\s*(?:(?:called|named) )?{_NAME}", s, IC)
    if m and list_name(m["name"]):
        return _mk("list_create", body=list_name(m["name"]))
    m = re.fullmatch(rf"(?:please )?(?:create|make|start|set up|add)(?: me)? (?:a|an|another)(?: new)? {_NAME} {_LIST}", s, IC)
    if m and list_name(m["name"]) and not re.search(r"\b(?:task|todo|to-do|item|reminder)\b", m["name"], IC):
        return _mk("list_create", body=list_name(m["name"]))
    if re.fullmatch(
        r"(?:(?:what|which)(?: are| is|'re)?(?: all)?(?: of)? (?:the |my )?lists?(?: (?:do|have|did) (?:i|we))?(?: (?:have|got|made|created))?(?: got)?"
        r"|(?:show|list|see|view|display|give|tell)(?: me)?(?: all)?(?: of)? (?:my|the) lists"
        r"|(?:what|which) lists (?:have|do) (?:i|we)(?: got| have)?|(?:do i have|have i got) any lists)", s, IC
    ):
        return _mk("list_lists")
    new = _NAME.replace("name", "new")
    m = re.fullmatch(rf"rename (?:the |my )?{_LIST} {_NAME} (?:to|as|into) {new}", s, IC) \
        or re.fullmatch(rf"rename (?:the |my )?{_NAME} {_LIST} (?:to|as|into) {new}", s, IC) \
        or re.fullmatch(rf"(?:change|update) the (?:name|title) of (?:the |my )?{_NAME} {_LIST} to {new}", s, IC)
    if m and list_name(m["name"]) and list_name(m["new"]):
        return _mk("list_rename", target=list_name(m["name"]), body=list_name(m["new"]))
    drop = r"(?:please )?(?:delete|remove|get rid of|trash|drop|erase|scrap|ditch) (?:the |my )?(?:whole |entire )?"
    m = re.fullmatch(rf"{drop}{_LIST} {_NAME}", s, IC) or re.fullmatch(rf"{drop}{_NAME} {_LIST}", s, IC)
    if m and list_name(m["name"]):
        return _mk("list_delete", target=list_name(m["name"]))
    m = re.fullmatch(r"(?:show|list|display|view|see|open|check)(?: me)? (?:my |the )?inbox|what'?s in (?:my |the )?inbox", s, IC)
    if m:
        return _mk("list_show", target="Inbox")
    m = re.fullmatch(
        rf"(?:(?:show|list|display|view|see|open|give|read)(?: me)?(?: (?:everything|all|all the tasks|the tasks|tasks|items|what'?s|what is))?(?: (?:on|in|from))?"
        rf"|what(?:'s| is| do i have| have i got| are the tasks| tasks are) (?:on|in)|anything (?:on|in)) (?:my |the )?{_NAME} {_LIST}", s, IC
    ) or re.fullmatch(rf"(?:show|list|display|view)(?: me)? (?:all )?(?:the |my )?(?:tasks|todos|items) (?:in|on|from) (?:my |the )?{_NAME}", s, IC)
    if m and list_name(m["name"]):
        return _mk("list_show", target=list_name(m["name"]))
    m = re.fullmatch(rf"(?:add|put|save|write)(?: (?:this|these))? (?:to|on|onto|in|into) (?:my |the ){_NAME} {_LIST}\s*[:\-,]\s*(?P<task>.+)", s, IC)
    if m and list_name(m["name"]):
        return _mk("add", body=m["task"], target=list_name(m["name"]))
    m = re.fullmatch(rf"(?:add|put|save|write|jot down|stick) (?P<task>.+?) (?:to|on|onto|in|into) (?:my |the ){_NAME} {_LIST}(?P<rest>(?:[,;]|\s).*)?", t.strip(), IC)
    if m and list_name(m["name"]):
        task = m["task"].strip()
        if re.match(r"(?:put|stick)\b", s, IC) and (_REFERENCE.match(task) or re.search(r"\btask$", task, IC)):
            return _mk("move", target=re.sub(r"\s+task$", "", task, flags=IC), body=list_name(m["name"]))
        return _mk("add", body=f"{task} {(m['rest'] or '').strip(' ,;')}".strip(), target=list_name(m["name"]))
    m = re.fullmatch(
        rf"(?:move|file|shift|transfer|switch)(?: over)? (?P<task>.+?)(?: (?:from|out of) (?:my |the )?[\w' -]+?(?: {_LIST})?)? (?:to|into|onto|over to) (?:my |the )?(?P<dest>.+)", s, IC
    )
    if m:
        place = _to_place(m["dest"])
        if place:
            return _mk("move", target=re.sub(r"\s+task$", "", m["task"].strip(), flags=IC), body=place)
    return None


def list_sentence(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """One sentence saying what a list tool did (None: not a list tool's success); the words are
    the current reply language's templates (builtin/templates.py)."""
    item = result.get("list") or {}
    if tool == "create_list":
        return t("list_created", name=item.get("name"))
    if tool == "rename_list":
        return t("list_renamed", old=args.get("name"), name=item.get("name"))
    if tool == "archive_list":
        return t("list_archived" if item.get("archived") else "list_unarchived", name=item.get("name"))
    if tool == "delete_list":
        return t("list_deleted", name=item.get("name"))
    if tool == "list_lists":
        found = result.get("lists") or []
        names = ", ".join(t("list_entry", name=x["name"], open=x["open_tasks"]) for x in found)
        return plural("lists", len(found), names=names)
    return None
