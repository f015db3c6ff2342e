"""``todochat.warmup``: the first turn's lazy work done at start-up (issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, warnings
warnings.simplefilter("ignore")
import todochat.api.app  # what `todochat serve` has imported before it warms up
from todochat.warmup import complete_models, incomplete_models, warm_up

def incomplete():
    return sorted({model.__qualname__ for model in incomplete_models()})

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
