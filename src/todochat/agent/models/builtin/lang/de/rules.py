"""German rules as data: phrases (dates, times, priorities, tags, lists) and intent rules, each
rewriting German into the canonical English command the engine reads; every entry has examples.

The task's own words stay as the user wrote them ("füg Milch kaufen hinzu" → ``add "Milch
kaufen"``). Conventions: a time in digits is read as written, 24-hour ("um 7:30" is 07:30, "um 19 Uhr"
19:00; "abends"/"nachmittags" make 1–11 pm); a spoken time ("halb sieben" 6:30, "viertel nach/vor
acht" 8:15/7:45, "um vier") is the morning from 6 on and the afternoon from 1 to 5 ("halb drei" 14:30).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from todochat.agent.models.builtin.lang.de import words
from todochat.agent.models.builtin.lang.grammar import Grammar, Phrase, Rule


def _fold(text: str) -> str:
    text = text.lower()
    for letter, plain in words.FOLD:
        text = text.replace(letter, plain)
    return text


def _table(mapping: dict[str, object]) -> dict[str, object]:
    return {_fold(k): v for k, v in mapping.items()}


_NUMBERS = _table(dict(words.NUMBERS))
_ORDINALS = _table(dict(words.ORDINALS))
_WEEKDAYS = _table(dict(words.WEEKDAYS))
_MONTHS = _table(dict(words.MONTHS))
_UNITS = _table(dict(words.UNITS))


def _alternation(keys: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(str(k)) for k in keys), key=len, reverse=True))


MACROS = {
    "num": r"\d+|" + _alternation(words.NUMBERS),
    "hour": r"\d{1,2}|" + _alternation(k for k, v in words.NUMBERS.items() if v <= 12),
    "wd": _alternation(words.WEEKDAYS),
    "month": _alternation(words.MONTHS),
    "unit": _alternation(words.UNITS),
    "pm": _alternation(words.PM_WORDS),
    "am": "morgens|früh|vormittags",
    "pre": "am|bis|ab|für|zum|vor|auf|an",
    "ord": _alternation(words.ORDINALS),
    "sub": "unteraufgabe|teilaufgabe|unterpunkt|zwischenschritt|schritt",
    "subs": "unteraufgaben|teilaufgaben|unterpunkte|schritte",
}


def number(word: str) -> int:
    """A number written in digits or as a German word ("zwei" → 2); ValueError if neither."""
    word = word.strip()
    return int(word) if word.isdigit() else int(str(_NUMBERS[_fold(word)]))


def _clock(hour: int, minute: int, pm: str | None, *, spoken: bool = False) -> str:
    if spoken and 1 <= hour <= 5:  # "halb drei", "um vier": said, not written, is the afternoon
        pm = pm or "pm"
    if pm and hour < 12:
        hour += 12
    if hour >= 12:
        return f"at {hour}:{minute:02d}"
    return f"at {hour}:{minute:02d}am"


def _time(m: re.Match[str]) -> str:
    return _clock(number(m["h"]), int(m["mm"] or 0), m["pm"], spoken=not m["h"].isdigit())


def _half(m: re.Match[str]) -> str:
    return _clock((number(m["h"]) - 1) % 12 or 12, 30, m["pm"], spoken=True)


def _quarter_past(m: re.Match[str]) -> str:
    return _clock(number(m["h"]), 15, m["pm"], spoken=True)


def _quarter_to(m: re.Match[str]) -> str:
    return _clock((number(m["h"]) - 1) % 12 or 12, 45, m["pm"], spoken=True)


def _by(pre: str | None) -> str:
    return "by " if pre and _fold(pre).startswith("bis") else "on "


def _day_month(m: re.Match[str]) -> str:
    month = str(_MONTHS[_fold(m["mon"])])
    year = f" {m['y']}" if m["y"] else ""
    return f"{_by(m['pre'])}{month} {int(m['d'])}{year}"


def _numeric_date(m: re.Match[str]) -> str:
    month = int(m["m"])
    if not 1 <= month <= 12:
        return m[0]
    year = f" {m['y'] if len(m['y'] or '') == 4 else '20' + m['y']}" if m["y"] else ""
    return f"{_by(m['pre'])}{words.MONTH_NUMBERS[month - 1]} {int(m['d'])}{year}"


def _weekday(m: re.Match[str]) -> str:
    day = str(_WEEKDAYS[_fold(m["wd"])])
    if m["next"]:
        return f"next {day}"
    return f"{_by(m['pre'])}{day}"


def _in(m: re.Match[str]) -> str:
    return f"in {number(m['n'])} {_UNITS[_fold(m['u'])]}"


def _every_n(m: re.Match[str]) -> str:
    n = number(m["n"])
    unit = str(_UNITS[_fold(m["u"])])
    return f"every {unit[:-1]}" if n == 1 else f"every {n} {unit}"


def _every_wd(m: re.Match[str]) -> str:
    return f"every {_WEEKDAYS[_fold(m['wd'])]}"


def _every_other_wd(m: re.Match[str]) -> str:
    return f"every other {_WEEKDAYS[_fold(m['wd'])]}"


def _every_nth(m: re.Match[str]) -> str:
    n = int(str(_ORDINALS[_fold(m["o"])]))
    return f"every {n} {_UNITS[_fold(m['u'])]}"


def _english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _monthly_on(m: re.Match[str]) -> str:
    day = (m["d"] or m["d2"]).rstrip(".")
    n = int(day) if day.isdigit() else int(str(_ORDINALS[_fold(day)]))
    return f"every {_english_ordinal(n)} of the month"


def _evening_at(m: re.Match[str]) -> str:
    day = {"heute": "tonight", "morgen": "tomorrow", "übermorgen": "in 2 days"}[_fold(m["day"]).replace("ue", "ü")]
    return f"{day} {_clock(number(m['h']), int(m['mm'] or 0), 'pm')}"


def _duration(m: re.Match[str]) -> str:
    return f"{number(m['n'])} {_UNITS[_fold(m['u'])]}"


def _tasks(m: re.Match[str]) -> str:
    numbers = [str(number(n)) for n in (m["a"], m["b"], m["c"]) if n]
    if len(numbers) == 1:
        return f"task {numbers[0]}"
    return "tasks " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _ordinal(m: re.Match[str]) -> str:
    o = _fold(m["o"])
    if o.startswith("letzt"):
        return "the last one"
    return ("the first one", "the second one", "the third one", "the fourth one", "the fifth one")[
        int(str(_ORDINALS[o])) - 1
    ]


_PM = r"(?:\s+(?:uhr\s+)?(?P<pm><pm>))?"
_DATE_PRE = r"(?:(?P<pre>am|bis(?:\s+zum)?|ab|für|zum|vor)\s+)?(?:(?:den|dem)\s+)?"

PHRASES: tuple[Phrase, ...] = (
    # a turn that starts with "und" only joins it to the last one
    Phrase("", r"^(?:und|und\s+dann|dann|außerdem|ach\s+ja|ach\s+und)(?=\s)", "", (("und", ""),)),
    # recurrences
    Phrase("when", r"(?:jeden|jede|jedes|alle)\s+(?P<o>zweiten|zweite|zweites|dritten|dritte|drittes|vierten|vierte|viertes)"
           r"\s+(?P<u>tag|woche|monat|jahr)", _every_nth,
           (("jeden zweiten Tag", "every 2 days"), ("jede dritte Woche", "every 3 weeks"))),
    Phrase("when", r"(?:jeden\s+monat\s+am|am\s+jedem|jeweils\s+am|immer\s+am)\s+(?P<d>\d{1,2}\.|<ord>)(?:\s+(?:des|eines)\s+monats)?|"
           r"(?:am\s+)?(?P<d2>\d{1,2}\.|<ord>)\s+(?:jeden|jedes|eines)\s+monats", _monthly_on,
           (("jeden Monat am Ersten", "every 1st of the month"), ("am 15. jeden Monats", "every 15th of the month"))),
    Phrase("when", r"jeden\s+(?:morgen|abend|mittag|vormittag|nachmittag)|jede\s+nacht|(?:jeden\s+tag\s+)?morgens\s+und\s+abends",
           "every day", (("jeden Morgen", "every day"), ("jeden Abend", "every day"))),
    Phrase("when", r"(?:jeden|jede|alle)\s+(?:zweiten|zwei)\s+(?P<wd><wd>)", _every_other_wd,
           (("jeden zweiten Dienstag", "every other tuesday"),)),
    Phrase("when", r"(?:jeden|immer)\s+(?P<wd><wd>)|(?P<wd2><wd>)s", lambda m: _every_wd(m) if m["wd"] else
           f"every {_WEEKDAYS[_fold(m['wd2'])]}", (("jeden Montag", "every monday"), ("montags", "every monday"))),
    Phrase("when", r"alle\s+(?P<n><num>)\s+(?P<u><unit>)", _every_n, (("alle zwei Wochen", "every 2 weeks"),)),
    Phrase("when", r"jeden\s+tag|täglich|tagtäglich", "every day", (("täglich", "every day"),)),
    Phrase("when", r"jeden\s+werktag|werktags|an\s+werktagen", "every weekday", (("werktags", "every weekday"),)),
    Phrase("when", r"jede\s+woche|wöchentlich", "every week", (("wöchentlich", "every week"),)),
    Phrase("when", r"jeden\s+monat|monatlich", "every month", (("jeden Monat", "every month"),)),
    Phrase("when", r"jedes\s+jahr|jährlich", "every year", (("jährlich", "every year"),)),
    # an evening or afternoon with a bare hour is pm ("heute Abend um 8" 20:00)
    Phrase("when", r"(?P<day>heute|morgen|übermorgen)\s+(?:abend|nachmittag)\s+(?:um|gegen|ab)\s+(?P<h><hour>)"
           r"(?:[:.](?P<mm>\d{2}))?(?:\s+uhr)?", _evening_at,
           (("heute Abend um 8", "tonight at 20:00"), ("morgen Nachmittag um 3", "tomorrow at 15:00"))),
    # days
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?heute\s+(?:abend|nacht)", "tonight", (("heute Abend", "tonight"),)),
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?morgen\s+(?:früh|vormittag)", "tomorrow morning",
           (("morgen früh", "tomorrow morning"),)),
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?morgen\s+(?:abend|nachmittag)", "tomorrow evening",
           (("morgen Abend", "tomorrow evening"),)),
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?übermorgen", "in 2 days", (("übermorgen", "in 2 days"),)),
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?heute", "today", (("bis heute", "today"),)),
    Phrase("when", r"(?:für\s+|bis\s+|auf\s+)?morgen", "tomorrow", (("für morgen", "tomorrow"),)),
    Phrase("when", _DATE_PRE + r"(?P<d>\d{1,2})\.?\s*(?P<mon><month>)\.?(?:\s+(?P<y>\d{4}))?", _day_month,
           (("am 3. März", "on march 3"), ("bis zum 12. Januar 2027", "by january 12 2027"))),
    Phrase("when", _DATE_PRE + r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})?", _numeric_date,
           (("am 3.12.", "on december 3"),)),
    Phrase("when", r"(?:(?P<pre>am|bis|ab|für|zum|vor)\s+)?(?:(?P<next>nächsten|nächster|kommenden|nächste)\s+)?"
           r"(?P<wd><wd>)", _weekday,
           (("am Freitag", "on friday"), ("bis Freitag", "by friday"), ("nächsten Freitag", "next friday"))),
    Phrase("when", r"in\s+(?P<n><num>)\s+(?P<u><unit>)", _in, (("in zwei Wochen", "in 2 weeks"),)),
    Phrase("when", r"(?:in\s+der\s+)?(?:nächsten|nächste|kommende|kommenden)\s+woche", "next week",
           (("nächste Woche", "next week"),)),
    Phrase("when", r"(?:in\s+)?diese[rn]?\s+woche", "this week", (("diese Woche", "this week"),)),
    Phrase("when", r"(?:im\s+)?(?:nächsten|kommenden)\s+monat", "next month", (("nächsten Monat", "next month"),)),
    Phrase("when", r"(?:am|zum|bis(?:\s+zum)?)?\s*ende\s+der\s+woche", "at the end of the week",
           (("Ende der Woche", "at the end of the week"),)),
    Phrase("when", r"(?:am|zum|bis(?:\s+zum)?)?\s*ende\s+des\s+monats", "at the end of the month",
           (("Ende des Monats", "at the end of the month"),)),
    Phrase("when", r"(?:am|dieses|übers)\s+wochenende", "this weekend", (("am Wochenende", "this weekend"),)),
    # durations (for "um einen Tag verschieben")
    Phrase("dur", r"um\s+(?P<n><num>)\s+(?P<u><unit>)", _duration, (("um einen Tag", "1 days"),)),
    # clock times
    Phrase("when", r"(?:(?:um|gegen|ab|auf)\s+)?halb\s+(?P<h><hour>)" + _PM, _half, (("um halb sieben", "at 6:30am"), ("auf halb drei", "at 14:30"))),
    Phrase("when", r"(?:(?:um|gegen|ab|auf)\s+)?viertel\s+nach\s+(?P<h><hour>)" + _PM, _quarter_past,
           (("um viertel nach acht", "at 8:15am"),)),
    Phrase("when", r"(?:(?:um|gegen|ab|auf)\s+)?viertel\s+vor\s+(?P<h><hour>)" + _PM, _quarter_to,
           (("um viertel vor acht", "at 7:45am"),)),
    Phrase("when", r"(?:(?:um|gegen|ab)\s+)?(?P<h>\d{1,2})(?:[:.](?P<mm>\d{2}))?\s+uhr" + _PM, _time,
           (("um 14 Uhr", "at 14:00"), ("um 8 Uhr abends", "at 20:00"))),
    Phrase("when", r"(?:um|gegen|ab)\s+(?P<h><hour>)(?:[:.](?P<mm>\d{2}))?(?:\s+uhr)?" + _PM, _time,
           (("um 7:30", "at 7:30am"), ("um acht", "at 8:00am"))),
    Phrase("when", r"(?:am\s+)?(?:abends|heute\s+abend)", "tonight", (("abends", "tonight"),)),
    # priorities ("Prio" is Priorität; a clause ", das ist dringend" is the priority of what it follows)
    Phrase("prio", r"nicht\s+(?:mehr\s+|sehr\s+|besonders\s+)?(?:wichtig|dringend|eilig)|weniger\s+(?:wichtig|dringend)|"
           r"(?:hat|hätte)\s+zeit|kann\s+warten", "low",
           (("nicht so wichtig", "low"), ("kann warten", "low"))),
    Phrase("prio", r"(?<=,)\s*(?:(?:das|es|sie)\s+)?(?:ist|wäre)\s+(?:sehr\s+|echt\s+|ziemlich\s+|super\s+|total\s+)?"
           r"(?:dringend|wichtig|eilig)", "high",
           ((", das ist dringend", "high"), (", ist wichtig", "high"))),
    Phrase("prio", r"(?:mit\s+)?(?:hoher|hohe|höchster|höchste)\s+(?:priorität|prio)|(?:priorität|prio)\s+hoch|dringend|wichtig|eilig",
           "high", (("mit hoher Priorität", "high"), ("dringend", "high"))),
    Phrase("prio", r"(?:mit\s+)?(?:niedriger|niedrige|geringer|geringe)\s+(?:priorität|prio)|(?:priorität|prio)\s+niedrig|unwichtig",
           "low", (("mit niedriger Priorität", "low"),)),
    Phrase("prio", r"(?:mit\s+)?(?:mittlerer|mittlere|normaler|normale)\s+(?:priorität|prio)|(?:priorität|prio)\s+mittel", "medium",
           (("mit mittlerer Priorität", "medium"),)),
    # tags and lists
    Phrase("tag", r"mit\s+(?:dem\s+)?(?:tag|schlagwort|label|stichwort)\s+#?(?P<t>[\w-]+)", r"\g<t>",
           (("mit dem Tag einkauf", "einkauf"),)),
    Phrase("tag", r"#(?P<t>[\w-]+)", r"\g<t>", (("#einkauf", "einkauf"),)),
    Phrase("list", r"(?:auf|in|zu|zur|unter)\s+(?:die\s+|der\s+|meine\s+|meiner\s+|meinen\s+|den\s+)?liste\s+"
           r"(?:namens\s+)?[\"'„]?(?P<n>[\w-]+)[\"'“]?", r"\g<n>",
           (("auf die Liste Arbeit", "Arbeit"), ("zur Liste Arbeit", "Arbeit"))),
    Phrase("", r"(?:auf|in|zu)\s+(?:die|meine|meiner|der)\s+(?:liste|aufgabenliste|to-do-liste|todo-liste)", "",
           (("auf meine Liste", ""),)),
)

FILLERS = (
    r"bitte", r"mal", r"danke(?:\s+schön)?", r"einfach", r"gerne?", r"noch", r"schnell",
    r"(?:kannst|könntest|würdest)\s+du", r"(?:können|könnten|würden)\s+sie", r"hallo", r"hey",
    r"so", r"denn", r"eigentlich", r"irgendwie",
)

ARTICLES = r"der|die|das|den|dem|des|ein|eine|einen|mein|meine|meinen|meinem|meiner"

REFS: tuple[Phrase, ...] = (
    Phrase("ref", r"(?:die\s+|der\s+)?(?:aufgabe|aufgaben|nummer|nr\.?|punkt|task)\s+(?P<a><num>)"
           r"(?:\s*(?:,|und)\s*(?P<b><num>))?(?:\s*(?:,|und)\s*(?P<c><num>))?", _tasks,
           (("Aufgabe 3", "task 3"), ("Aufgabe 1 und 2", "tasks 1 and 2"))),
    Phrase("ref", r"(?:(?:die|der|den|nummer)\s+)?(?P<a>\d{1,3})(?:\s*(?:,|und)\s*(?:die\s+|der\s+|den\s+)?(?P<b>\d{1,3}))?"
           r"(?:\s*(?:,|und)\s*(?:die\s+|der\s+|den\s+)?(?P<c>\d{1,3}))?", _tasks,
           (("die 3", "task 3"), ("die 1 und die 2", "tasks 1 and 2"), ("2", "task 2"))),
    Phrase("ref", r"es|sie|ihn|das|dies|diese|die|diese\s+aufgabe|das\s+da|die\s+da", "it", (("es", "it"),)),
    Phrase("ref", r"(?:die|den|das|der)\s+(?P<o>ersten?|erster|zweiten?|zweiter|dritten?|dritter|letzten?|letzter)"
           r"(?:\s+aufgabe)?", _ordinal, (("die erste", "the first one"), ("den letzten", "the last one"))),
    Phrase("ref", r"alles|alle\s+(?:meine\s+)?aufgaben|alle", "everything", (("alle Aufgaben", "everything"),)),
    Phrase("ref", r"(?:alle\s+|die\s+)?erledigten(?:\s+aufgaben)?", "all completed tasks",
           (("alle erledigten Aufgaben", "all completed tasks"),)),
    Phrase("ref", r"beide|die\s+beiden|alle\s+beide", "both", (("beide", "both"),)),
)

_ADD = r"(?:füg|füge|fügen\s+sie|fügst\s+du|fuege)"
_DONE = r"(?:erledigt|fertig|gemacht|abgehakt|geschafft|erledigt\s+worden)"
_DEL = r"(?:lösch|lösche|löschen\s+sie|entferne|entfern|entfernen\s+sie|streich|streiche|wirf|schmeiß)"
_MOVE = r"(?:verschieb|verschiebe|verschieben\s+sie|schieb|schiebe|verleg|verlege|leg)"
_SET = r"(?:ändere|änder|ändern\s+sie|setze|setz|setzen\s+sie|stell|stelle)"
_SHOW = r"(?:zeig|zeige|zeigen\s+sie|liste|gib|nenn)(?:\s+mir)?"

RULES: tuple[Rule, ...] = (
    # answers to the model's own questions
    Rule("yes", r"ja|jawohl|jo|jup|genau|richtig|ok|okay|klar|sicher|mach(?:\s+(?:das|es|schon))?|los|bestätigt|"
         r"ja,?\s+(?:mach|gerne|genau|sicher|klar)(?:\s+(?:das|es))?", "yes", (("ja", "yes"), ("ja, bitte", "yes"))),
    Rule("no", r"nein|nee|ne|nö|lieber\s+nicht|nicht|abbrechen|abbruch|stopp|vergiss\s+es|nein,?\s+\w+",
         "no", (("nein danke", "no"),)),
    Rule("both", r"beide|die\s+beiden|alle\s+beide|beide\s+bitte", "both", (("beide", "both"),)),
    Rule("all", r"alle|alle\s+davon|alle\s+(?:die\s+)?(?:aufgaben)", "all of them", (("alle", "all of them"),)),
    Rule("which", r"(?P<ref>(?:den|die|das|der)\s+(?:ersten?|erster|zweiten?|zweiter|dritten?|letzten?|letzter)(?:\s+aufgabe)?)",
         "{ref}", (("den ersten", "the first one"),), priority=-1),
    Rule("which-ref", r"(?P<ref>(?:die\s+)?(?:aufgabe|nummer)\s+\d+)", "{ref}", (("Aufgabe 2", "task 2"),), priority=-1),
    # taking the last turn back: a pending question is declined, a change undone (English "never mind")
    Rule("never-mind", r"(?:ach,?\s+|ne,?\s+|nein,?\s+)?(?:doch\s+nicht|vergiss\s+(?:es|das)|egal|schon\s+gut|"
         r"lass\s+(?:es|das|mal)(?:\s+sein)?|war\s+ein\s+versehen)",
         "never mind", (("doch nicht", "never mind"), ("ach, vergiss es", "never mind")), priority=1),
    # a correction of the last turn's date ("nein, ich meinte übermorgen", "nein, auf Samstag")
    Rule("correct-when", r"(?:nein|nee|ne|sorry|quatsch|oh),?\s+(?:ich\s+meinte\s+|ich\s+meine\s+|lieber\s+|besser\s+|doch\s+)?"
         r"(?:auf\s+|zu\s+)?{when}", "no, I meant {when}",
         (("nein, ich meinte übermorgen", "no, I meant in 2 days"), ("nein, auf Samstag", "no, I meant on saturday")),
         priority=1),
    # undo
    Rule("undo", r"(?:mach\s+(?:das|es|die\s+letzte\s+änderung)\s+)?rückgängig(?:\s+machen)?|widerrufen|"
         r"das\s+war\s+falsch|letzte\s+änderung\s+(?:zurücknehmen|rückgängig)", "undo",
         (("rückgängig", "undo"), ("mach das rückgängig", "undo"), ("rueckgaengig", "undo"))),
    # add
    Rule("add", _ADD + r"\s+{title}\s+(?:hinzu|dazu)(?:{more})?", "add {title}",
         (("füg Milch kaufen hinzu", 'add "Milch kaufen"'),
          ("Füge Rechnung bezahlen hinzu, dringend", 'add "Rechnung bezahlen", high priority'),
          ("füg Oma anrufen morgen um halb sieben hinzu", 'add "Oma anrufen" tomorrow at 6:30am'))),
    Rule("add-infinitive", r"{title}\s+(?:hinzufügen|eintragen|notieren|aufschreiben|anlegen|dazuschreiben|vormerken)(?:{more})?",
         "add {title}", (("Milch kaufen hinzufügen", 'add "Milch kaufen"'), ("mir Tickets buchen aufschreiben", 'add "Tickets buchen"')),
         drop=(r"(?:mir|uns)\b",)),
    # a heading before the title: "notier: X", "schreib auf: X", "merk dir: X", "bitte eintragen: X"
    Rule("add-heading", r"(?:notier|notiere|notieren|schreib\s+auf|schreibe\s+auf|aufschreiben|merk\s+dir|merke\s+dir|"
         r"merken|eintragen|trag\s+ein|hinzufügen|neu|todo|to-do|zu\s+erledigen)\s*:\s*{title}", "add {title}",
         (("notier: Hausaufgaben kontrollieren", 'add "Hausaufgaben kontrollieren"'),
          ("Merk dir: Pass verlängern", 'add "Pass verlängern"'))),
    Rule("add-prio-heading", r"(?:{prio}|(?:wichtige|dringende|eilige)\s+(?:neue\s+)?aufgabe)\s*:\s*{title}",
         "add {title}, high priority" , (("wichtige Aufgabe: Präsentation fertig machen", 'add "Präsentation fertig machen", high priority'),)),
    Rule("add-prio-heading-level", r"{prio}\s*:\s*{title}", "add {title}, {prio} priority",
         (("dringend: Heizung reparieren lassen", 'add "Heizung reparieren lassen", high priority'),), priority=1),
    Rule("add-new", r"(?:neue|neuer|eine\s+neue)\s+aufgabe:?\s+{title}", "add {title}",
         (("neue Aufgabe: Milch kaufen", 'add "Milch kaufen"'),)),
    Rule("add-create", r"(?:leg|lege|erstelle|erstell|mach|mache|erstellen\s+sie)\s+(?:eine\s+)?(?:neue\s+)?aufgabe"
         r"(?:\s+an)?:?\s+{title}", "add {title}",
         (("Leg eine Aufgabe an: Steuer machen", 'add "Steuer machen"'),)),
    Rule("add-write", r"(?:schreib|schreibe|setz|setze|notier|notiere|pack|packe|merk\s+dir|merke\s+dir)\s+{title}"
         r"(?:\s+(?:auf|drauf|dazu|vor))?", "add {title}", (("Schreib Milch kaufen auf meine Liste", 'add "Milch kaufen"'),),
         priority=-1, drop=(r"(?:mir|uns)\b",)),
    Rule("add-enter", r"(?:trag|trage|tragen\s+sie)\s+{title}\s+ein(?:{more})?", "add {title}",
         (("Trag Oma anrufen für morgen ein", 'add "Oma anrufen" tomorrow'),)),
    Rule("add-must", r"ich\s+(?:muss|sollte|will|möchte)\s+{title}", "add {title}",
         (("Ich muss morgen Milch kaufen", 'add "Milch kaufen" tomorrow'),), priority=-1),
    Rule("add-subtask", _ADD + r"\s+{title}\s+als\s+(?:<sub>)\s+(?:von|zu|für|zur|zum|bei|unter)\s+{ref}\s+hinzu",
         "add subtask {title} to {ref}",
         (("Füge Kartons kaufen als Unteraufgabe zu Umzug hinzu", 'add subtask "Kartons kaufen" to "Umzug"'),)),
    Rule("add-subtask-to", _ADD + r"\s+(?:eine\s+|einen\s+)?(?:<sub>)\s+(?:zu|für|bei)\s+{ref}\s+hinzu:\s*{title}",
         "add subtask {title} to {ref}",
         (("Füge eine Unteraufgabe zu Aufgabe 1 hinzu: Kartons kaufen", 'add subtask "Kartons kaufen" to task 1'),)),
    Rule("add-subtask-new", r"(?:neue\s+|neuer\s+)?(?:<sub>)\s+(?:für|zu|von)\s+{ref}:\s*{title}", "add subtask {title} to {ref}",
         (("neue Unteraufgabe für Umzug: Kartons kaufen", 'add subtask "Kartons kaufen" to "Umzug"'),)),
    Rule("add-subtask-under", _ADD + r"\s+(?:unter|zu|bei)\s+(?P<ref>(?:(?:der|die)\s+)?(?:aufgabe|nummer)\s+\d+|[\w-]+)\s+{title}\s+(?:hinzu|dazu)",
         "add subtask {title} to {ref}",
         (("füg unter Aufgabe 1 Strom ummelden hinzu", 'add subtask "Strom ummelden" to task 1'),), priority=1),
    Rule("add-subtask-gets", r"{ref}\s+(?:bekommt|kriegt|braucht|erhält)\s+(?:eine\s+|einen\s+|noch\s+eine\s+)?(?:neue\s+)?(?:<sub>):?\s*{title}",
         "add subtask {title} to {ref}",
         (("Umzug bekommt eine Unteraufgabe: Nachsendeauftrag stellen", 'add subtask "Nachsendeauftrag stellen" to "Umzug"'),)),
    Rule("subtasks-show", _SHOW + r"\s+(?:mir\s+)?(?:die\s+|alle\s+)?(?:<subs>)\s+(?:von|für|zu)\s+{ref}|"
         r"welche\s+(?:<subs>)\s+hat\s+{ref}", "show the subtasks of {ref}",
         (("Zeig die Unteraufgaben von Umzug", 'show the subtasks of "Umzug"'),)),
    # remind
    Rule("remind", r"erinner(?:e|n\s+sie|st\s+du)?\s+mich\s+{title}", "remind me about {title}",
         (("erinnere mich morgen um halb sieben an den Zahnarzt", 'remind me about "Zahnarzt" tomorrow at 6:30am'),),
         drop=(r"daran,?", r"an\s+(?:den|die|das|dem|der|meinen|meine)\b", r"an\b")),
    # complete
    Rule("complete", r"{ref}\s+(?:ist\s+|sind\s+|wurde\s+|wurden\s+|habe\s+ich\s+|hab\s+ich\s+|haben\s+wir\s+)?" + _DONE,
         "complete {ref}",
         (("Aufgabe 3 erledigt", "complete task 3"), ("Milch kaufen ist erledigt", 'complete "Milch kaufen"'))),
    Rule("complete-verb", r"(?:erledige|erledigen\s+sie|schließ|schließe)\s+{ref}(?:\s+ab)?", "complete {ref}",
         (("erledige Aufgabe 2", "complete task 2"),)),
    Rule("complete-after", r"{ref}\s+(?:abhaken|als\s+erledigt\s+markieren|erledigen|ist\s+abgehakt)", "complete {ref}",
         (("Milch kaufen abhaken", 'complete "Milch kaufen"'),)),
    Rule("complete-done", r"(?:erledigt|fertig|abhaken|abgehakt|hak\s+ab|geschafft):?\s+{ref}", "complete {ref}", (("erledigt: Auto waschen", 'complete "Auto waschen"'),)),
    Rule("complete-tick", r"(?:hak|hake|haken\s+sie)\s+{ref}\s+ab", "complete {ref}", (("hake Milch kaufen ab", 'complete "Milch kaufen"'),)),
    Rule("complete-mark", r"(?:markiere|markier|markieren\s+sie|setz|setze)\s+{ref}\s+(?:als|auf)\s+" + _DONE,
         "complete {ref}", (("Markiere Aufgabe 1 als erledigt", "complete task 1"),)),
    Rule("complete-have", r"(?:ich\s+)?(?:habe|hab)\s+{ref}\s+" + _DONE, "complete {ref}",
         (("Ich habe Milch kaufen erledigt", 'complete "Milch kaufen"'),)),
    Rule("complete-participle", r"ich\s+(?:habe|hab)\s+{ref}\s+ge\w+(?:t|en)", "complete {ref}",
         (("Ich habe das Auto gewaschen", 'complete "Auto"'),), priority=-1),
    Rule("complete-with", r"ich\s+bin\s+mit\s+{ref}\s+fertig", "complete {ref}",
         (("Ich bin mit Milch kaufen fertig", 'complete "Milch kaufen"'),)),
    # delete
    Rule("delete", _DEL + r"\s+{ref}", "delete {ref}", (("lösche Aufgabe 2", "delete task 2"), ("loesche Aufgabe 2", "delete task 2"))),
    Rule("delete-about", _DEL + r"\s+(?:alles|alle\s+aufgaben)\s+(?:mit|zu|zum|zur|über|von|für)\s+{name}", "delete everything with {name}",
         (("lösch alles mit Zahnarzt", "delete everything with Zahnarzt"),), priority=1),
    Rule("delete-after", r"{ref}\s+(?:löschen|entfernen|streichen|rauswerfen|rausschmeißen|wegmachen)", "delete {ref}",
         (("Aufgabe 1 löschen", "delete task 1"),)),
    Rule("delete-away", r"(?:mach|mache|tu|tue|schmeiß|schmeiss|wirf|nimm|nehm|streich)\s+{ref}\s+(?:weg|raus|runter)(?:\s+von\s+der\s+liste)?",
         "delete {ref}", (("Mach alle Aufgaben weg", "delete everything"),)),
    Rule("delete-can-go", r"{ref}\s+(?:kann|können|darf|dürfen|muss|soll)\s+(?:weg|raus|gelöscht\s+werden|entfernt\s+werden)",
         "delete {ref}", (("Das Auto waschen kann weg", 'delete "Auto waschen"'),)),
    # reschedule and move to a list
    Rule("move", _MOVE + r"\s+{ref}\s+(?:auf|nach|zu|in)?\s*{when}", "move {ref} to {when}",
         (("verschieb den Zahnarzt auf Donnerstag", 'move "Zahnarzt" to on thursday'),)),
    Rule("move-after", r"{ref}\s+(?:auf|nach)?\s*{when}\s+(?:verschieben|verlegen|schieben|ändern|setzen|legen|umstellen|umlegen)", "move {ref} to {when}",
         (("Zahnarzt auf 14 Uhr verschieben", 'move "Zahnarzt" to at 14:00'),)),
    Rule("postpone", _MOVE + r"\s+{ref}\s+{dur}(?:\s+nach\s+hinten)?", "postpone {ref} by {dur}",
         (("Schieb den Zahnarzt um einen Tag", 'postpone "Zahnarzt" by 1 days'),)),
    Rule("due", r"{ref}\s+ist\s+(?:(?:erst|schon|jetzt|doch)\s+)?(?:{when}\s+fällig|fällig\s+{when})", "{ref} is due {when}",
         (("Der Zahnarzt ist am Freitag fällig", '"Zahnarzt" is due on friday'),)),
    Rule("due-set", _SET + r"\s+(?:das\s+)?(?:fälligkeitsdatum|datum|termin|fälligkeit)\s+(?:von|für)\s+{ref}\s+(?:auf|zu)?\s*{when}",
         "move {ref} to {when}",
         (("Ändere das Fälligkeitsdatum von Auto waschen auf Samstag", 'move "Auto waschen" to on saturday'),)),
    Rule("move-list", r"(?:" + _MOVE + r"|pack|packe|tu|tue)\s+{ref}\s+{list}", "move {ref} to the {list} list",
         (("Verschiebe Bericht auf die Liste Arbeit", 'move "Bericht" to the Arbeit list'),)),
    # rename
    Rule("rename", r"(?:benenne|benenn|benennen\s+sie)\s+{ref}\s+(?:um\s+)?(?:in|zu)\s+{name}(?:\s+um)?", 'rename {ref} to "{name}"',
         (("benenne 2 um in Auto polieren", 'rename task 2 to "Auto polieren"'),
          ("Benenne Milch kaufen in Hafermilch kaufen um", 'rename "Milch kaufen" to "Hafermilch kaufen"'))),
    Rule("rename-set", _SET + r"\s+(?:den\s+)?(?:titel|namen|name|text|bezeichnung)\s+(?:von|für|der\s+aufgabe)\s+{ref}\s+(?:in|zu|auf)\s+{name}",
         'rename {ref} to "{name}"',
         (("Ändere den Titel von Aufgabe 1 in Milch und Eier kaufen", 'rename task 1 to "Milch und Eier kaufen"'),)),
    # priority
    Rule("priority", _SET + r"\s+(?:die\s+)?priorität\s+(?:von|für|der\s+aufgabe)\s+{ref}\s+(?:auf|zu)\s+{level}",
         "set the priority of {ref} to {level}",
         (("ändere die Priorität von Milch kaufen auf hoch", 'set the priority of "Milch kaufen" to high'),)),
    Rule("priority-short", r"(?:die\s+)?priorität\s+(?:von|für)\s+{ref}\s+(?:auf|zu|ist)\s+{level}",
         "set the priority of {ref} to {level}",
         (("Priorität von Aufgabe 3 auf mittel", "set the priority of task 3 to medium"),)),
    Rule("priority-make", r"(?:mach|mache|machen\s+sie|markiere|setz|setze)\s+{ref}\s+(?:als\s+|auf\s+)?{prio}",
         "set the priority of {ref} to {prio}", (("Mach Milch kaufen dringend", 'set the priority of "Milch kaufen" to high'),)),
    Rule("priority-is", r"{ref}\s+ist\s+{prio}", "set the priority of {ref} to {prio}",
         (("Aufgabe 2 ist wichtig", "set the priority of task 2 to high"),)),
    # tags
    Rule("tag", r"(?:markiere|markier|versieh|versehe|kennzeichne)\s+{ref}\s+{tag}", "tag {ref} with {tag}",
         (("Markiere Milch kaufen mit dem Tag einkauf", 'tag "Milch kaufen" with einkauf'),)),
    Rule("tag-after", r"{ref}\s+{tag}\s+(?:versehen|markieren|kennzeichnen|taggen)", "tag {ref} with {tag}",
         (("Aufgabe 2 mit dem Tag privat versehen", "tag task 2 with privat"),)),
    Rule("tag-verb", r"(?:tagge|tagg|tag|verschlagworte)\s+{ref}\s+(?:mit|als)\s+#?{word}", "tag {ref} with {word}",
         (("Tagge Aufgabe 1 mit einkauf", "tag task 1 with einkauf"),)),
    Rule("tag-add", _ADD + r"\s+(?:dem\s+|der\s+)?{ref}\s+(?:den\s+)?(?:tag|schlagwort|label)\s+#?{word}\s+hinzu",
         "tag {ref} with {word}", (("Füge Aufgabe 2 den Tag haus hinzu", "tag task 2 with haus"),), priority=1),
    # lists
    Rule("list-create", r"(?:erstelle|erstell|leg|lege|mach|mache)\s+(?:eine\s+)?(?:neue\s+)?liste\s+(?:namens\s+|mit\s+dem\s+namen\s+)?"
         r"[\"'„]?{name}[\"'“]?(?:\s+an)?", "create a list called {name}",
         (("Erstelle eine Liste namens Arbeit", "create a list called Arbeit"),)),
    Rule("list-show", _SHOW + r"\s+(?:mir\s+)?{list}|was\s+(?:ist|steht)\s+{list}", "show my {list} list",
         (("Zeig die Liste Arbeit", "show my Arbeit list"),), priority=1),
    Rule("list-show-the", _SHOW + r"\s+(?:mir\s+)?(?:die|meine)\s+liste\s+{name}", "show my {name} list",
         (("zeig die Liste Arbeit", "show my Arbeit list"),)),
    Rule("lists", r"welche\s+listen\s+(?:habe|hab)\s+ich|" + _SHOW + r"\s+(?:mir\s+)?(?:meine|alle)\s+listen|meine\s+listen",
         "show my lists", (("Welche Listen habe ich?", "show my lists"),)),
    # queries
    Rule("overdue", r"(?:was|welche\s+aufgaben)\s+(?:ist|sind)\s+überfällig|"
         r"(?:ist|sind|gibt\s+es)\s+(?:irgendwas|irgendetwas|etwas|was|aufgaben|irgendwelche\s+aufgaben)\s+überfällig|"
         + _SHOW + r",?\s+(?:mir\s+)?(?:was|welche\s+aufgaben)\s+überfällig\s+(?:ist|sind)|überfällige?\s+aufgaben|"
         + _SHOW + r"\s+(?:mir\s+)?(?:die\s+|meine\s+|alle\s+)?überfällige[n]?(?:\s+aufgaben)?|was\s+ist\s+überfällig",
         "what's overdue?", (("was ist überfällig?", "what's overdue?"), ("was ist ueberfaellig", "what's overdue?"))),
    Rule("show", _SHOW + r"\s+(?:mir\s+)?(?:meine|die|unsere)\s+(?:offenen\s+)?aufgaben(?:\s+an)?|"
         r"welche\s+aufgaben\s+(?:habe|hab)\s+ich|was\s+steht\s+(?:auf\s+meiner\s+liste|an)|was\s+muss\s+ich\s+(?:tun|machen)|"
         r"was\s+steht(?:\s+an)?|liste\s+meine\s+aufgaben\s+auf|meine\s+aufgaben|was\s+(?:habe|hab)\s+ich\s+(?:zu\s+tun|vor)|"
         r"was\s+ist\s+auf\s+meiner\s+liste|offene\s+aufgaben|(?:was|welche\s+aufgaben)\s+(?:ist|sind)\s+(?:noch\s+)?(?:offen|übrig)|"
         + _SHOW + r"\s+(?:mir\s+)?(?:alle\s+)?(?:meine\s+)?offenen\s+aufgaben", "show my tasks",
         (("zeig meine Aufgaben", "show my tasks"), ("Was steht auf meiner Liste?", "show my tasks"))),
    Rule("show-all", _SHOW + r"\s+(?:mir\s+)?alle\s+(?:meine\s+)?aufgaben|alle\s+aufgaben|alles\s+anzeigen|zeig\s+alles",
         "show all my tasks", (("Zeige mir alle Aufgaben", "show all my tasks"),)),
    Rule("show-done", r"was\s+(?:habe|hab)\s+ich\s+(?:erledigt|geschafft|gemacht)|"
         + _SHOW + r"\s+(?:mir\s+)?(?:die\s+|meine\s+|alle\s+)?erledigten(?:\s+aufgaben)?|erledigte\s+aufgaben",
         "what have I finished?", (("Was habe ich erledigt?", "what have I finished?"),)),
    Rule("due-when", r"was\s+(?:ist|steht|habe\s+ich|hab\s+ich)\s+{when}\s+(?:fällig|an|auf\s+dem\s+plan|vor)|"
         r"was\s+ist\s+fällig\s+{when}|welche\s+aufgaben\s+sind\s+{when}\s+fällig|"
         r"was\s+(?:muss|soll|sollte)\s+ich\s+{when}\s+(?:tun|machen|erledigen)|"
         + _SHOW + r"\s+(?:mir\s+)?(?:die\s+|alle\s+)?(?:aufgaben|alles)\s+(?:für\s+|von\s+)?{when}", "what's due {when}?",
         (("was ist morgen fällig", "what's due tomorrow?"), ("Was steht heute an", "what's due today?"))),
    Rule("show-prio", _SHOW + r"\s+(?:mir\s+)?(?:alle\s+)?(?:aufgaben|alles)\s+{prio}|"
         r"(?:was|welche\s+aufgaben|welche)\s+(?:ist|sind|hat|haben)\s+(?:eine\s+)?{prio}", "show {prio} priority tasks",
         (("Zeig Aufgaben mit hoher Priorität", "show high priority tasks"), ("Was ist dringend?", "show high priority tasks")),
         priority=1),
    Rule("show-tag", _SHOW + r"\s+(?:mir\s+)?(?:alle\s+)?(?:aufgaben|alles)\s+(?:mit\s+)?{tag}", "show tasks tagged {tag}",
         (("Zeig Aufgaben mit dem Tag arbeit", "show tasks tagged arbeit"),)),
)

TRAILING = {"list": " to my {} list", "when": " {}", "prio": ", {} priority", "tag": " #{}"}

GRAMMAR = Grammar(
    phrases=PHRASES,
    rules=RULES,
    refs=REFS,
    fillers=FILLERS,
    articles=ARTICLES,
    levels=words.LEVELS,
    trailing=TRAILING,
    macros=MACROS,
    fold=words.FOLD,
)
"""The German grammar, built once at import."""
