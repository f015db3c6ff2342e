"""A small composable time grammar over typed spans, in the spirit of Duckling.

A message is split once into tokens; lexical rules turn tokens into typed spans (``num``, ``ord``,
``wd`` weekday, ``month``, ``unit``, ``hour``); composition rules then match sequences of spans and
words and add larger spans (``date``, ``monthref``, ``mdate``, ``dur``, ``time``, ``rec``,
``mod``) until nothing new is found. Each rule is a few words of data plus a small function, so a
new phrase family is one rule that reuses every span the others recognise: ``<dur> from <date>``
works for any ``<date>`` the grammar knows ("two weeks from friday", "3 days after the 3rd of next
month").

:func:`read` returns the composed spans a caller should use, longest first and never overlapping:
single-word atoms ("friday", "tomorrow", "noon") are left to the older patterns in
:mod:`~todochat.agent.models.builtin.dates`, which the grammar complements rather than replaces.

Conventions (documented in the package README, "Time grammar and library comparison"):
- ``<ordinal> of <month>``: that day of the named month ("the 3rd of next month");
- ``<month>`` alone after in/to/by/for/during, or said alone: the first day of its next occurrence;
- ``end of`` a week is its Friday, of a month its last day, of a year 31 December; ``start of`` is
  the Monday / the 1st / 1 January; a period already past moves to its next occurrence;
- ``last <weekday>``: the most recent such day strictly before today (a past due);
- clock words: "half past six", "quarter to 5", "twenty past 2", "seven thirty pm" — an hour 1–6
  without am/pm is pm (the rule of ``dates._hour``);
- recurrences are RFC 5545 RRULE parts (§3.3.10): "the first monday of every month" →
  ``FREQ=MONTHLY;BYDAY=+1MO``, "every last day of the month" → ``BYMONTHDAY=-1``; modifiers
  ``starting <date>`` (the first occurrence on or after it: DTSTART = the due date),
  ``until <date>`` (UNTIL, inclusive; "until march" ends before March starts), ``for N times``
  (COUNT) and ``for <duration>`` (UNTIL = first occurrence + duration − 1 day).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

WEEKDAY_WORDS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
MONTH_WORDS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
NUMBER_WORDS = {w: i + 1 for i, w in enumerate(_UNITS)} | {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50,
} | {f"{tens}-{u}": base + i + 1 for tens, base in (("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50))
     for i, u in enumerate(_UNITS)}
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth"]
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_ORDINALS)} | {"thirtieth": 30, "last": -1} | {
    f"{tens}-{o}": base + i + 1 for tens, base in (("twenty", 20), ("thirty", 30)) for i, o in enumerate(_ORDINALS[:9])}
UNIT_WORDS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
              "months": "months", "year": "years", "years": "years", "fortnight": "fortnight", "fortnights": "fortnight"}
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_TOKEN = re.compile(r"\d{1,2}:\d{2}|\d+(?:st|nd|rd|th)\b|[a-z]+(?:-[a-z]+)*|\d+|[^\sa-z\d]")
_PREPS = {"on", "by", "due", "for", "before", "in", "at", "from", "starting", "until", "till", "around", "about"}
_MDATE_PREPS = {"in", "to", "by", "during", "before"}
"""Words after which a month alone is a due date ("in december"); "to" only at the end of the
message ("move the report to january", not "talk to may about it"); never "for" ("book flights
for december" names the trip, not the due)."""


@dataclass(frozen=True)
class Span:
    """A typed span over tokens ``[start, end)`` with its resolved ``value``; ``composed`` marks a
    span built by a composition rule (an atom has ``composed=False``)."""

    start: int
    end: int
    kind: str
    value: Any
    composed: bool = True


@dataclass
class Ctx:
    """What rules resolve against: ``today`` (the user's local date)."""

    today: date


Item = str  # "<kind>" for a span, "a|b" for one token among words, "a|b?" optional
Action = Callable[[list[Any], Ctx], Any]


@dataclass(frozen=True)
class Rule:
    """A composition rule: ``pattern`` items, the ``kind`` it produces, and ``action`` (values of
    the matched items → the new span's value, or None when the parts do not make a valid one)."""

    name: str
    pattern: tuple[Item, ...]
    kind: str
    action: Action
    composed: bool = True


# ---- resolvers -------------------------------------------------------------------------------

def coming(today: date, weekday: int) -> date:
    """The next ``weekday`` on or after ``today``."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def next_week(today: date, weekday: int) -> date:
    """``weekday`` of the next calendar week (weeks start on Monday)."""
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)


def last_weekday(today: date, weekday: int) -> date:
    """The most recent ``weekday`` strictly before ``today``."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def month_of(today: date, month: int, year: int | None = None) -> tuple[int, int]:
    """(year, month) of the next ``month`` (this month included), or of ``year`` when given."""
    if year:
        return year, month
    return (today.year if month >= today.month else today.year + 1), month


def _day_in(ym: tuple[int, int], day: int) -> date | None:
    y, m = ym
    last = calendar.monthrange(y, m)[1]
    if day == -1:
        return date(y, m, last)
    return date(y, m, day) if 1 <= day <= last else None


def _ord_of_month(v: list[Any], c: Ctx) -> date | None:
    return _day_in(v[-1], v[1])


def _end_of(period: Any, c: Ctx) -> date | None:
    kind, value = period
    if kind == "week":
        return value + timedelta(days=4 - value.weekday())
    if kind == "month":
        return _day_in(value, -1)
    return date(value, 12, 31)


def _start_of(period: Any, c: Ctx) -> date | None:
    kind, value = period
    if kind == "week":
        monday = value - timedelta(days=value.weekday())
        return monday if monday >= c.today else monday + timedelta(days=7)
    if kind == "month":
        first = date(value[0], value[1], 1)
        return first if first >= c.today else first + relativedelta(months=1)
    first = date(value, 1, 1)
    return first if first >= c.today else date(value + 1, 1, 1)


def _clock(hour: int, minute: int, meridiem: str | None) -> time | None:
    """``hour`` (1–12 or 0–23) and ``minute`` with an optional ``am``/``pm``; 1–6 alone is pm."""
    meridiem = (meridiem or "").replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif not meridiem and 1 <= hour <= 6:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _past(v: list[Any], c: Ctx) -> time | None:
    minutes, hour = v[0], v[-1]
    if not 1 <= hour <= 12:
        return None
    return _clock(hour, minutes, None)


def _to(v: list[Any], c: Ctx) -> time | None:
    minutes, hour = v[0], v[-1]
    if not 1 <= hour <= 12:
        return None
    before = _clock(hour, 0, None)
    if before is None:
        return None
    moment = (before.hour * 60 - minutes) % (24 * 60)
    return time(moment // 60, moment % 60)


def _with_meridiem(v: list[Any], c: Ctx) -> time | None:
    at, mer = v[0], v[-1]
    hour = at.hour % 12 if at.hour not in (12, 0) else at.hour
    if at.hour in (12,):
        hour = 12
    return _clock(hour, at.minute, mer)


def _delta(n: int, unit: str) -> relativedelta:
    return relativedelta(weeks=2 * n) if unit == "fortnight" else relativedelta(**{unit: n})


def _monthly_byday(v: list[Any], c: Ctx) -> dict[str, str] | None:
    ordinal, weekday = v[1], v[2]
    if not (ordinal == -1 or 1 <= ordinal <= 4):
        return None
    return {"FREQ": "MONTHLY", "BYDAY": f"{ordinal:+d}{RRULE_DAYS[weekday]}"}


def _monthly_day(v: list[Any], c: Ctx) -> dict[str, str] | None:
    day = v[1]
    return {"FREQ": "MONTHLY", "BYMONTHDAY": str(day)} if day == -1 or 1 <= day <= 31 else None


def _monthly_days(v: list[Any], c: Ctx) -> dict[str, str] | None:
    days = sorted({v[2], v[4]})
    if not all(d == -1 or 1 <= d <= 31 for d in days) or (v[0] == "on" and v[-2] not in ("every", "each")):
        return None
    return {"FREQ": "MONTHLY", "BYMONTHDAY": ",".join(str(d) for d in days)}


def _next_month_day(today: date, day: int) -> date | None:
    """The next date on or after ``today`` whose day of the month is ``day``."""
    if not 1 <= day <= 31:
        return None
    for months in range(13):
        found = _day_in(((first := today.replace(day=1) + relativedelta(months=months)).year, first.month), day)
        if found is not None and found >= today:
            return found
    return None


def _interval(n: int, unit: str, weekday: int | None) -> dict[str, str] | None:
    if unit == "fortnight":
        n, unit = 2 * n, "weeks"
    freq = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}[unit]
    parts = {"FREQ": freq} | ({"INTERVAL": str(n)} if n > 1 else {})
    if weekday is not None and freq == "WEEKLY":
        parts["BYDAY"] = RRULE_DAYS[weekday]
    return parts if n >= 1 else None


# ---- the rules --------------------------------------------------------------------------------

RULES: list[Rule] = [
    # dates (atoms, left to the older patterns at top level but used inside compositions)
    Rule("today", ("today",), "date", lambda v, c: c.today, composed=False),
    Rule("tomorrow", ("tomorrow|tmrw|tmr",), "date", lambda v, c: c.today + timedelta(days=1), composed=False),
    Rule("yesterday", ("yesterday",), "date", lambda v, c: c.today - timedelta(days=1), composed=False),
    Rule("weekday", ("this|coming?", "<wd>"), "date", lambda v, c: coming(c.today, v[-1]), composed=False),
    Rule("next weekday", ("next", "<wd>"), "date", lambda v, c: next_week(c.today, v[-1]), composed=False),
    Rule("month day", ("<month>", "<num>"), "date", lambda v, c: _day_in(month_of(c.today, v[0]), v[1]), composed=False),
    Rule("month ord", ("<month>", "<ord>"), "date", lambda v, c: _day_in(month_of(c.today, v[0]), v[1]), composed=False),
    Rule("next week", ("next", "week"), "date", lambda v, c: next_week(c.today, 0), composed=False),
    Rule("the nth", ("the", "<ord>"), "date", lambda v, c: _next_month_day(c.today, v[1]), composed=False),
    # past dues
    Rule("last weekday", ("last", "<wd>"), "date", lambda v, c: last_weekday(c.today, v[-1])),
    Rule("ago", ("<dur>", "ago"), "date", lambda v, c: c.today - v[0]),
    # months as references
    Rule("month", ("<month>",), "monthref", lambda v, c: month_of(c.today, v[0]), composed=False),
    Rule("month year", ("<month>", "<num>"), "monthref",
         lambda v, c: month_of(c.today, v[0], v[1]) if 1900 < v[1] < 3000 else None, composed=False),
    Rule("this month", ("this|the", "month"), "monthref", lambda v, c: (c.today.year, c.today.month), composed=False),
    Rule("next month", ("next", "month"), "monthref",
         lambda v, c: ((d := c.today.replace(day=1) + relativedelta(months=1)).year, d.month), composed=False),
    Rule("month after next", ("the", "month", "after", "next"), "monthref",
         lambda v, c: ((d := c.today.replace(day=1) + relativedelta(months=2)).year, d.month)),
    Rule("month as a date", ("<monthref>",), "mdate", lambda v, c: _day_in(v[0], 1), composed=False),
    # <ordinal> of <month>
    Rule("ord of month", ("the?", "<ord>", "of", "the|this?", "<monthref>"), "date", _ord_of_month),
    Rule("ord month", ("the?", "<ord>", "<monthref>"), "date", _ord_of_month),
    Rule("month on the ord", ("<monthref>", "on", "the", "<ord>"), "date", lambda v, c: _day_in(v[0], v[3])),
    Rule("num of month", ("the?", "<num>", "of", "the|this?", "<monthref>"), "date", _ord_of_month),
    Rule("last day of month", ("the?", "last", "day", "of", "the|this?", "<monthref>"), "date",
         lambda v, c: _day_in(v[-1], -1)),
    # periods: end / start of
    Rule("period week", ("the|this?", "week"), "period", lambda v, c: ("week", c.today), composed=False),
    Rule("period next week", ("next", "week"), "period", lambda v, c: ("week", next_week(c.today, 0)), composed=False),
    Rule("period month", ("<monthref>",), "period", lambda v, c: ("month", v[0]), composed=False),
    Rule("period year", ("the|this?", "year"), "period", lambda v, c: ("year", c.today.year), composed=False),
    Rule("period next year", ("next", "year"), "period", lambda v, c: ("year", c.today.year + 1), composed=False),
    Rule("end of", ("the?", "end", "of", "<period>"), "date", lambda v, c: _end_of(v[-1], c)),
    Rule("start of", ("the?", "start|beginning", "of", "<period>"), "date", lambda v, c: _start_of(v[-1], c)),
    # durations and <duration> from/after/before <date>
    Rule("duration", ("<num>", "<unit>"), "dur", lambda v, c: _delta(v[0], v[1]), composed=False),
    Rule("a duration", ("a|an|one", "<unit>"), "dur", lambda v, c: _delta(1, v[1]), composed=False),
    Rule("couple", ("a?", "couple|few", "of?", "<unit>"), "dur",
         lambda v, c: _delta(2 if "couple" in v else 3, v[-1]), composed=False),
    Rule("the day", ("the", "day|week"), "dur", lambda v, c: _delta(1, "days" if v[1] == "day" else "weeks"), composed=False),
    Rule("dur after", ("<dur>", "from|after", "<date>"), "date", lambda v, c: v[-1] + v[0]),
    Rule("dur after mdate", ("<dur>", "from|after", "<mdate>"), "date", lambda v, c: v[-1] + v[0]),
    Rule("dur before", ("<dur>", "before", "<date>"), "date", lambda v, c: v[-1] - v[0]),
    # clock words
        Rule("quarter", ("a?", "quarter"), "mins", lambda v, c: 15, composed=False),
    Rule("n minutes", ("<num>", "minutes|mins|min"), "mins", lambda v, c: v[0] if v[0] < 60 else None, composed=False),
    Rule("n", ("five|ten|twenty|twenty-five",), "mins", lambda v, c: NUMBER_WORDS[v[0]], composed=False),
    Rule("past", ("<mins>", "past|after", "<num>"), "time", _past),
    Rule("digits past", ("<num>", "past", "<num>"), "time", lambda v, c: _past(v, c) if v[0] < 60 else None),
    Rule("half past", ("half", "past", "<num>"), "time", lambda v, c: _past([30, v[-1]], c)),
    Rule("to", ("<mins>", "to|till|before", "<num>"), "time", _to),
    Rule("half hour", ("at", "half", "<num>"), "time", lambda v, c: _past([30, v[-1]], c)),
    Rule("hour word minutes", ("at|@", "<numword>", "<minword>"), "time",
         lambda v, c: _clock(v[1], v[2], None) if 1 <= v[1] <= 12 else None),
    Rule("noon", ("noon|midday",), "time", lambda v, c: time(12, 0), composed=False),
    Rule("meridiem", ("<time>", "am|pm|a.m.|p.m."), "time", _with_meridiem),
    # recurrences
    Rule("nth weekday of every month", ("the?", "<ord>", "<wd>", "of", "every|each", "month"), "rec", _monthly_byday),
    Rule("every nth weekday of the month", ("every|each", "<ord>", "<wd>", "of", "the|every|each?", "month"), "rec",
         _monthly_byday),
    Rule("every nth of the month", ("every|each", "<ord>", "of", "the|every|each?", "month"), "rec", _monthly_day),
    Rule("every nth day of the month", ("every|each", "<ord>", "day", "of", "the|every|each?", "month"), "rec",
         _monthly_day),
    Rule("monthly on the nth weekday", ("monthly", "on", "the", "<ord>", "<wd>"), "rec",
         lambda v, c: _monthly_byday([None, v[3], v[4]], c)),
    Rule("every month on the nth weekday", ("every|each", "month", "on", "the", "<ord>", "<wd>"), "rec",
         lambda v, c: _monthly_byday([None, v[4], v[5]], c)),
    Rule("every nth and nth of the month", ("every|each|on", "the?", "<ord>", "and", "<ord>", "of", "the|every|each?", "month"),
         "rec", _monthly_days),
    Rule("the nth of every month", ("the", "<ord>", "of", "every|each", "month"), "rec", _monthly_day),
    Rule("the nth day of every month", ("the", "<ord>", "day", "of", "every|each", "month"), "rec", _monthly_day),
    Rule("every n units on", ("every|each", "<num>", "<unit>", "on", "<wd>"), "rec",
         lambda v, c: _interval(v[1], v[2], v[4])),
    Rule("fortnightly on", ("biweekly|bi-weekly|fortnightly", "on", "<wd>"), "rec", lambda v, c: _interval(2, "weeks", v[2])),
    Rule("every fortnight on", ("every|each", "fortnight", "on", "<wd>"), "rec", lambda v, c: _interval(2, "weeks", v[3])),
    Rule("every other unit on", ("every|each", "other", "<unit>", "on", "<wd>"), "rec",
         lambda v, c: _interval(2, v[2], v[4])),
    # modifiers of a recurrence
    Rule("starting", ("starting|beginning|from|start", "from|on|in?", "<date>"), "mod", lambda v, c: ("start", v[-1])),
    Rule("starting month", ("starting|beginning|from|start", "from|on|in?", "<mdate>"), "mod", lambda v, c: ("start", v[-1])),
    Rule("until", ("until|till|til|through|thru|up", "to|until?", "<date>"), "mod", lambda v, c: ("until", v[-1])),
    Rule("until month", ("until|till|til|up", "to|until?", "<mdate>"), "mod",
         lambda v, c: ("until", v[-1] - timedelta(days=1))),
    Rule("through month", ("through|thru", "<mdate>"), "mod", lambda v, c: ("until", v[-1] + relativedelta(day=31))),
    Rule("times", ("for?", "<num>", "times|occurrences|sessions"), "mod",
         lambda v, c: ("count", v[1]) if 1 <= v[1] <= 999 else None),
    Rule("for duration", ("for", "<dur>"), "mod", lambda v, c: ("for", v[-1])),
    Rule("for a duration", ("for", "the", "next", "<dur>"), "mod", lambda v, c: ("for", v[-1])),
]


def _word_kinds(token: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if token in NUMBER_WORDS:
        out += [("num", NUMBER_WORDS[token]), ("numword", NUMBER_WORDS[token])]
        if token in ("fifteen", "thirty", "forty-five", "twenty", "ten", "fifty", "forty", "twenty-five"):
            out.append(("minword", NUMBER_WORDS[token]))
    if token in ORDINAL_WORDS:
        out.append(("ord", ORDINAL_WORDS[token]))
    if token in WEEKDAY_WORDS:
        out.append(("wd", WEEKDAY_WORDS[token]))
    elif token.endswith("s") and token[:-1] in WEEKDAY_WORDS and len(token) > 4:
        out.append(("wd", WEEKDAY_WORDS[token[:-1]]))  # "mondays"
    if token in MONTH_WORDS:
        out.append(("month", MONTH_WORDS[token]))
    if token in UNIT_WORDS:
        out.append(("unit", UNIT_WORDS[token]))
    return out


LEXICON: dict[str, list[tuple[str, Any]]] = {
    w: kinds for w in {*NUMBER_WORDS, *ORDINAL_WORDS, *WEEKDAY_WORDS, *(d + "s" for d in WEEKDAY_WORDS), *MONTH_WORDS,
                       *UNIT_WORDS} if (kinds := _word_kinds(w))
}
"""Each word the grammar knows → its typed readings (built once at import)."""
_ORDINAL_DIGITS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


def _lex(token: str) -> list[tuple[str, Any]]:
    if token[:1].isdigit():
        if token.isdigit():
            return [("num", int(token))] if len(token) <= 4 else []
        m = _ORDINAL_DIGITS.fullmatch(token)
        return [("ord", int(m[1]))] if m else []
    return LEXICON.get(token, [])


class Chart:
    """Spans found so far, by start token."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.by_start: dict[int, list[Span]] = {}
        self.seen: set[tuple[int, int, str, Any]] = set()
        self.kind_at: dict[str, set[int]] = {}
        self.word_at: dict[str, set[int]] = {}
        for i, word in enumerate(words):
            self.word_at.setdefault(word, set()).add(i)

    def add(self, span: Span) -> bool:
        key = (span.start, span.end, span.kind, repr(span.value))
        if key in self.seen:
            return False
        self.seen.add(key)
        self.by_start.setdefault(span.start, []).append(span)
        self.kind_at.setdefault(span.kind, set()).add(span.start)
        return True

    def match(self, pattern: tuple[Item, ...], i: int) -> list[tuple[int, list[Any]]]:
        """Every way ``pattern`` matches from token ``i``: (end token, item values)."""
        if not pattern:
            return [(i, [])]
        item, rest = pattern[0], pattern[1:]
        results: list[tuple[int, list[Any]]] = []
        if item.startswith("<"):
            kind = item[1:-1]
            for span in self.by_start.get(i, ()):
                if span.kind == kind:
                    results += [(end, [span.value, *vals]) for end, vals in self.match(rest, span.end)]
            return results
        optional = item.endswith("?")
        words = item.rstrip("?").split("|")
        if i < len(self.words) and self.words[i] in words:
            results += [(end, [self.words[i], *vals]) for end, vals in self.match(rest, i + 1)]
        if optional:
            results += [(end, [None, *vals]) for end, vals in self.match(rest, i)]
        return results


_MAX_TOKENS = 200


def _starts(rule: Rule) -> tuple[frozenset[str], frozenset[str]]:
    """The words and span kinds ``rule`` can start with (its leading optional items and the first
    required one)."""
    words: set[str] = set()
    kinds: set[str] = set()
    for item in rule.pattern:
        if item.startswith("<"):
            kinds.add(item[1:-1])
        else:
            words |= set(item.rstrip("?").split("|"))
        if not item.endswith("?"):
            break
    return frozenset(words), frozenset(kinds)


_STARTS = [(rule, *_starts(rule)) for rule in RULES]


@dataclass
class Parse:
    """A parsed message: its tokens ``(word, char start, char end)`` and the chart of spans."""

    tokens: list[tuple[str, int, int]]
    chart: Chart | None


@lru_cache(maxsize=128)
def parse(text: str, today: date) -> Parse:
    """Tokenise ``text`` (any case) once and apply the lexical and composition rules (at most
    three passes over :data:`RULES`, which are ordered so that one pass usually suffices).

    Cached: the stages of one turn read the same text several times; a :class:`Parse` is never
    changed after it is made."""
    tokens = [(m[0], m.start(), m.end()) for m in _TOKEN.finditer(text.lower())][:_MAX_TOKENS]
    words = [t[0] for t in tokens]
    if not any(w in LEXICON or w in _TRIGGERS or w[:1].isdigit() for w in words):
        return Parse(tokens, None)
    chart = Chart(words)
    for i, word in enumerate(words):
        for kind, value in _lex(word):
            chart.add(Span(i, i + 1, kind, value, composed=False))
    c = Ctx(today)
    for _ in range(3):
        changed = False
        for rule, first_words, first_kinds in _STARTS:
            places: set[int] = set()
            for word in first_words:
                places |= chart.word_at.get(word, set())
            for kind in first_kinds:
                places |= chart.kind_at.get(kind, set())
            for i in sorted(places):
                for end, values in chart.match(rule.pattern, i):
                    if end == i:
                        continue
                    try:
                        value = rule.action(values, c)
                    except (ValueError, OverflowError, KeyError, IndexError, TypeError):
                        value = None
                    if value is not None and chart.add(Span(i, end, rule.kind, value, rule.composed)):
                        changed = True
        if not changed:
            break
    return Parse(tokens, chart)


def _month_as_date(words: list[str], span: Span) -> bool:
    """Whether a month said alone is meant as a date here (see :data:`_MDATE_PREPS`)."""
    if span.start == 0 and span.end == len(words):
        return True
    before = words[span.start - 1] if span.start > 0 else ""
    if before not in _MDATE_PREPS or (before != "in" and words[span.start] == "may"):
        return False
    return before != "to" or span.end == len(words)


def select(parsed: Parse, *, mods: bool, recurrence: bool = True) -> list[tuple[tuple[int, int], Span]]:
    """The composed top-level spans of ``parsed``, longest first, never overlapping, in text order.

    Args:
        parsed: from :func:`parse`.
        mods: also take recurrence modifiers (starting/until/for N times); only with a recurrence.
        recurrence: also take recurrences ("the first monday of every month").

    Returns:
        ``[((char start, char end), span), ...]``; the character span includes a preposition said
        just before ("on", "by", "due", "at", …) and a framing "it was (due)".
    """
    if parsed.chart is None:
        return []
    words = parsed.chart.words
    kinds = {"date", "time"} | ({"rec"} if recurrence else set()) | ({"mod"} if mods else set())
    candidates: list[Span] = []
    for spans in parsed.chart.by_start.values():
        for span in spans:
            month_date = span.kind == "mdate" and _month_as_date(words, span)
            if (span.kind in kinds and (span.composed or span.kind in ("date", "time"))) or month_date:
                candidates.append(span)
    candidates.sort(key=lambda s: (-(s.end - s.start), s.start))
    taken: list[Span] = []
    for span in candidates:
        if all(span.end <= t.start or span.start >= t.end for t in taken):
            taken.append(span)
    # atoms ("dec 1", "friday") take part only to keep a shorter composed reading from splitting
    # them ("by dec 1" is not "by december" + "1"); the older patterns read them
    taken = sorted((s for s in taken if s.composed or s.kind == "mdate"), key=lambda s: s.start)
    out = []
    for span in taken:
        start = span.start
        while start > 0 and words[start - 1] in _PREPS and not any(t.end > start - 1 >= t.start for t in taken):
            start -= 1
        if start >= 2 and words[start - 1] == "was" and words[start - 2] in ("it", "which", "that"):
            start -= 2
        out.append(((parsed.tokens[start][1], parsed.tokens[span.end - 1][2]), span))
    return out


_TRIGGERS = (set(WEEKDAY_WORDS) | set(MONTH_WORDS) | set(UNIT_WORDS) | set(NUMBER_WORDS) | set(ORDINAL_WORDS)
             | {"today", "tomorrow", "tmrw", "tmr", "yesterday", "end", "start", "beginning", "half", "quarter",
                "noon", "midday", "until", "till", "starting", "times", "week", "month", "year"})
