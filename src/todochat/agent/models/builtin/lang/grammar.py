"""A language-neutral rewrite grammar: rules as data turn a message into the engine's canonical English.

A language package gives a :class:`Grammar` made of

* ``phrases`` — :class:`Phrase` rules, each a pattern over the message's words and a production
  that gives the English of the span it matched ("morgen um halb sieben" → ``tomorrow at 6:30am``).
  A span has a kind (``when``, ``dur``, ``prio``, ``tag``, ``list``, or ``""`` for words dropped);
  it is replaced in the message by a marker, and adjacent ``when`` spans join into one;
* ``rules`` — :class:`Rule` rules, each a pattern over the marked message with named slots and an
  English template with the same slots ("füg {title} hinzu" → ``add {title}``). Every rule that
  matches the whole message is a candidate; the one with the highest ``priority``, then the
  most of the message matched by its own words rather than its slots (the most specific), wins;
* ``refs`` — :class:`Phrase` rules that read a task reference ("Aufgabe 3" → ``task 3``, "es" →
  ``it``); a reference no rule reads is a title: its leading ``articles`` are dropped and it is
  quoted, as a title is, so the English engine reads it as words of a task title only.

Slots: ``{title}`` (a new task's title: its markers move behind the command, rendered by the
package's ``trailing`` templates), ``{ref}`` (a task reference), ``{when}``/``{dur}``/``{prio}``/
``{tag}``/``{list}`` (one marker span of that kind, or several for ``when``), ``{more}`` (spans
after the command's last word: they go behind it, as a title's do), ``{level}`` (a word of
the package's ``levels``), ``{name}``/``{word}`` (text kept as written). Patterns are regular
expressions matched case-insensitively; a letter of the package's ``fold`` table also matches its
stand-in ("ä" matches "ae"), and ``<name>`` inserts one of the package's ``macros``. Every rule
and phrase carries examples (message → canonical English), which the tests run.

Idea after Duckling's rules (name + pattern + production, with a corpus of examples) and
dateparser's per-locale data with a language-independent parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Production = str | Callable[[re.Match[str]], str]

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}([a-z])(\\d+){_CLOSE}")
_SLOT = re.compile(r"\{(\w+)\}")
_MACRO = re.compile(r"(?<!\?P)<(\w+)>")
_KIND_OF_SLOT = {"when": "w", "dur": "d", "prio": "p", "tag": "t", "list": "l"}
_KIND_LETTER = {"when": "w", "dur": "d", "prio": "p", "tag": "t", "list": "l", "": "x"}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Phrase:
    """A span rule: ``pattern`` (regex, ``<macro>``s allowed) → English by ``produce`` (a
    ``Match.expand`` template or a function of the match); ``kind`` types the span."""

    kind: str
    pattern: str
    produce: Production
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """An intent rule: ``pattern`` (regex with ``{slot}``s) over the marked message → ``template``.

    ``drop`` are patterns removed from the start of the ``{title}`` slot (words that only frame
    it, e.g. "an den" in "erinnere mich an den Zahnarzt")."""

    name: str
    pattern: str
    template: str
    examples: tuple[tuple[str, str], ...] = ()
    priority: int = 0
    drop: tuple[str, ...] = ()


@dataclass
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]
    drop: tuple[re.Pattern[str], ...]


@dataclass
class Grammar:
    """One language's rewrite grammar (see the module docstring); build it once per process."""

    phrases: tuple[Phrase, ...]
    rules: tuple[Rule, ...]
    refs: tuple[Phrase, ...] = ()
    fillers: tuple[str, ...] = ()
    articles: str = ""
    levels: Mapping[str, str] = field(default_factory=dict)
    trailing: Mapping[str, str] = field(default_factory=dict)
    macros: Mapping[str, str] = field(default_factory=dict)
    fold: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        self._phrases = [(p, self._compile(p.pattern, bounded=True)) for p in self.phrases]
        self._refs = [(p, self._compile(p.pattern, bounded=False)) for p in self.refs]
        self._fillers = [self._compile(f, bounded=True) for f in self.fillers]
        self._articles = self._compile(f"^(?:{self.articles})\\s+", bounded=False) if self.articles else None
        self._levels = {self._folded(k): v for k, v in self.levels.items()}
        self._rules = [self._compile_rule(r) for r in self.rules]

    # -- compiling -------------------------------------------------------------------------
    def _folded(self, text: str) -> str:
        text = text.lower()
        for letter, plain in self.fold:
            text = text.replace(letter, plain)
        return text

    def _expand(self, pattern: str) -> str:
        for _ in range(4):
            pattern = _MACRO.sub(lambda m: f"(?:{self.macros[m[1]]})" if m[1] in self.macros else m[0], pattern)
        for letter, plain in self.fold:
            pattern = pattern.replace(letter, f"(?:{letter}|{plain})")
        return pattern

    def _compile(self, pattern: str, *, bounded: bool) -> re.Pattern[str]:
        body = self._expand(pattern)
        if bounded:
            body = f"(?<![\\w{_OPEN}])(?:{body})(?![\\w{_CLOSE}])"
        return re.compile(body, re.IGNORECASE)

    def _compile_rule(self, rule: Rule) -> _Compiled:
        seen: dict[str, int] = {}

        def slot(m: re.Match[str]) -> str:
            name = m[1]
            seen[name] = seen.get(name, 0) + 1
            group = name if seen[name] == 1 else f"{name}__{seen[name]}"  # one slot in two alternatives
            return slot_body(name).replace(f"?P<{name}>", f"?P<{group}>", 1)

        def slot_body(name: str) -> str:
            if name in _KIND_OF_SLOT:
                one = f"{_OPEN}{_KIND_OF_SLOT[name]}\\d+{_CLOSE}"
                many = f"(?:[\\s,]*{one})*" if name == "when" else ""
                return f"(?P<{name}>{one}{many})"
            if name == "more":
                return f"(?P<more>(?:[\\s,]*{_OPEN}[a-z]\\d+{_CLOSE})+)"
            if name in ("level", "word"):
                return f"(?P<{name}>[\\w-]+)"
            return f"(?P<{name}>.+?)"

        body = _SLOT.sub(slot, self._expand(rule.pattern))
        regex = re.compile(f"\\s*(?:{body})\\s*", re.IGNORECASE)
        drops = tuple(re.compile(f"^(?:{self._expand(d)})\\s*", re.IGNORECASE) for d in rule.drop)
        return _Compiled(rule, regex, drops)

    # -- reading ---------------------------------------------------------------------------
    def mark(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """``text`` with fillers dropped and every phrase span replaced by a marker; the spans'
        ``(kind, english)`` by marker number."""
        spans: list[tuple[str, str]] = []
        for filler in self._fillers:
            text = filler.sub(" ", text)
        for phrase, regex in self._phrases:

            def replace(m: re.Match[str], phrase: Phrase = phrase) -> str:
                english = phrase.produce(m) if callable(phrase.produce) else m.expand(phrase.produce)
                if not phrase.kind:
                    return " "
                spans.append((phrase.kind, english))
                return f" {_OPEN}{_KIND_LETTER[phrase.kind]}{len(spans) - 1}{_CLOSE} "

            text = regex.sub(replace, text)
        text = _SPACE.sub(" ", text).strip(" ,;")
        # adjacent time spans are one time ("morgen" + "um halb sieben")
        joined = re.compile(f"{_OPEN}w(\\d+){_CLOSE}[ ,]*{_OPEN}w(\\d+){_CLOSE}")
        while m := joined.search(text):
            first, second = int(m[1]), int(m[2])
            spans[first] = ("when", f"{spans[first][1]} {spans[second][1]}")
            text = text[: m.start()] + f"{_OPEN}w{first}{_CLOSE}" + text[m.end():]
        return text, spans

    def canonical(self, text: str) -> str | None:
        """The canonical English command for ``text``, or None when no rule reads all of it.

        Pure and deterministic; the best rule by (priority, specificity) wins."""
        marked, spans = self.mark(text.strip().rstrip("?!. "))
        best: tuple[tuple[int, int], str] | None = None
        for compiled in self._rules:
            m = compiled.regex.fullmatch(marked)
            if not m:
                continue
            english = self._fill(compiled, m, spans)
            if english is None:
                continue
            slots = sum(len(v) for v in m.groupdict().values() if v)
            score = (compiled.rule.priority, len(m[0]) - slots)  # words the rule itself matched
            if best is None or score > best[0]:
                best = (score, english)
        return best[1] if best else None

    def _fill(self, compiled: _Compiled, m: re.Match[str], spans: list[tuple[str, str]]) -> str | None:
        values: dict[str, str] = {}
        behind: list[tuple[str, str]] = []
        for group, raw in m.groupdict().items():
            if raw is None:
                continue
            name = group.split("__")[0]
            if name == "more":
                behind.extend(spans[int(number)] for _, number in _MARKER.findall(raw))
            elif name == "title":
                for _, number in _MARKER.findall(raw):
                    behind.append(spans[int(number)])
                title = _SPACE.sub(" ", _MARKER.sub(" ", raw)).strip(" ,;:-\"'„“”")
                for drop in compiled.drop:
                    title = drop.sub("", title, count=1)
                title = title.strip(" ,;:-\"'„“”")
                if not title:
                    return None
                values[name] = f'"{title}"'
            elif name == "ref":
                ref = self.ref(raw)
                if ref is None:
                    return None
                values[name] = ref
            elif name in _KIND_OF_SLOT:
                values[name] = " ".join(spans[int(n)][1] for _, n in _MARKER.findall(raw))
            elif name == "level":
                level = self._levels.get(self._folded(raw))
                if level is None:
                    return None
                values[name] = level
            else:
                if _MARKER.search(raw):
                    return None
                values[name] = raw.strip(" ,;:\"'")
        english = compiled.rule.template.format(**values)
        order = list(self.trailing)
        for kind, value in sorted(behind, key=lambda span: order.index(span[0]) if span[0] in order else 99):
            english += self.trailing.get(kind, " {}").format(value)
        return _SPACE.sub(" ", english).strip()

    def ref(self, text: str) -> str | None:
        """The English of a task reference: a ``refs`` reading, else the quoted title words
        (leading articles dropped); None when it is empty or holds a marked span."""
        text = _SPACE.sub(" ", text).strip(" ,;:")
        if not text or _MARKER.search(text):
            return None
        for phrase, regex in self._refs:
            m = regex.fullmatch(text)
            if m:
                return phrase.produce(m) if callable(phrase.produce) else m.expand(phrase.produce)
        if self._articles is not None:
            text = self._articles.sub("", text, count=1)
        text = text.strip(" \"'„“”")
        return f'"{text}"' if text else None
