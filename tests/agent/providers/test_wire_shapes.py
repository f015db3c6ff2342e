"""The fake server speaks the real wire formats (checked against the openai library's strict
types), and the Chat Completions input rewrite (developer role, assistant output_text)."""

from __future__ import annotations

import json
from typing import get_args

import httpx
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent
from tests.fake_llm import Failure, FakeLLM, Reply, ToolCall

from todochat.agent.models.chat_completions import compatible_input

EVENT_TYPES = {get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(get_args(ResponseStreamEvent)[0])}
"""Each Responses stream event class by its ``type`` (the union's discriminator)."""
REPLY = Reply(text="Adding both tasks now.", tool_calls=[ToolCall("add_task", {"title": "Buy eggs"}),
                                                         ToolCall("add_task", {"title": "Clean the fridge"})])


def test_chat_chunks_validate_and_rebuild_the_reply():
    chunks = FakeLLM().chat_chunks(REPLY, "llama3.2", include_usage=True)
    parsed = [ChatCompletionChunk.model_validate(c, strict=True) for c in chunks]
    text = "".join(c.choices[0].delta.content or "" for c in parsed if c.choices)
    assert text == "Adding both tasks now."
    calls: dict[int, dict[str, str]] = {}
    for chunk in parsed:
        for delta in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            call = calls.setdefault(delta.index, {"name": "", "arguments": ""})
            call["name"] += delta.function.name or "" if delta.function else ""
            call["arguments"] += delta.function.arguments or "" if delta.function else ""
    assert [(c["name"], json.loads(c["arguments"])) for c in calls.values()] == [
        ("add_task", {"title": "Buy eggs"}), ("add_task", {"title": "Clean the fridge"})]
    assert [c.choices[0].finish_reason for c in parsed if c.choices][-1] == "tool_calls"
    assert parsed[-1].choices == [] and parsed[-1].usage is not None


def test_gemini_flavour_streams_calls_whole_without_index():
    chunks = FakeLLM("gemini").chat_chunks(REPLY, "gemini-2.5-flash")
    calls = [tc for c in chunks for tc in c["choices"][0]["delta"].get("tool_calls", [])]
    assert len(calls) == 2 and all("index" not in tc and tc["extra_content"]["google"] for tc in calls)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_responses_events_validate_in_order():
    events = FakeLLM().response_events(REPLY, {"model": "gpt-4.1-mini", "instructions": "be brief"})
    parsed = [EVENT_TYPES[e["type"]].model_validate(e, strict=True) for e in events]
    assert [e.sequence_number for e in parsed] == list(range(len(parsed)))
    assert [e.type for e in parsed][:2] == ["response.created", "response.in_progress"]
    assert parsed[-1].type == "response.completed"
    done = parsed[-1].response.output
    assert [o.type for o in done] == ["message", "function_call", "function_call"]
    assert "".join(e.delta for e in parsed if e.type == "response.output_text.delta") == "Adding both tasks now."
    added = [e.item.id for e in parsed if e.type == "response.output_item.added"]
    assert added == [o.id for o in done] and len(set(added)) == 3


async def test_server_streams_sse_records_requests_and_fails_as_scripted(fake_llm):
    fake_llm.add(Failure(429, retry_after_ms=5), Reply(text="ok"))
    async with httpx.AsyncClient(base_url=fake_llm.base_url) as http:
        body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
        limited = await http.post("/chat/completions", json=body)
        assert limited.status_code == 429 and limited.headers["retry-after-ms"] == "5"
        assert limited.json()["error"]["type"] == "rate_limit_error"
        streamed = await http.post("/chat/completions", json=body)
        assert streamed.headers["content-type"].startswith("text/event-stream")
        data = [line[6:] for line in streamed.text.splitlines() if line.startswith("data: ")]
        assert data[-1] == "[DONE]" and json.loads(data[1])["choices"][0]["delta"] == {"content": "ok"}
        empty = await http.post("/responses", json={**body, "input": "hi"})
        assert empty.status_code == 500 and "no scripted reply" in empty.text
    assert [r.path for r in fake_llm.requests] == ["/v1/chat/completions"] * 2 + ["/v1/responses"]
    assert fake_llm.requests[0].roles == ["user"]


def test_compatible_input_folds_leading_developer_messages_into_instructions():
    items = [
        {"role": "developer", "content": "todochat-state: {}"},
        {"role": "user", "content": [{"type": "input_text", "text": "hi"}]},
        {"type": "message", "role": "assistant",
         "content": [{"type": "output_text", "text": "Hello", "annotations": [], "logprobs": None},
                     {"type": "output_text", "text": " there.", "annotations": []}]},
        {"role": "developer", "content": "later note"},
        {"type": "function_call", "call_id": "c1", "name": "list_tasks", "arguments": "{}"},
    ]
    instructions, rewritten = compatible_input("You are todochat.", items)
    assert instructions == "You are todochat.\n\ntodochat-state: {}"
    assert rewritten[0] == {"role": "user", "content": "hi"}
    assert rewritten[1] == {"type": "message", "role": "assistant", "content": "Hello there."}
    assert rewritten[2] == {"role": "system", "content": "later note"}
    assert rewritten[3] is items[4]
    assert items[0]["role"] == "developer" and len(items) == 5  # the caller's list is untouched
    assert compatible_input(None, "just text") == (None, "just text")
    assert compatible_input(None, [{"role": "developer", "content": "state"}]) == ("state", [])
