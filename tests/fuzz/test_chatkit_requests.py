"""Property test: random ChatKit requests — the 16 request types of chatkit 1.6.5 with valid and
malformed params (wrong types, missing and extra keys, unknown content parts and actions, huge
and negative numbers, control characters and lone surrogates), unknown types and bodies that are
not a request at all — never get a 5xx, a stream that does not parse, or a thread left broken
(after each example the user's thread still lists its items, and a last turn works).
Bounded and derandomized, in process; SQLite always, PostgreSQL once."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, note
from hypothesis import settings as run_settings
from hypothesis import strategies as st
from tests.fuzz.fronts import answered, answering, drive, failures, sse_events
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings

TYPES = (
    "threads.create", "threads.add_user_message", "threads.list", "threads.get_by_id", "items.list",
    "threads.update", "threads.delete", "threads.retry_after_item", "threads.custom_action",
    "threads.sync_custom_action", "threads.add_client_tool_output", "threads.add_structured_input",
    "items.feedback", "attachments.create", "attachments.delete", "input.transcribe",
)  # fmt: skip
REAL = "<real>"
"""Placeholder for the user's real thread (or one of its items), filled in when sending."""

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False), st.text(max_size=30),
)  # fmt: skip
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
texts = st.one_of(st.sampled_from(["add buy milk", "show my tasks", "yes", "undo", "done with task 1", "delete everything"]),
                  st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cs", "Zs"]), max_size=10))  # fmt: skip
ids = st.one_of(st.just(REAL), st.just("thr_missing"), st.text(max_size=20), junk)
numbers = st.one_of(st.integers(-5, 200), st.integers(min_value=-(2**70), max_value=2**70), junk)
parts = st.one_of(
    st.fixed_dictionaries({"type": st.just("input_text"), "text": texts}),
    st.fixed_dictionaries({"type": st.just("input_tag"), "id": st.text(max_size=5), "text": texts, "data": junk,
                           "interactive": st.booleans()}),
    st.fixed_dictionaries({"type": st.text(max_size=12)}, optional={"text": junk}),
)  # fmt: skip
user_input = st.fixed_dictionaries(
    {"content": st.one_of(st.lists(parts, max_size=3), junk),
     "attachments": st.one_of(st.just([]), st.lists(st.text(max_size=8), max_size=2), junk),
     "inference_options": st.one_of(st.just({}), st.fixed_dictionaries({}, optional={"tool_choice": junk, "model": junk}), junk)},
    optional={"quoted_text": st.one_of(texts, junk)},
)  # fmt: skip
action = st.fixed_dictionaries({
    "type": st.one_of(st.sampled_from(["task.complete", "task.delete", "task.reopen"]), st.text(max_size=15)),
    "payload": st.one_of(st.fixed_dictionaries({"number": numbers}), junk),
})  # fmt: skip
FIELDS: dict[str, Any] = {
    "thread_id": ids, "item_id": ids, "input": st.one_of(user_input, junk), "title": st.one_of(texts, junk),
    "limit": numbers, "order": st.one_of(st.sampled_from(["asc", "desc"]), junk), "after": st.one_of(ids, st.none()),
    "action": st.one_of(action, junk), "result": junk, "item_ids": st.one_of(st.lists(ids, max_size=3), junk),
    "kind": st.one_of(st.sampled_from(["positive", "negative"]), junk), "name": junk, "size": numbers,
    "mime_type": st.one_of(st.sampled_from(["text/plain", "image/png", "audio/webm"]), junk),
    "attachment_id": ids, "audio_base64": st.one_of(st.just("AAAA"), junk),
}  # fmt: skip
good_texts = st.one_of(st.sampled_from(["add buy milk", "show my tasks", "yes", "undo", "done with task 1", "delete task 2",
                                          "move task 1 to friday", "delete everything"]),
                       st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=40).filter(str.strip))  # fmt: skip
good_input = st.fixed_dictionaries(
    {"content": st.lists(st.fixed_dictionaries({"type": st.just("input_text"), "text": good_texts}), min_size=1, max_size=2),
     "attachments": st.just([]), "inference_options": st.just({})},
    optional={"quoted_text": good_texts},
)  # fmt: skip
VALID: dict[str, Any] = {
    **FIELDS, "thread_id": st.just(REAL), "item_id": st.just(REAL), "input": good_input, "title": good_texts,
    "limit": st.integers(1, 50), "order": st.sampled_from(["asc", "desc"]), "after": st.none(),
    "action": st.fixed_dictionaries({"type": st.sampled_from(["task.complete", "task.delete", "task.reopen"]),
                                     "payload": st.fixed_dictionaries({"number": st.integers(1, 3)})}),
    "item_ids": st.lists(st.just(REAL), min_size=1, max_size=2), "kind": st.sampled_from(["positive", "negative"]),
    "result": st.dictionaries(st.text(max_size=5), scalars, max_size=2),
}  # fmt: skip
"""Well-formed values of each field: requests that reach the server's own handling."""
NEEDS = {
    "threads.create": ("input",), "threads.add_user_message": ("thread_id", "input"), "threads.list": ("limit", "order", "after"),
    "threads.get_by_id": ("thread_id",), "items.list": ("thread_id", "limit", "order", "after"),
    "threads.update": ("thread_id", "title"), "threads.delete": ("thread_id",),
    "threads.retry_after_item": ("thread_id", "item_id"), "threads.custom_action": ("thread_id", "item_id", "action"),
    "threads.sync_custom_action": ("thread_id", "item_id", "action"), "threads.add_client_tool_output": ("thread_id", "result"),
    "threads.add_structured_input": ("thread_id", "item_id", "input"), "items.feedback": ("thread_id", "item_ids", "kind"),
    "attachments.create": ("name", "size", "mime_type"), "attachments.delete": ("attachment_id",),
    "input.transcribe": ("audio_base64", "mime_type"),
}  # fmt: skip


@st.composite
def requests(draw: st.DrawFn) -> Any:
    """A ChatKit request: half well-formed (each known type with its fields), the rest malformed
    (fields of the wrong shape, missing or joined by an extra one), an unknown type, or not a
    request object at all."""
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(junk)
    kind = draw(st.one_of(st.sampled_from(TYPES), st.text(max_size=20))) if shape == 1 else draw(st.sampled_from(TYPES))
    if shape >= 5:
        return {"type": kind, "params": {name: draw(VALID[name]) for name in NEEDS[kind]}}
    params = {name: draw(FIELDS[name]) for name in NEEDS.get(kind, ()) if draw(st.integers(0, 7))}
    if draw(st.booleans()):
        params.update(draw(st.dictionaries(st.text(max_size=8), junk, max_size=2)))
    request: dict[str, Any] = {"type": kind, "params": params}
    if draw(st.integers(0, 5)) == 0:
        request["metadata"] = draw(junk)
    return request


def fill(value: Any, thread: str, item: str) -> Any:
    """Replace the placeholders with the user's real thread and item ids."""
    if value == REAL:
        return thread
    if isinstance(value, dict):
        return {k: (item if k == "item_id" and v == REAL else fill(v, thread, item)) for k, v in value.items()}
    if isinstance(value, list):
        return [item if v == REAL else fill(v, thread, item) for v in value]
    return value


WIDGET_ACTIONS = ("threads.custom_action", "threads.sync_custom_action")
"""Request types that carry a widget action (counted under the ``widget`` front)."""


def front(payload: Any) -> str:
    """The front a fuzzed request exercises: ``widget`` for widget actions, else ``chatkit``."""
    return "widget" if isinstance(payload, dict) and payload.get("type") in WIDGET_ACTIONS else "chatkit"


async def send(http: httpx.AsyncClient, headers: dict[str, str], payload: Any, fuzzed: bool = False) -> httpx.Response:
    """POST ``payload`` to /chatkit: never a 5xx, and the answer parses. ``fuzzed``: a request
    the fuzzer drew (counted in the hardening figures; the reads that check the thread are not)."""
    body = json.dumps(payload).encode()  # ASCII escapes: lone surrogates reach the server
    r = await http.post("/chatkit", content=body, headers={**headers, "Content-Type": "application/json"})
    if fuzzed:
        answered(front(payload), r.status_code)
    assert r.status_code < 500, (payload, r.status_code, r.text[:500])
    if r.headers.get("content-type", "").startswith("text/event-stream"):
        sse_events(r.text)  # the stream parses to its end
    else:
        r.json()  # every other answer is JSON
    return r


async def a_thread(http: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, str]:
    """The user's most recent thread (made if none is left) and its first item."""
    listed = (await send(http, headers, {"type": "threads.list", "params": {"limit": 1}})).json()["data"]
    if not listed:
        turn = await send(http, headers, {"type": "threads.create", "params": {"input": {
            "content": [{"type": "input_text", "text": "add buy milk"}], "attachments": [], "inference_options": {}}}})  # fmt: skip
        listed = [next(e["thread"] for e in sse_events(turn.text) if e["type"] == "thread.created")]
    thread = listed[0]["id"]
    items = (await send(http, headers, {"type": "items.list", "params": {"thread_id": thread, "limit": 5, "order": "asc"}})).json()["data"]
    return thread, items[0]["id"] if items else "msg_none"


async def test_random_chatkit_requests_never_get_a_5xx(settings: Settings, database_url: str) -> None:
    s = settings.model_copy(update={"rate_limit": "off"})
    headers = {"Authorization": f"Bearer {issue_token('fuzz', s)}", "X-Timezone": "UTC"}
    before = failures()
    async with in_process(s) as (app, _), answering(app) as http:

        def examples(run: Any) -> None:
            @run_settings(max_examples=200 if database_url.startswith("sqlite") else 40, derandomize=True, database=None,
                      deadline=None, suppress_health_check=list(HealthCheck))  # fmt: skip
            @given(payload=requests())
            def one(payload: Any) -> None:
                thread, item = run(a_thread(http, headers))
                filled = fill(payload, thread, item)
                note(f"request: {filled!r}")
                run(send(http, headers, filled, fuzzed=True))
                run(a_thread(http, headers))  # the user's threads and items still read

            one()

        await drive(examples)
        thread, _ = await a_thread(http, headers)
        last = await send(http, headers, {"type": "threads.add_user_message", "params": {"thread_id": thread, "input": {
            "content": [{"type": "input_text", "text": "add check the thread"}], "attachments": [], "inference_options": {}}}})  # fmt: skip
        assert not [e for e in sse_events(last.text) if e.get("type") == "error"], last.text[:500]
    assert failures() == before  # no 5xx (send asserts each)


async def test_a_widget_action_without_a_type_is_refused_not_a_5xx(settings: Settings) -> None:
    """Found by the fuzzer: ``{"action": {}}`` made chatkit's ``Action.type`` its type variable
    (a 500 while building the error message); now a 422 naming ``action``."""
    headers = {"Authorization": f"Bearer {issue_token('fuzz', settings)}", "X-Timezone": "UTC"}
    async with in_process(settings) as (_app, http):
        thread, item = await a_thread(http, headers)
        for kind in WIDGET_ACTIONS:
            r = await send(http, headers, {"type": kind, "params": {"thread_id": thread, "item_id": item, "action": {}}})
            assert r.status_code == 422 and r.json()["field"] == "action", r.text
