"""``BuiltinModel`` as an Agents SDK ``Model``: valid items and stream events, and a real run."""

from __future__ import annotations

import json
from typing import Any

from agents import Agent, ModelSettings, RunContextWrapper, Runner, function_tool
from agents.models.interface import ModelTracing
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

from todochat.agent.models.builtin import BuiltinModel

CLOCK = "You manage tasks.\nCurrent local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.\n"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "input_text", "text": text}]}


def state(**values: Any) -> dict[str, Any]:
    return {"role": "developer", "content": "todochat-state: " + json.dumps({"shown": [], "touched": [], "pending": None, **values})}


async def respond(model: BuiltinModel, items: list[dict[str, Any]]) -> Any:
    return await model.get_response(CLOCK, items, ModelSettings(), [], None, [], ModelTracing.DISABLED,
                                    previous_response_id=None, conversation_id=None, prompt=None)


async def test_get_response_makes_a_tool_call_then_a_reply_with_unique_ids() -> None:
    model = BuiltinModel()
    items: list[dict[str, Any]] = [state(), user("remind me to call mom tomorrow at 6pm")]
    first = await respond(model, items)
    (call,) = first.output
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.name == "add_task"
    assert json.loads(call.arguments) == {"title": "Call mom", "due": "2026-11-19T18:00", "remind_before_minutes": 0}
    assert call.call_id.startswith("call_") and call.id.startswith("fc_") and "__fake_id__" not in (call.id, call.call_id)
    again = (await respond(model, items)).output[0]
    assert again.call_id != call.call_id and again.id != call.id
    items += [
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id,
         "output": json.dumps({"ok": True, "task": {"number": 1, "title": "Call mom", "due": "2026-11-19T18:00"}})},
    ]
    (message,) = (await respond(model, items)).output
    assert isinstance(message, ResponseOutputMessage) and message.id.startswith("msg_")
    assert message.content[0].text == "Added task 1: Call mom, due Thu 19 Nov at 18:00. I'll remind you then."  # type: ignore[union-attr]


async def test_widget_descriptions_and_earlier_turns_are_not_taken_for_the_new_message() -> None:
    items = [
        user("show my tasks"),
        {"role": "user", "content": [{"type": "input_text", "text": "The following graphical UI widget (id: w1) was displayed to the user:{}"}]},
        {"role": "assistant", "content": [{"type": "output_text", "text": "Here are your 3 tasks."}]},
        state(shown=[5, 6, 7]),
        user("delete the second one"),
    ]
    (call,) = (await respond(BuiltinModel(), items)).output
    assert (call.name, json.loads(call.arguments)) == ("delete_task", {"task": "6"})


async def test_stream_events_follow_the_responses_wire_order() -> None:
    model = BuiltinModel()
    events = [e async for e in model.stream_response(
        CLOCK, [user("hello")], ModelSettings(), [], None, [], ModelTracing.DISABLED,
        previous_response_id=None, conversation_id=None, prompt=None)]
    kinds = [e.type for e in events]
    assert kinds[:4] == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
    assert kinds[-4:] == ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) > 1
    final = events[-1].response.output[0]
    assert "".join(deltas) == final.content[0].text
    assert all(getattr(e, "item_id", final.id) == final.id for e in events)
    assert [e.sequence_number for e in events] == list(range(len(events)))


async def test_runner_run_streamed_drives_a_local_function_tool() -> None:
    added: list[dict[str, Any]] = []

    @function_tool
    async def add_task(ctx: RunContextWrapper[Any], title: str, due: str | None = None) -> str:
        """Add a task.

        Args:
            title: The title.
            due: Due day or time.
        """
        added.append({"title": title, "due": due})
        return json.dumps({"ok": True, "task": {"number": len(added), "title": title, "due": due}})

    agent = Agent(name="t", instructions=CLOCK, tools=[add_task], model=BuiltinModel())
    result = Runner.run_streamed(agent, [state(), user("add pay rent on friday")])  # type: ignore[list-item]
    kinds = [event.type async for event in result.stream_events()]
    assert added == [{"title": "Pay rent", "due": "2026-11-20"}]
    assert result.final_output == "Added task 1: Pay rent, due Fri 20 Nov."
    assert "run_item_stream_event" in kinds


async def test_the_last_reply_tells_whether_a_list_was_shown_last() -> None:
    items = [
        user("what's overdue?"),
        {"role": "assistant", "content": [{"type": "output_text", "text": "Here is your 1 overdue task."}]},
        state(shown=[3], touched=[1]),
        user("delete it"),
    ]
    (call,) = (await respond(BuiltinModel(), items)).output
    assert json.loads(call.arguments) == {"task": "3"}
