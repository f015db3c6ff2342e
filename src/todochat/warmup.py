"""Process warm-up: work every turn needs once per process, done at start-up (issue 13: "no
per-request work that can be done once per process").

A fresh process pays ~200 ms in its first chat turn without it (measured in-process: 247 ms
against ~40 ms for the next turns; ``bench/README.md``): pydantic completes the ChatKit and
Responses models lazily, at their first use (their schemas refer to types defined later, so
pydantic defers them), and the built-in model compiles its patterns at their first use.
"""

from __future__ import annotations

import importlib
import inspect

from pydantic import BaseModel

MODEL_MODULES = ("chatkit.types", "chatkit.widgets", "openai.types.responses")
"""Modules whose pydantic models a chat turn builds (thread items and events, widgets, the
Responses stream events the Agents SDK reads from a model)."""


def incomplete_models(modules: tuple[str, ...] = MODEL_MODULES) -> list[type[BaseModel]]:
    """The pydantic models of ``modules`` that their own package defines (models re-exported in a
    package's ``__init__`` included; pydantic's own ``BaseModel`` is not one) and that pydantic has
    not completed yet, in module order, each once."""
    found: dict[type[BaseModel], None] = {}
    for name in modules:
        package = name.split(".")[0]
        for value in vars(importlib.import_module(name)).values():
            if (
                inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__.startswith(package)
                and not value.__pydantic_complete__
            ):
                found[value] = None
    return list(found)


def complete_models(modules: tuple[str, ...] = MODEL_MODULES) -> int:
    """Complete (``model_rebuild``) every model :func:`incomplete_models` names.

    Returns:
        how many models were completed here.
    """
    return sum(1 for model in incomplete_models(modules) if model.model_rebuild(raise_errors=False))


def warm_up() -> None:
    """Complete the turn's pydantic models and read a few messages with the built-in model.
    Called by ``todochat serve`` (each ``--workers`` process too) before the app's start-up objects
    are frozen out of the garbage collector (``gc.freeze``); tests and evals do without."""
    from todochat.agent.models.builtin.model import warm_up as warm_up_builtin

    complete_models()
    warm_up_builtin()
