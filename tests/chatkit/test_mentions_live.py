"""@-mention tags over real HTTP (``todochat serve``, SQLite and PostgreSQL): a tag is an exact
reference (never fuzzy-matched), a tag naming another user's or a deleted task is refused with
nothing stored or changed, and replies carry entity annotations for the tasks they mention."""

from __future__ import annotations

import json
from typing import Any

import httpx
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

TITLES = ["Buy milk", "Pay rent", "Water plants", "Call mom", "Old errand", "Dentist appointment", "Dentist appointment Sam"]


def tag(number: int, title: str) -> dict[str, Any]:
    return {"type": "input_tag", "id": f"task-{number}", "text": title, "data": {"number": number}, "interactive": True}


def message(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"content": list(parts), "attachments": [], "inference_options": {}}


def text(value: str) -> dict[str, Any]:
    return {"type": "input_text", "text": value}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def reply(evs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [e["item"] for e in evs if e["type"] == "thread.item.done" and e["item"]["type"] == "assistant_message"]
    assert done, evs
    return done[-1]


def entity_numbers(item: dict[str, Any]) -> list[int]:
    return [a["source"]["data"]["number"] for part in item["content"] for a in part["annotations"]
            if a["source"]["type"] == "entity"]


async def test_tags_are_exact_references_and_replies_annotate_tasks(live_server: LiveServer) -> None:  # noqa: F811
    alice = httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers("alice"), timeout=60)
    bob = httpx.AsyncClient(base_url=live_server.base_url, headers=live_server.headers("bob"), timeout=60)
    async with alice, bob:
        for title in TITLES:
            assert (await alice.post("/api/v1/tasks", json={"title": title})).status_code == 201
        for title in ("Walk dog", "Water plants"):
            assert (await bob.post("/api/v1/tasks", json={"title": title})).status_code == 201
        assert (await alice.delete("/api/v1/tasks/5")).status_code in (200, 204)

        async def tasks(http: httpx.AsyncClient) -> dict[int, bool]:
            page = (await http.get("/api/v1/tasks", params={"limit": 100})).json()["tasks"]
            return {t["number"]: t["completed"] for t in page}

        # the composer's @-menu: title words by prefix, the user's own live tasks only
        found = (await alice.get("/api/v1/mentions", params={"q": "dent"})).json()["tasks"]
        assert [t["number"] for t in found] == [7, 6]
        found = (await alice.get("/api/v1/mentions", params={"q": "dent sa"})).json()["tasks"]
        assert [(t["number"], t["title"]) for t in found] == [(7, "Dentist appointment Sam")]
        assert (await alice.get("/api/v1/mentions", params={"q": "old"})).json()["tasks"] == []  # deleted
        assert (await bob.get("/api/v1/mentions", params={"q": "dent"})).json()["tasks"] == []
        assert (await alice.get("/api/v1/mentions", params={"limit": 0})).status_code == 422

        # the same words as text are ambiguous: nothing changes (so the tag below is what decides)
        plain = await alice.post("/chatkit", json={"type": "threads.create", "params": {
            "input": message(text("complete the dentist one"))}})
        assert plain.status_code == 200
        assert await tasks(alice) == dict.fromkeys([1, 2, 3, 4, 6, 7], False)
        thread_id = next(e["thread"]["id"] for e in events(plain.text) if e["type"] == "thread.created")

        # "complete @" + a tag for task 7: exactly task 7
        answer = await alice.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            "thread_id": thread_id, "input": message(text("complete "), tag(7, "Dentist appointment Sam"))}})
        assert answer.status_code == 200, answer.text
        evs = events(answer.text)
        assert not [e for e in evs if e["type"] == "error"], evs
        assert await tasks(alice) == {1: False, 2: False, 3: False, 4: False, 6: False, 7: True}
        said = reply(evs)
        assert "task 7" in said["content"][0]["text"]
        assert entity_numbers(said) == [7]
        source = said["content"][0]["annotations"][0]["source"]
        assert source["interactive"] is True and source["title"] == "Dentist appointment Sam"
        assert source["description"] == "Task 7 · done" and source["data"] == {"number": 7}
        index = said["content"][0]["annotations"][0]["index"]
        assert said["content"][0]["text"][:index].endswith("task 7")
        # the user message keeps its tag; the stored reply keeps its annotation
        items = (await alice.post("/chatkit", json={"type": "items.list", "params": {
            "thread_id": thread_id, "limit": 100, "order": "asc"}})).json()["data"]
        user = [i for i in items if i["type"] == "user_message"][-1]
        assert user["content"][-1]["type"] == "input_tag" and user["content"][-1]["data"] == {"number": 7}
        assert entity_numbers([i for i in items if i["type"] == "assistant_message"][-1]) == [7]

        # a tag matches its title whatever the case
        listed = await alice.post("/chatkit", json={"type": "threads.add_user_message", "params": {
            "thread_id": thread_id, "input": message(text("reopen "), tag(7, "dentist appointment sam"))}})
        reopened = reply(events(listed.text))
        assert entity_numbers(reopened) == [7]
        assert reopened["content"][0]["annotations"][0]["source"]["description"] == "Task 7 · open"
        assert (await tasks(alice))[7] is False

        # a reply naming several tasks annotates each; a deleted task is never annotated
        async def say(words: str) -> dict[str, Any]:
            answer = await alice.post("/chatkit", json={"type": "threads.add_user_message", "params": {
                "thread_id": thread_id, "input": message(text(words))}})
            return reply(events(answer.text))

        asked = await say("complete tasks 1 and 2")
        assert entity_numbers(asked) == [1, 2], asked
        assert (await say("no")) and await tasks(alice) == dict.fromkeys([1, 2, 3, 4, 6, 7], False)
        gone = await say("complete task 5")
        assert "task 5" in gone["content"][0]["text"].lower() and entity_numbers(gone) == [], gone

        async def thread_items() -> list[dict[str, Any]]:
            return (await alice.post("/chatkit", json={"type": "items.list", "params": {
                "thread_id": thread_id, "limit": 100, "order": "asc"}})).json()["data"]

        before = await thread_items()
        refused = [
            (bob, tag(7, "Dentist appointment Sam")),  # alice's task: bob has no task 7
            (bob, tag(2, "Dentist appointment Sam")),  # bob's task 2 is another task
            (alice, tag(5, "Old errand")),  # deleted
            (alice, {**tag(7, "x"), "data": {}}),  # no number
            (alice, {**tag(7, "x"), "data": {"number": True}}),
        ]
        for http, part in refused:
            params: dict[str, Any] = {"input": message(text("done with "), part)}
            kind = "threads.create"
            if http is alice:
                kind, params = "threads.add_user_message", {**params, "thread_id": thread_id}
            answer = await http.post("/chatkit", json={"type": kind, "params": params})
            assert answer.status_code == 422, (part, answer.text)
            assert answer.json()["field"] == "input", answer.text
        assert await tasks(alice) == dict.fromkeys([1, 2, 3, 4, 6, 7], False)
        assert await tasks(bob) == {1: False, 2: False}
        assert await thread_items() == before  # nothing refused was stored
        assert (await bob.post("/chatkit", json={"type": "threads.list", "params": {"limit": 10}})).json()["data"] == []
