"""Title matching by words: plurals in -ies match their singular ("grocery" ↔ "groceries")."""

from __future__ import annotations

from dataclasses import dataclass

from todochat.tasks import matching


@dataclass
class Titled:
    title: str


def test_y_and_ies_plurals_match_each_other() -> None:
    assert matching.word_matches("grocery", "groceries")
    assert matching.word_matches("parties", "party")
    tasks = [Titled("Buy groceries"), Titled("Call mom")]
    assert [t.title for t in matching.match("grocery shopping", tasks).best] == ["Buy groceries"]


def test_unrelated_words_still_do_not_match() -> None:
    assert not matching.word_matches("grocery", "gallery")
    assert matching.match("dentist", [Titled("Buy groceries")]).best == []
