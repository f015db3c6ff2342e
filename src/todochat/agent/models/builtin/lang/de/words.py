"""German words as data: what marks a message as German, and the words of dates, times and numbers.

Every word is written with its umlauts; the readers also accept the spellings without them
("ueberfaellig", "loesche", "Strasse") because they fold both sides (:func:`..fold`).
"""

from __future__ import annotations

FOLD = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
"""How the words are also typed without umlauts: each letter and its stand-in."""

# Words that only German uses (none of them is also a common English word): one of them, with
# more German than English words around it, makes a message German (`lang.detect`).
MARKERS = frozenset(
    """
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
    """.split()
)
