"""The hardening figures of a test run (issue 17's closing note): requests fuzzed per front,
faults injected by kind, cross-user attempts per front, and what went wrong — 5xx answers, data
leaks (one user shown another's data), lost writes (an acknowledged change not stored).

The fuzz, fault and isolation tests call :func:`fuzzed`, :func:`fault`, :func:`cross_user` and
:func:`observed` where the request is sent, the fault injected or the attempt made, so the figures
count what a run really did; each test still asserts its own 5xx/leaks/lost writes are zero.
``tests/conftest.py``'s ``pytest_terminal_summary`` prints :func:`table` at the end of the run and
writes it to the file named by ``TODOCHAT_HARDENING_REPORT`` (if set).

Fronts: ``chatkit`` (ChatKit requests), ``widget`` (widget actions, ``threads.custom_action``),
``rest`` (``/api/v1``), ``chat endpoint`` (``/api/{user}/chat`` and its conversations), ``mcp``,
``cli``, ``store`` (the ChatKit store itself).
"""

from __future__ import annotations

from collections import Counter

FUZZED: Counter[str] = Counter()
"""front → requests sent by a fuzz or property test."""
FAULTS: Counter[str] = Counter()
"""kind → faults injected (client disconnect, kill -9, provider timeout, database outage …)."""
CROSS_USER: Counter[str] = Counter()
"""front → attempts by one user at another's data."""
OBSERVED: Counter[str] = Counter()
"""``5xx``, ``leaks``, ``lost_writes`` → how many were seen (every test asserts zero)."""
BAD = ("5xx", "leaks", "lost_writes")


def fuzzed(front: str, n: int = 1) -> None:
    """Count ``n`` fuzzed requests sent to ``front``."""
    FUZZED[front] += n


def fault(kind: str) -> None:
    """Count one fault of ``kind`` injected."""
    FAULTS[kind] += 1


def cross_user(front: str, n: int = 1) -> None:
    """Count ``n`` attempts through ``front`` at another user's data."""
    CROSS_USER[front] += n


def observed(kind: str, n: int = 1) -> None:
    """Count ``n`` failures of ``kind`` (one of :data:`BAD`) seen by a test."""
    assert kind in BAD, kind
    OBSERVED[kind] += n


def empty() -> bool:
    """True when no figure was counted (no hardening test ran)."""
    return not (FUZZED or FAULTS or CROSS_USER)


def table() -> str:
    """The figures as one Markdown table: a row per front or fault kind, then the totals and the
    failures seen."""
    rows = [("requests fuzzed", front, n) for front, n in sorted(FUZZED.items())]
    rows.append(("requests fuzzed", "**total**", sum(FUZZED.values())))
    rows += [("faults injected", kind, n) for kind, n in sorted(FAULTS.items())]
    rows.append(("faults injected", "**total**", sum(FAULTS.values())))
    rows += [("cross-user attempts", front, n) for front, n in sorted(CROSS_USER.items())]
    rows.append(("cross-user attempts", "**total**", sum(CROSS_USER.values())))
    rows += [("seen", kind.replace("_", " "), OBSERVED[kind]) for kind in BAD]
    lines = ["| figure | front / kind | count |", "| --- | --- | ---: |"]
    lines += [f"| {figure} | {what} | {n:,} |" for figure, what, n in rows]
    return "\n".join(lines)
