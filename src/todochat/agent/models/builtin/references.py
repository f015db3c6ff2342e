"""Which task(s) a phrase points at: numbers, positions in the last list, pronouns, or title words.

The conversation state (docs/agent-tools.md) gives ``shown`` (the last list, in order) and
``touched`` (what the last change added or changed). Title words are left to the task service,
which matches them with typo tolerance and answers ``ambiguous`` or ``not_found``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from todochat.agent.models.builtin.templates import t

ORDINALS = {
    "first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
    "4th": 3, "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6, "eighth": 7,
    "8th": 7, "ninth": 8, "9th": 8, "tenth": 9, "10th": 9, "last": -1, "bottom": -1,
    "second to last": -2, "second-to-last": -2, "penultimate": -2, "next to last": -2,
}
_ORDINAL = "|".join(sorted((re.escape(k) for k in ORDINALS), key=len, reverse=True))
_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_FILLER = r"(?:one|ones|task|tasks|item|items|todo|todos|thing|entry|of them|on the list|in the list|from the list|on my list|in my list)"
SINGULAR = re.compile(
    r"^(?:it|that|this|that one|this one|the one|that task|this task|the task|the same one|same one|"
    r"the one (?:i|you) just (?:added|created|made|changed|mentioned)|the (?:new|latest|last added) one|"
    r"the one i added|that last one|this item|that item|him|her)$"
)
PLURAL = re.compile(
    r"^(?:them|those|these|both|both of them|them both|the both of them|all of them|all (?:two|three|four|five) of them|all of those|all those|all these|them all|all of these|each of them|every one of them|"
    r"these tasks|those tasks|the ones|both tasks|those ones|these ones|all (?:two|three|four|five) of them|"
    r"all (?:two|three|four|five)|the two|the three|those two|these two|those three|these three)$"
)
_NUMBERS = re.compile(
    r"^(?:(?:tasks?|items?|numbers?|nos?\.?|#)\s*)?#?\d+(?:(?:\s*(?:,|and|&|\+|or)\s*|\s+)(?:(?:tasks?|items?|numbers?|no\.?|#)\s*)?#?\d+)*$"
)


@dataclass
class State:
    """Conversation state as the tools record it (``todochat-state`` developer message)."""

    shown: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    listed_last: bool = False  # the last thing the assistant did was show a list

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        """Build from the decoded JSON of the state message (missing keys are empty)."""
        data = data or {}
        return cls(
            shown=[int(n) for n in data.get("shown") or []],
            touched=[int(n) for n in data.get("touched") or []],
            pending=data.get("pending") or None,
        )


@dataclass
class Ref:
    """A resolved reference: task ``numbers``, or title ``words``, or a ``problem`` to ask about."""

    numbers: list[int] = field(default_factory=list)
    words: str | None = None
    problem: str | None = None

    @property
    def task_arg(self) -> str:
        """The ``task`` argument of a single-task tool: a number as text, or the words."""
        return str(self.numbers[0]) if self.numbers else (self.words or "")


def clean_phrase(phrase: str) -> str:
    """Lower-case a reference phrase and drop articles and filler ("the dentist one" → "dentist")."""
    text = phrase.lower().strip(" .,!?;:'\"-")
    text = re.sub(r"^(?:the|my|a|an|our)\s+", "", text)
    text = re.sub(rf"\s+{_FILLER}$", "", text)
    text = re.sub(r"^(?:task|item|todo)\s+(?:called|named|titled|about|for|to)\s+", "", text)
    text = re.sub(r"^(?:one|task|item)\s+(?:about|for|to|with)\s+", "", text)
    return text.strip(" .,!?;:'\"-")


def _pick(indices: list[int], shown: list[int]) -> list[int] | None:
    out = []
    for i in indices:
        if -len(shown) <= i < len(shown):
            out.append(shown[i])
        else:
            return None
    return out


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}


def resolve(phrase: str, state: State) -> Ref:
    """Resolve ``phrase`` ("task 3", "#3", "tasks 1 and 3", "the first one", "it", "both", "dentist").

    Returns:
        A :class:`Ref`; ``problem`` is a question to ask when the phrase points at the
        conversation but the conversation has nothing to point at.
    """
    raw = phrase.lower().strip(" .,!?;:'\"")
    raw = re.sub(  # "task three" → "task 3"
        rf"\b(task|number|no\.?|#|item)\s+({'|'.join(_NUMBER_WORDS)})\b", lambda m: f"{m[1]} {_NUMBER_WORDS[m[2]]}", raw
    )
    text = re.sub(r"^(?:the|my)\s+", "", raw) if not PLURAL.match(raw) and not SINGULAR.match(raw) else raw
    if _NUMBERS.match(text):
        return Ref(numbers=[int(n) for n in re.findall(r"\d+", text)])
    m = re.match(rf"^(?:the )?(?:(first|last|top|bottom)\s+(two|three|four|five|2|3|4|5))\s*{_FILLER}?$", raw)
    if m:
        count = _COUNT[m[2]]
        picked = state.shown[:count] if m[1] in ("first", "top") else state.shown[-count:]
        if len(picked) < count:
            return Ref(problem=t("ask.not_that_many"))
        return Ref(numbers=picked)
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", raw)
    indices: list[int] = []
    for part in parts:
        m = re.match(rf"^(?:the )?({_ORDINAL})(?:\s+{_FILLER})?$", part.strip())
        if not m:
            indices = []
            break
        indices.append(ORDINALS[m[1]])
    if indices:
        if not state.shown:
            return Ref(problem=t("ask.task_show_first"))
        chosen = _pick(indices, state.shown)
        if chosen is None:
            return Ref(problem=t("ask.list_only_had", count=len(state.shown)))
        return Ref(numbers=chosen)
    if SINGULAR.match(raw):
        for pool in ((state.shown, state.touched) if state.listed_last else (state.touched, state.shown)):
            if len(pool) == 1:
                return Ref(numbers=list(pool))
        return Ref(problem=t("ask.task"))
    if PLURAL.match(raw):
        want = 2 if "both" in raw or "two" in raw else (3 if "three" in raw else None)
        pools = (state.touched, state.shown) if want and not state.listed_last else (
            (state.shown, state.touched) if len(state.touched) < 2 or state.listed_last else (state.touched, state.shown)
        )
        for pool in pools:
            if pool and (want is None or len(pool) == want):
                return Ref(numbers=list(pool))
        return Ref(problem=t("ask.tasks"))
    words = clean_phrase(phrase)
    if not words:
        return Ref(problem=t("ask.task"))
    return Ref(words=words)


def choose(answer: str, candidates: list[dict[str, Any]]) -> list[int] | None:
    """Pick among ``candidates`` (``[{"number","title"}]``) from an answer like "the first",
    "2", "task 4", "the quarterly one" or "both". None when the answer picks nothing."""
    from todochat.tasks.matching import score

    numbers = [int(c["number"]) for c in candidates]
    text = answer.lower().strip(" .,!?")
    text = re.sub(r"^(?:i mean|i meant|i want|it'?s|it is|the one called|make it|oh|um|uh)\s+", "", text)
    if re.match(r"^(?:both|all|all of them|both of them|each|every one|them all)(?: of them| ones?)?$", text):
        return numbers
    ref = resolve(text, State(shown=numbers))
    if ref.numbers:
        if all(n in numbers for n in ref.numbers):
            return ref.numbers
        if len(ref.numbers) == 1 and 1 <= ref.numbers[0] <= len(numbers) and re.fullmatch(r"\d+", text):
            return [numbers[ref.numbers[0] - 1]]
        return None
    if ref.words:
        scored = [(score(ref.words, str(c["title"])), int(c["number"])) for c in candidates]
        best = max(s for s, _ in scored)
        winners = [n for s, n in scored if s == best]
        if best >= 0.5 and len(winners) == 1:
            return winners
    return None
