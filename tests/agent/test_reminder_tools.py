"""The agent's reminder tools through the ChatKit server over HTTP (in-process ASGI) on SQLite and
PostgreSQL, driven by a scripted model: add_task with remind_at / remind_before_minutes,
add_reminder, list_reminders, cancel_reminder (one, several, by id), the bell on the widget row,
and "that time has passed — remind you now?" answered yes (the built-in model makes exactly the
stored yes call). The server clock is TEST_NOW (Mon 23 Nov 2026 09:00 UTC), zone UTC."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agents import Model
from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from tests.clock import TEST_NOW
from tests.servers import in_process

from todochat.agent.list_tools import LIST_TOOLS
from todochat.agent.models import select_model
from todochat.agent.notify_tools import NOTIFY_TOOLS
from todochat.agent.question_tools import QUESTION_TOOLS
from todochat.agent.tools import TOOLS
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.context import RequestContext
from todochat.tasks.service import TaskService

ALICE = RequestContext(user_id="alice")


class Relay(Model):
    """A model that hands every call to ``current`` (switched between turns)."""

    def __init__(self, current: Model) -> None:
        self.current = current

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        return await self.current.get_response(*args, **kwargs)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        return self.current.stream_response(*args, **kwargs)


ASK = "That time has passed — remind you now?"


def script(*calls: tuple[str, dict[str, Any]], reply: str = "OK.") -> ScriptedModel:
    """One turn per call: the tool call, then a short reply (``reply`` after the last one)."""
    steps: list[Any] = []
    for i, (tool, arguments) in enumerate(calls):
        said = reply if i == len(calls) - 1 else "OK."
        steps += [[function_call(tool, arguments, call_id=f"c{i}")], [assistant_message(said, item_id=f"m{i}")]]
    return ScriptedModel(steps)


def outputs(model: ScriptedModel) -> list[dict[str, Any]]:
    """The tool results the model was given, in order."""
    found = []
    for call in model.calls:
        for item in call.input if isinstance(call.input, list) else []:
            if isinstance(item, dict) and item.get("type") == "function_call_output":
                found.append(json.loads(item["output"]))
    unique: list[dict[str, Any]] = []
    for result in found:
        if result not in unique:
            unique.append(result)
    return unique


async def thread_state(app: Any, thread_id: str) -> dict[str, Any]:
    thread = await app.state.chatkit.store.load_thread(thread_id, ALICE)
    return dict(thread.metadata.get("todochat") or {})


async def test_reminders_from_chat(settings) -> None:
    model = script(
        ("add_task", {"title": "Call mom", "remind_at": "2026-11-23T17:00"}),
        ("add_task", {"title": "Dentist", "due": "2026-11-25T15:00", "remind_before_minutes": 30}),
        ("add_reminder", {"task": "dentist", "at": "2026-11-24T18:00"}),
        ("list_reminders", {}),
        ("cancel_reminder", {"task": "dentist"}),
        ("cancel_reminder", {"task": "call mom"}),
    )
    async with in_process(settings, model=model) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        first = await client.send("remind me to call mom at 5pm")
        assert first.error is None, first.events
        assert "🔔 today 17:00" in first.shown
        service: TaskService = app.state.service
        [call_mom] = await service.list_reminders(ALICE)
        assert call_mom.fire_at.isoformat() == "2026-11-23T17:00:00+00:00"
        tid = first.thread_id
        second = await client.send("dentist wednesday 3pm, remind me 30 minutes before", tid)
        assert "🔔 Wed 25 Nov 14:30" in second.shown
        third = await client.send("remind me about the dentist tuesday at 6pm", tid)
        assert "🔔 tomorrow 18:00 (+1)" in third.shown
        listed = await client.send("what reminders do I have?", tid)
        assert "Reminders · 3" in listed.shown
        await client.send("cancel the reminder for the dentist", tid)
        state = await thread_state(app, tid)
        assert state["pending"]["kind"] == "choose" and state["pending"]["tool"] == "cancel_reminder"
        assert [c["fire_at"][:16] for c in state["pending"]["candidates"]] == ["2026-11-24T18:00", "2026-11-25T14:30"]
        await client.send("cancel the call mom reminder", tid)
        assert [r.task_title for r in await service.list_reminders(ALICE)] == ["Dentist", "Dentist"]
    results = outputs(model)
    assert results[0]["ok"] and results[0]["task"]["title"] == "Call mom"
    assert results[2]["reminder"] == {
        "id": 3, "task": 2, "title": "Dentist", "at": "2026-11-24T18:00", "before_minutes": None,
        "fire_at": "2026-11-24T18:00", "status": "pending",
    }
    assert results[3]["count"] == 3 and [r["fire_at"] for r in results[3]["reminders"]] == [
        "2026-11-23T17:00", "2026-11-24T18:00", "2026-11-25T14:30"
    ]
    assert results[4]["error"] == "ambiguous_reminder" and len(results[4]["candidates"]) == 2
    assert results[5]["reminder"]["status"] == "cancelled"


async def test_a_past_time_asks_and_yes_reminds_in_a_minute(settings) -> None:
    scripted = script(("add_task", {"title": "Stretch"}), ("add_reminder", {"task": "1", "at": "2026-11-23T08:30"}), reply=ASK)
    relay = Relay(scripted)
    async with in_process(settings, model=relay) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        first = await client.send("add stretch")
        await client.send("remind me about it at 8:30", first.thread_id)
        state = await thread_state(app, first.thread_id)
        assert state["pending"]["yes"] == {"tool": "add_reminder", "arguments": {"task": "1", "at": "now"}}
        assert await app.state.service.list_reminders(ALICE) == []
        relay.current = select_model(settings)  # the built-in model makes the stored yes call
        yes = await client.send("yes", first.thread_id)
        assert yes.error is None, yes.events
        [reminder] = await app.state.service.list_reminders(ALICE)
        assert reminder.fire_at.isoformat() == "2026-11-23T09:01:00+00:00"  # TEST_NOW + 1 minute
        assert (await thread_state(app, first.thread_id))["pending"] is None
    assert outputs(scripted)[-1]["error"] == "reminder_in_past"
    assert TEST_NOW.isoformat() == "2026-11-23T09:00:00+00:00"


async def test_add_task_with_a_past_reminder_adds_nothing_and_yes_adds_it_reminding_now(settings) -> None:
    relay = Relay(script(("add_task", {"title": "Stretch", "remind_at": "2026-11-23T08:00"}), reply=ASK))
    async with in_process(settings, model=relay) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        first = await client.send("remind me to stretch at 8")
        assert await app.state.service.list(ALICE) == []
        state = await thread_state(app, first.thread_id)
        assert state["pending"]["yes"] == {"tool": "add_task", "arguments": {"title": "Stretch", "remind_at": "now"}}
        relay.current = select_model(settings)
        await client.send("yes", first.thread_id)
        [task] = await app.state.service.list(ALICE)
        assert task.title == "Stretch" and task.next_reminder and task.next_reminder.isoformat() == "2026-11-23T09:01:00+00:00"


def test_every_agent_tool_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "agent-tools.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)`", doc, flags=re.MULTILINE)) | {"undo", "redo"}
    assert {t.name for t in [*TOOLS, *LIST_TOOLS, *NOTIFY_TOOLS, *QUESTION_TOOLS]} == documented  # every tool the agent has (agent.py)
    assert {"add_reminder", "list_reminders", "cancel_reminder"} <= {t.name for t in TOOLS}
    add_task = next(t for t in TOOLS if t.name == "add_task").params_json_schema["properties"]
    assert {"remind_at", "remind_before_minutes"} <= set(add_task)
    cancel = next(t for t in TOOLS if t.name == "cancel_reminder").params_json_schema["properties"]
    assert set(cancel) == {"task", "reminder"}
