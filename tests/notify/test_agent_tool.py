"""The agent's ``set_reminder_channel`` tool through a real ChatKit turn (scripted model): it stores
the user's channel, refuses a URL as a topic, and is part of the agent's tool set."""

from __future__ import annotations

import json

from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from tests.servers import in_process

from todochat.agent.agent import build_agent
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.notify import preferences


def test_tool_is_in_the_agent_tool_set() -> None:
    names = [tool.name for tool in build_agent("builtin").tools]
    assert "set_reminder_channel" in names and "add_task" in names


async def test_set_reminder_channel_in_a_turn(settings: Settings) -> None:
    s = settings.model_copy(update={"reminders_dispatch": False})
    model = ScriptedModel([
        [function_call("set_reminder_channel", {"channel": "ntfy", "address": "https://evil.example/x"}, call_id="c1")],
        [function_call("set_reminder_channel", {"channel": "ntfy", "address": "alice-phone"}, call_id="c2")],
        [assistant_message("Your reminders go to ntfy topic alice-phone.", item_id="msg_n1")],
    ])
    async with in_process(s, model=model) as (app, http):
        client = ChatKitClient(http, issue_token("alice", s))
        turn = await client.send("send my reminders to ntfy topic alice-phone")
        assert turn.error is None, turn.events
        chosen = await preferences.get_channels(app.state.sessionmaker, "alice")
        bob = await preferences.get_channels(app.state.sessionmaker, "bob")
    assert chosen.ntfy_topic == "alice-phone" and "ntfy" in chosen.enabled
    assert bob.ntfy_topic is None
    outputs = {
        item["call_id"]: json.loads(item["output"])
        for item in model.calls[-1].input
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    }
    assert outputs["c1"]["ok"] is False
    assert (outputs["c1"]["error"], outputs["c1"]["field"]) == ("validation", "ntfy.topic")
    assert outputs["c2"]["ok"] is True
    assert outputs["c2"]["reminder_channels"]["ntfy"] == {"enabled": True, "topic": "alice-phone"}
