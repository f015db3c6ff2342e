"""A task tag reaches a real LLM (the fake LLM server, on the Responses and Chat Completions wire
formats) as the exact reference "task N" plus chatkit's @-mention context naming the title, and the
reply the LLM writes gets entity annotations for the tasks it names."""

from __future__ import annotations

import json

import pytest
from tests.fake_llm import Reply, ToolCall

from todochat.context import RequestContext
from todochat.tasks.schemas import TaskCreate


@pytest.mark.parametrize("provider", ["openai", "openai-compatible"], indirect=True)
async def test_an_llm_reads_a_tag_as_task_n_and_its_reply_is_annotated(harness) -> None:  # type: ignore[no-untyped-def]
    async with harness as h:
        alice = RequestContext(user_id="alice")
        for title in ("Buy milk", "Dentist appointment", "Dentist appointment Sam"):
            await h.app.state.service.add(alice, TaskCreate(title=title))
        h.fake.add(
            Reply(tool_calls=[ToolCall("complete_task", {"task": "3"})]),
            Reply(text="Done: task 3 (Dentist appointment Sam)."),
        )
        tag = {"type": "input_tag", "id": "task-3", "text": "Dentist appointment Sam", "data": {"number": 3}, "interactive": True}
        message = {"content": [{"type": "input_text", "text": "complete "}, tag], "attachments": [], "inference_options": {}}
        turn = await h.client.stream({"type": "threads.create", "params": {"input": message}})
        assert turn.error is None, turn.events

        sent = json.dumps(h.fake.requests[0].body)
        assert '"complete task 3"' in sent  # the user's words with the exact reference, not "@Dentist…"
        assert "@Dentist" not in sent
        assert "User-provided context for @-mentions" in sent and "titled 'Dentist appointment Sam'" in sent
        assert [(t.number, t.completed) for t in await h.tasks()] == [(1, False), (2, False), (3, True)]
        [said] = [e["item"] for e in turn.events if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"]
        [annotation] = said["content"][0]["annotations"]
        assert annotation["source"]["data"] == {"number": 3} and annotation["source"]["type"] == "entity"
        assert said["content"][0]["text"][: annotation["index"]].endswith("task 3")
