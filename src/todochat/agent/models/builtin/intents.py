"""Intent classification: what one clause of a message asks for, and the phrases it names.

Each rule below is about a way of speaking (a verb family, a sentence shape), not one sentence.
Rules run in order; the first that fits wins. Text keeps its case (titles need it); matching is
case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from todochat.agent.models.builtin.dates import OFFSET, cut, find_offset, find_when
from todochat.agent.models.builtin.lexicon import (
    COMPLETION_VERBS,
    correct_command,
    is_task_verb,
    past_to_base,
)
from todochat.agent.models.builtin.lists import classify_list
from todochat.agent.models.builtin.periods import find_period
from todochat.agent.models.builtin.phrasebook import (
    ACTIVITY,
    ADD_LEAD,
    COMPLETE_VERBS,
    DELETE_VERBS,
    DONE_WORDS,
    GREET,
    HEADING,
    HELP,
    LIST_LEAD,
    NO,
    PRIORITY_WORDS,
    REDO,
    TASKY,
    THANKS,
    UNDO,
    UNDONE_WORDS,
    YES,
)

IC = re.IGNORECASE
_ANY_DAY = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # any "now": only whether a date is said matters here
@dataclass
class Intent:
    """One clause's intent.

    Attributes:
        kind: add, list, count, complete, reopen, delete, update, undo, redo, activity, export, confirm, deny,
            help, greet, thanks, unknown; the lists family (builtin/lists.py): list_create, list_lists,
            list_rename, list_delete, list_show, move (and add with ``target`` = the list's name).
        target: the phrase naming the task(s) acted on (complete/reopen/delete/update).
        body: the task phrase (add), the list phrase (list/count) or the new value (update).
        field: for update: title, due, priority, tags, remove_tags, clear_tags, description, recurrence, clear_due,
            clear_recurrence, or "auto" (decide from ``body``); for add: "bare" (no lead verb) or
            "remind" (a reminder at the due time, see :func:`_reminder`).

    Reminder kinds (rule family "reminders", see :func:`_reminder`): ``remind`` (a reminder on an
    existing task: ``field`` "before" with ``body`` the minutes, "at" with ``body`` the date phrase,
    or "due" = at its due time), ``reminders`` (list them; ``target`` one task's or ""),
    ``unremind`` (cancel; ``field`` "or_delete" when the phrase may name the task itself, "all"
    for every reminder), ``channel`` (``body`` page/webpush/ntfy/email, ``target`` the address,
    ``field`` "on"/"off").

    Subtask kinds (rule family "subtasks", see :func:`_subtask`): ``subtask`` (add the item(s) of
    ``body`` under the task ``target``; ``field`` "under" when only the word "under" said so, so a
    title like "fix the leak under the sink" falls back to a plain add), ``breakdown`` (the same
    for "break X down into a, b, c"; ``body`` empty: ask into what), ``subtasks`` (list the
    subtasks of ``target``; ``field`` "pending" for what is left), ``move_under`` (make ``target`` a
    subtask of ``body``; ``body`` empty: make it top-level; ``field`` "or_add": "put X under Y", a
    new subtask X when no task is X).
    """

    kind: str
    target: str = ""
    body: str = ""
    field: str | None = None


def _m(pattern: str, text: str) -> re.Match[str] | None:
    return re.match(f"(?:{pattern})$", text, IC)  # the whole clause, whatever alternatives the pattern has


EXPORT = (
    r"(?:please )?(?:export|download|save|back up|backup|give me|send me|get me)"
    r"(?: (?:a |an )?(?:file|copy|csv|spreadsheet|backup) of| out)?"
    r"(?: (?:all|all of|every one of|everything on))?(?: (?:my|the))?"
    r" (?:tasks?|todos?|to-?dos?|to-?do list|task list|list)"
    r"(?: (?:as|to|in|into) (?:a |an )?(?P<format>csv|ics|ical|icalendar|calendar|spreadsheet|excel)(?: file)?)?"
)
"""Asking for a file of the tasks ("export my tasks", "download my todos as ics")."""


def classify(text: str, *, pending: bool = False) -> Intent:
    """Classify one clause (already normalised, see :mod:`normalize`).

    Args:
        text: the clause, original case.
        pending: a question is waiting for an answer (yes/no, which one).

    Returns:
        An :class:`Intent`.
    """
    t = text.strip()
    low = t.lower()
    if not t:
        return Intent("unknown")
    yes = _m(YES, low) and (pending or _m(r"(?:y|yes|yep|yeah|yup|sure|confirm(?:ed)?|do it|go ahead|proceed)(?:[,! ]+.*)?", low))
    command_after_yes = _m(r"(?:ok|okay|sure|yes|yeah)[,! ]+(?:add|show|list|delete|remove|complete|mark|change|rename|move|create|what|make|set).*", low)
    if yes and (pending or not command_after_yes):
        return Intent("confirm", body=t)
    if command_after_yes:
        return _command(re.sub(r"^(?:ok|okay|sure|yes|yeah)[,! ]+", "", t, flags=IC))
    taken_back = re.match(rf"^{_NO_LEAD}(.+)$", low)
    if taken_back and (_m(UNDO, taken_back[1]) or _m(r"(?:un ?do|revert)(?: (?:it|that|this|pls|please))*", taken_back[1])):
        return Intent("undo")  # "wait no, undo", "oh no undo that", "no no, revert it"
    if _m(NO, low) and not _m(r"no[,! ]+(?:add|show|list|delete|remove|complete|mark|change|rename|move|create|make|set)\b.*", low):
        return Intent("deny", body=t)
    m = _m(r"(?:undo|revert) (?:the )?(?:complet\w*|check\w*|tick\w*|done|finish\w*)(?: (?:of|on|for))? (.+)", low)
    if m:
        return Intent("reopen", target=t[-len(m[1]):])
    steps = _repeated_step(low)
    if steps:
        return steps
    if _m(REDO, low):
        return Intent("redo")
    if _m(ACTIVITY, low):
        return Intent("activity", body="yesterday" if "yesterday" in low else "today")
    if _m(UNDO, low):
        return Intent("undo")
    m = _m(EXPORT, low)
    if m:
        return Intent("export", body="ics" if m["format"] and m["format"] in ("ics", "ical", "icalendar", "calendar") else "csv")
    if _m(HELP, low):
        return Intent("help")
    if _m(GREET, low):
        return Intent("greet")
    if _m(THANKS, low):
        return Intent("thanks")
    return _command(t)


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
MAX_STEPS = 20
"""At most this many undo/redo steps from one sentence (the journal keeps more)."""


def _repeated_step(low: str) -> Intent | None:
    """Undo/redo said with a count, rule family "step N times": "undo twice", "undo 3 times",
    "undo the last 2 changes", "revert the last two", "undo again" / "once more" (one step).
    ``body`` is the number of steps (1 … :data:`MAX_STEPS`)."""
    verb = r"(?P<verb>undo|revert|redo|roll back)"
    m = _m(rf"{verb}(?: (?:that|it|this))? (?:(?P<n>{_COUNT}) times|(?P<two>twice)|(?P<three>thrice)|again|once more|one more time|another (?:one|step|change))", low) \
        or _m(rf"{verb} (?:the |my )?(?:last|previous|past) (?P<n>{_COUNT})(?: (?:changes|steps|actions|things|edits|ones|of them))?", low)
    if not m:
        return None
    said = m.groupdict()
    count = said["n"]
    n = 2 if said.get("two") else 3 if said.get("three") else (int(count) if count.isdigit() else _COUNT_WORDS[count]) if count else 1
    return Intent("redo" if said["verb"] == "redo" else "undo", body=str(max(1, min(n, MAX_STEPS))))


def _tail(t: str, m: re.Match[str], group: int) -> str:
    """The original-case text of ``group`` of a match made on ``t``."""
    return t[m.start(group): m.end(group)]


_LEADING_DATE = re.compile(
    r"^(today|tonight|tomorrow|tmrw|this (?:morning|afternoon|evening|weekend)|on \w+day|next \w+|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s*[,:\-]?\s+(.+)$",
    IC,
)


def _command(t: str) -> Intent:
    lead = _LEADING_DATE.match(t)
    if lead:
        inner = _command(lead[2])
        if inner.kind == "add":  # "tomorrow: call mom", "today I need to finish the report"
            return Intent("add", body=f"{inner.body} {lead[1]}", field=inner.field)
    heading = re.match(rf"^{HEADING}\s*[:\-]\s*(.+)$", t, IC)
    if heading and _command(heading[1]).kind == "add":  # "low priority: sort the shelf" (planner.plan_add reads the heading)
        return Intent("add", body=t)
    return _command_words(t)


def _command_words(t: str) -> Intent:
    first = t.split(" ", 1)
    fixed = correct_command(first[0])
    if fixed != first[0]:
        t = " ".join([fixed, *first[1:]])
    reminder = _reminder(t)
    if reminder:
        return reminder
    from todochat.agent.models.builtin.wording import update_wording  # imports Intent from here

    worded = update_wording(t)  # rule family "wording outside the keyword lists" (builtin/wording.py)
    if worded:
        return worded
    listed = classify_list(t)  # rule family "lists" (builtin/lists.py)
    if listed:
        return listed
    subtask = _subtask(t)
    if subtask:
        return subtask
    # --- updates that start with "add" (notes, tags) before plain add
    note = _note(t)
    if note:
        return note
    m = _m(r"(?:add|put|set) (?:the |a )?(?:tags?|labels?) #?(.+?) (?:to|on) (.+)", t) or _m(r"(?:add|put) (#\S+(?:\s*(?:,|and)?\s*#\S+)*) (?:to|on) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 2), body=_tail(t, m, 1), field="add_tags")
    m = _m(r"(?:tag|label|categori[sz]e|file) (.+?) (?:with|as|under|in) (?:the )?(?:tags? |labels? )?#?(.+)", t) or _m(r"(?:tag|label) (.+?) (#\S+(?:\s*(?:,|and)?\s*#\S+)*)", t) \
        or _m(r"(?:tag|label) (.+?) #?([\w-]+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="add_tags")
    m = _m(r"(?:untag|clear (?:the |all )?(?:tags|labels)(?: (?:from|off|on|of))?|remove (?:all |the |every )?(?:tags|labels) (?:from|off|on|of)|strip (?:the |all )?(?:tags|labels) (?:from|off)) (.+)", t)
    if m and not re.search(r"\bfrom\b", m[1]):  # "untag the flights": every tag goes
        return Intent("update", target=_tail(t, m, 1), field="clear_tags")
    m = _m(r"(?:untag|remove (?:the )?(?:tag|label)|take (?:the )?(?:tag|label)|delete (?:the )?(?:tag|label)) #?(\S+?) (?:from|off|on) (.+)", t) \
        or _m(r"(?:remove|take|delete|drop|clear) (?:the )?#?(\S+?) (?:tag|label) (?:from|off|on) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 2), body=_tail(t, m, 1), field="remove_tags")
    m = _m(r"(?:remove|delete|clear|drop|take off|get rid of|take) (?:the )?(?:due date|deadline|date|due|reminder time) (?:from|of|for|on|off|off of) (.+)", t) or _m(r"(.+?) (?:has|needs|should have) no (?:due date|deadline|date)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), field="clear_due")
    m = _m(r"(?:stop repeating|don'?t repeat|no longer repeat|make (.+?) (?:not repeat|one-?off|non-?recurring)|(?:remove|clear|turn off) (?:the )?(?:repeat|recurrence|repetition) (?:from|of|on|for))\s*(.*)", t)
    if m:
        return Intent("update", target=(m[1] or m[2] or "").strip() or "it", field="clear_recurrence")
    # --- add
    m = re.match(rf"^{ADD_LEAD}(?:\s*[:\-,]\s*|\s+|$)(.*)$", t, IC)
    if m and not re.match(r"^(?:set|make|put|schedule|save|check|open)\b", t, IC):
        return _after_add(t, m[1])
    if m and re.match(r"^(?:set|make|create)(?: me)? (?:(?:a|an|another|new) (?:new )?(?:reminder|alarm|task|todo|to-do|note)|reminders?|alarm)\b(?!\s*#?\d)", t, IC):
        return _after_add(t, re.sub(r"^(?:set|make|create)(?: me)? (?:a |an |another )?(?:new )?(?:reminder|alarm|task|todo|to-do|note)s?\s*(?:to |for |about |that |:|-)?", "", t, flags=IC))
    if m and re.match(r"^(?:set|make|put|save|schedule)\b", t, IC):
        special = _maybe_update(t)
        if special:
            return special
        if re.match(r"^(?:set|make|put|save)(?: (?:a|an|the|one|another|new|my))* (?:new )?(?:task|todo|to-do|item|reminder|entry|note)\b", t, IC) or re.match(r"^put (.+) on (?:my|the) (?:todo |to-do |to do )?list$", t, IC):
            return _after_add(t, m[1])
        put = re.match(r"^(?:put|add|save) (.+?) (?:on|in|onto|to) (?:my|the) (?:(todo|to-do|to do|task|[\w-]+) )?list\b[,:]?\s*(.*)$", t, IC)
        if put:
            tag = f" #{put[2].lower()}" if put[2] and put[2].lower() not in ("todo", "to-do", "to do", "task") else ""
            return Intent("add", body=f"{put[1]} {put[3]}{tag}".strip())
        if re.match(r"^(?:schedule|set up|setup)\b", t, IC):
            return Intent("add", body=t, field="bare")
    # --- reopen
    m = _m(r"(?:uncheck|untick|unmark|reopen|re-open|unfinish|uncomplete|un-complete|undone|reactivate|un-?tick|un-?check|re-?add|revive|resurrect) (.+)", t)
    if m:
        return Intent("reopen", target=_tail(t, m, 1))
    m = _m(rf"(?:mark|set|flag|put|move|change|make|switch|turn) (.+?) (?:as |to |back to |back as |back )?{UNDONE_WORDS}(?: again)?", t)
    if m:
        return Intent("reopen", target=_tail(t, m, 1))
    m = _m(r"(.+?) (?:is|are|was|were|'s|has|have) (?:still |actually )?(?:not|n't|not yet|never been|not been|not actually) (?:been )?(?:done|finished|complete|completed|taken care of)(?: yet| after all| actually)?", t) \
        or _m(r"(.+?) (?:isn'?t|aren'?t|wasn'?t|weren'?t|hasn'?t been|haven'?t been) (?:really |actually )?(?:done|finished|complete|completed)(?: yet| after all| actually)?", t) \
        or _m(r"(.+?) (?:is|are) (?:still )?(?:pending|open|incomplete|unfinished|not done)(?: again)?", t)
    if m and not re.match(_QUESTION_START, t, IC):  # "how many things are still open?" asks
        return Intent("reopen", target=_tail(t, m, 1))
    m = _m(r"(?:i |we )?(?:actually |still |really )?(?:haven'?t|have not|didn'?t|did not|never|hadn'?t|have yet to|still have to|still need to|actually need to) (?:actually |really |yet |even )?(\w+) (.+?)(?: yet| after all| actually| at all)?", t)
    if m and not re.match(r"^(?:still have to|still need to)", t, IC):
        verb = m[1].lower()
        rest = _tail(t, m, 2)
        if verb in COMPLETION_VERBS or verb in ("do", "done"):
            return Intent("reopen", target=rest)
        base = past_to_base(verb) or verb
        return Intent("reopen", target=f"{base} {rest}")
    if _m(r"(?:it'?s |that'?s |this is |that is |it is )?(?:not|n't) (?:done|finished|complete)(?: yet)?|not yet|not done yet|undo that completion|that wasn'?t done", t.lower()):
        return Intent("reopen", target="it")
    # --- a question about the list ("did I finish anything?", "have I paid the bills?")
    if (re.match(r"^(?:did|have|has|do|does|am|is|are) (?:i|we|you|there)\b|^(?:what|which|how|when|whats|what'?s)\b|^(?:is|are|was|were) (?:task|#|\d|the|my)", t, IC) \
            or re.match(_GOT_ANY, t, IC)) and (
        re.search(TASKY, t, IC) or find_when(t, _ANY_DAY, recurrence=False).day or find_period(t.lower(), _ANY_DAY)
    ) and not re.match(r"^(?:what|which)\b.*\b(?:to|into|as)\b.*$", t, IC) and "?" not in t[:-1]:
        kind = "count" if re.search(r"\bhow many\b", t, IC) else "list"
        return Intent(kind, body=t)
    # --- updates with clear verbs
    special = _maybe_update(t)
    if special:
        return special
    # --- delete
    low = t.lower()
    m = _m(r"(?:clear|wipe|empty|reset|nuke|purge|clean)(?: out| up)? (?:my |the |whole |entire |all )*(?:todo |to-do |to do |task )?(?:list|tasks|todos|everything)|start (?:over|fresh|from scratch)", low)
    if m:
        return Intent("delete", target="everything")
    m = _m(r"(?:clear|clean up|clean out|purge|tidy up|delete|remove|get rid of|wipe|archive|trash|drop|ditch) (?:all )?(?:the |my |of )?(?:the )?(?:completed|done|finished|checked|ticked|old|closed)(?: (?:ones|tasks|items|todos|stuff|things))?(?: tasks)?", low)
    if m:
        return Intent("delete", target="all completed tasks")
    m = _m(rf"(?:please )?(?:{DELETE_VERBS})(?: (?:off|out))? (.+?)(?: (?:from|off|of) (?:my |the )?(?:todo |to-do |task )?(?:list|tasks|todos))?(?: (?:please|too|as well|also|altogether|entirely|completely|permanently|for good))?", t)
    if m:
        return Intent("delete", target=_tail(t, m, 1))
    m = _m(r"take (.+?) off (?:my |the )?(?:todo |to-do |task )?(?:list|tasks)", t) or _m(r"(.+?) (?:can|should|could) (?:go|be (?:deleted|removed|dropped|cancelled|canceled|scrapped))", t) \
        or _m(r"(?:i |we )?(?:no longer|don'?t|do not|dont|won'?t|will not) (?:need|have|want|got) to (.+?)(?: (?:anymore|any more|after all|now))?", t) \
        or _m(r"(?:i |we )?(?:no longer need|don'?t need|do not need|dont need) (.+?)(?: (?:anymore|any more|after all|now))?", t) \
        or _m(r"(?:there'?s |there is )?no (?:need|reason) to (.+?)(?: (?:anymore|any more|after all|now))?", t) \
        or _m(r"(?:there'?s |there is |i have |i'?ve got )?no (?:more )?(?:need|use) (?:for|of) (.+?)(?: (?:anymore|any more|after all|now))?", t) \
        or _m(r"(.+?) (?:is|are|was|has been|got) (?:cancel+ed|called off|off|no longer needed|not needed anymore|not needed any more|not needed)", t)
    if m:
        return Intent("delete", target=_tail(t, m, 1))
    # --- complete
    m = _m(r"(?:mark|set|flag|tick|check|log)(?: as| off as)? (?:done|complete|completed|finished):? (.+)", t) \
        or _m(rf"(?:mark|set|flag|tick|check|cross|put|move|make|switch|turn|log)(?: off)? (.+?)(?: as| to| is)? {DONE_WORDS}", t) \
        or _m(r"(?:mark|tick|check|cross|strike)(?: off)? (.+?)(?: off)?", t)
    if m and not re.match(r"^check (?:my|the|what|if|whether|for|on)\b", t, IC):
        return Intent("complete", target=_tail(t, m, 1))
    m = _m(rf"(?:{COMPLETE_VERBS}|completed|finished|did|done)(?: with| off)?\s*[:\-]?\s+(.+?)(?: (?:task|now|already|too|as well|off|finally|today|yesterday))?", t)
    if m and re.match(r"^(?:finish|complete|close|resolve|wrap up)\b", t, IC) and find_when(m[1], _ANY_DAY, recurrence=False).day \
            and not re.match(_GROUP_START, m[1], IC):
        return Intent("add", body=t)  # "finish the report by friday" is a task with a deadline
    if m:
        return Intent("complete", target=_tail(t, m, 1))
    m = _m(rf"(.+?)(?: is| are| was| were|'s| has been| have been| got| is all| now)? (?:now |all |finally |already )?{DONE_WORDS}(?: now| already| finally| today| yesterday)?", t) \
        or _m(r"(.+?)\s*[:\-=]\s*(?:done|complete|finished|✓|✔|x)", t)
    if m and not re.match(r"^(?:what|which|how|show|list|is|are|did|have|any)\b", t, IC):
        return Intent("complete", target=_tail(t, m, 1))
    m = _m(r"(?:(?:i'?m|i am|we'?re|we are) )?(?:all |finally |now |totally |completely )?(?:done|finished|through) with (.+)", t)
    if m:
        return Intent("complete", target=_tail(t, m, 1))
    m = _m(r"(.+?)(?: (?:is|are|was|were|'s|has been|have been|got|is now|are now|all)|'s|'s been) (?:all |now |finally |already )?(\w+)(?: now| already| finally| today| yesterday)?", t)
    if m and past_to_base(m[2]) and m[2].lower() not in ("called", "named", "titled", "scheduled", "due", "overdue") and not re.match(r"^(?:what|which|how|is|are|did|have|any|who|why|when|where)\b", t, IC):
        return Intent("complete", target=f"{past_to_base(m[2])} {_tail(t, m, 1)}")
    m = _m(r"(?:i |we |i'?ve |we'?ve )?(?:have |'ve |just |already |finally |also |totally |successfully |now )*(?:finished|completed|done|did|accomplished|wrapped up|took care of|handled|sorted|got) (?:with |off |out )?(.+?)(?: (?:today|yesterday|already|now|just now|finally|too|earlier|this morning))?", t)
    if m:
        return Intent("complete", target=_tail(t, m, 1))
    m = _m(r"(?:i |we |i'?ve |we'?ve )?(?:have |'ve |just |already |finally |also |now )*(\w+) (.+?)(?: (?:today|yesterday|already|now|just now|finally|too|earlier|this morning|last night))?", t)
    if m:
        base = past_to_base(m[1])
        if base and not (m[1].lower() in ("read", "put", "set", "cut") and not re.match(r"^(?:i|we) ", t, IC)):
            return Intent("complete", target=f"{base} {_tail(t, m, 2)}")
    m = _m(r"(?:the |my )?(.+?) (\w+)(?: (?:now|already|finally|today|yesterday|at last|just now))?", t)
    if m and _reported_done(m[1], m[2], t):  # "rent paid", "invoice sent", "milk bought"
        base = past_to_base(m[2]) or ""
        return Intent("complete", target=m[1] if base in COMPLETION_VERBS else f"{base} {m[1]}")
    # --- list / query
    if (re.match(rf"^{LIST_LEAD}", t, IC) and (re.search(TASKY, t, IC) or re.match(r"^(?:find|search|look (?:up|for))\b", t, IC)
                                                 or find_when(t, _ANY_DAY, recurrence=False).day
                                                 or (find_period(t.lower(), _ANY_DAY) and not is_task_verb(t.split()[0])))) \
            or re.search(r"\b(?:my (?:tasks|todos|to-?dos|list|agenda|schedule)|to-?do list|task list)\b", t, IC) \
            or (re.match(_TASK_NOUN_PHRASE, t, IC) and not is_task_verb(t.split()[0])):
        kind = "count" if re.search(r"\bhow many\b|\bnumber of\b|\bcount\b", t, IC) else "list"
        return Intent(kind, body=t)
    # --- a bare task ("buy milk tomorrow")
    words = t.split()
    if words and is_task_verb(words[0]) and len(words) >= 2 and words[1].lower() not in ("me", "us", "you", "him", "her") \
            and not re.fullmatch(r"\w+ (?:it|that|this|them|those|these)(?: (?:please|now|again))?", t, IC):
        return Intent("add", body=t, field="bare")
    return Intent("unknown", body=t)


def _reported_done(subject: str, participle: str, text: str) -> bool:
    """Whether "<subject> <participle>" reports a task done without a verb to be ("rent paid",
    "invoice sent", "flights booked"): a known past participle after a short noun phrase that is
    no question, no group of tasks, and no task phrase of its own ("call mom when landed")."""
    words = subject.split()
    return bool(
        past_to_base(participle)
        and participle.lower() not in ("called", "named", "titled", "scheduled", "due", "overdue", "labelled", "labeled")
        and 1 <= len(words) <= 4
        and not (len(words) > 1 and is_task_verb(words[0]))
        and not re.match(r"^(?:what|which|how|is|are|did|do|does|have|has|had|any|who|why|when|where|show|list|get|make|let|i|we|you)\b", text, IC)
        and not re.search(r"\b(?:tasks?|todos?|items?|everything|anything|stuff|things|all|ones?|is|are|was|were|be|been|to|not|never)\b", subject, IC)
    )


_DUE_NOUN = r"(?:due date|deadline|due day)"
"""The noun of a task's due date ("give X a deadline of friday")."""
_NO_LEAD = r"(?:(?:oh|wait|ah|hmm+|um+|uh+|oops|whoops|sorry)[,!. ]+)*(?:no+|nope|nah)(?:[,!. ]+(?:no+|wait|sorry|oops))*[,!. ]+"
"""A "no" said before a take-back ("wait no, undo", "oh no undo that", "no no, revert it")."""
_QUESTION_START = r"^(?:how many|how much|what|which|whats|what'?s|wats|any|anything|is there|are there)\b"
"""A message that starts as a question about the list: its "X are still open" is no reopen."""
_GOT_ANY = r"^(?:(?:have|do|did) )?(?:(?:i|we|you|u) )?(?:got|have|get) (?:any|anything|something|stuff|things)\b"
"""The colloquial list question without a question word: "got anything overdue", "have i got any
tasks today", "i have anything due friday?" (the words after it still have to be about tasks)."""


_TASK_NOUN_PHRASE = (
    r"(?:[\w#'-]+\s+){0,3}(?:tasks|todos|to-?dos|stuff|things|items|errands|chores)"
    r"(?:\s+(?:due|for|in|on|this|next|tagged|with|about|from|that|before|after|by|until|between|over|within)\b.*)?\??$"
)
"""A list question said as a noun phrase ("travel stuff due in december", "work tasks this week")."""
_NOTE_NOUN = r"(?:note|comment|memo)s?"
_NOTE_VERB = r"(?:add|put|attach|write|append|stick|jot(?: down)?|leave|drop|pin|include|set)"


def _note(t: str) -> Intent | None:
    """The notes family (issue 15, item 4): a note is the task's description.

    - "add/put/attach/stick a note to|on <task>: <note>", "note on <task>: <note>", "notes for
      <task> - <note>": a note added to the task (kind ``update``, field ``note``: kept after what
      the description already says);
    - "set the note/description on <task>: <text>" (field ``description``): replaced;
    - "what's the note on <task>?", "any notes on task 3?", "read me the notes on <task>", "what
      does the note on <task> say?": read it (kind ``note``, ``target`` the task).
    """
    sep = r"\s*(?::|-|,|saying|that says|that reads|reading)\s*"
    m = _m(rf"{_NOTE_VERB} (?:a |an |the |this |my |another |one more )?(?:short |quick )?{_NOTE_NOUN} (?:to|on|for|in|onto) (.+?){sep}(.+)", t) \
        or _m(rf"(?:a )?{_NOTE_NOUN} (?:on|for) (.+?)\s*(?::|-)\s*(.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="note")
    m = _m(rf"(?:set|put) (?:a |an |the |this )?(?:description|details?) (?:to|on|for|in) (.+?){sep}(.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="description")
    about = r"(?:on|for|of|in|attached to|about)"
    m = _m(rf"(?:what'?s|whats|what is|what are|what were|show(?: me)?|read(?: me)?|tell me|give me|any|are there any|is there an?|do i have an?y?|did i (?:write|leave|add) an?y?)"
           rf" (?:the |my |any )?{_NOTE_NOUN} {about} (.+?)(?: say| says)?\??", t) \
        or _m(rf"what (?:does|do|did) (?:the |my )?{_NOTE_NOUN} {about} (.+?) say\??", t) \
        or _m(rf"(?:does|do|did) (.+?) (?:have|has|got) (?:a |an |any )?{_NOTE_NOUN}\??", t)
    if m:
        return Intent("note", target=_tail(t, m, 1))
    return None


def _after_add(t: str, rest: str) -> Intent:
    """An add lead was said: the rest may itself be another command ("I need to see my tasks")."""
    rest = rest.strip()
    if not rest:
        return Intent("add", body="")
    first = rest.split()[0]
    if re.match(r"^(?:i|we) (?:have|'ve)\b|^i'?ve\b|^we'?ve\b", t, IC) and past_to_base(first):
        return Intent("complete", target=f"{past_to_base(first)} {rest[len(first):].strip()}")
    if re.match(r"^(?:add|create|new|remind me|remember)\b", rest, IC):
        inner = classify(rest)
        if inner.kind == "add":
            return inner
    if re.match(r"^(?:see|view|show|list|know|look at)\b", rest, IC):
        return Intent("list", body=rest)
    if re.match(r"^(?:delete|remove|erase|mark|rename|reschedule|undo|reopen|uncheck)\b", rest, IC):
        inner = classify(rest)
        if inner.kind not in ("unknown", "add"):
            return inner
    return Intent("add", body=rest)


def _settings_only(text: str) -> bool:
    """True when ``text`` says only dates, priorities and tags ("due next week and high priority")."""
    from todochat.agent.models.builtin.dates import cut
    from todochat.agent.models.builtin.slots import take_priority, take_tags

    when = find_when(text, _ANY_DAY)
    rest = cut(text, when.spans) if when.found else text
    rest, level = take_priority(rest)
    rest, tags = take_tags(rest)
    leftover = re.sub(r"\b(?:and|with|due|priority|to|a|the|also|be|is|on|at|for|as|by)\b|[,.;&]", " ", rest, flags=IC).strip()
    return not leftover and bool(when.found or level or tags)


def _split_settings(t: str) -> Intent | None:
    """"make/set/mark <task> <settings>": the shortest task phrase whose rest is only settings."""
    m = re.match(r"^(?:make|set|mark|change|move|update|switch|give)\s+(.+)$", t, IC)
    if not m or re.match(r"^(?:the |its |it'?s )?(?:due date|deadline|date|priority|title|name|description|notes?|time|due|tags?)\b", m[1], IC):
        return None
    words = m[1].split()
    for i in range(1, len(words)):
        body = " ".join(words[i:])
        if _settings_only(body):
            return Intent("update", target=" ".join(words[:i]), body=body, field="auto")
    return None


_AMOUNT = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|\d{1,3})"
_UNIT = r"(days?|weeks?|fortnights?|months?|years?|hours?)"
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3}
_LATER = r"(?:postpone|push back|delay|snooze|defer|put off|hold off on)"


def _duration(amount: str, unit: str, sign: int) -> str:
    """An ISO 8601 duration for "<amount> <unit>" ("a week" → P1W, "2 hours" → PT2H), signed."""
    n = _NUMBER_WORDS.get(amount.lower()) or int(amount)
    key = unit.lower().rstrip("s")
    text = {"day": f"P{n}D", "week": f"P{n}W", "fortnight": f"P{2 * n}W", "month": f"P{n}M",
            "year": f"P{n}Y", "hour": f"PT{n}H"}[key]
    return ("-" if sign < 0 else "") + text


def _shift(t: str) -> Intent | None:
    """Relative rescheduling, rule family "move by an amount" (issue 11, item 5): "push X back a
    week", "snooze X by a day", "postpone X 2 days", "move X forward 3 days", and postponing to a
    date ("postpone X to friday", field ``postpone``: never earlier). Body: an ISO 8601 duration."""
    later = (
        _m(rf"(?:push|move|put|bump|set|shift|kick) (.+?) back (?:by |for )?{_AMOUNT} {_UNIT}", t)
        or _m(rf"{_LATER} (.+?) (?:by |for )?{_AMOUNT} {_UNIT}(?: (?:later|more))?", t)
        or _m(rf"(?:move|shift|push|bump|put) (.+?) (?:by )?{_AMOUNT} {_UNIT} (?:later|back|out|on)", t)
    )
    if later:
        return Intent("update", target=_tail(t, later, 1), body=_duration(later[2], later[3], 1), field="shift")
    earlier = _m(rf"(?:move|shift|bring|pull|bump) (.+?) (?:forward|up|earlier|ahead) (?:by )?{_AMOUNT} {_UNIT}", t) \
        or _m(rf"(?:move|shift|bring|pull) (.+?) (?:by )?{_AMOUNT} {_UNIT} (?:earlier|sooner|forward)", t)
    if earlier:
        return Intent("update", target=_tail(t, earlier, 1), body=_duration(earlier[2], earlier[3], -1), field="shift")
    to_day = _m(rf"(?:{_LATER}|push) (.+?) (?:back )?(?:to|till|until|for) (.+)", t)
    if to_day:
        return Intent("update", target=_tail(t, to_day, 1), body=_tail(t, to_day, 2), field="postpone")
    alone = _m(r"(?:snooze|postpone|delay|push back|put off) (.+)", t)
    if alone:
        return Intent("update", target=_tail(t, alone, 1), body="P1D", field="shift")
    return None


_MOVED = r"moved|rescheduled|re-scheduled|pushed(?: back)?|postponed|shifted|bumped|changed|put off|delayed|switched"
"""Past participles of rescheduling ("the dentist got moved to thursday")."""
_GROUP_START = r"(?:all|every|everything|each)\b"
"""A target starting so names a group of tasks (queries.bulk_target reads its scope)."""


def _maybe_update(t: str) -> Intent | None:
    """Update phrasings with a clear verb: rename, move/reschedule, priority, recurrence, notes."""
    m = _m(rf"(?:give|set|put) (?!(?:(?:a|an|the|my|its|new) )*{_DUE_NOUN}\b)(.+?) (?:a |the )?(?:new )?{_DUE_NOUN} (?:of |on |for |to |as |at |:\s*)?(.+)", t) \
        or _m(rf"(?:the )?(?:new )?{_DUE_NOUN} (?:for|of|on) (.+?)(?: is| should be| will be| becomes|:| =| to| now is| is now) (.+)", t) \
        or _m(rf"(.+?)'s (?:new )?{_DUE_NOUN}(?: is| should be| will be|:| =| is now| now is) (.+)", t)
    if m:  # "give buy milk a deadline of friday", "the deadline for pay rent is dec 1"
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="due")
    m = _m(rf"(?:set|give|put|add) (?:a |the )?(?:new )?{_DUE_NOUN} (?:of |on |for |to |at )?(.+?) (?:for|on|to) (.+)", t)
    if m and find_when(m[1], _ANY_DAY, recurrence=False).day:  # "set a deadline of friday for buy milk"
        return Intent("update", target=_tail(t, m, 2), body=_tail(t, m, 1), field="due")
    m = _m(rf"(?:set|give|put|add|change|update|make) (?:a |the |its )?(?:new )?{_DUE_NOUN} (?:for|on|of) (.+?)(?: to|:| as| at) (.+)", t)
    if m:  # "put a deadline on the report: friday"
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="due")
    m = _m(rf"(?:set|change|update|make|move) (?:the |its )?{_DUE_NOUN} (?:to|for|as|on) (.+)", t)
    if m:  # "set the due date to friday": the task the conversation is on
        return Intent("update", target="it", body=_tail(t, m, 1), field="due")
    m = _m(rf"(?:move|reschedule|re-schedule|shift|bump|change|set) ({_GROUP_START}.*?|(?:the |my )?.+? (?:tasks|ones|items|todos|stuff|things)(?: due .+?)?)"
           r" (?:to|till|until|for|into|over to|onto) (.+)", t)
    if m and not _shift(t):  # "move everything due friday to monday": the group's own "due" is not the new date
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="due")
    split = _split_settings(t)
    if split:
        return split
    m = _m(r"(?:rename|retitle|re-title|re-name|call|name) (.+?) (?:to|as|into|->) (.+)", t) \
        or _m(r"change (?:the )?(?:name|title|wording|text) (?:of|for|on) (.+?) to (.+)", t) \
        or _m(r"(.+?) should (?:be called|be named|say|read) (.+)", t) \
        or _m(r"(?:rename|retitle|re-title|re-name) (.+?) (\x01\d+\x01)", t) \
        or _m(r"(?:call|name|title) (.+?) (\x01\d+\x01) instead", t)
    if m:  # "call buy milk 'buy oat milk' instead": the quoted text is the new title
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="title")
    m = _m(r"(?:set|change|update|make|edit) (?:the )?(?:description|notes?|details) (?:of|for|on) (.+?) (?:to|as|:)\s*(.+)", t) \
        or _m(r"describe (.+?) as (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="description")
    m = _m(r"(?:set|change|update|make|move|put|bump|raise|lower|drop|downgrade|upgrade) (?:the )?(?:priority|prio) (?:of|for|on) (.+?) (?:to|as|at) (.+)", t) \
        or _m(rf"(?:make|mark|set|flag|change|bump|raise|lower|drop|put|move|upgrade|downgrade|turn) (.+?) (?:as |to |at |up to |down to |into )?({PRIORITY_WORDS})(?: priority)?", t) \
        or _m(rf"(.+?) (?:is|are|should be|needs to be|must be) (?:now |very |really |super |more |less |quite )?({PRIORITY_WORDS})(?: priority)?", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="priority")
    m = _m(r"(.+?) (?:isn'?t|is not|aren'?t|are not|is no longer|doesn'?t need to be) (?:that |very |so |really |super )?((?:urgent|important)(?: anymore| any more)?)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body="low", field="priority")
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="priority")
    m = _m(r"(?:make|change|switch|set|move) (it|that|this|that one|this one|them) (?:to |for |on |at |into )?(.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="auto")
    m = _m(r"(?:prioriti[sz]e|flag|star|escalate) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body="high", field="priority")
    m = _m(r"(?:deprioriti[sz]e|de-prioriti[sz]e) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body="low", field="priority")
    m = _m(r"(?:make|set|have) (.+?) (?:repeat|recur|happen|come back)s? (.+)", t) or _m(r"(.+?) should (?:repeat|recur|happen) (.+)", t) \
        or _m(r"(?:make|set) (.+?) (?:recurring|repeating|a recurring task|a repeating task) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="recurrence")
    shift = _shift(t)
    if shift:
        return shift
    m = _m(r"(?:move|reschedule|re-schedule|postpone|push|push back|delay|bump|shift|defer|put off|change the (?:due )?date (?:of|for|on)|change the deadline (?:of|for|on)|set the (?:due )?date (?:of|for|on)|set the deadline (?:of|for|on)|set the due date for|make) (.+?) (?:to|till|until|for|by|on|at|due|into|back to|forward to|out to) (.+)", t) \
        or _m(r"(?:move|reschedule|re-schedule|postpone|push|delay|shift|defer) (.+?) (\S+(?: \S+)?)", t) \
        or _m(r"(?:make|set) (.+?) (?:due|for) (.+)", t) \
        or _m(r"(.+?) (?:is|should be|will be|needs to be|must be|has to be) (?:now |actually )?(?:due|done|finished|moved to|rescheduled to|happening|on) (.+)", t) \
        or _m(rf"(.+?) (?:got|was|were|has been|have been|'s been|is being|is getting|gets) (?:{_MOVED}) (?:to|till|until|for|on|back to|over to) (.+)", t) \
        or _m(r"(?:change|set|update) (?:the )?(?:due date|deadline|date|due|time) (?:of|for|on) (.+?) to (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="due")
    m = _m(r"(?:change|edit|update|modify|fix|correct|switch|replace|set) (.+?) (?:to|into|as|->|so it says|so that it says|to say|to read|with) (.+)", t)
    if m:
        return Intent("update", target=_tail(t, m, 1), body=_tail(t, m, 2), field="auto")
    return None


# --- rule family "reminders" (issue 14) --------------------------------------------------------
REMIND_LEAD = (
    r"(?:(?:can|could|would|will) you |please |pls |also |and )*"
    r"(?:remind me|ping me|nudge me|alert me|notify me|warn me|buzz me|give me (?:a |an )?(?:reminder|nudge|ping|heads[- ]?up|shout|alert|notification|buzz)"
    r"|(?:set|create|add|make|schedule|put in|set up)(?: me)?(?: up)? (?:a |an |another |one more )?(?:new )?(?:reminder|alarm))"
    r"(?: please)?"
)
"""Asking to be reminded: "remind me", "set a reminder", "ping me", "alert me", "give me a heads up"."""
_OFFSET_RE = re.compile(rf"^(?:{OFFSET})(?:\s+(?P<target>.+?))?$", IC)
_OFFSET_END = re.compile(rf"^(?P<target>.+?),?\s+(?:{OFFSET})$", IC)
_REMINDER_NOUN = r"(?:reminders?|alarms?|notifications?|alerts?)"
_CANCEL_VERB = r"(?:cancel|remove|delete|clear|drop|turn off|switch off|disable|kill|get rid of|stop|mute|silence|scrap|nix|nuke|take off|undo)"
_TARGET_TAIL = r"(?:\s+(?:is due|starts|begins|is|appointment|happens))?"


def _only_when(text: str) -> bool:
    """True when ``text`` says only a date/time/recurrence ("tomorrow at 9", "every friday")."""
    when = find_when(text, _ANY_DAY)
    if not when.found or when.ambiguous:
        return False
    rest = cut(text, when.spans)
    return not re.sub(r"\b(?:on|at|for|by|in|the|and|from|starting)\b|[,.;:-]", " ", rest, flags=IC).strip()


def _target(text: str) -> str:
    """A task phrase after "about"/"before": without "is due", "starts" and the like."""
    text = re.sub(rf"{_TARGET_TAIL}$", "", text.strip(" ,.;"), flags=IC).strip()
    return text or "it"


def _about(target_text: str) -> Intent:
    """"remind me about <task> [<offset> before | <when>]": a reminder on an existing task."""
    m = _OFFSET_END.match(target_text)
    if m:
        minutes = find_offset(target_text[m.start("target") + len(m["target"]):])
        return Intent("remind", target=_target(m["target"]), body=str(minutes[0] if minutes else 0), field="before")
    when = find_when(target_text, _ANY_DAY)
    if when.found and not when.ambiguous:
        said = " ".join(target_text[a:b] for a, b in sorted(when.spans))
        rest = re.sub(r"\s+(?:on|at|for|by|in|from)$", "", cut(target_text, when.spans), flags=IC)
        if rest:
            return Intent("remind", target=_target(rest), body=said, field="at")
    return Intent("remind", target=_target(target_text), field="due")


def _reminder(t: str) -> Intent | None:
    """The reminder family (issue 14), one rule per way of speaking:

    - "remind me to X <when>" / "remind me <when> to X" / "set a reminder to X": a new task with a
      reminder at its due time (kind ``add``, field ``remind``);
    - "remind me <offset> before <task>" / "remind me about <task> <offset> before" / "remind me
      an hour before" (= "it"): a reminder minutes before an existing task's due time;
    - "remind me about <task> <when>" / "remind me <when> about <task>": at a time ("tomorrow
      morning" → 09:00; a day alone → 09:00); "remind me about <task>" alone: at its due time;
    - "what reminders do I have?", "any reminders for the dentist?": list;
    - "cancel the reminder for X", "don't remind me about X", "stop reminding me about X": cancel;
    - "send my reminders to ntfy topic T", "email my reminders to a@b.c": the delivery channel.
    """
    low = t.lower()
    found = _channel(t) or _list_reminders(t) or _cancel_reminder(t)
    if found:
        return found
    m = re.match(rf"^{REMIND_LEAD}(?:\s*[:\-,]\s*|\s+|$)(.*)$", t, IC)
    if not m:
        return None
    rest = re.sub(r"^(?:by|via|over|through|on) (?:e-?mail|ntfy|web ?push|push)\s+", "", m[1].strip(" ,"), flags=IC)  # the channel is a setting
    if not rest:
        return Intent("add", body="", field="remind")
    to = re.match(r"^(?:to|that i (?:need|have) to|i need to|that i should)\s+(.+)$", rest, IC)
    if to:
        return _remind_add(t, to[1])
    offset = _OFFSET_RE.match(rest)
    if offset:
        minutes = find_offset(rest)
        target = re.sub(r"^(?:the start of|the beginning of)\s+", "", offset["target"] or "it", flags=IC)
        return Intent("remind", target=_target(target), body=str(minutes[0] if minutes else 0), field="before")
    for split in re.finditer(r"\s+(to|about|of|that|for)\s+", rest, IC):
        before, after = rest[: split.start()], rest[split.end():]
        if _only_when(before):
            before = re.sub(r"^(?:for|at|on|by)\s+", "", before, flags=IC)  # "for 4pm to …": the time, not a title word
            if split[1].lower() in ("to", "that"):
                return _remind_add(t, f"{after} {before}")
            return _about(f"{after} {before}")
    about = re.match(r"^(?:about|of|re|regarding|for)\s+(.+)$", rest, IC)
    if about and not _only_when(about[1]):
        return _about(about[1])
    if _only_when(rest):
        return Intent("remind", target="it", body=rest, field="at")
    if low.startswith(("add", "create", "make", "set", "schedule", "put")) and re.match(r"^(?:for|about)\s", rest, IC):
        return _about(rest.split(" ", 1)[1])
    return _remind_add(t, rest)


def _remind_add(t: str, body: str) -> Intent:
    """A new task said after a reminder lead: as any add phrase, with a reminder at its due time."""
    inner = _after_add(t, body)
    if inner.kind == "add":
        return Intent("add", body=inner.body, field="remind")
    return inner


def _list_reminders(t: str) -> Intent | None:
    """"what reminders do I have?", "show my reminders", "any reminders for the dentist?",
    "what am I being reminded about?", "reminders for task 3"."""
    if re.search(rf"\b{_CANCEL_VERB}\b|^(?:don'?t|do not|no )|\bremind me\b", t, IC):
        return None
    asks = re.match(
        r"^(?:(?:what|which|show|list|view|display|tell me|any|do i|do we|did i|have i|are there|is there|pull up|let me see|can i see)\b.*\breminders?\b"
        r"|(?:my |all |the |upcoming |pending |active )*reminders?\b(?! (?:to|that)\b)"
        r"|what (?:am i|will i be|are you going to|will you) (?:being )?remind(?:ed|ing)?\b)(.*)$", t, IC)
    if not asks:
        return None
    target = re.search(rf"\b{_REMINDER_NOUN}\s+(?:\w+\s+)?(?:for|on|about|of|attached to)\s+(.+?)(?:\s+(?:set|scheduled|pending|are there|do i have))?$", t, IC) \
        or re.search(r"\breminded (?:about|of)\s+(.+)$", t, IC)
    name = target[1].strip() if target else ""
    if re.fullmatch(r"(?:me|now|later)", name, IC):
        name = ""
    return Intent("reminders", target=name, body=t)  # the planner reads a time span in it ("tomorrow")


def _cancel_reminder(t: str) -> Intent | None:
    """"cancel the reminder for the dentist", "don't remind me about rent", "stop reminding me to
    stretch", "turn off all my reminders", "cancel that reminder", "the gym doesn't need a
    reminder"; "cancel the dentist reminder" (field ``or_delete``: a task with no reminder that is
    named so is itself "the dentist reminder", as people call tasks reminders)."""
    m = _m(rf"(?:please )?{_CANCEL_VERB} (?P<all>all )?(?:of )?(?:the |my |that |this |those |these |its |it'?s )?(?P<all2>all )?(?P<noun>{_REMINDER_NOUN})"
           rf"(?: (?:for|on|about|of|from|in|attached to|set for|set on|to) (?P<target>.+?))?(?: (?:please|too|as well|for now))?", t)
    if m:
        target = (m["target"] or "").strip()
        if m["all"] or m["all2"] or m["noun"].lower().endswith("s"):  # "the reminders for X", "all my reminders"
            return Intent("unremind", target=target, field="all")
        return Intent("unremind", target=target or "it")
    m = _m(r"(?:please )?(?:(?:i )?(?:don'?t|do not|dont) (?:need|want) (?:a |any |the |that )?reminders? (?:for|about|on|of)|no (?:more )?reminders? (?:for|about|on|of)"
           r"|(?:please )?(?:don'?t|do not|dont|never|no need to|you don'?t need to|there'?s no need to|no more|stop|quit|you can stop) (?:remind(?:ing)?|ping(?:ing)?|nag(?:ging)?|nudg(?:e|ing)) me(?: (?:about|of|for|on|to|regarding))?)"
           r"(?: (?P<target>.+?))?(?: (?:anymore|any more|again|please|after all))?", t)
    if m:  # not being reminded about X at all: every reminder of X (several: asked first)
        return Intent("unremind", target=(m["target"] or "it").strip(), field="all")
    m = _m(r"(?P<target>.+?) (?:doesn'?t|does not|don'?t|do not) need (?:a |any |the )?reminders?(?: (?:anymore|any more))?", t)
    if m:
        return Intent("unremind", target=m["target"].strip(), field="all")
    m = _m(r"(?:please )?(?:no (?:more )?reminders?|(?:i )?(?:don'?t|do not|dont) (?:need|want) (?:any )?(?:more )?reminders?)"
           r"(?: (?:anymore|any more|at all|please|for now|from now on))*", t)
    if m:  # "no more reminders": every reminder (several: asked first)
        return Intent("unremind", target="", field="all")
    m = _m(rf"(?:{_CANCEL_VERB}) (?:the |my )?(?P<target>(?!all\b).+?) reminders?", t)
    if m:
        return Intent("unremind", target=m["target"].strip(), field="or_delete")
    return None


_CHANNELS = {"ntfy": "ntfy", "email": "email", "e-mail": "email", "mail": "email", "push": "webpush",
             "web push": "webpush", "webpush": "webpush", "browser": "webpush", "phone": "ntfy",
             "page": "page", "app": "page", "here": "page", "this page": "page", "the page": "page"}


def _channel(t: str) -> Intent | None:
    """Where reminders go: "send my reminders to ntfy topic alerts", "email my reminders to
    me@example.com", "use web push for reminders", "stop emailing me reminders" (off)."""
    email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", t)
    off = re.match(r"^(?:stop|don'?t|do not|no more|quit|disable|turn off|switch off)\b", t, IC)
    if not re.search(r"\breminders?\b|\bremind me\b", t, IC):
        return None
    m = re.match(r"^(?:please )?(?:send|deliver|push|forward|route|get|give)(?: me)? (?:my |all my |the |all )?reminders? (?:to|via|by|through|over|on|as|with|using|in) (?P<rest>.+)$", t, IC) \
        or re.match(r"^(?:please )?(?:e-?mail|mail) (?:me )?(?:my |the |all )?reminders?(?P<rest>.*)$", t, IC) \
        or re.match(r"^(?:please )?(?:use|enable|turn on|switch on|activate|set up) (?P<rest>.+?) (?:for|with) (?:my |the )?reminders?$", t, IC) \
        or re.match(r"^(?:please )?(?:remind me|notify me) (?:by|via|over|through|with|using) (?P<rest>e-?mail|ntfy|web ?push|push(?: notifications?)?|browser notifications?)"
                    r"(?: (?:from now on|instead|please|at [\w.+-]+@[\w.-]+|on (?:topic )?[\w-]+))?$", t, IC) \
        or re.match(r"^(?:stop|don'?t|do not|no more|quit) (?:sending (?:me )?(?:my )?reminders? (?:to|via|by|through|over|on|as) |(?P<verb>e-?mailing|mailing|pushing|sending) (?:me )?(?:my |the )?reminders?)(?P<rest>.*)$", t, IC) \
        or re.match(r"^(?:disable|turn off|switch off) (?P<rest>.+?) (?:for )?(?:my |the )?reminders?$", t, IC)
    if not m:
        return None
    said = f"{m['rest']} {m.groupdict().get('verb') or ''} {t if re.match(r'^(?:please )?e-?mail', t, IC) else ''}".lower()
    channel = next((_CHANNELS[k] for k in sorted(_CHANNELS, key=len, reverse=True) if re.search(rf"\b{re.escape(k)}", said)), None)
    if email and channel is None:
        channel = "email"
    if channel is None:
        return None
    address = email[0] if email and channel == "email" else None
    if channel == "ntfy":
        topic = re.search(r"\b(?:topic|channel)\s+[\"']?([\w-]+)", t, IC) or re.search(r"\bntfy\s+(?!topic\b|channel\b)[\"']?([\w-]+)", t, IC)
        address = topic[1] if topic else None
    return Intent("channel", body=channel, target=address or "", field="off" if off else "on")


# --- rule family "subtasks" (issue 15) ---------------------------------------------------------
SUB = r"(?:sub-?tasks?|sub tasks?|sub-?steps?|steps?|sub-?items?|child tasks?)"
"""The nouns people use for a subtask."""
_PARENT_PREP = r"(?:of|to|for|under|in|on|inside|within|beneath)"
_ITEMS_INTRO = rf"(?:(?:the |these |following |separate |smaller )*(?:{SUB}|parts|pieces|tasks|chunks|bits)\s*[:\-]?\s*)?"
_TOP_LEVEL = r"(?:a |an )?(?:top-?level|top level|standalone|stand-alone|separate|independent|main|normal|regular|root)(?: task| item| todo)?"


def _whole_list(phrase: str) -> bool:
    """True when ``phrase`` names the list or a time, not one task ("my list", "today", "this week")."""
    if re.fullmatch(r"(?:(?:my|the|our|your|this|that|all)\s+)*(?:(?:todo|to-?do|to do|task)\s+)?(?:list|lists|tasks|todos|to-?dos|plate|agenda|schedule|everything|me|us)", phrase.strip(), IC):
        return True
    return bool(_only_when(phrase))


def _subtask(t: str) -> Intent | None:
    """The subtasks family (issue 15), one rule per way of speaking:

    - adding under a task: "add buy stamps as a subtask of the passport task", "add subtask buy
      stamps to the passport task", "add a subtask to renew passport: buy stamps", "new subtask
      for the trip: pack", "add buy stamps to the passport task as a subtask", "add buy stamps
      under task 1" (kind ``subtask``);
    - breaking a task down: "break down plan the trip into book flights, book hotel, pack",
      "split the trip into …", "add subtasks to the trip: a, b, c" (kind ``breakdown``/``subtask``);
    - what is left: "what's left for the trip?", "show the subtasks of task 1" (kind ``subtasks``);
    - moving: "make 4 a subtask of 2", "move 4 under 2", "make 2 a top-level task", "take book
      flights out of the trip" (kind ``move_under``).
    """
    lead = r"(?:add|create|make|put|insert|give)"
    m = _m(rf"(?:{lead}(?: (?:a|an|another|one more|the|some|these))? |new |another )(?:new )?{SUB} {_PARENT_PREP} (.+?)\s*(?::|-|—)\s*(.+)", t)
    if m:
        return Intent("subtask", target=_tail(t, m, 1), body=_tail(t, m, 2))
    m = _m(rf"{lead} (.+?),? (?:as|like) (?:a |an |another )?(?:new )?{SUB} {_PARENT_PREP} (.+)", t)
    if m:
        return Intent("subtask", target=_tail(t, m, 2), body=_tail(t, m, 1))
    m = _m(rf"{lead} (.+?),? (?:as (?:a )?part of|as (?:a |one )?(?:step|piece|part) (?:of|in|for)|as one of the {SUB} (?:of|for)) (.+)", t)
    if m:  # "add send invites as part of plan party": no such task, a plain add (field "under")
        return Intent("subtask", target=_tail(t, m, 2), body=_tail(t, m, 1), field="under")
    m = _m(rf"{lead} (.+?) (?:to|under|in|on|into|for) (.+?),? as (?:a |an |another )?(?:new )?{SUB}", t)
    if m:
        return Intent("subtask", target=_tail(t, m, 2), body=_tail(t, m, 1))
    m = _m(rf"(?:{lead}(?: (?:a|an|another|the|some))? |new )(?:new )?{SUB} (.+?) (?:to|for|under|in|on|into|of) (.+)", t)
    if m:
        return Intent("subtask", target=_tail(t, m, 2), body=_tail(t, m, 1))
    m = _m(r"(add|put) (.+?) (?:under|beneath|below) (.+)", t)
    if m and m[1].lower() == "put":  # an existing task is moved; else a new one is added there
        return Intent("move_under", target=_tail(t, m, 2), body=_tail(t, m, 3), field="or_add")
    if m:
        return Intent("subtask", target=_tail(t, m, 3), body=_tail(t, m, 2), field="under")
    verb = r"(?:break|split|divide|chop|cut)"
    m = _m(rf"{verb}(?: up| down)? (.+?)(?: up| down)? (?:into|in) {_ITEMS_INTRO}(.+)", t)
    if m:
        return Intent("breakdown", target=_tail(t, m, 1), body=_tail(t, m, 2))
    m = _m(rf"(?:{verb} (?:up|down) (.+)|{verb} (.+?) (?:up|down)(?: into (?:{SUB}|parts|pieces|smaller tasks))?|{verb} (.+?) into (?:{SUB}|parts|pieces|smaller tasks))", t)
    if m:
        return Intent("breakdown", target=next(g for g in m.groups() if g))
    m = _m(r"what(?:'s| is|s| remains| else is)? (?:still )?(?:left|remaining|outstanding|open|undone|pending|to do)(?: to do)?(?: to be done)? (?:for|on|in|of|with|under) (.+)", t) \
        or _m(r"how much (?:is )?(?:still )?(?:left|remaining) (?:for|on|in|of) (.+)", t)
    if m and not _whole_list(m[1]):  # "what's left on my list?", "… for today" are lists
        return Intent("subtasks", target=_tail(t, m, 1), field="pending")
    m = _m(rf"(?:show|list|view|display|see|give|tell)(?: me)?(?: all)? (?:the |my )?(?:(open|remaining|pending|unfinished|undone) )?{SUB} (?:of|for|in|on|under) (.+)", t) \
        or _m(rf"what (?:are|were) (?:the |my )?(?:(open|remaining|pending|unfinished|undone) )?{SUB} (?:of|for|in|on|under) (.+)", t) \
        or _m(rf"(?:which|what) {SUB} (?:are )?(?:(left|open|remaining|pending)) (?:for|on|in|of|under) (.+)", t)
    if m and not _whole_list(m[2]):
        return Intent("subtasks", target=_tail(t, m, 2), field="pending" if m[1] else "all")
    m = _m(rf"(?:make|turn|set|change) (.+?) (?:back )?(?:into |to )?{_TOP_LEVEL}(?: again)?", t) \
        or _m(r"(?:take|move|pull|remove|detach|get|lift) (.+?) out (?:of|from) (?:under )?.+", t) \
        or _m(r"(?:detach|unnest|un-nest|separate) (.+?)(?: from .+)?", t) \
        or _m(rf"(.+?) (?:is no longer|isn'?t|is not|shouldn'?t be) (?:a )?{SUB}(?: of .+)?(?: anymore| any more)?", t)
    if m:
        return Intent("move_under", target=_tail(t, m, 1), body="")
    m = _m(rf"(?:make|turn|set|mark|put|move|change) (.+?) (?:into |as |to )?(?:a |an |another )?{SUB} {_PARENT_PREP} (.+)", t) \
        or _m(r"(?:move|put|place|nest|file|drag|tuck|stick) (.+?) (?:under|beneath|below|inside|into|within) (.+)", t) \
        or _m(rf"(.+?) (?:is|should be|belongs) (?:a |an )?(?:{SUB} )?(?:of|under|to|in) (.+)", t) if re.search(rf"\b{SUB}\b|\b(?:under|nest)\b", t, IC) else None
    if m:
        return Intent("move_under", target=_tail(t, m, 1), body=_tail(t, m, 2))
    return None
