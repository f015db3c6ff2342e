"""Property test: random interleavings of two users' operations over every front — ChatKit turns
with the built-in model, widget actions, REST, the ``/api/{user}/chat`` endpoint and the MCP tools
(in process) — plus each user's attempts at the other's threads, conversations and attachments
(ChatKit, widget action, chat endpoint, REST upload) and MCP tool calls naming the other user.

After every operation the acknowledged state (a model built only from what each front answered)
must equal what the service reads for both users: no acknowledged write lost, no change without
an acknowledgement. No answer to one user may contain the other's data (each user's titles carry a
marker word), and no answer is a 5xx. Bounded and derandomized; SQLite always, PostgreSQL once.
Each request, cross-user attempt, 5xx, leak and lost write is counted in the hardening figures
(tests/hardening_tally.py) by front."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from mcp import Client
from tests import hardening_tally as tally
from tests.fuzz.fronts import answered, answering, drive, failures, sse_events
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.mcp.server import Backend, build_server

MARKERS = ("papaya", "mango")
"""User 0's titles contain the first word, user 1's the second; neither may reach the other."""
WORDS = ("kiwi", "plum", "fig", "lime", "pear")
_pairs = itertools.count()

State = dict[int, tuple[str, bool]]
"""A user's tasks: number → (title, completed)."""

OWN_OPS = st.one_of(
    st.tuples(st.just("rest_add"), st.sampled_from(WORDS)),
    st.tuples(st.just("rest_complete"), st.integers(0, 5)),
    st.tuples(st.just("rest_delete"), st.integers(0, 5)),
    st.tuples(st.just("rest_rename"), st.integers(0, 5), st.sampled_from(WORDS)),
    st.tuples(st.just("rest_undo")),
    st.tuples(st.just("chat_add"), st.sampled_from(WORDS)),
    st.tuples(st.just("chat_done"), st.integers(0, 5)),
    st.tuples(st.just("chat_delete"), st.integers(0, 5)),
    st.tuples(st.just("chat_list")),
    st.tuples(st.just("widget_complete"), st.integers(0, 5)),
    st.tuples(st.just("api_chat_add"), st.sampled_from(WORDS)),
    st.tuples(st.just("mcp_add"), st.sampled_from(WORDS)),
    st.tuples(st.just("mcp_complete"), st.integers(0, 5)),
    st.tuples(st.just("mcp_list")),
)
CROSS = ("threads.get_by_id", "items.list", "threads.add_user_message", "threads.custom_action",
         "threads.update", "threads.delete", "threads.retry_after_item", "items.feedback",
         "api_chat_conversation", "api_messages", "api_chat_as_other", "attachments.delete",
         "rest_attachment_upload", "mcp_user_argument")  # fmt: skip
CROSS_FRONT = {"threads.custom_action": "widget", "api_chat_conversation": "chat endpoint", "api_messages": "chat endpoint",
               "api_chat_as_other": "chat endpoint", "rest_attachment_upload": "rest", "mcp_user_argument": "mcp"}  # fmt: skip
"""The front of each cross-user attempt (``chatkit`` when not listed)."""
OPS = st.lists(
    # cross-user attempts first: hypothesis favours a one_of's first branch when it simplifies
    st.tuples(st.integers(0, 1), st.one_of(st.tuples(st.just("cross"), st.sampled_from(CROSS)), OWN_OPS)),
    min_size=3,
    max_size=14,
)


@dataclass
class Party:
    """One user of an example: its id, token headers, marker, acknowledged tasks, undo stack, thread."""

    user: str
    headers: dict[str, str]
    marker: str
    tasks: State = field(default_factory=dict)
    undo: list[State] = field(default_factory=list)
    thread: str | None = None

    def pick(self, k: int) -> int:
        """The k-th known task number (wrapping), or 1 when there is none (then a 404 is expected)."""
        numbers = sorted(self.tasks)
        return numbers[k % len(numbers)] if numbers else 1

    def changed(self, new: State) -> None:
        """Acknowledge a change: remember the state before it for undo (a no-op is no change:
        completing a done task journals nothing, so an undo reaches past it)."""
        if new == self.tasks:
            return
        self.undo.append(dict(self.tasks))
        self.tasks = new


@dataclass
class Example:
    http: httpx.AsyncClient
    settings: Settings
    service: Any
    parties: list[Party]
    fuzzing: bool = True
    """Count the requests as fuzzed (the drawn interleavings); False for the fixed sweep."""

    async def read(self, party: Party) -> State:
        r = await self.http.get("/api/v1/tasks", params={"status": "all", "limit": 200}, headers=party.headers)
        assert r.status_code == 200, r.text
        return {t["number"]: (t["title"], t["completed"]) for t in r.json()["tasks"]}

    def seen(self, party: Party, status: int, body: str, front: str) -> None:
        """Every answer: counted for its front, never a 5xx, never the other user's marker."""
        if self.fuzzing:
            answered(front, status)
        elif status >= 500:
            tally.observed("5xx")
        assert status < 500, body[:500]
        other = next(p for p in self.parties if p is not party)
        if other.marker in body.lower():
            tally.observed("leaks")
            raise AssertionError(f"{party.user} was shown {other.user}'s data: {body[:500]}")

    async def chatkit(self, party: Party, payload: dict[str, Any], front: str = "chatkit") -> tuple[int, str]:
        r = await self.http.post("/chatkit", json=payload, headers=party.headers)
        self.seen(party, r.status_code, r.text, front)
        return r.status_code, r.text

    async def say(self, party: Party, text: str) -> str:
        """A ChatKit turn; returns the assistant's text (empty if the turn failed)."""
        message = {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}
        if party.thread is None:
            payload = {"type": "threads.create", "params": {"input": message}}
        else:
            payload = {"type": "threads.add_user_message", "params": {"thread_id": party.thread, "input": message}}
        status, body = await self.chatkit(party, payload)
        assert status == 200, body[:500]
        events = sse_events(body)
        assert not [e for e in events if e.get("type") == "error"], body[:500]
        party.thread = party.thread or next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
        return " ".join(
            "".join(part.get("text", "") for part in e["item"].get("content", []))
            for e in events
            if e.get("type") == "thread.item.done" and e["item"].get("type") == "assistant_message"
        )


def absorb_reply(party: Party, reply: str) -> None:
    """What a built-in model reply acknowledges (the only replies that change anything)."""
    if m := re.search(r"Added task (\d+): (.+?)\.(?: |$)", reply):
        party.changed({**party.tasks, int(m[1]): (m[2], False)})
    elif m := re.search(r"Marked task (\d+): .+ as done\.", reply):
        number = int(m[1])
        party.changed({**party.tasks, number: (party.tasks[number][0], True)})
    elif m := re.search(r"Deleted task (\d+):", reply):
        party.changed({n: t for n, t in party.tasks.items() if n != int(m[1])})


async def own(ex: Example, party: Party, op: tuple[Any, ...]) -> None:
    kind = op[0]
    h = party.headers
    if kind == "rest_add":
        r = await ex.http.post("/api/v1/tasks", json={"title": f"{party.marker} {op[1]}"}, headers=h)
        ex.seen(party, r.status_code, r.text, "rest")
        assert r.status_code == 201, r.text
        party.changed({**party.tasks, r.json()["number"]: (r.json()["title"], False)})
    elif kind in ("rest_complete", "rest_delete", "rest_rename"):
        number = party.pick(op[1])
        if kind == "rest_complete":
            r = await ex.http.post(f"/api/v1/tasks/{number}/complete", headers=h)
        elif kind == "rest_delete":
            r = await ex.http.delete(f"/api/v1/tasks/{number}", headers=h)
        else:
            r = await ex.http.patch(f"/api/v1/tasks/{number}", json={"title": f"{party.marker} {op[2]} renamed"}, headers=h)
        ex.seen(party, r.status_code, r.text, "rest")
        if number not in party.tasks:
            assert r.status_code == 404, r.text
        elif kind == "rest_complete":
            assert r.status_code == 200, r.text
            party.changed({**party.tasks, number: (party.tasks[number][0], True)})
        elif kind == "rest_delete":
            assert r.status_code == 204, r.text
            party.changed({n: t for n, t in party.tasks.items() if n != number})
        else:
            assert r.status_code == 200, r.text
            party.changed({**party.tasks, number: (r.json()["title"], party.tasks[number][1])})
    elif kind == "rest_undo":
        r = await ex.http.post("/api/v1/tasks/undo", headers=h)
        ex.seen(party, r.status_code, r.text, "rest")
        if party.undo:
            assert r.status_code == 200, r.text
            party.tasks = party.undo.pop()
        else:
            assert r.status_code == 409, r.text
    elif kind == "chat_add":
        absorb_reply(party, await ex.say(party, f"add {party.marker} {op[1]}"))
    elif kind == "chat_done":
        absorb_reply(party, await ex.say(party, f"finished task {party.pick(op[1])}"))
    elif kind == "chat_delete":
        absorb_reply(party, await ex.say(party, f"delete task {party.pick(op[1])}"))
    elif kind == "chat_list":
        await ex.say(party, "show my tasks")
    elif kind == "widget_complete":
        if party.thread is None:
            await ex.say(party, "show my tasks")
        number = party.pick(op[1])
        status, body = await ex.chatkit(party, {"type": "threads.custom_action", "params": {
            "thread_id": party.thread, "action": {"type": "task.complete", "payload": {"number": number}}}}, "widget")  # fmt: skip
        assert status == 200, body[:500]
        failed = any(e.get("type") == "error" for e in sse_events(body))
        assert failed == (number not in party.tasks), body[:500]
        if not failed:
            party.changed({**party.tasks, number: (party.tasks[number][0], True)})
    elif kind == "api_chat_add":
        r = await ex.http.post(f"/api/{party.user}/chat", json={"message": f"add {party.marker} {op[1]}"}, headers=h)
        ex.seen(party, r.status_code, r.text, "chat endpoint")
        assert r.status_code == 200, r.text
        [call] = r.json()["tool_calls"]
        m = re.fullmatch(r"task (\d+): (.+)", call["result"])
        assert m, call
        party.changed({**party.tasks, int(m[1]): (m[2], False)})
    else:  # MCP, in process, as this user
        server = build_server(Backend(service=lambda: ex.service, user=lambda: party.user, settings=ex.settings))
        async with Client(server) as mcp:
            if kind == "mcp_add":
                result = await mcp.call_tool("add_task", {"title": f"{party.marker} {op[1]}"})
            elif kind == "mcp_complete":
                number = party.pick(op[1])
                result = await mcp.call_tool("complete_task", {"task": number})
            else:
                result = await mcp.call_tool("list_tasks", {"status": "all"})
        ex.seen(party, 200, str(result.structured_content) + str(result.content), "mcp")
        if kind == "mcp_add":
            assert not result.is_error, result
            data = result.structured_content
            party.changed({**party.tasks, data["number"]: (data["title"], False)})
        elif kind == "mcp_complete":
            assert result.is_error == (number not in party.tasks), result
            if not result.is_error:
                party.changed({**party.tasks, number: (party.tasks[number][0], True)})


async def cross(ex: Example, party: Party, other: Party, kind: str) -> None:
    """``party`` reaches for ``other``'s thread, conversation or attachment, or names ``other`` in
    an MCP tool call: refused (403/404, an error event, a tool error), nothing changed."""
    tally.cross_user(CROSS_FRONT.get(kind, "chatkit"))
    if other.thread is None:
        await ex.say(other, "show my tasks")
    thread = other.thread
    assert thread is not None
    before = await ex.http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread, "limit": 100}}, headers=other.headers)
    message = {"content": [{"type": "input_text", "text": "show my tasks"}], "attachments": [], "inference_options": {}}
    payloads = {
        "threads.get_by_id": {"thread_id": thread},
        "items.list": {"thread_id": thread},
        "threads.add_user_message": {"thread_id": thread, "input": message},
        "threads.custom_action": {"thread_id": thread, "action": {"type": "task.complete", "payload": {"number": 1}}},
        "threads.update": {"thread_id": thread, "title": "taken"},
        "threads.delete": {"thread_id": thread},
        "threads.retry_after_item": {"thread_id": thread, "item_id": before.json()["data"][0]["id"]},
        "items.feedback": {"thread_id": thread, "item_ids": [before.json()["data"][0]["id"]], "kind": "positive"},
    }
    if kind in payloads:
        status, body = await ex.chatkit(party, {"type": kind, "params": payloads[kind]}, CROSS_FRONT.get(kind, "chatkit"))
        refused = status == 404 or (status == 200 and any(e.get("type") == "error" for e in sse_events(body)))
        assert refused, (kind, status, body[:500])
    elif kind == "api_chat_conversation":
        r = await ex.http.post(f"/api/{party.user}/chat", json={"message": "show my tasks", "conversation_id": thread}, headers=party.headers)
        ex.seen(party, r.status_code, r.text, "chat endpoint")
        assert r.status_code == 404, r.text
    elif kind == "api_messages":
        r = await ex.http.get(f"/api/{party.user}/conversations/{thread}/messages", headers=party.headers)
        ex.seen(party, r.status_code, r.text, "chat endpoint")
        assert r.status_code == 404, r.text
    elif kind in ("attachments.delete", "rest_attachment_upload"):
        status, body = await ex.chatkit(other, {"type": "attachments.create", "params": {
            "name": f"{other.marker}.txt", "size": 4, "mime_type": "text/plain"}})  # fmt: skip
        assert status == 200, body[:500]
        attachment = json.loads(body)
        if kind == "attachments.delete":
            status, body = await ex.chatkit(party, {"type": kind, "params": {"attachment_id": attachment["id"]}})
            assert status == 404 or any(e.get("type") == "error" for e in sse_events(body)), (status, body[:500])
        else:  # one's own bearer token on the other's upload URL
            path = httpx.URL(attachment["upload_descriptor"]["url"]).path
            r = await ex.http.put(path, content=b"mine", headers=party.headers)
            ex.seen(party, r.status_code, r.text, "rest")
            assert r.status_code == 404, r.text
        descriptor = attachment["upload_descriptor"]  # still the other's, still open for its upload
        r = await ex.http.put(httpx.URL(descriptor["url"]).path, content=b"ours", headers=descriptor["headers"])
        assert r.status_code == 200 and r.json()["id"] == attachment["id"], r.text
    elif kind == "mcp_user_argument":  # a tool call naming the other user: a strict-argument error
        server = build_server(Backend(service=lambda: ex.service, user=lambda: party.user, settings=ex.settings))
        async with Client(server) as mcp:
            for tool, args in (("list_tasks", {"user_id": other.user}), ("complete_task", {"task": 1, "user": other.user})):
                result = await mcp.call_tool(tool, args)
                ex.seen(party, 200, str(result.structured_content) + str(result.content), "mcp")
                assert result.is_error, result
    else:  # the other user's name in the path, with one's own token
        r = await ex.http.post(f"/api/{other.user}/chat", json={"message": "show my tasks"}, headers=party.headers)
        ex.seen(party, r.status_code, r.text, "chat endpoint")
        assert r.status_code == 403, r.text
    after = await ex.http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread, "limit": 100}}, headers=other.headers)
    assert after.status_code == 200 and after.json()["data"] == before.json()["data"], "the other user's thread changed"
    got = await ex.http.post("/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": thread}}, headers=other.headers)
    assert got.status_code == 200 and got.json()["title"] != "taken"


async def check_state(ex: Example) -> None:
    for party in ex.parties:
        stored = await ex.read(party)
        if stored != party.tasks:
            lost = {n: t for n, t in party.tasks.items() if stored.get(n) != t}
            tally.observed("lost_writes", len(lost) or 1)
            raise AssertionError(f"{party.user}: acknowledged {party.tasks}, stored {stored}")


def run_examples(http: httpx.AsyncClient, app: Any, s: Settings, max_examples: int) -> Callable[[Callable[[Awaitable[Any]], Any]], None]:
    def examples(run: Callable[[Awaitable[Any]], Any]) -> None:
        @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(ops=OPS)
        def interleaving(ops: list[tuple[int, tuple[Any, ...]]]) -> None:
            pair = next(_pairs)
            parties = [
                Party(f"u{pair}{side}", {"Authorization": f"Bearer {issue_token(f'u{pair}{side}', s)}"}, MARKERS[i])
                for i, side in enumerate("ab")
            ]
            ex = Example(http, s, app.state.service, parties)

            note(f"ops: {ops}")

            async def play() -> None:
                for who, op in ops:
                    party, other = parties[who], parties[1 - who]
                    if op[0] == "cross":
                        await cross(ex, party, other, op[1])
                    else:
                        await own(ex, party, op)
                    await check_state(ex)

            run(play())

        interleaving()

    return examples


async def test_two_users_on_every_front_never_see_each_other_or_lose_a_write(settings: Settings, database_url: str) -> None:
    s = settings.model_copy(update={"rate_limit": "off"})
    before = failures()
    async with in_process(s) as (app, _), answering(app) as http:
        await drive(run_examples(http, app, s, 60 if database_url.startswith("sqlite") else 12))
    assert failures() == before  # no 5xx, leak or lost write (each is asserted where it is seen)


async def test_every_cross_user_attempt_on_every_front_is_refused(settings: Settings, database_url: str) -> None:
    """Each kind of cross-user attempt (ChatKit, widget action, chat endpoint, REST, MCP) at least
    once, whatever the random interleavings drew: both users hold tasks and a thread, each tries
    every attempt at the other's, and afterwards both still hold exactly what they were told."""
    s = settings.model_copy(update={"rate_limit": "off"})
    before = failures()
    async with in_process(s) as (app, _), answering(app) as http:
        parties = [Party(f"sweep{side}", {"Authorization": f"Bearer {issue_token(f'sweep{side}', s)}"}, MARKERS[i])
                   for i, side in enumerate("ab")]  # fmt: skip
        ex = Example(http, s, app.state.service, parties, fuzzing=False)
        for party in parties:
            await own(ex, party, ("rest_add", "kiwi"))
            await own(ex, party, ("chat_add", "plum"))
        for party, other in (parties, parties[::-1]):
            for kind in CROSS:
                await cross(ex, party, other, kind)
                await check_state(ex)
    assert failures() == before
