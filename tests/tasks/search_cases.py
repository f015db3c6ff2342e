"""The search rule's cases (tasks/search.py), shared by the suites that run it through the service,
REST, MCP and chat: one list of tasks, and what each query must find (task numbers, in order)."""

from __future__ import annotations

from typing import Any

TASKS: list[dict[str, Any]] = [
    {"title": "Buy grocery"},  # 1
    {"title": "Pick up milk", "tags": ["groceries"]},  # 2
    {"title": "Birthday card for Ann"},  # 3
    {"title": "Wash the car"},  # 4
    {"title": "Dentist appointment", "description": "Bring the insurance cards"},  # 5
    {"title": "Call mom's doctor"},  # 6
    {"title": "Buying new shoes"},  # 7
    {"title": "Plan the party", "description": "Order groceries and balloons"},  # 8
]

CASES: list[tuple[str, list[int]]] = [
    ("groceries", [1, 2, 8]),  # title "grocery", tag #groceries, description "groceries"
    ("grocery", [1, 2, 8]),
    ("GROCERY", [1, 2, 8]),  # case ignored
    ("car", [4]),  # not "card", not "cards"
    ("card", [3, 5]),  # title word, and "cards" in a description
    ("buy", [1, 7]),  # "Buying" is the same word
    ("parties", [8]),
    ("groceries party", [8]),  # every word must match
    ("mom", [6]),  # "mom's"
    ("dent", []),  # a part of a word is not a word
    ("balloon", [8]),
    ("spaceship", []),
]
"""(query, numbers found). Chat asks "find tasks about <query>"."""
