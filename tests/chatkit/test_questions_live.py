"""Structured questions over real HTTP (``todochat serve``, built-in model, SQLite and PostgreSQL):
"Which one?" and "Delete these 3 tasks?" arrive as ChatKit ``structured_input`` items, a
``threads.add_structured_input`` answer runs the chosen action once, the answer is stored (a reload
shows it), and bad answers are refused with nothing changed (issue 16, item 2)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)


def message(text: str) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


def events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


def done_items(body: str, kind: str) -> list[dict[str, Any]]:
    return [e["item"] for e in events(body) if e["type"] == "thread.item.done" and e["item"]["type"] == kind]


def answer(thread_id: str, item_id: str, value: str) -> dict[str, Any]:
    return {"type": "threads.add_structured_input", "params": {
        "thread_id": thread_id, "item_id": item_id,
        "input": {"status": "answered", "answers": {"answer": {"values": [value]}}}}}


class Chat:
    """One user's ChatKit endpoint and REST task list on a live server."""

    def __init__(self, http: httpx.AsyncClient, server: LiveServer, user: str = "alice") -> None:
        self.http, self.headers = http, server.headers(user)

    async def post(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.http.post("/chatkit", json=payload, headers=self.headers)

    async def add_task(self, title: str, **extra: Any) -> int:
        r = await self.http.post("/api/v1/tasks", json={"title": title, **extra}, headers=self.headers)
        assert r.status_code == 201, r.text
        return int(r.json()["number"])

    async def tasks(self) -> dict[int, dict[str, Any]]:
        r = await self.http.get("/api/v1/tasks", params={"status": "all"}, headers=self.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        return {t["number"]: t for t in (body["tasks"] if isinstance(body, dict) else body)}

    async def items(self, thread_id: str) -> list[dict[str, Any]]:
        r = await self.post({"type": "items.list", "params": {"thread_id": thread_id, "limit": 100, "order": "asc"}})
        assert r.status_code == 200, r.text
        return list(r.json()["data"])

    async def ask(self, text: str) -> tuple[str, dict[str, Any], str]:
        """A new thread with ``text``: (thread id, the question item asked, the assistant's text)."""
        r = await self.post({"type": "threads.create", "params": {"input": message(text)}})
        assert r.status_code == 200, r.text
        thread_id = next(e["thread"]["id"] for e in events(r.text) if e["type"] == "thread.created")
        questions = done_items(r.text, "structured_input")
        assert len(questions) == 1, r.text[-1500:]
        said = " ".join(p["text"] for m in done_items(r.text, "assistant_message") for p in m["content"])
        return thread_id, questions[0], said


async def test_which_one_is_answered_by_choice_once_and_reload_shows_it(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        first = await chat.add_task("Call the dentist")
        second = await chat.add_task("Pay the dentist bill")
        thread_id, question, said = await chat.ask("complete dentist")
        assert "Which one" in said  # the text reply stays (typed answers and eval cases use it)
        assert question["status"] == "pending"
        [choice] = question["inputs"]
        assert choice["type"] == "multiple_choice" and choice["question"] == "Which one do you mean?"
        values = [o["value"] for o in choice["options"]]
        assert values == [f"Task {first}: Call the dentist", f"Task {second}: Pay the dentist bill"]

        r = await chat.post(answer(thread_id, question["id"], values[1]))
        assert r.status_code == 200, r.text
        replaced = [e["item"] for e in events(r.text) if e["type"] == "thread.item.replaced"]
        assert replaced and replaced[0]["status"] == "answered", r.text[:800]
        assert [e for e in events(r.text) if e["type"] == "error"] == []
        reply = " ".join(p["text"] for m in done_items(r.text, "assistant_message") for p in m["content"])
        assert "Pay the dentist bill" in reply, reply
        tasks = await chat.tasks()
        assert tasks[second]["completed"] is True and tasks[first]["completed"] is False

        before = await chat.items(thread_id)
        again = await chat.post(answer(thread_id, question["id"], values[0]))
        assert again.status_code == 409 and again.json()["error"] == "conflict", again.text
        assert "already answered" in again.json()["message"]
        assert (await chat.tasks())[first]["completed"] is False  # nothing changed
        assert await chat.items(thread_id) == before

        stored = next(i for i in await chat.items(thread_id) if i["id"] == question["id"])
        assert stored["status"] == "answered"
        assert stored["inputs"][0]["answer"]["values"] == [values[1]]
        r = await chat.post({"type": "threads.get_by_id", "params": {"thread_id": thread_id}})
        shown = next(i for i in r.json()["items"]["data"] if i["id"] == question["id"])
        assert shown["status"] == "answered" and shown["inputs"][0]["answer"]["values"] == [values[1]]


async def test_confirmation_answered_no_deletes_nothing(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        for title in ("Milk", "Eggs", "Bread"):
            await chat.add_task(title, tags=["groceries"])
        await chat.add_task("Pay rent")
        thread_id, question, said = await chat.ask("delete every task tagged groceries")
        assert said.endswith("?"), said
        [choice] = question["inputs"]
        assert choice["question"] == "Delete these 3 tasks?"
        assert [o["value"] for o in choice["options"]] == ["Yes", "No"]
        r = await chat.post(answer(thread_id, question["id"], "No"))
        assert r.status_code == 200, r.text
        assert len(await chat.tasks()) == 4  # nothing deleted
        stored = next(i for i in await chat.items(thread_id) if i["id"] == question["id"])
        assert stored["status"] == "answered" and stored["inputs"][0]["answer"]["values"] == ["No"]
        # the question is closed: a later "yes" has nothing to confirm
        r = await chat.post({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message("yes")}})
        assert len(await chat.tasks()) == 4

        thread_id, question, _ = await chat.ask("delete every task tagged groceries")
        r = await chat.post(answer(thread_id, question["id"], "Yes"))
        assert r.status_code == 200, r.text
        assert [t["title"] for t in (await chat.tasks()).values()] == ["Pay rent"]


async def test_bad_answers_are_refused_and_change_nothing(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        first = await chat.add_task("Call the dentist")
        second = await chat.add_task("Pay the dentist bill")
        thread_id, question, _ = await chat.ask("complete dentist")
        values = [o["value"] for o in question["inputs"][0]["options"]]
        before = await chat.items(thread_id)

        not_offered = await chat.post(answer(thread_id, question["id"], "Task 99: Something else"))
        assert not_offered.status_code == 422 and not_offered.json()["field"] == "input", not_offered.text
        two = answer(thread_id, question["id"], values[0])
        two["params"]["input"]["answers"]["answer"]["values"] = values
        assert (await chat.post(two)).status_code == 422
        empty = answer(thread_id, question["id"], values[0])
        empty["params"]["input"]["answers"] = {}
        assert (await chat.post(empty)).status_code == 422
        user_item = next(i["id"] for i in before if i["type"] == "user_message")
        not_question = await chat.post(answer(thread_id, user_item, values[0]))
        assert not_question.status_code == 422 and not_question.json()["field"] == "item_id"
        bob = Chat(http, live_server, "bob")
        other_user = await bob.post(answer(thread_id, question["id"], values[0]))
        assert other_user.status_code == 404, other_user.text
        assert await chat.items(thread_id) == before
        assert not any(t["completed"] for t in (await chat.tasks()).values())

        # a typed answer still works, closes the question (stored with the typed text), and the
        # question can no longer be answered by choice
        r = await chat.post({"type": "threads.add_user_message", "params": {
            "thread_id": thread_id, "input": message("the first one")}})
        assert r.status_code == 200, r.text
        tasks = await chat.tasks()
        assert tasks[first]["completed"] is True and tasks[second]["completed"] is False
        stored = next(i for i in await chat.items(thread_id) if i["id"] == question["id"])
        assert stored["status"] == "answered" and stored["inputs"][0]["answer"]["values"] == ["the first one"]
        late = await chat.post(answer(thread_id, question["id"], values[1]))
        assert late.status_code == 409, late.text
        assert (await chat.tasks())[second]["completed"] is False


async def test_skipping_a_question_changes_nothing(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        await chat.add_task("Call the dentist")
        await chat.add_task("Pay the dentist bill")
        thread_id, question, _ = await chat.ask("complete dentist")
        r = await chat.post({"type": "threads.add_structured_input", "params": {
            "thread_id": thread_id, "item_id": question["id"], "input": {"status": "skipped", "answers": {}}}})
        assert r.status_code == 200, r.text
        reply = " ".join(p["text"] for m in done_items(r.text, "assistant_message") for p in m["content"])
        assert "won't change anything" in reply, reply
        assert not any(t["completed"] for t in (await chat.tasks()).values())
        stored = next(i for i in await chat.items(thread_id) if i["id"] == question["id"])
        assert stored["status"] == "skipped"


async def test_an_ambiguous_date_is_a_question_whose_choice_adds_that_day(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        thread_id, question, said = await chat.ask("add pay rent on 3/4")
        assert said == "Do you mean 4 March or 3 April? Please say the date with the month name."
        [choice] = question["inputs"]
        assert choice["question"] == "Do you mean 4 March or 3 April?"
        values = [o["value"] for o in choice["options"]]
        assert values == ["add pay rent on 4 March 2027", "add pay rent on 3 April 2027"]
        assert await chat.tasks() == {}  # asking changes nothing
        r = await chat.post(answer(thread_id, question["id"], values[1]))
        assert r.status_code == 200, r.text
        [task] = (await chat.tasks()).values()
        assert task["title"] == "Pay rent" and task["due"].startswith("2027-04-03")
        stored = next(i for i in await chat.items(thread_id) if i["id"] == question["id"])
        assert stored["status"] == "answered" and stored["inputs"][0]["answer"]["values"] == [values[1]]


async def test_two_answers_at_once_run_one(live_server: LiveServer) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        chat = Chat(http, live_server)
        await chat.add_task("Call the dentist")
        await chat.add_task("Pay the dentist bill")
        thread_id, question, _ = await chat.ask("complete dentist")
        values = [o["value"] for o in question["inputs"][0]["options"]]
        answers = await asyncio.gather(*(chat.post(answer(thread_id, question["id"], v)) for v in values))
        assert sorted(r.status_code for r in answers) == [200, 409], [r.text[:300] for r in answers]
        assert sum(t["completed"] for t in (await chat.tasks()).values()) == 1
