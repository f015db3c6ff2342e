"""``todochat.warmup``: the first turn's lazy work done at start-up (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, warnings
warnings.simplefilter("ignore")
import todochat.api.app  # what `todochat serve` has imported before it warms up
from todochat.warmup import MODEL_MODULES, complete_models, warm_up
import importlib, inspect
from pydantic import BaseModel

def incomplete():
    out = []
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, BaseModel)
                    and value.__module__.startswith(name.split(".")[0]) and not value.__pydantic_complete__):
                out.append(value.__qualname__)
    return sorted(set(out))

before = incomplete()
warm_up()
after = incomplete()
from todochat.agent.models.builtin.model import decide
items = decide("Current local time: 2026-11-18T09:00 (Wednesday); time zone: UTC.", "add buy bread on friday")
print(json.dumps({"before": before, "after": after, "again": complete_models(), "call": items[0].type}))
"""


def test_warm_up_completes_the_turns_models_in_a_fresh_process() -> None:
    """In a fresh interpreter the ChatKit and Responses models a turn builds start incomplete
    (pydantic completes them at first use, ~200 ms of the first turn); after ``warm_up`` none is
    left, a second pass has nothing to do, and the built-in model still reads a message."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"Response", "ThreadItemDoneEvent", "WorkflowItem", "ListViewItem"} <= set(result["before"])
    assert result["after"] == []
    assert result["again"] == 0
    assert result["call"] == "function_call"
