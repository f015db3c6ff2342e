"""Period phrases of list questions ("in the next 3 days", "this weekend", "in december",
"before friday", "between friday and sunday") read into a range of due days.

Rule family "periods" (issue 12, item 5). A period is a closed range of local days
``[after, before]`` (either end open); the list tool takes it as ``due_after``/``due_before``
(tasks/queries.py ``due_filter``: both inclusive, in the user's zone). The rules, each a way of
speaking rather than one sentence:

- a span ahead of today: "(in|within|over|for) the next|coming|following <n> days|weeks|months",
  "the next few days" (few = 3, a couple = 2): today to today + n units, both included;
- the weekend: "this weekend", "the weekend", "over the weekend" = the coming Saturday and
  Sunday (today's, on a weekend day); "next weekend" = the one after;
- a month: "in|during|for|throughout|due <month> [<year>]": its first to last day, the month's
  next occurrence (this month counts as itself);
- a bound: "before|prior to|earlier than|ahead of <point>" (strictly before the point's first
  day), "by|until|till|no later than|on or before <point>" (up to its last day), "after|later
  than|beyond <point>" (strictly after its last day), "from|since|starting|on or after <point>"
  (from its first day); a point is a day phrase (dates.find_when), "the weekend", a month, "this
  week"/"next week", "the end of the week|month";
- a range: "between <point> and <point>", "from <point> to|until|through <point>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from todochat.agent.models.builtin.dates import MONTHS, NUMBER_WORDS, find_when

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_N = r"(?P<n>\d{1,3}|" + "|".join(sorted((re.escape(k) for k in NUMBER_WORDS), key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>days?|weeks?|fortnights?|months?)"
_AHEAD = re.compile(
    rf"\b(?:(?:in|within|over|during|for|across|due in|due within)\s+)?(?:the\s+)?(?:next|coming|following)\s+{_N}\s+{_UNIT}\b"
    r"|\b(?:(?:in|within|over|during|for)\s+)?(?:the\s+)?(?:next|coming)\s+(?P<fortnight>fortnight)\b",
    re.IGNORECASE,
)
_WEEKEND = r"(?:(?:on|over|for|during|at|in)\s+)?(?:(?P<next>next|the following)\s+|this\s+(?:coming\s+)?|the\s+(?:coming\s+)?|coming\s+)?weekend\b"
_MONTH_SPAN = rf"(?:(?:in|during|for|throughout|due in|due)\s+)(?:the month of\s+)?(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}}))?(?!\s*\d)\b"
_WEEK = r"(?P<week>(?:the\s+)?end of (?:the|this) (?P<eow>week|month)|this week|next week|the week)\b"
_BEFORE = r"before|prior to|earlier than|sooner than|ahead of"
_BY = r"by|until|till|til|up to|up until|no later than|not later than|on or before"
_AFTER = r"after|later than|beyond"
_FROM = r"from|since|starting(?: from| on)?|on or after|as of"
_RANGE = re.compile(r"\b(?:between|from)\s+(?P<a>.+?)\s+(?:and|to|until|till|through|thru|-)\s+(?P<b>.+)$", re.IGNORECASE)
_BOUND = re.compile(rf"\b(?:due\s+)?(?P<op>{_BEFORE}|{_BY}|{_AFTER}|{_FROM})\s+(?P<point>.+)$", re.IGNORECASE)


@dataclass
class Period:
    """A range of due days said in a question: ``after`` and ``before`` both included, either
    None when open; ``spans`` are the (start, end) offsets of the words that said it."""

    after: date | None = None
    before: date | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _weekend(today: date, following: bool) -> tuple[date, date]:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7) if today.weekday() < 5 else today - timedelta(days=today.weekday() - 5)
    if following:
        saturday += timedelta(days=7)
    return saturday, saturday + timedelta(days=1)


def _month(today: date, month: int, year: int | None) -> tuple[date, date]:
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    first = date(year, month, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


def _point(phrase: str, now: datetime) -> tuple[date, date, int] | None:
    """The days a point of a bound names ("friday", "the weekend", "december", "next week") and
    how many characters of ``phrase`` said it; None when it names no time."""
    today = now.date()
    m = re.match(_WEEKEND, phrase, re.IGNORECASE)
    if m:
        return (*_weekend(today, bool(m["next"])), m.end())
    m = re.match(rf"(?:the month of\s+)?(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}}))?(?!\s*\d)\b", phrase, re.IGNORECASE)
    if m:
        return (*_month(today, MONTHS[m["month"].lower()], int(m["year"]) if m["year"] else None), m.end())
    m = re.match(_WEEK, phrase, re.IGNORECASE)
    if m:
        monday = today - timedelta(days=today.weekday())
        if m["eow"] == "month":
            last = today.replace(day=1) + relativedelta(months=1) - timedelta(days=1)
            return last, last, m.end()
        if m["week"].lower() == "next week":
            monday += timedelta(days=7)
        return monday, monday + timedelta(days=6), m.end()
    when = find_when(phrase, now, recurrence=False)
    if when.day is None or when.ambiguous or not when.spans or min(a for a, _ in when.spans) > 4:
        return None
    return when.day, when.day, max(b for _, b in when.spans)


def find_period(text: str, now: datetime) -> Period | None:
    """The range of due days a list question says, or None (rules in the module docstring).

    Args:
        text: the question, lower case.
        now: the user's local time.
    """
    today = now.date()
    m = _AHEAD.search(text)
    if m:
        if m["fortnight"]:
            days = timedelta(days=14)
            return Period(today, today + days, [m.span()])
        n, unit = _count(m["n"]), m["unit"].lower().rstrip("s")
        end = today + (relativedelta(months=n) if unit == "month" else timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit]))
        return Period(today, end, [m.span()])
    m = _RANGE.search(text)
    if m:
        a, b = _point(m["a"], now), _point(m["b"], now)
        if a and b:
            last = b[1]
            if last < a[0] and b[0] == b[1] and (a[0] - last).days < 7:  # "from monday to wednesday": the one after
                last += timedelta(days=7)
            return Period(a[0], last, [(m.start(), m.start("b") + b[2])])
    m = _BOUND.search(text)
    while m:
        point = _point(m["point"], now)
        if point:
            first, last, length = point
            op = m["op"].lower()
            span = [(m.start(), m.start("point") + length)]
            if re.fullmatch(_BEFORE, op):
                return Period(None, first - timedelta(days=1), span)
            if re.fullmatch(_BY, op):
                return Period(None, last, span)
            if re.fullmatch(_AFTER, op):
                return Period(last + timedelta(days=1), None, span)
            return Period(first, None, span)
        m = _BOUND.search(text, m.end("op"))
    m = re.search(r"\b" + _WEEKEND, text, re.IGNORECASE)
    if m:
        return Period(*_weekend(today, bool(m["next"])), [m.span()])
    m = re.search(r"\b" + _MONTH_SPAN, text, re.IGNORECASE)
    if m and not (m["month"].lower() == "may" and not re.match(r"(?:in|during|for|throughout)\b", m[0], re.IGNORECASE)):
        return Period(*_month(today, MONTHS[m["month"].lower()], int(m["year"]) if m["year"] else None), [m.span()])
    return None
