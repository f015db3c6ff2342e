"""Reading list questions ("what's due today?", "find tasks about groceries") and bulk targets
("all completed tasks") into the filter arguments of ``list_tasks``, ``complete_tasks`` and ``delete_tasks``."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from todochat.agent.models.builtin.dates import find_when
from todochat.agent.models.builtin.periods import find_period
from todochat.agent.models.builtin.phrasebook import NEXT_UP, OFF_TOPIC, OVERDUE
from todochat.agent.models.builtin.slots import CONTEXT_TAGS

IC = re.IGNORECASE
_COMPLETED = r"\b(?:completed|complete|done|finished|checked off|ticked off|crossed off|accomplished|did i (?:do|finish|complete|get done)|have i (?:done|finished|completed)|i(?:'ve| have) (?:done|finished|completed)|closed)\b"
_PENDING = r"\b(?:pending|open|incomplete|unfinished|not (?:yet )?(?:done|finished|completed|complete)|left|remaining|outstanding|active|still (?:need|have)|(?:have|need|got|want|going) to (?:get )?(?:do|done|finish|complete)|left to do|needs? doing|needs? to be done|still to do|what'?s still|undone|uncompleted|on my plate|upcoming|next|unchecked|should i do|must i do)\b"
_ALL = (r"\b(?:all (?:of )?(?:my |the )?(?:tasks|todos|to-?dos|items|list|stuff|things)|everything|every (?:single )?task"
        r"|(?:my |the )?(?:whole|entire|full|complete) (?:list|todo list|to-do list|task list))\b")
"""Asking for the whole list ("all my tasks", "everything"): completed tasks too, unless a status is said."""
_BOTH = (r"\b(?:includ(?:e|ing) (?:the |my )?(?:done|completed|finished|closed|old)(?: ones| tasks| items)?"
         r"|(?:with|plus) (?:the |my )?(?:done|completed|finished) (?:ones|tasks|items)"
         r"|(?:done|completed|finished) (?:and|or|&|as well as) (?:open|pending|not done|undone)"
         r"|(?:open|pending) (?:and|or|&|as well as) (?:done|completed|finished)"
         r"|(?:the )?(?:done|completed|finished|closed|old|ticked|checked)(?: ones| tasks| items)? (?:too|as well|also|included))\b")
"""Asking for open and completed tasks together ("including the done ones", "open and done")."""
_NO_DUE = r"\b(?:no|without(?: a| any)?|(?:don'?t|do not|doesn'?t|does not) (?:have|has)(?: a| any)?|missing(?: a)?|lacking(?: a)?) (?:due )?(?:date|deadline)s?\b|\bundated\b|\bunscheduled\b"
_STOP = {"a", "an", "the", "my", "me", "i", "all", "any", "some", "tasks", "task", "todo", "todos", "to-dos", "items", "item", "things", "thing", "stuff", "list", "show", "find", "search", "look", "for", "about", "with", "of", "in", "on", "to", "that", "which", "what", "whats", "what's", "is", "are", "there", "do", "does", "have", "has", "got", "get", "anything", "something", "related", "regarding", "concerning", "mentioning", "mention", "mentions", "containing", "contain", "contains", "include", "includes", "including", "called", "named", "titled", "matching", "match", "up", "please", "can", "you", "could", "would", "see", "view", "display", "give", "tell", "everything", "every", "one", "ones", "status", "details", "info"}
_QUERY = re.compile(
    r"\b(?:about|regarding|concerning|mentioning|mention|mentions|containing|contain|contains|includes?|including|"
    r"related to|to do with|called|named|titled|matching|that (?:say|says|mention|contain|include)|with the words?|with|for|"
    r"search(?: for)?|find|look(?:ing)? (?:up|for)|involving|involve|status of|details (?:of|for|on)|info (?:on|about))\s+(.+)$",
    IC,
)


_PRIO = r"(?:priority|priorities|prio|prios|pri)"
"""The noun of a priority level as people shorten it ("high prio", "low-pri tasks")."""

def query_words(phrase: str) -> str | None:
    """Meaningful words of a search phrase, as said (the search rule, todochat.tasks.search,
    stems them), or None when nothing is left."""
    words = [w for w in re.findall(r"[\w'-]+", phrase.lower()) if w not in _STOP]
    return " ".join(words) or None


def filter_args(text: str, now: datetime, *, for_list: bool = True) -> dict[str, Any]:
    """Filter arguments said in ``text``: status, due, priority, tag, query (only those said).
    A list that says no status gets the default view's (open tasks, tasks/views.py); "all my
    tasks", "everything", "including the done ones" say ``status="all"``.

    Args:
        text: the list question or bulk target, any case.
        now: the user's local time (for days like "friday").
        for_list: also look for search words (``query``) and a sort order.
    """
    return _filters(text, now, for_list=for_list)[0]


def _filters(text: str, now: datetime, *, for_list: bool) -> tuple[dict[str, Any], str]:
    """:func:`filter_args` and the lower-cased text left once the due, priority and tag phrases
    it read are cut out (status words stay)."""
    low = text.lower()
    args: dict[str, Any] = {}
    soonest = False
    if for_list and re.search(_BOTH, low):
        args["status"] = "all"
    elif re.search(_PENDING, low) and not re.search(r"\b(?:completed?|done|finished) (?:tasks|ones|items)\b", low):
        args["status"] = "pending"
    elif re.search(_COMPLETED, low):
        args["status"] = "completed"
    elif for_list and re.search(_ALL, low):
        args["status"] = "all"  # the default view shows open tasks only (tasks/views.py)
    rest = re.sub(_BOTH, " ", low) if args.get("status") == "all" else low
    period = find_period(low, now) if for_list else None
    if re.search(OVERDUE, low):
        args["due"] = "overdue"
        rest = re.sub(OVERDUE, " ", rest)
    elif re.search(_NO_DUE, low):
        args["due"] = "none"
        rest = re.sub(_NO_DUE, " ", rest)
    elif period:  # rule family "periods" (builtin/periods.py): a range of due days
        if period.after:
            args["due_after"] = period.after.isoformat()
        if period.before:
            args["due_before"] = period.before.isoformat()
        soonest = True
        for start, end in period.spans:
            rest = rest[:start] + " " * (end - start) + rest[end:]
    elif re.search(r"\b(?:this week|the week|rest of the week|week ahead|coming week)\b", low):
        args["due"] = "this_week"
        rest = re.sub(r"\b(?:(?:for |due |in )?(?:this|the|rest of the|coming) week(?: ahead)?)\b", " ", rest)
    elif for_list and re.search(r"\b(?:next week|next month|this month|the month|coming weeks?|upcoming)\b", low):
        span = _span(low, now.date())
        if span:
            args["due_after"], args["due_before"] = span[0].isoformat(), span[1].isoformat()
        else:  # "upcoming", "coming weeks": every dated task
            args["due"] = "any"
        soonest = True
        rest = re.sub(r"\b(?:next week|next month|this month|the month|coming weeks?|upcoming)\b", " ", rest)
    elif re.search(r"\b(?:with|have|having|has) (?:a )?(?:due )?(?:date|deadline)s?\b", low):
        args["due"] = "any"
    else:
        when = find_when(low, now, recurrence=False)
        if when.period and for_list:  # "what's due in december?": the whole month (time grammar)
            args["due_after"], args["due_before"] = when.period[0].isoformat(), when.period[1].isoformat()
            soonest = True
            for start, end in when.spans:
                rest = rest[:start] + " " * (end - start) + rest[end:]
        elif when.day:
            today = now.date()
            delta = (when.day - today).days
            args["due"] = "today" if delta == 0 else ("tomorrow" if delta == 1 else when.day.isoformat())
            for start, end in when.spans:
                rest = rest[:start] + " " * (end - start) + rest[end:]
    if re.search(rf"\b(?:(?:high|higher|highest|top|hi|max)[- ]?{_PRIO}|urgent|important|p1|critical)\b", low) and not re.search(r"\bnot (?:urgent|important)\b", low):
        args["priority"] = "high"
    elif re.search(rf"\b(?:(?:low|lower|lowest|lo|min)[- ]?{_PRIO}|not urgent|not important|unimportant|p3)\b", low):
        args["priority"] = "low"
    elif re.search(rf"\b(?:(?:medium|normal|mid|med)[- ]?{_PRIO}|p2)\b", low):
        args["priority"] = "medium"
    rest = re.sub(rf"\b(?:high|higher|highest|hi|max|low|lower|lowest|lo|min|medium|med|mid|normal|top)[- ]?{_PRIO}\b|\b(?:urgent|important|unimportant|critical|p[1-4])\b", " ", rest)
    m = re.search(r"#([\w-]+)|\b(?:tagged|tag|tags|label(?:l?ed)?|labels?|category|in category|with tag|with the tag)(?: as| with)? #?([\w-]+)|\b(?:with|having|has) (?:the |a )?([\w-]+) (?:tag|label)\b", rest)
    if m:
        args["tag"] = m[1] or m[2] or m[3]
        rest = rest[: m.start()] + " " + rest[m.end():]
    else:
        areas = "|".join(sorted(CONTEXT_TAGS))
        m = re.search(rf"\b({areas})(?:[- ]related)? (?:tasks|todos|items|stuff|things|list)\b|\b(?:for|at) ({areas})\b"
                      rf"|^\W*(?:(?:any|my|the|show|me|list|all|see|got|do|i|have)\s+)+({areas})\W*$", rest)  # "any errands?"
        if m:
            args["tag"] = m[1] or m[2] or m[3]
            rest = rest[: m.start()] + " " + rest[m.end():]
    if for_list and asks_next(low):  # "what's next?": the open tasks, soonest due first (undated last)
        soonest = True
        rest = re.sub(NEXT_UP, " ", rest)
    if for_list:
        sort = _sort(low) or ("due" if soonest else None)
        if sort:
            args["sort"] = sort
            rest = re.sub(r"\b(?:sorted|sort|ordered|order|arranged|grouped)?\s*(?:them )?(?:by|in) (?:due date|date|deadline|priority|importance|name|title|creation date|alphabetical order)\b|\balphabetically\b|\bnewest first\b|\bsoonest first\b", " ", rest)
        m = _QUERY.search(rest)
        if (m and "due" not in args) or (m and not re.search(r"\b(?:due|overdue)\b", m[1])):
            words = query_words(m[1]) if m else None
            if words:
                args["query"] = words
    return args, rest


def asks_next(text: str) -> bool:
    """True when a list question asks what comes next ("what's next?", "the next thing due",
    "what should I do next"): its answer leads with the soonest-due open task."""
    return bool(re.search(NEXT_UP, text, IC))


def off_topic(text: str) -> bool:
    """True when a question is about something other than the user's tasks ("what's the
    weather?", "who won the game?", "tell me a joke") and names no task words."""
    return bool(re.search(OFF_TOPIC, text, IC)) and not re.search(
        r"#\w|\b(?:tasks?|todos?|to-?dos?|list|agenda|plate|schedule|due|overdue|deadlines?|remind(?:ers?| me)?|anything|something|"
        r"everything|items?|stuff|things|priority|tag(?:s|ged)?|done|finished|completed?|pending|open)\b", text, IC)


def _span(low: str, today: date) -> tuple[date, date] | None:
    """The days of "next week" (Monday to Sunday), "next month" or "this month" (today to its end)."""
    if re.search(r"\bnext week\b", low):
        monday = today + timedelta(days=7 - today.weekday())
        return monday, monday + timedelta(days=6)
    if re.search(r"\bnext month\b", low):
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if re.search(r"\b(?:this|the) month\b", low):
        return today, (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return None


def _sort(low: str) -> str | None:
    if re.search(r"\bby (?:due date|date|deadline|due)\b|\bsoonest\b|\bchronological", low):
        return "due"
    if re.search(r"\bby (?:priority|importance)\b|\bmost important first\b|\bhighest priority first\b", low):
        return "priority"
    if re.search(r"\balphabetical|\bby (?:name|title)\b|\ba-z\b", low):
        return "title"
    if re.search(r"\bnewest|\bmost recent|\brecently added|\bby creation|\blatest\b", low):
        return "created"
    return None


_GROUP = re.compile(r"^(?:all|every|everything|each|whole|entire)\b|^(?:my|the) (?:whole |entire )?(?:todo |to-do |task )?list$")
_PLURAL = re.compile(r"\b(?:ones|tasks|todos|to-?dos|items|stuff|things|reminders|entries|chores|errands)\b")
_REFERENCE = re.compile(
    r"^(?:all|both)(?: of)?(?: the| my)? (?:them|those|these|two|three|four|five|six|seven|eight|nine|ten|\d+)\b|"
    r"\b(?:first|second|third|last|other|these|those|them|both|above|listed|shown|same|previous|two|three|four|five)\b"
)
_STATUS_WORDS = re.compile(_PENDING + "|" + _COMPLETED + r"|\b(?:old|checked|ticked|open)\b")


def bulk_target(target: str, now: datetime) -> dict[str, Any] | None:
    """The selection a group phrase names, or None when ``target`` names one task or a list of
    references (then references.resolve reads it).

    Rule family "a bulk phrase is scoped by its words" (issue 11, item 4): a group is said with
    all/every/everything/each, or with a plural head ("the grocery tasks", "the report ones",
    "my work stuff"). Its scope is every word it says: a status ("completed"), a due day
    ("due friday"), a priority, a tag ("tagged groceries", "work stuff" for life-area words), and
    any other word as a search word (``query``: title, description or tags, stemmed — "grocery"
    finds "Buy groceries" and #groceries). Only a phrase of group words alone ("everything",
    "all tasks", "my whole list") selects ``{"all": true}``. Phrases pointing at tasks already
    shown ("all of them", "those two tasks", "the other ones") are references, not groups.

    Returns:
        Flat selection arguments of the bulk tools: status, due, priority, tag, query, or all.
    """
    low = re.sub(r"\s+", " ", target.lower().strip())
    if re.search(r"(?:^|\s|#)\d+\b", low) and not re.search(r"\d+(?:st|nd|rd|th)|\d+[/:]", low):
        return None
    grouped = bool(_GROUP.search(low))
    if not grouped and not _PLURAL.search(low) and not re.fullmatch(
        r"(?:the |my )?(?:completed|done|finished|overdue|old|checked|ticked)", low
    ):
        return None
    if _REFERENCE.search(low):
        return None
    args, rest = _filters(low, now, for_list=False)
    if re.search(r"\b(?:old|checked|ticked)\b", low) and "status" not in args:
        args["status"] = "completed"
    rest = _STATUS_WORDS.sub(" ", rest)
    rest = re.sub(r"\b(that|which|what|who|they|it|those|these)[’']?(?:s|re)\b", r"\1", rest)  # "everything that's done"
    rest = re.sub(r"\b(?:due|dated|tagged|labelled|labeled|priority|on|from|in|of|my|list|everything|every|each|whole|entire|"
                  r"that|which|are|is|were|was|i|have|has|reminders?|entries|to-?dos?)\b", " ", rest)  # "chores" narrows
    words = query_words(rest)
    if not grouped and not args and not words:
        return None  # "the tasks": which ones?
    if words:
        args["query"] = words
    return args or {"all": True}  # group words alone: the explicit whole-list selection
