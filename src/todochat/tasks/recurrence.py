"""Recurrence rules (RFC 5545 §3.3.10 RRULE): strict parsing, and occurrence walks with a bounded cost.

dateutil walks a rule period by period from its start (DTSTART) and, when nothing matches, on to
year 9999. A task's rule starts at its due date, which can be years in the past. So every walk
here (a) starts one or two periods before the point it looks from, moved forward by whole
periods of the rule (which keeps its pattern), and (b) runs on the same calendar moved 400·k
years later, so dateutil's own end (year 9999) comes within ~430 years of that point. Both
together bound the cost of one walk, however old the due date is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice, takewhile

from dateutil.rrule import rrule, rrulestr

from todochat.errors import ValidationError
from todochat.tasks.models import DUE_YEAR_MAX, DUE_YEAR_MIN, RECURRENCE_COUNT_MAX, RECURRENCE_MAX

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
MAX_INTERVAL = {"DAILY": 3653, "WEEKLY": 522, "MONTHLY": 120, "YEARLY": 10}
"""A period of at most ten years (so one lookahead always spans two periods)."""
PROBE_YEARS = 9
"""A rule's pattern must occur within this many years (9 covers every-29-February rules)."""
LOOKAHEAD_YEARS = PROBE_YEARS + 2 * 10
"""A walk always looks at least this far past its starting point (it stops within ~430 years)."""
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})(T\d{6})?$")
_INT = re.compile(r"^[+-]?\d{1,4}$")
# part → (allowed magnitude 1..n of each value, frequencies it may be used with): RFC 5545 §3.3.10
_NUMBER_LISTS: dict[str, tuple[int, tuple[str, ...], bool]] = {
    "BYMONTHDAY": (31, ("DAILY", "MONTHLY", "YEARLY"), True),
    "BYYEARDAY": (366, ("YEARLY",), True),
    "BYWEEKNO": (53, ("YEARLY",), True),
    "BYMONTH": (12, FREQUENCIES, False),
    "BYSETPOS": (366, FREQUENCIES, True),
}
KNOWN_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
               "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")


@dataclass(frozen=True)
class Rule:
    """A parsed RRULE: ``parts`` in the order given (names upper case), e.g. ``{"FREQ": "DAILY"}``."""

    parts: dict[str, str]

    @property
    def freq(self) -> str:
        return self.parts["FREQ"]

    @property
    def interval(self) -> int:
        return int(self.parts.get("INTERVAL", "1"))

    @property
    def text(self) -> str:
        """The rule as stored: ``NAME=VALUE`` parts joined by ``;``."""
        return ";".join(f"{k}={v}" for k, v in self.parts.items())


def _bad(message: str) -> ValidationError:
    return ValidationError(message, field="recurrence")


def parse(text: str) -> Rule:
    """Read an RRULE value (no ``RRULE:`` prefix, upper case) strictly, part by part.

    Every part is one RFC 5545 §3.3.10 rule part, given once, with values in range for the
    frequency; the time of day comes from the due date, so BYHOUR/BYMINUTE/BYSECOND are refused.

    Raises:
        ValidationError: (field ``recurrence``) unknown or repeated part, a value out of range,
            more often than daily, COUNT with UNTIL, COUNT above :data:`RECURRENCE_COUNT_MAX`.
    """
    if len(text) > RECURRENCE_MAX:
        raise _bad(f"The recurrence is {len(text)} characters long; the limit is {RECURRENCE_MAX}.")
    parts: dict[str, str] = {}
    for segment in filter(None, (s.strip() for s in text.split(";"))):
        name, eq, value = segment.partition("=")
        if not eq or not value:
            raise _bad(f"{segment!r} is not a valid RRULE part (NAME=VALUE).")
        if name not in KNOWN_PARTS:
            raise _bad(f"{name!r} is not a valid RRULE part (RFC 5545 §3.3.10).")
        if name in parts:
            raise _bad(f"The recurrence gives {name} twice; give each part once.")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise _bad(f"{text!r} is not a recurrence rule (RFC 5545 RRULE).")
    if freq in SUB_DAILY:
        raise _bad(f"The recurrence {text!r} repeats more often than daily; use DAILY, WEEKLY, MONTHLY or YEARLY.")
    if freq not in FREQUENCIES:
        raise _bad(f"{text!r} is not a valid RRULE: unknown FREQ {freq!r}.")
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            raise _bad(f"{text!r} is not a valid RRULE here: {name} is not supported; the due time sets the time of day.")
    _check_counts(text, parts)
    _check_lists(text, parts, freq)
    return Rule(parts)


def _check_counts(text: str, parts: dict[str, str]) -> None:
    freq = parts["FREQ"]
    top = MAX_INTERVAL[freq]
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and 1 <= int(parts["INTERVAL"]) <= top):
        raise _bad(f"The recurrence {text!r} needs an INTERVAL from 1 to {top} for {freq}.")
    if "COUNT" in parts:
        if "UNTIL" in parts:
            raise _bad("Give COUNT or UNTIL, not both (RFC 5545 §3.3.10).")
        if not (parts["COUNT"].isdigit() and 1 <= int(parts["COUNT"]) <= RECURRENCE_COUNT_MAX):
            raise _bad(f"The recurrence {text!r} needs a COUNT from 1 to {RECURRENCE_COUNT_MAX}.")
    if "UNTIL" in parts:
        match = _UNTIL.match(parts["UNTIL"])
        if not match or not DUE_YEAR_MIN <= int(match.group(1)) <= DUE_YEAR_MAX:
            raise _bad(f"{text!r} is not a valid RRULE: UNTIL is a date YYYYMMDD[THHMMSS] from {DUE_YEAR_MIN} to {DUE_YEAR_MAX}.")
    if "WKST" in parts and parts["WKST"] not in _WEEKDAYS:
        raise _bad(f"{text!r} is not a valid RRULE: WKST is one of {', '.join(_WEEKDAYS)}.")


def _check_lists(text: str, parts: dict[str, str], freq: str) -> None:
    for name, (top, freqs, signed) in _NUMBER_LISTS.items():
        if name not in parts:
            continue
        if freq not in freqs:
            raise _bad(f"{text!r} is not a valid RRULE: {name} cannot be used with FREQ={freq}.")
        for value in parts[name].split(","):
            if not _INT.match(value) or not 1 <= abs(int(value)) <= top or (not signed and value[0] in "+-"):
                raise _bad(f"{text!r} is not a valid RRULE: {name} values are {'±' if signed else ''}1 to {top}.")
    if "BYSETPOS" in parts and not any(p in parts for p in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")):
        raise _bad(f"{text!r} is not a valid RRULE: BYSETPOS needs another BY part.")
    for value in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []:
        match = _BYDAY.match(value)
        if not match:
            raise _bad(f"{text!r} is not a valid RRULE: {value!r} is not a BYDAY value like MO or 1MO.")
        if match.group(2):
            ordinal_top = {"MONTHLY": 5, "YEARLY": 53}.get(freq)
            if ordinal_top is None or "BYWEEKNO" in parts:
                raise _bad(f"{text!r} is not a valid RRULE: a numbered BYDAY needs FREQ=MONTHLY or YEARLY.")
            if not 1 <= int(match.group(2)) <= ordinal_top:
                raise _bad(f"{text!r} is not a valid RRULE: a numbered BYDAY is ±1 to {ordinal_top} for {freq}.")


# ---------------------------------------------------------------------------- bounded walks
def _aligned(rule: Rule, start: datetime, point: datetime, shift: bool) -> tuple[dict[str, str], datetime]:
    """The rule's parts without COUNT/UNTIL, with dateutil's start-derived defaults made explicit
    (so they survive a moved start), and with ``shift`` a start moved forward by whole periods
    to at least one period before ``point``: the occurrences from there on are the same."""
    parts = {k: v for k, v in rule.parts.items() if k not in ("COUNT", "UNTIL")}
    weekday = _WEEKDAYS[start.weekday()]
    if not any(p in parts for p in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")):
        if rule.freq == "YEARLY":
            parts.setdefault("BYMONTH", str(start.month))
            parts["BYMONTHDAY"] = str(start.day)
        elif rule.freq == "MONTHLY":
            parts["BYMONTHDAY"] = str(start.day)
        elif rule.freq == "WEEKLY":
            parts["BYDAY"] = weekday
    parts.update(BYHOUR=str(start.hour), BYMINUTE=str(start.minute), BYSECOND=str(start.second))
    if not shift or point <= start:
        return parts, start
    step = rule.interval
    if rule.freq in ("DAILY", "WEEKLY"):
        days = step * (7 if rule.freq == "WEEKLY" else 1)
        periods = (point - start).days // days - 1
        return parts, start + timedelta(days=max(periods, 0) * days)
    months = step * (12 if rule.freq == "YEARLY" else 1)
    periods = ((point.year - start.year) * 12 + point.month - start.month) // months - 1
    if periods <= 0:
        return parts, start
    index = start.year * 12 + start.month - 1 + periods * months
    if rule.freq == "YEARLY":  # a whole period: 1 January (or the 1st of the month) at 00:00
        return parts, datetime(index // 12, 1, 1)  # noqa: DTZ001 — rules run in floating wall time
    return parts, datetime(index // 12, index % 12 + 1, 1)  # noqa: DTZ001


class _Walk:
    """``rule`` run from ``start`` (COUNT left out), walked by dateutil on the same calendar
    moved 400·k years later, so that dateutil's own end (year 9999) comes a few hundred years
    after ``point``: dateutil checks UNTIL only at an occurrence, so a rule that stops matching
    would otherwise walk on to year 9999. The Gregorian calendar repeats exactly every 400 years
    (146,097 days, 20,871 weeks), so the occurrences are the same, moved back."""

    def __init__(self, rule: Rule, start: datetime, point: datetime, *, shift: bool) -> None:
        parts, walk_start = _aligned(rule, start, point, shift)
        self.years = 400 * max((9999 - LOOKAHEAD_YEARS - point.year) // 400, 0)
        if "UNTIL" in rule.parts:
            until = rule.parts["UNTIL"]
            until = until if "T" in until else until + "T235959"
            parts["UNTIL"] = f"{int(until[:4]) + self.years:04d}{until[4:]}"
        text = ";".join(f"{k}={v}" for k, v in parts.items())
        self.rule: rrule = rrulestr(text, dtstart=self._moved(walk_start, self.years))  # type: ignore[assignment]

    @staticmethod
    def _moved(day: datetime, years: int) -> datetime:
        return day.replace(year=day.year + years)

    def after(self, point: datetime, inc: bool) -> datetime | None:
        found = self.rule.after(self._moved(point, self.years), inc=inc)
        return None if found is None else self._moved(found, -self.years)

    def __iter__(self) -> Iterator[datetime]:
        return (self._moved(day, -self.years) for day in self.rule)


def _count_left(rule: Rule, start: datetime, before: datetime) -> int | None:
    """For a COUNT rule: how many of its occurrences are left at ``before`` (None: no COUNT)."""
    if "COUNT" not in rule.parts:
        return None
    count = int(rule.parts["COUNT"])
    walk = _Walk(rule, start, max(start, before), shift=False)
    used = sum(1 for _ in islice(takewhile(lambda day: day < before, walk), count))
    return count - used


def first_after(rule: Rule, start: datetime, point: datetime, *, inc: bool = False) -> datetime | None:
    """The rule's first occurrence (run from ``start``, naive wall time) after ``point`` (or at
    it, with ``inc``), counting COUNT from ``start``; None when there is none up to year
    :data:`DUE_YEAR_MAX` (or the rule's COUNT/UNTIL has ended).

    Cost: the walk starts at most two periods before ``point`` (COUNT rules also count their
    used occurrences from ``start``, at most COUNT of them) and ends within about 430 years.
    """
    start = max(start, datetime(DUE_YEAR_MIN, 1, 1))  # noqa: DTZ001 — older rows start at the range
    found = _Walk(rule, start, point, shift=True).after(point, inc)
    if found is None or found.year > DUE_YEAR_MAX:
        return None
    left = _count_left(rule, start, found)
    return found if left is None or left > 0 else None


def used_before(rule: Rule, start: datetime, before: datetime) -> int:
    """How many occurrences of ``rule`` (run from ``start``) fall in ``[start, before)``; at most
    its COUNT (only COUNT rules are counted; others give 0)."""
    left = _count_left(rule, max(start, datetime(DUE_YEAR_MIN, 1, 1)), before)  # noqa: DTZ001
    return 0 if left is None else int(rule.parts["COUNT"]) - left
