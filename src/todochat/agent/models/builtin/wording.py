"""Update wording outside the command keywords: priority said with a direction ("lower the
priority on X", "bump X to high", "X needs to be high priority", "no rush on X"), a day's list
("put X on tomorrow's list"), and putting off ("put X off until Saturday", "X can wait until
Monday").

Rule family "wording outside the keyword lists" (issue 12, Why). Each rule is a sentence shape
over the word classes of the phrase book (``PRIORITY_UP``/``PRIORITY_DOWN`` verbs, ``LEVEL``
words, ``DAY_LIST`` nouns), producing the same :class:`Intent` the keyword rules produce, so the
planner, the rescheduling rules (tasks/rescheduling.py) and undo treat them alike.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from todochat.agent.models.builtin.dates import cut, find_when
from todochat.agent.models.builtin.intents import Intent
from todochat.agent.models.builtin.phrasebook import (
    DAY_LIST,
    LEVEL,
    PRIORITY_ALONE,
    PRIORITY_DOWN,
    PRIORITY_UP,
    PRIORITY_WORDS,
)

IC = re.IGNORECASE
_ANY_DAY = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
_PRIO_NOUN = r"(?:priority|prio|importance|urgency)"
_LEVELS = {"p1": "high", "p2": "medium", "p3": "low", "p4": "none", "high": "high", "higher": "high", "highest": "high", "top": "high", "max": "high", "maximum": "high",
           "urgent": "high", "low": "low", "lower": "low", "lowest": "low", "minimum": "low", "medium": "medium",
           "normal": "medium", "mid": "medium", "moderate": "medium", "none": "none", "no": "none"}


def _m(pattern: str, text: str) -> re.Match[str] | None:
    return re.match(f"(?:{pattern})$", text, IC)


def _tail(t: str, m: re.Match[str], group: int | str) -> str:
    return t[m.start(group): m.end(group)]


def _day_only(phrase: str) -> bool:
    """True when ``phrase`` is only a day ("tomorrow", "friday", "today", "dec 3")."""
    when = find_when(phrase, _ANY_DAY, recurrence=False)
    return bool(when.day) and not when.ambiguous and not re.sub(r"[\s'’]|\bthe\b", "", cut(phrase, when.spans), flags=IC)


def priority_wording(t: str) -> Intent | None:
    """Priority said with a direction or a level word:

    - "<up|down verb> the priority on|of|for X [to <level>]" ("lower the priority on rent",
      "raise the priority of task 2 to high"): the level said, else high (up) or low (down);
    - "<up|down verb> X [up|down] [to <level>]" ("bump the report up", "downgrade rent to low",
      "bump X to high"): a bare level word after "to" is a priority, never a date;
    - "give X a <level> priority", "X needs to be|should be|is now <level> priority";
    - "no rush on X", "X is not a priority": low.
    """
    up, down = PRIORITY_UP, PRIORITY_DOWN
    m = _m(rf"(?P<verb>{up}|{down}|change|set|adjust)(?: up| down)? (?:the |its |it'?s )?{_PRIO_NOUN} (?:of|on|for) (?P<x>.+?)(?: (?:to|at|as) (?:a )?(?P<level>{LEVEL})(?: {_PRIO_NOUN})?)?", t) \
        or _m(rf"(?P<verb>{up}|{down}) (?P<x>.+?)(?:'s|’s|s') {_PRIO_NOUN}(?: (?:to|at) (?:a )?(?P<level>{LEVEL})(?: {_PRIO_NOUN})?)?", t)
    if m:
        return _level(t, m, m["verb"])
    m = _m(rf"(?P<verb>{up}|{down}|make|set|change|switch|turn|mark|move|put) (?P<x>.+?) (?:up |down )?(?:(?:to|as|at|into) )?(?:a |the )?(?P<level>{LEVEL})(?: {_PRIO_NOUN})?", t)
    if m:
        return _level(t, m, m["verb"])
    m = _m(rf"(?P<verb>{up}|{down}|knock) (?P<x>.+?)(?P<dir> up| down)?(?: a (?:bit|notch|level|step))?", t)
    if m and (m["dir"] or re.fullmatch(PRIORITY_ALONE, m["verb"], IC)):
        direction = (m["dir"] or "").strip() or m["verb"]
        return _level(t, m, direction)
    m = _m(rf"(?:give|assign) (?P<x>.+?) (?:a |an |the )?(?P<level>{LEVEL}) {_PRIO_NOUN}", t) \
        or _m(rf"(?P<x>.+?) (?:needs to be|should be|must be|has to be|is now|are now|is|are|becomes|gets) (?:a |an )?(?:now )?(?P<level>{LEVEL}) {_PRIO_NOUN}", t)
    if m:
        return _level(t, m, "")
    m = _m(rf"(?:make|mark|set|consider) (?P<x>.+?) (?P<dir>less|more) (?:important|urgent|pressing|of a {_PRIO_NOUN})", t) \
        or _m(rf"(?P<x>.+?) (?:is|are|'s|has become|became|got) (?:now |a bit |a lot |much )?(?P<dir>less|more) (?:important|urgent|pressing|of a {_PRIO_NOUN})(?: now)?", t)
    if m:  # a comparative says the direction: one level is not said, so high or low
        return _level(t, m, "lower" if m["dir"].lower() == "less" else "raise")
    m = _m(r"(?:there'?s )?no (?:rush|hurry) (?:on|for|with|about) (?P<x>.+)", t) \
        or _m(rf"(?P<x>.+?) (?:is|are) (?:not|no longer|not really) (?:a )?(?:{_PRIO_NOUN}|rush job|urgent|important)(?: (?:anymore|any more|now))?", t) \
        or _m(rf"(?P<x>.+?) (?:isn'?t|aren'?t) (?:a )?(?:{_PRIO_NOUN}|rush job|that urgent|that important)(?: (?:anymore|any more|now))?", t)
    if m:
        return Intent("update", target=_tail(t, m, "x"), body="low", field="priority")
    return None


def _level(t: str, m: re.Match[str], direction: str) -> Intent | None:
    target = _tail(t, m, "x").strip()
    if re.match(r"(?:which|what|whichever|any|how many|who)\b", target, IC):
        return None  # "which ones are high priority?": a question (intents' list rules)
    if not target or re.search(rf"\b{_PRIO_NOUN}\b", target, IC) or find_when(target, _ANY_DAY).found:
        return None  # "make task 1 due next week and high priority": several settings (intents._split_settings)
    said = (m.groupdict().get("level") or "").lower()
    level = _LEVELS.get(said)
    if level is None and re.fullmatch(PRIORITY_WORDS, said, IC):
        level = said
    if level is None:
        level = "low" if re.fullmatch(rf"{PRIORITY_DOWN}|down", direction.strip(), IC) else "high"
    return Intent("update", target=target, body=level, field="priority")


def day_list(t: str) -> Intent | None:
    """"put X on tomorrow's list", "add X to friday's list", "move X to today's agenda", "put X
    on the list for monday": X is due that day (field ``day_list``: an existing task moves, a new
    one is added when no task is X)."""
    m = _m(rf"(?:put|add|move|stick|slot|pop|throw|place|schedule|bump|shift) (?P<x>.+?) (?:on|to|onto|in|into|for) (?:the |my )?(?P<day>[\w ]+?)(?:'s|’s|s') {DAY_LIST}", t) \
        or _m(rf"(?:put|add|move|stick|slot|pop|throw|place|schedule) (?P<x>.+?) (?:on|to|onto|in|into) (?:the |my )?{DAY_LIST} (?:for|on) (?P<day>.+)", t)
    if m and _day_only(m["day"]) and not re.fullmatch(r"\s*\x01\d+\x01\s*", m["x"]):  # a quoted title is a new task
        return Intent("update", target=_tail(t, m, "x"), body=_tail(t, m, "day"), field="day_list")
    return None


def put_off(t: str) -> Intent | None:
    """"put X off until|till|to <date>", "hold X until <date>", "X can wait until <date>", "X
    can wait a day": postponed (never earlier; rescheduling rules, tasks/rescheduling.py)."""
    m = _m(r"(?:put|push|hold|set|leave|park) (?P<x>.+?) (?:off|back|aside|over) (?:to|till|until|til|for|on) (?P<when>.+)", t) \
        or _m(r"(?:hold|park|save|keep) (?P<x>.+?) (?:till|until|til|for) (?P<when>.+)", t) \
        or _m(r"(?P<x>.+?) (?:can|could|will have to|has to|must) (?:wait|be put off|be pushed back|be postponed|slide|hold) (?:till|until|til|to|for) (?P<when>.+)", t)
    if m and find_when(m["when"], _ANY_DAY).found:
        return Intent("update", target=_tail(t, m, "x"), body=_tail(t, m, "when"), field="postpone")
    return None


def update_wording(t: str) -> Intent | None:
    """The update rules of this module, tried in order (each reads the whole clause)."""
    return priority_wording(t) or day_list(t) or put_off(t)
