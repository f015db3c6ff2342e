"""Finding date, time and recurrence phrases in a message and resolving them in the user's zone.

Rules chosen here (documented in the package README section of ``__init__``):
- a bare weekday ("friday", "on friday", "this friday") is the next such day, today included;
- "next friday" is the Friday of next calendar week (weeks start on Monday);
- a day and month without a year ("on Jan 3") is the next such date, today included;
- "this weekend" is Saturday (today on a Saturday or Sunday); "end of the week" is Friday;
- an hour without am/pm: 1-6 means pm, 7-12 as said; after "tonight/evening/afternoon" it is pm;
- a time alone ("at 6pm") is today if still ahead, else tomorrow;
- vague times: morning 09:00, noon 12:00, afternoon 15:00, evening 19:00, tonight 20:00, end of day 17:00;
- a recurrence's first due date is the rule's first occurrence at or after now (python-dateutil rrule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from todochat.agent.models.builtin import timegrammar

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3,
    "couple of": 2, "few": 3,
}
_FULL_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ANY_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
_NUM = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a )?couple of|(?:a )?few)"
_PREP = r"(?:(?:due|by|on|at|for|before|until|till|til|from|starting|this coming|coming)\s+)*"
_ORD = r"(?:st|nd|rd|th)?"
_B = r"(?<![\w#@'/-])"
_E = r"(?![\w'/-])"
VAGUE_TIMES = {
    "morning": time(9, 0), "noon": time(12, 0), "midday": time(12, 0), "lunch": time(12, 0),
    "lunchtime": time(12, 0), "afternoon": time(15, 0), "evening": time(19, 0),
    "tonight": time(20, 0), "night": time(21, 0), "midnight": time(23, 59), "eod": time(17, 0),
    "end of day": time(17, 0), "end of the day": time(17, 0), "close of business": time(17, 0),
    "cob": time(17, 0),
}


@dataclass
class When:
    """What the date phrases of a message said.

    Attributes:
        day: the due day (local), or None.
        at: the due time of day (local), or None.
        recurrence: an RRULE value (``FREQ=WEEKLY;BYDAY=MO``), or None.
        ambiguous: two readings of a numeric date ("3/4"), when the message gave one.
        spans: character spans of the phrases found (to cut them out of a title).
    """

    day: date | None = None
    at: time | None = None
    recurrence: str | None = None
    ambiguous: list[date] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    clear: bool = False
    from_now: timedelta | None = None
    """Set for "in 10 minutes" / "in 2 hours": the elapsed time from now (a reminder keeps its
    seconds, tasks/reminders.py ``from_now``; the due is to the minute)."""
    period: tuple[date, date] | None = None
    """Set when the day is a whole month said alone ("in december"): its first and last day
    (a due is the 1st; a question about the month means all of it)."""

    @property
    def found(self) -> bool:
        """Whether any date, time or recurrence was found."""
        return bool(self.day or self.at or self.recurrence or self.ambiguous or self.clear)


def number(word: str) -> int:
    """``"3"`` → 3, ``"three"`` → 3, ``"a"`` → 1, ``"a few"`` → 3."""
    word = word.strip().lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


def coming_weekday(today: date, weekday: int) -> date:
    """The next ``weekday`` (0 = Monday) on or after ``today``."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def next_week_weekday(today: date, weekday: int) -> date:
    """``weekday`` of the next calendar week (weeks start on Monday)."""
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    return monday + timedelta(days=weekday)


def month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    """The date ``month``/``day`` of ``year``, or the next one on or after ``today``; None if impossible."""
    years = [year] if year else [today.year, today.year + 1]
    for y in years:
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if year or candidate >= today:
            return candidate
    return None


def day_of_month(today: date, day: int) -> date | None:
    """The next date on or after ``today`` whose day of the month is ``day``."""
    for months in range(0, 13):
        first = (today.replace(day=1) + relativedelta(months=months))
        try:
            candidate = first.replace(day=day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _hour(hour: int, minute: int, meridiem: str | None, evening: bool) -> time | None:
    meridiem = (meridiem or "").replace(".", "").lower()
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif not meridiem and ((evening and hour < 12) or 1 <= hour <= 6):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


_RECURRENCE: list[tuple[str, str]] = [
    (r"every (other |2nd |second )?(?:week ?day|weekday|work ?day|business day)s?|on weekdays|weekdays", "weekdays"),
    (r"every (other )?weekend|on weekends|weekends", "weekends"),
    (rf"(?:every|each) (other )?({_ANY_DAY}s?(?:(?:,| and| &|,? and) {_ANY_DAY}s?)*)|on ({_FULL_DAY}s(?:(?:,| and| &|,? and) {_FULL_DAY}s)*)", "days"),
    (r"(?:every|each) (other )?(?:single )?day|daily|everyday|every (morning|evening|night)|each (morning|evening|night)|nightly", "daily"),
    (r"(?:every|each) (other )?week|weekly", "weekly"),
    (rf"(?:(?:every|each) month|monthly) on the (last) day(?: of the month)?|on the (last) day of (?:every|each) month"
     rf"|(?:every|each) (other )?month(?: on the (\d{{1,2}}){_ORD})?|monthly(?: on the (\d{{1,2}}){_ORD})?|on the (\d{{1,2}}){_ORD} of (?:every|each) month", "monthly"),
    (r"every (other )?year|yearly|annually|each year", "yearly"),
    (r"every (\d+|two|three|four|five|six) (day|week|month|year)s", "interval"),
    (r"(?:every|each) fortnight|fortnightly|biweekly|bi-weekly", "fortnight"),
]


def _find_recurrence(text: str, when: When) -> time | None:
    """Set ``when.recurrence`` from the older patterns; returns the time of day a part of the day
    said with it means ("every morning" 09:00), which a clock time said too overrides ("every
    morning at 7" is 07:00; the caller applies it only when no time was said)."""
    part_time: time | None = None
    for pattern, kind in _RECURRENCE:
        m = re.search(_B + r"(?:(?:repeat(?:ing|s)?|recurring)\s+)?" + "(?:" + pattern + ")" + _E, text, re.IGNORECASE)
        if not m:
            continue
        groups = list(m.groups())
        other = ";INTERVAL=2" if any(g and g.strip() in ("other", "2nd", "second") for g in groups[:3]) and kind != "interval" else ""
        if kind == "weekdays":
            rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        elif kind == "weekends":
            rule = "FREQ=WEEKLY" + other + ";BYDAY=SA,SU"
        elif kind == "days":
            names = re.findall(_ANY_DAY, (groups[1] or groups[2] or "").lower())
            days = sorted({WEEKDAYS[n] for n in names})
            rule = "FREQ=WEEKLY" + other + ";BYDAY=" + ",".join(RRULE_DAYS[d] for d in days)
        elif kind == "daily":
            rule = "FREQ=DAILY" + other
            part = groups[1] or groups[2]
            if part:
                part_time = VAGUE_TIMES[part.lower()]
        elif kind == "weekly":
            rule = "FREQ=WEEKLY" + other
        elif kind == "monthly":
            day = next((g for g in groups if g and (g.isdigit() or g == "last")), None)
            day = "-1" if day == "last" else day
            rule = "FREQ=MONTHLY" + other + (f";BYMONTHDAY={int(day)}" if day else "")
        elif kind == "yearly":
            rule = "FREQ=YEARLY" + other
        elif kind == "fortnight":
            rule = "FREQ=WEEKLY;INTERVAL=2"
        else:
            rule = f"FREQ={groups[1].upper()}LY;INTERVAL={number(groups[0])}".replace("DAYLY", "DAILY")
        when.recurrence = rule
        adjective = m[0].lower() in ("daily", "weekly", "monthly", "yearly", "nightly", "annually", "fortnightly")
        if adjective and re.match(r"\s+(?!(?:on|at|by|from|starting|until|for|in|and|every|due|#)\b)[a-z]", text[m.end():], re.IGNORECASE):
            return part_time  # "weekly report": the word stays in the title, the task still repeats
        when.spans.append(m.span())
        return part_time
    return None


def _day_patterns(today: date) -> list[tuple[str, object]]:
    """(regex, resolver) pairs; a resolver takes the match and returns a date (or a list of two)."""

    def weekday_of(name: str) -> int:
        return WEEKDAYS[name.lower()[:3] if name.lower()[:3] in WEEKDAYS else name.lower()]

    return [
        (r"(\d{4})-(\d{2})-(\d{2})", lambda m: _safe_date(int(m[1]), int(m[2]), int(m[3]))),
        (r"(?:the )?day after tomorrow", lambda m: today + timedelta(days=2)),
        (rf"(?:in|within) ({_NUM}) (day|week|month|year)s?|({_NUM}) (day|week|month|year)s? from (?:now|today)",
         lambda m: today + _delta(m[1] or m[3], m[2] or m[4])),
        (r"today|tdy|tonight|this (?:morning|afternoon|evening)|later today|end of (?:the )?day|eod|by tonight", lambda m: today),
        (r"tomorrow|tmrw?|tmr|tomorow|tommorr?ow|2morrow|tomorrw", lambda m: today + timedelta(days=1)),
        (r"yesterday", lambda m: today - timedelta(days=1)),
        (r"(?:(?:by|at|on|before) )?(?:the )?end of (?:the |this )?month|eom|month end", lambda m: today + relativedelta(day=31)),
        (r"(?:(?:by|at|on|before) )?(?:the )?end of next month", lambda m: today + relativedelta(months=1, day=31)),
        (r"(?:(?:by|at|on|before) )?(?:the )?end of next week", lambda m: next_week_weekday(today, 4)),
        (r"(?:(?:by|at|on|before) )?(?:the )?end of (?:the |this )?year", lambda m: date(today.year, 12, 31)),
        (r"(?:(?:by|at|on|before) )?(?:the )?end of (?:the |this )?week|eow", lambda m: coming_weekday(today, 4)),
        (r"(?:the )?(?:beginning|start) of next month|next month", lambda m: today.replace(day=1) + relativedelta(months=1)),
        # a weekday said with "next week", before "next week" alone (Monday): "wednesday next week",
        # "next week thursday", "friday of next week", "next week on tuesday", "next friday"
        (rf"next ({_ANY_DAY})|(?:on )?({_ANY_DAY}),? (?:of |in )?next week|next week,? (?:on )?({_ANY_DAY})",
         lambda m: next_week_weekday(today, weekday_of(m[1] or m[2] or m[3]))),
        (r"(?:the )?(?:beginning|start) of next week|next week", lambda m: next_week_weekday(today, 0)),
        (r"next weekend", lambda m: next_week_weekday(today, 5)),
        (r"(?:this |the )?weekend", lambda m: today if today.weekday() >= 5 else coming_weekday(today, 5)),
        (rf"(?:this |coming |this coming )({_ANY_DAY})|(?<=on )({_ANY_DAY})|(?<=by )({_ANY_DAY})|(?<=due )({_ANY_DAY})|(?<=until )({_ANY_DAY})|(?<=before )({_ANY_DAY})|({_FULL_DAY})",
         lambda m: coming_weekday(today, weekday_of(next(g for g in m.groups() if g)))),
        (rf"({_MONTH})\.? (\d{{1,2}}){_ORD}(?:,? (\d{{4}}))?", lambda m: month_day(today, MONTHS[m[1].lower()], int(m[2]), int(m[3]) if m[3] else None)),
        (rf"(?:the )?(\d{{1,2}}){_ORD} (?:of )?({_MONTH})(?:,? (\d{{4}}))?", lambda m: month_day(today, MONTHS[m[2].lower()], int(m[1]), int(m[3]) if m[3] else None)),
        (r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", lambda m: _numeric(today, m)),
        (rf"(?<=on )the (\d{{1,2}}){_ORD}(?: of (?:the |this )?month)?|(?<=by )the (\d{{1,2}}){_ORD}|the (\d{{1,2}})(?:st|nd|rd|th)(?: of (?:the |this )?month)?",
         lambda m: day_of_month(today, int(next(g for g in m.groups() if g)))),
    ]


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _delta(count: str, unit: str) -> relativedelta:
    n = number(count)
    return relativedelta(**{unit.lower() + "s": n})


def _numeric(today: date, m: re.Match[str]) -> date | list[date] | None:
    a, b = int(m[1]), int(m[2])
    year = int(m[3]) if m[3] else None
    if year is not None and year < 100:
        year += 2000
    if a > 12:
        return month_day(today, b, a, year)
    if b > 12 or a == b:
        return month_day(today, a, b, year)
    readings = [d for d in (month_day(today, a, b, year), month_day(today, b, a, year)) if d]
    return readings


def _find_time(text: str, when: When, said: str) -> None:
    evening = bool(re.search(r"tonight|evening|afternoon|night|\dpm", said, re.IGNORECASE))
    patterns = [
        rf"(?:(?:at|@|by|around|about|before|from) )?(\d{{1,2}})(?::|\.)?(\d{{2}})? ?([ap]\.?m\.?){_E}",
        r"(?:(?:at|@|by|around|about|before|from) )?(\d{1,2})[:h](\d{2})(?: ?o'?clock)?",
        r"(?:at|@|around|by) (\d{1,2})(?: ?o'?clock)?(?! ?(?:days?|weeks?|months?|years?|hours?|minutes?|tasks?|items?|st|nd|rd|th|/|:|[.,]\d))",
        r"(\d{1,2}) ?o'?clock",
    ]
    found = False
    for pattern in patterns:
        for m in re.finditer(_B + pattern, text, re.IGNORECASE):
            hour = int(m[1])
            minute = int(m[2]) if m.lastindex and m.lastindex >= 2 and m[2] else 0
            meridiem = m[3] if m.lastindex and m.lastindex >= 3 else None
            value = _hour(hour, minute, meridiem, evening)
            if value is not None:
                when.at = value
                when.spans.append(m.span())
                found = True
                break
        if found:
            break
    vague = "|".join(sorted((re.escape(k) for k in VAGUE_TIMES), key=len, reverse=True))
    # "in the evening", "this morning", "tomorrow afternoon"; "the evening" alone or ending "to/for
    # the evening" (a new time: "move call mom to the evening"), never "the night market"
    vm = re.search(rf"{_B}(?:(?:in|at|by|around|this|before|tomorrow|today|until|till|after|\x00) (?:the )?({vague})|(noon|midday|midnight|tonight|eod|end of (?:the )?day)){_E}"
                   rf"|(?:^|(?<=\bto )|(?<=\bfor ))the ({vague})(?=\s*(?:$|[,.;!?]))", text, re.IGNORECASE)
    if vm and (not found or vm[1] or vm[3]):
        if not found:
            when.at = VAGUE_TIMES[(vm[1] or vm[2] or vm[3]).lower()]
        span = vm.span()
        word = vm[0].lower().split()[0]
        if word in ("tomorrow", "today", "\x00"):  # the day is its own span (\x00: a day another reader took)
            span = (vm.start(1) if vm[1] else vm.start(2), vm.end())
        when.spans.append(span)


def _find_hours_from_now(text: str, now: datetime, when: When) -> bool:
    m = re.search(rf"{_B}(?:in|within) ({_NUM}|half an?) (hour|hr|minute|min)s?{_E}", text, re.IGNORECASE)
    if not m:
        return False
    amount = 30 if m[1].startswith("half") else number(m[1])
    unit = "minutes" if m[2].lower().startswith("m") or m[1].startswith("half") else "hours"
    delta = timedelta(**{unit: amount})
    # Elapsed time, not wall time: across a DST change "in 2 hours" is two real hours.
    moment = (now.astimezone(UTC) + delta).astimezone(now.tzinfo) if now.tzinfo else now + delta
    when.day, when.at = moment.date(), moment.time().replace(second=0, microsecond=0)
    when.from_now = delta
    when.spans.append(m.span())
    return True


_OFFSET_UNITS = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440, "night": 1440, "week": 10080}
OFFSET = (
    rf"(?:(?P<amount>\d+(?:\.\d+)?|{_NUM}|half an?|the|a|an)\s+(?P<unit>minute|min|hour|hr|day|night|week)s?"
    r"(?P<half> and a half)?|(?P<nhalf>an? hour and a half|half an? hour))"
    r"\s+(?:before(?:hand)?|earlier|early|ahead of time|ahead of|ahead|in advance of|in advance|prior to|prior)"
)
"""An offset before a due time: "30 minutes before", "an hour before", "the day before", "2 days
ahead of", "an hour and a half early", "half an hour beforehand". Named groups for :func:`offset_minutes`."""


def offset_minutes(m: re.Match[str]) -> int:
    """The minutes of an :data:`OFFSET` match ("the day before" → 1440, "1.5 hours" → 90)."""
    if m["nhalf"]:
        return 90 if "and a half" in m["nhalf"].lower() else 30
    amount = m["amount"].lower()
    unit = _OFFSET_UNITS[m["unit"].lower()]
    if amount.startswith("half"):
        value = 0.5
    elif amount in ("the", "a", "an"):
        value = 1.0
    elif re.fullmatch(r"\d+\.\d+", amount):
        value = float(amount)
    else:
        value = float(number(amount))
    if m["half"]:
        value += 0.5
    return round(value * unit)


def find_offset(text: str) -> tuple[int, tuple[int, int]] | None:
    """The first :data:`OFFSET` in ``text``: ``(minutes, span)``, or None."""
    m = re.search(_B + OFFSET + _E, text, re.IGNORECASE)
    return (offset_minutes(m), m.span()) if m else None


def find_when(text: str, now: datetime, *, recurrence: bool = True) -> When:
    """Find the date, time and recurrence phrases of ``text``, resolved against ``now``.

    Args:
        text: the message (quoted parts should already be masked out).
        now: the user's local wall-clock time (aware or naive; only its local fields are used).
        recurrence: also look for repetition ("every monday").

    Returns:
        A :class:`When`; ``day``/``at`` stay None when not said. A recurrence without a day gets
        its first due date (see :func:`first_occurrence`).
    """
    when = When()
    today = now.date()
    part_time: time | None = None
    parsed = timegrammar.parse(text, today)
    chosen = timegrammar.select(parsed, mods=True, recurrence=recurrence)
    if recurrence:
        if not any(span.kind == "rec" for _, span in chosen):
            part_time = _find_recurrence(_mask(text, [where for where, _ in chosen]), when)
        if not when.recurrence and not any(span.kind == "rec" for _, span in chosen):
            chosen = timegrammar.select(parsed, mods=False, recurrence=recurrence)
    else:
        chosen = timegrammar.select(parsed, mods=False, recurrence=False)
    mods = _use_grammar(chosen, when)
    grammar_at = when.at is not None
    if grammar_at and when.at.hour < 12 and _LATER_IN_DAY.search(text) and not any(
        re.search(r"\b(?:am|a\.m\.|morning)\b", text[a:b], re.IGNORECASE) for (a, b), s in chosen if s.kind == "time"
    ):
        when.at = when.at.replace(hour=when.at.hour + 12)  # "tonight at half past 8" is 20:30
    masked = _mask(text, when.spans)
    if when.day is None and when.at is None and _find_hours_from_now(masked, now, when):
        pass
    elif when.day is None:
        for pattern, resolve in _day_patterns(today):
            m = re.search(_B + r"(?:(?:due|by|on|for|before|until|till|til|from|starting) )*(?:" + pattern + ")" + _E, masked, re.IGNORECASE)
            if not m:
                continue
            value = resolve(m)  # type: ignore[operator]
            if isinstance(value, list):
                if len(value) == 1:
                    value = value[0]
                elif len(value) > 1:
                    when.ambiguous = value
                    when.spans.append(m.span())
                    break
            if isinstance(value, date):
                when.day = value
                when.spans.append(m.span())
                said = m[0].lower()
                if not grammar_at:
                    for word, moment in sorted(VAGUE_TIMES.items(), key=lambda kv: -len(kv[0])):
                        if re.search(rf"\b{word}\b", said):
                            when.at = moment
                            break
                break
    if when.from_now is None:
        said_at = when.at
        _find_time(_mask(text, when.spans), when, text)
        if grammar_at:  # the older patterns only cut the words ("tomorrow evening at quarter to 8")
            when.at = said_at
    if when.at is None and part_time is not None:
        when.at = part_time
    if when.recurrence and when.day is None:
        start = mods.get("start")
        origin = datetime.combine(start, time(0, 0), now.tzinfo) if start and start > today else now
        when.day, first_at = first_occurrence(when.recurrence, origin, when.at)
        if first_at is not None:
            when.at = first_at
    elif when.day is None and when.at is not None:
        naive_now = now.replace(tzinfo=None)
        when.day = today if datetime.combine(today, when.at) > naive_now else today + timedelta(days=1)
    if when.recurrence and when.day is not None:
        when.recurrence = bounded_rule(when.recurrence, when.day, when.at, mods)
    return when


_LATER_IN_DAY = re.compile(r"\b(?:tonight|evening|afternoon|night)\b", re.IGNORECASE)


def _use_grammar(chosen: list[tuple[tuple[int, int], timegrammar.Span]], when: When) -> dict[str, object]:
    """Put the time grammar's spans into ``when``; returns the recurrence modifiers said
    (``{"start": date, "until": date, "count": int, "for": relativedelta}``)."""
    mods: dict[str, object] = {}
    for where, span in chosen:
        if span.kind in ("date", "mdate") and when.day is None:
            when.day = span.value
            if span.kind == "mdate":
                when.period = (span.value, span.value + relativedelta(day=31))
        elif span.kind == "time" and when.at is None:
            when.at = span.value
        elif span.kind == "rec" and when.recurrence is None:
            when.recurrence = ";".join(f"{k}={v}" for k, v in span.value.items())
        elif span.kind == "mod":
            mods.setdefault(span.value[0], span.value[1])
        else:
            continue
        when.spans.append(where)
    return mods


def bounded_rule(rule: str, first: date, at: time | None, mods: dict[str, object]) -> str:
    """``rule`` with the COUNT or UNTIL its modifiers said (RFC 5545 §3.3.10: not both; COUNT wins).

    ``until`` is the last day an occurrence may fall on; ``for`` a duration from ``first`` (the
    first occurrence, the task's due date = DTSTART). UNTIL is a date for an all-day due and the
    end of that local day for a timed one (the same value type as DTSTART, §3.3.10).
    """
    if "COUNT=" in rule or "UNTIL=" in rule:
        return rule
    if "count" in mods:
        return f"{rule};COUNT={mods['count']}"
    until = mods.get("until")
    if "for" in mods and until is None:
        until = first + mods["for"] - timedelta(days=1)  # type: ignore[operator]
    if isinstance(until, date) and until >= first:
        return f"{rule};UNTIL={until:%Y%m%d}" + ("T235959" if at is not None else "")
    return rule


def first_occurrence(rule: str, now: datetime, at: time | None) -> tuple[date, time | None]:
    """The first day (and time) of ``rule`` at or after ``now`` (dateutil rrule in local wall time).

    The rule's INTERVAL is left out for this: the first occurrence becomes the due date, which is
    where the interval counts from ("every other tuesday" said on a Wednesday is due next Tuesday;
    dateutil, started on the Wednesday, would skip to the Tuesday after).
    """
    rule = re.sub(r";?INTERVAL=\d+", "", rule)
    start = datetime.combine(now.date(), at or time(0, 0))
    floor = now.replace(tzinfo=None, second=0, microsecond=0) if at else start
    found = rrulestr(rule, dtstart=start).after(floor, inc=True)
    if found is None:
        return now.date(), at
    return found.date(), at


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = "\x00"
    return "".join(chars)


def due_text(when: When) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` for the tools (docs/agent-tools.md), or None."""
    if when.day is None:
        return None
    if when.at is None:
        return when.day.isoformat()
    return datetime.combine(when.day, when.at).strftime("%Y-%m-%dT%H:%M")


def cut(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the character ``spans`` removed (white space collapsed)."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return re.sub(r"\s+", " ", text).strip()
