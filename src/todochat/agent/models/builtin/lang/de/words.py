"""German words as data: what marks a message as German, and the words of dates, times and numbers.

Every word is written with its umlauts; the readers also accept the spellings without them
("ueberfaellig", "loesche", "Strasse") because they fold both sides (:func:`..fold`).
"""

from __future__ import annotations

FOLD = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
"""How the words are also typed without umlauts: each letter and its stand-in."""

# Words that only German uses (none of them is also a common English word): one of them, with
# more German than English words around it, makes a message German (`lang.detect`).
_MARKER_TEXT = """
    füg füge fügen hinzu hinzufügen hinzugefügt trag trage eintragen leg lege anlegen erstelle erstell
    erstellen schreib schreibe notier notiere neue neuer neues aufgabe aufgaben unteraufgabe liste listen
    lösch lösche löschen entferne entfern entfernen streich streiche streichen erledigt erledige erledigen
    hak hake abhaken fertig gemacht geschafft verschieb verschiebe verschieben schieb schiebe verleg
    verlege verlegen ändere änder ändern setz setze setzen mach mache markiere markier zeig zeige zeigen
    anzeigen liste erinnere erinner erinnern erinnerung rückgängig widerrufen überfällig fällig anstehend
    steht stehen habe hast haben bin bist ist sind wird muss musst soll sollte kannst könntest kann
    können würdest bitte danke ja nein nee jawohl genau klar doch beide beiden alle alles nichts
    ich du mich mir mein meine meinen meiner meinem dich dir sie ihr es uns unser ihnen
    der den dem des das ein eine einen einem einer kein keine nicht noch schon auch nur
    und oder aber mit von vom zu zum zur für auf aus bei nach vor bis über unter um ab
    heute morgen übermorgen gestern vorgestern abend abends früh nachmittag nachmittags mittag
    mittags nacht nachts vormittag vormittags uhr halb viertel woche wochen tage tagen monat monate
    monaten jahr jahre stunde stunden minute minuten nächste nächsten nächster nächstes kommenden
    diese dieser diesen dieses jeden jede jeder täglich wöchentlich monatlich jährlich alle
    montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
    januar jänner februar märz juni juli oktober dezember
    eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig
    erste ersten zweite zweiten dritte dritten letzte letzten
    priorität hoch hohe hoher hohen niedrig niedrige niedriger mittel mittlere mittlerer dringend wichtig
    getaggt schlagwort stichwort welche welcher welches wann wie viele
    """
MARKERS = frozenset(_MARKER_TEXT.split())

NUMBERS = {
    "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
}
ORDINALS = {
    "ersten": 1, "erste": 1, "erster": 1, "zweiten": 2, "zweite": 2, "zweiter": 2, "dritten": 3,
    "dritte": 3, "dritter": 3, "vierten": 4, "vierte": 4, "fünften": 5, "fünfte": 5,
    "zweites": 2, "drittes": 3, "viertes": 4, "vierter": 4, "fünftes": 5, "fünfter": 5,
}
WEEKDAYS = {
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday", "donnerstag": "thursday",
    "freitag": "friday", "samstag": "saturday", "sonnabend": "saturday", "sonntag": "sunday",
}
MONTHS = {
    "januar": "january", "jänner": "january", "jan": "january", "februar": "february", "feb": "february",
    "märz": "march", "april": "april", "apr": "april", "mai": "may", "juni": "june", "juli": "july",
    "august": "august", "aug": "august", "september": "september", "sept": "september",
    "sep": "september", "oktober": "october", "okt": "october", "november": "november",
    "nov": "november", "dezember": "december", "dez": "december",
}
MONTH_NUMBERS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
UNITS = {
    "minute": "minutes", "minuten": "minutes", "min": "minutes", "stunde": "hours", "stunden": "hours",
    "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks",
    "monat": "months", "monate": "months", "monaten": "months", "jahr": "years", "jahre": "years",
    "jahren": "years",
}
PM_WORDS = ("abends", "abend", "nachmittags", "nachmittag", "nachts", "pm")
LEVELS = {
    "hoch": "high", "hohe": "high", "dringend": "high", "wichtig": "high", "mittel": "medium",
    "mittlere": "medium", "normal": "medium", "niedrig": "low", "niedrige": "low", "gering": "low",
    "unwichtig": "low", "keine": "none",
}
