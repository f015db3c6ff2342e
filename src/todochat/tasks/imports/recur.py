"""The repeat rules of other apps as RFC 5545 RRULE values: Todoist's "every …" dates, todo.txt's
``rec:`` extension and Taskwarrior's ``recur`` durations. A phrase not understood gives None (the
reader then warns and imports the task without a repeat)."""

from __future__ import annotations

import re

_UNITS = {
    "d": "DAILY", "day": "DAILY", "days": "DAILY", "daily": "DAILY",
    "w": "WEEKLY", "wk": "WEEKLY", "wks": "WEEKLY", "week": "WEEKLY", "weeks": "WEEKLY", "weekly": "WEEKLY",
    "m": "MONTHLY", "mo": "MONTHLY", "mos": "MONTHLY", "month": "MONTHLY", "months": "MONTHLY", "monthly": "MONTHLY",
    "y": "YEARLY", "yr": "YEARLY", "yrs": "YEARLY", "year": "YEARLY", "years": "YEARLY", "yearly": "YEARLY",
    "annual": "YEARLY", "annually": "YEARLY",
}
_DAYS = {
    "mon": "MO", "monday": "MO", "tue": "TU", "tues": "TU", "tuesday": "TU", "wed": "WE", "wednesday": "WE",
    "thu": "TH", "thur": "TH", "thurs": "TH", "thursday": "TH", "fri": "FR", "friday": "FR",
    "sat": "SA", "saturday": "SA", "sun": "SU", "sunday": "SU",
}
_NAMED = {
    "weekday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "workday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "workdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "weekend": "FREQ=WEEKLY;BYDAY=SA,SU", "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "fortnight": "FREQ=WEEKLY;INTERVAL=2", "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
    "bimonthly": "FREQ=MONTHLY;INTERVAL=2", "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "quarter": "FREQ=MONTHLY;INTERVAL=3", "semiannual": "FREQ=MONTHLY;INTERVAL=6", "biannual": "FREQ=MONTHLY;INTERVAL=6",
}
_AMOUNT = re.compile(r"^\+?(\d{0,3})\s*([a-z]+)$")


def _rule(freq: str, interval: int) -> str | None:
    if not 1 <= interval <= 999:
        return None
    return f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")


def from_amount(text: str) -> str | None:
    """``1w``, ``+2d``, ``3months``, ``daily``, ``weekdays``, ``quarterly`` (todo.txt ``rec:``,
    Taskwarrior ``recur``; a leading ``+`` — "from completion" in todo.txt — is read as the
    plain rule) → RRULE, or None."""
    word = text.strip().lower()
    if word in _NAMED:
        return _NAMED[word]
    found = _AMOUNT.match(word)
    if not found or found.group(2) not in _UNITS:
        return None
    return _rule(_UNITS[found.group(2)], int(found.group(1) or 1))


_EVERY = re.compile(r"^every!?\s+(?:(other)\s+)?(?:(\d{1,3})\s+)?(.+?)$")


def from_every(text: str) -> str | None:
    """Todoist's common repeat phrases → RRULE, or None: ``every day``, ``every 3 weeks``,
    ``every other month``, ``every weekday``, ``every monday``, ``every mon, fri``,
    ``every other tuesday``, ``daily``, ``weekly`` (Todoist help, "Introduction to recurring dates";
    ``every!`` — counted from completion — is read as the plain rule)."""
    phrase = " ".join(text.strip().lower().replace(" and ", ", ").split())
    if phrase in _UNITS and _UNITS[phrase] and phrase.endswith("ly"):
        return f"FREQ={_UNITS[phrase]}"
    found = _EVERY.match(phrase)
    if not found:
        return None
    other, count, rest = found.groups()
    interval = 2 if other else int(count or 1)
    if rest in _NAMED and not other and not count:
        return _NAMED[rest]
    if rest in _UNITS:
        return _rule(_UNITS[rest], interval)
    days = [d.strip() for d in rest.split(",") if d.strip()]
    if days and all(d in _DAYS for d in days):
        by = ",".join(dict.fromkeys(_DAYS[d] for d in days))
        base = _rule("WEEKLY", interval)
        return f"{base};BYDAY={by}" if base else None
    return None
