"""The run context the agent's tools receive, and the conversation state kept in the thread."""

from __future__ import annotations

import json
from typing import Annotated, Any

from chatkit.agents import AgentContext
from pydantic import Field, SkipValidation

from todochat.context import RequestContext
from todochat.tasks.service import TaskService

STATE_KEY = "todochat"
STATE_PREFIX = "todochat-state: "


class TodoAgentContext(AgentContext[RequestContext]):
    """ChatKit's ``AgentContext`` plus the task service (like ``MetroAgentContext`` in the
    openai-chatkit-advanced-samples metro-map example). The user, zone and clock are
    ``request_context`` — tools never take them as arguments."""

    service: Annotated[TaskService, SkipValidation]
    turn_widgets: Annotated[dict[str, tuple[Any, list[Any]]], SkipValidation] = Field(default_factory=dict)
    """The task-list widgets streamed so far in this turn, by heading: ``(WidgetItem, tasks)``
    (agent/tools.py ``show`` merges a second widget of the same kind into the first)."""

    def state(self) -> dict[str, Any]:
        """The conversation state kept in ``thread.metadata["todochat"]``:
        ``{"shown": [int], "touched": [int], "pending": dict | None}`` (docs/agent-tools.md)."""
        current = self.thread.metadata.get(STATE_KEY) or {}
        return {
            "shown": list(current.get("shown", [])),
            "touched": list(current.get("touched", [])),
            "pending": current.get("pending"),
        }

    def remember(self, **changes: Any) -> None:
        """Update the conversation state; the ChatKit server saves the thread when it changed."""
        state = self.state()
        state.update(changes)
        self.thread.metadata = {**self.thread.metadata, STATE_KEY: state}


def state_message(metadata: dict[str, Any]) -> dict[str, Any]:
    """The developer message that tells any model the conversation state (docs/agent-tools.md)."""
    current = metadata.get(STATE_KEY) or {}
    state = {
        "shown": current.get("shown", []),
        "touched": current.get("touched", []),
        "pending": current.get("pending"),
    }
    return {
        "role": "developer",
        "content": STATE_PREFIX + json.dumps(state, separators=(", ", ": ")),
    }
