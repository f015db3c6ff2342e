"""Slots of a task phrase: quoted text, description, priority, tags and the cleaned title.

"for X" is a tag only when X is one of :data:`CONTEXT_TAGS` (life areas people file tasks
under: "buy printer ink for work" → tag ``work``); "a gift for mom" stays in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTEXT_TAGS = frozenset(
    ["work", "home", "school", "personal", "family", "errands", "office", "shopping", "health", "fitness", "finance", "finances", "garden", "kids", "house", "job", "business", "uni", "university", "college", "church", "gym", "travel", "household"]
)
_QUOTE = re.compile(r"(?<![\w])(['\"])(.+?)\1(?![\w])")
_B = r"(?<![\w#'-])"
_E = r"(?![\w'-])"

PRIORITY_PATTERNS: list[tuple[str, str]] = [
    ("low", r"(?:not (?:very |that |too )?(?:urgent|important)|no rush|unimportant|whenever(?: i can)?|some ?day|(?:with |at |as |a )*(?:low|lowest|minor|lo)[- ]?(?:priority|prio|pri)|priority:? ?(?:low|3)|p3)"),
    ("none", r"(?:(?:with )?no priority|priority:? ?none|p4)"),
    ("medium", r"(?:(?:with |at |as |a )*(?:medium|normal|mid|moderate|med)[- ]?(?:priority|prio|pri)|priority:? ?(?:medium|normal|2)|p2)"),
    ("high", r"(?:(?:with |at |as |a )*(?:very |super |really |top |highest |high |max )?(?:high|top|highest|max|maximum)[- ]?(?:priority|prio|pri)|priority:? ?(?:high|1)|p1|urgent(?:ly)?|asap|important|critical|crucial|top of (?:my|the) list|!!+)"),
]
_TAG_WORD = r"#?([\w][\w-]*)"
TAG_PATTERNS = [
    r"#([\w][\w-]*)",
    rf"(?:tagged|tag(?:ged)? (?:as|with)|with (?:the )?(?:tags?|labels?)|label(?:l?ed)?(?: as| with)?|under(?: the)?(?= \w+ (?:tag|label|category)))(?: as)? {_TAG_WORD}((?:(?:,| and| &|,? and) {_TAG_WORD})*)(?: (?:tag|label|category))?",
    r"(?:in|to|on|onto|into|for) (?:my|the) ([\w-]+) (?:list|category|project)",
    rf"(?<![\w])for ({'|'.join(sorted(CONTEXT_TAGS))})(?= *$| +(?:on|by|at|due|every|tomorrow|today|tonight|next|this|in|and|with|#))",
]
_LIST_WORDS = {"", "todo", "to-do", "task", "tasks", "reminder", "reminders"}


@dataclass
class TaskSlots:
    """What a phrase says about a task besides its title and dates."""

    title: str = ""
    description: str | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    quoted: str | None = None


def mask_quotes(text: str) -> tuple[str, list[str]]:
    """Replace quoted parts with placeholders ``\\x01N\\x01`` so no date or tag is read inside them."""
    found: list[str] = []

    def repl(m: re.Match[str]) -> str:
        found.append(m[2])
        return f"\x01{len(found) - 1}\x01"

    return _QUOTE.sub(repl, text), found


def unmask(text: str, quotes: list[str]) -> str:
    """Put quoted parts back (without their quote marks)."""
    return re.sub(r"\x01(\d+)\x01", lambda m: quotes[int(m[1])], text)


class _First:
    """A match whose group 1 is the first group that matched."""

    def __init__(self, m: re.Match[str]) -> None:
        self._m = m

    def __getitem__(self, index: int) -> str:
        return next((g for g in self._m.groups() if g), "")

    def start(self) -> int:
        return self._m.start()


def take_description(text: str) -> tuple[str, str | None]:
    """Split off "with description …", "- notes: …", "description: …" (to the end of the text)."""
    m = re.search(
        r"[\s,;]*(?:with|plus|including|and) (?:a |an |the )?(?:extra |additional |short )?"
        r"(?:description|desc|notes?|details|comments?)(?: (?:saying|that says|which says|of|reading|as|that))?"
        r"\s*[:=-]?\s*(.+)$"
        r"|[\s,;(|-]*(?:description|desc|notes?|details|comments?)\s*[:=]\s*(.+)$",
        text,
        re.IGNORECASE,
    )
    if not m:
        return text, None
    first = _First(m)
    if not first[1].strip():
        return text, None
    description = first[1].strip().rstrip(")").strip()
    return text[: first.start()].strip(), description


_DEGREE = r"(?:pretty|quite|very|really|super|extremely|kind of|kinda|rather|fairly|somewhat|a bit|a little|so|too)"
_PRIORITY_INTRO = rf"(?:(?:,|\band\b)?\s*(?:it'?s|it is|this is|that'?s|that is|which is|this one'?s)\s+)?(?:{_DEGREE}\s+)*$"
"""What may stand before a priority phrase and goes with it ("…, it's pretty important")."""


def take_priority(text: str) -> tuple[str, str | None]:
    """Find and cut a priority phrase; returns (rest, ``none/low/medium/high`` or None)."""
    for level, pattern in PRIORITY_PATTERNS:
        m = re.search(_B + pattern + r"(?![\w'-])", text, re.IGNORECASE)
        if m:
            head = re.sub(_PRIORITY_INTRO, "", text[: m.start()], count=1, flags=re.IGNORECASE)
            rest = head + " " + text[m.end():]
            return re.sub(r"\s+", " ", rest).strip(), level
    return text, None


def take_tags(text: str) -> tuple[str, list[str]]:
    """Find and cut tag phrases ("#work", "tagged home", "for work", "to my shopping list")."""
    tags: list[str] = []
    for pattern in TAG_PATTERNS:
        while True:
            m = re.search(_B + pattern, text, re.IGNORECASE)
            if not m:
                break
            words = [g for g in m.groups() if g]
            if len(words) > 1 and pattern is TAG_PATTERNS[1]:
                words = [words[0], *re.findall(r"#?([\w][\w-]*)", words[1])]
                words = [w for w in words if w.lower() not in ("and",)]
            words = [w.lower() for w in words if w.lower() not in _LIST_WORDS]
            tags.extend(w for w in words if w not in tags)
            text = re.sub(r"\s+", " ", text[: m.start()] + " " + text[m.end():]).strip()
    text = re.sub(rf"{_B}(?:to|on|onto|in|into) (?:my|the) (?:todo |to-do |to do |task )?(?:list|tasks|todos)$", "", text, flags=re.IGNORECASE)
    return text.strip(), tags


_EDGE_WORDS = r"(?:on|by|at|due|for|to|in|the|a|an|and|with|of|from|until|till|before|starting|that|about|called|named|titled|task|todo|reminder|item|also|then|please|really|definitely|probably|actually|seriously|still|just|quickly|maybe|-|:|,|;|\.)"


def clean_title(text: str) -> str:
    """Trim connector words and punctuation left at the edges and capitalise the first letter."""
    text = re.sub(r"\(\s*\)|\[\s*\]|\{\s*\}", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    previous = None
    while previous != text:
        previous = text
        text = re.sub(rf"^(?:{_EDGE_WORDS})(?:[:,-]?\s+|$)", "", text, flags=re.IGNORECASE)
        text = re.sub(r"(?:^|\s+)(?:on|by|at|due|for|to|in|the|a|an|and|with|of|from|until|till|before|starting|that|every|-|:|,|;)$", "", text, flags=re.IGNORECASE)
        text = text.strip(" ,;:-")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def split_items(title: str, *, share_verb: bool = True) -> list[str]:
    """Split an enumeration into several task titles.

    The rule: a comma list ("milk, eggs and bread", "call mom, pay rent") always splits; " and "
    alone splits only when both sides start with a verb ("buy milk and call mom"), so
    "call mom and dad" stays one task. A verb that only the first item has is shared:
    "buy milk, eggs and bread" → "buy milk", "buy eggs", "buy bread".
    """
    from todochat.agent.models.builtin.lexicon import is_task_verb

    if "\x01" in title:
        return [title]
    if "," in title:
        parts = [p.strip() for p in re.split(r",\s*(?:and |& |or )?|\s+(?:and|&)\s+(?=[^,]*$)", title) if p.strip()]
    else:
        halves = [re.sub(r"^(?:to|also)\s+", "", h, flags=re.IGNORECASE) for h in re.split(r"\s+(?:and|&)\s+", title)]
        if len(halves) > 1 and all(h.split() and is_task_verb(h.split()[0]) for h in halves):
            parts = halves
        else:
            return [title]
    if len(parts) < 2:
        return [title]
    first = parts[0].split()
    if share_verb and len(first) > 1 and is_task_verb(first[0]) and not any(is_task_verb(p.split()[0]) for p in parts[1:]):
        parts = [parts[0]] + [f"{first[0]} {p}" for p in parts[1:]]
    return parts


def task_slots(text: str) -> TaskSlots:
    """Description, priority, tags and title of a task phrase (dates already cut out)."""
    rest, description = take_description(text)
    rest, priority = take_priority(rest)
    rest, tags = take_tags(rest)
    return TaskSlots(title=clean_title(rest), description=description, priority=priority, tags=tags)
