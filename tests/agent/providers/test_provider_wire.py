"""Each provider path (openai, openai-compatible, gemini) end to end over /chatkit against the fake
LLM server: stored items, tool calls, roles on the wire, retries, and a provider that stays down."""

from __future__ import annotations

import json
import time

import pytest
from openai._base_client import BaseClient
from tests.agent.providers.conftest import Running
from tests.fake_llm import Failure, Reply, ToolCall

POSTGRES_TOO = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@POSTGRES_TOO
async def test_two_turns_store_four_distinct_items(harness):
    async with harness as h:
        h.fake.add(Reply(text="Hello! I manage your tasks."), Reply(text="You can add, list and complete tasks."))
        first = await h.send("hi there")
        assert first.error is None, first.events
        second = await h.send("what can you do?", first.thread_id)
        assert second.error is None, second.events
        assert second.text == "You can add, list and complete tasks."

        items = await h.client.items(first.thread_id)
        assert [i["type"] for i in items] == ["user_message", "assistant_message"] * 2
        ids = [i["id"] for i in items]
        assert len(set(ids)) == 4
        assert "__fake_id__" not in ids
        assert [i["content"][0]["text"] for i in items if i["type"] == "assistant_message"] == [
            "Hello! I manage your tasks.",
            "You can add, list and complete tasks.",
        ]
        # the second request carried the first turn as history, on the provider's own API path
        assert [r.path for r in h.fake.requests] == [h.provider.api_path] * 2
        key = next(iter(h.provider.env.values()), "not-needed")
        assert {r.headers["authorization"] for r in h.fake.requests} == {f"Bearer {key}"}
        assert {r.body["model"] for r in h.fake.requests} == {h.provider.model.partition(":")[2]}
        assert "Hello! I manage your tasks." in json.dumps(h.fake.requests[1].body)
        assert_state_message_sent_as_the_api_accepts(h)


def assert_state_message_sent_as_the_api_accepts(h):
    """Responses: a ``developer`` message. Chat Completions: one leading ``system`` message holding
    the instructions and the state, then plain user/assistant turns (no ``developer`` role)."""
    for request in h.fake.requests:
        if h.provider.name == "openai":
            assert request.roles[0] == "developer"
            assert request.body["input"][0]["content"].startswith("todochat-state: ")
            assert "Current local time" in request.body["instructions"]
        else:
            assert request.roles[0] == "system" and "developer" not in request.roles
            assert request.roles.count("system") == 1
            assert "Current local time" in request.body["messages"][0]["content"]
            assert "todochat-state: " in request.body["messages"][0]["content"]
    second = h.fake.requests[1]
    assert [r for r in second.roles if r != "developer"][-3:] == ["user", "assistant", "user"]
    if h.provider.name != "openai":  # earlier turns as plain strings (chatkit's output_text parts rewritten)
        assert second.body["messages"][1:4] == [
            {"role": "user", "content": "hi there"},
            {"role": "assistant", "content": "Hello! I manage your tasks."},
            {"role": "user", "content": "what can you do?"},
        ]


@pytest.mark.parametrize("provider", ["openai"], indirect=True)
async def test_repeated_responses_message_ids_get_store_ids(harness):
    async with harness as h:
        h.fake.message_id = "msg_same_every_time"
        h.fake.add(Reply(text="One."), Reply(text="Two."))
        first = await h.send("hi")
        await h.send("again", first.thread_id)
        items = await h.client.items(first.thread_id)
        assert [i["content"][0]["text"] for i in items] == ["hi", "One.", "again", "Two."]
        assert len({i["id"] for i in items}) == 4 and "msg_same_every_time" not in {i["id"] for i in items}


async def test_tool_call_creates_a_real_task(harness):
    async with harness as h:
        h.fake.add(
            Reply(tool_calls=[ToolCall("add_task", {"title": "Buy milk", "priority": "high"})]),
            Reply(text="Added task 1: Buy milk."),
        )
        turn = await h.send("add buy milk, it's important")
        assert turn.error is None, turn.events
        assert turn.text == "Added task 1: Buy milk."
        assert "Buy milk" in turn.shown

        [task] = await h.tasks()
        assert (task.number, task.title, task.priority) == (1, "Buy milk", "high")
        items = await h.client.items(turn.thread_id)
        assert [i["type"] for i in items] == ["user_message", "widget", "workflow", "assistant_message"]
        assert len({i["id"] for i in items}) == 4
        # the follow-up request returned the tool's result to the model under the call's id
        second = h.fake.requests[1].body
        assert len(_calls(second)) == 1
        assert _calls(second) == _outputs(second)
        assert '"ok": true' in json.dumps(second).replace('\\"', '"')
        if h.provider.name == "gemini":  # Gemini's thought signature goes back with the call
            [call] = [c for m in second["messages"] for c in m.get("tool_calls") or []]
            assert call["extra_content"] == {"google": {"thought_signature": "c2lnbmF0dXJl"}}

@pytest.mark.parametrize("status", [429, 500])
async def test_provider_error_then_success_is_retried(harness, status):
    async with harness as h:
        h.fake.add(Failure(status), Reply(text="Here I am."))
        turn = await h.send("hello")
        assert turn.error is None, turn.events
        assert turn.text == "Here I am."
        assert len(h.fake.requests) == 2
        assert h.fake.requests[0].body == h.fake.requests[1].body


@pytest.mark.parametrize("provider", ["openai-compatible"], indirect=True)
async def test_retries_back_off_without_a_retry_after_header(harness, monkeypatch):
    """The retry waits the openai client's backoff (recorded where the client computes the wait it
    then sleeps, not measured on the wall clock)."""
    waits: list[float] = []
    compute = BaseClient._calculate_retry_timeout

    def recorded(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        waits.append(compute(self, *args, **kwargs))
        return waits[-1]

    monkeypatch.setattr(BaseClient, "_calculate_retry_timeout", recorded)
    async with harness as h:
        h.fake.add(Failure(500, retry_after_ms=None), Reply(text="Here I am."))
        turn = await h.send("hello")
        assert turn.text == "Here I am."
        assert len(waits) == 1 and 0.375 <= waits[0] <= 0.5  # first backoff: 0.5 s minus up to 25 % jitter


async def test_provider_down_gives_an_error_event_and_keeps_the_message_for_retry(harness):
    async with harness as h:
        h.fake.down = Failure(503)
        turn = await h.send("add call mom")
        [error] = [e for e in turn.events if e["type"] == "error"]
        assert error["message"] == "The model provider failed (HTTP 503). Your message is saved: retry in a moment."
        assert error["allow_retry"] is True
        assert len(h.fake.requests) == 1 + h.settings.model_max_retries
        items = await h.client.items(turn.thread_id)
        assert [(i["type"], i["content"][0]["text"]) for i in items] == [("user_message", "add call mom")]
        assert await h.tasks() == []

        h.fake.down = None
        h.fake.add(Reply(tool_calls=[ToolCall("add_task", {"title": "Call mom"})]), Reply(text="Added: Call mom."))
        retried = await h.client.stream(
            {"type": "threads.retry_after_item", "params": {"thread_id": turn.thread_id, "item_id": items[0]["id"]}}
        )
        assert retried.error is None, retried.events
        assert retried.text == "Added: Call mom."
        items = await h.client.items(turn.thread_id)
        assert [i["type"] for i in items] == ["user_message", "widget", "workflow", "assistant_message"]
        assert [t.title for t in await h.tasks()] == ["Call mom"]


@pytest.mark.parametrize("provider", ["openai-compatible"], indirect=True)
async def test_a_hanging_provider_times_out_with_a_clear_error(provider, settings):
    async with Running(provider, settings, model_timeout_seconds=0.3, model_max_retries=1) as h:
        h.fake.add(Reply(text="too late", delay=60), Reply(text="too late", delay=60))
        started = time.monotonic()
        turn = await h.send("hello")
        assert time.monotonic() - started < 20  # gave up on both attempts, long before the answer
        [error] = [e for e in turn.events if e["type"] == "error"]
        assert error["message"].startswith("The model provider did not answer in time.")
        assert len(h.fake.requests) == 2


async def test_stream_cut_mid_answer_keeps_only_the_user_message(harness):
    async with harness as h:
        h.fake.add(Reply(text="This answer breaks off in the middle.", cut_after=4))
        turn = await h.send("hello")
        [error] = [e for e in turn.events if e["type"] == "error"]
        assert error["message"].startswith("The connection to the model provider failed.")
        assert error["allow_retry"] is True
        items = await h.client.items(turn.thread_id)
        assert [i["type"] for i in items] == ["user_message"]

        h.fake.add(Reply(text="Whole answer."))
        retried = await h.client.stream(
            {"type": "threads.retry_after_item", "params": {"thread_id": turn.thread_id, "item_id": items[0]["id"]}}
        )
        assert retried.text == "Whole answer."
        assert [i["type"] for i in await h.client.items(turn.thread_id)] == ["user_message", "assistant_message"]


async def test_refused_key_is_not_retried_and_says_so(harness):
    async with harness as h:
        h.fake.add(Failure(401, retry_after_ms=None, message="Incorrect API key provided."))
        turn = await h.send("hello")
        [error] = [e for e in turn.events if e["type"] == "error"]
        assert "refused the API key (HTTP 401)" in error["message"]
        assert error["allow_retry"] is False
        assert len(h.fake.requests) == 1


def _calls(body):
    """The call ids of the function calls in a request's history."""
    if "input" in body:
        return [i["call_id"] for i in body["input"] if i.get("type") == "function_call"]
    return [c["id"] for m in body["messages"] for c in m.get("tool_calls") or []]


def _outputs(body):
    """The call ids the request's tool results answer."""
    if "input" in body:
        return [i["call_id"] for i in body["input"] if i.get("type") == "function_call_output"]
    return [m["tool_call_id"] for m in body["messages"] if m["role"] == "tool"]
