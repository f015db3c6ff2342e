"""English words as data for language detection: words a German message does not use
("an", "am", "was" are German words too, so they are not here).

English is the engine's own language (its rules live in the engine's modules); this package
only names what marks a message as English, so `lang.detect` can weigh one language against
another.
"""

from __future__ import annotations

FOLD: tuple[tuple[str, str], ...] = ()

_MARKER_TEXT = """
    add added create new put make mark set change move delete remove drop clear complete completed
    done finish finished finished undo redo show list lists tell find search remind reminder rename
    tag tagged tags priority high low medium urgent important due overdue today tomorrow tonight
    yesterday week weeks day days month months year years hour hours minute minutes next this last
    every each daily weekly monthly yearly morning afternoon evening night noon midnight pm
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december
    the a my me i you your it its them they this that these those what which when where how
    is are were be been have has had do does did can could would should will please thanks
    yes no nope yeah yep ok okay sure both all everything nothing and or but with to from for of
    on at by as into onto about after before until task tasks item items one first second third
    """
MARKERS = frozenset(_MARKER_TEXT.split())
