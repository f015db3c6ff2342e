"""Chat actions never exceed what was said (issue 11, item 4), through the chat API with the
built-in model, on SQLite and PostgreSQL: a bulk phrase is scoped by its words ("all the grocery
tasks" = tasks tagged or titled grocery/groceries, "everything due friday"), the reply names
exactly the tasks it would change and asks, and a "yes" confirms exactly those."""

from __future__ import annotations

from typing import Any

import httpx
from tests.api.test_rest_tasks import NOW, Api, app_settings
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock

GROCERIES = [("Buy groceries", ["groceries"]), ("Grocery run", []), ("Pay rent", []), ("Call mom", []), ("Milk", ["groceries"])]


class Chat:
    """One conversation through ``POST /api/{user}/chat``."""

    def __init__(self, http: httpx.AsyncClient, auth: dict[str, str]) -> None:
        self.http, self.auth, self.conversation = http, auth, None

    async def say(self, message: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message}
        if self.conversation:
            body["conversation_id"] = self.conversation
        r = await self.http.post("/api/alice/chat", json=body, headers=self.auth)
        assert r.status_code == 200, r.text
        reply = r.json()
        self.conversation = reply["conversation_id"]
        return reply  # type: ignore[no-any-return]


async def tasks(api: Api) -> dict[str, dict[str, Any]]:
    r = await api.call("GET", "", params={"limit": 500})
    assert r.status_code == 200, r.text
    return {t["title"]: t for t in r.json()["tasks"]}


def names_exactly(reply: dict[str, Any], named: list[str], unnamed: list[str]) -> None:
    text = reply["response"]
    assert all(f'"{t}"' in text for t in named), text
    assert not any(t in text for t in unnamed), text


async def test_a_bulk_phrase_changes_only_what_its_words_name(settings: Settings) -> None:
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        api = Api(http, s)
        chat = Chat(http, {"Authorization": f"Bearer {issue_token('alice', s)}"})
        for title, tags in GROCERIES:
            await api.add(title=title, tags=tags)
        everything = await tasks(api)

        reply = await chat.say("delete all the grocery tasks")
        assert "would delete 3 tasks" in reply["response"], reply
        names_exactly(reply, ["Buy groceries", "Grocery run", "Milk"], ["Pay rent", "Call mom"])
        assert reply["tool_calls"][0]["arguments"] == {"query": "grocery"}
        assert await tasks(api) == everything  # asked, changed nothing
        reply = await chat.say("yes")
        assert reply["tool_calls"][0]["arguments"] == {"numbers": [1, 2, 5], "confirm": True}
        assert sorted(await tasks(api)) == ["Call mom", "Pay rent"]
        await chat.say("undo")
        assert await tasks(api) == everything

        reply = await chat.say("mark all the grocery tasks as done")
        assert "would complete 3 tasks" in reply["response"], reply
        names_exactly(reply, ["Buy groceries", "Grocery run", "Milk"], ["Pay rent", "Call mom"])
        await chat.say("no")
        assert not any(t["completed"] for t in (await tasks(api)).values())

        reply = await chat.say("delete every task tagged groceries")  # a tag names only tagged tasks
        names_exactly(reply, ["Buy groceries", "Milk"], ["Grocery run", "Pay rent", "Call mom"])
        await chat.say("no")

        # a sentence that once matched "clear all tasks" as a prefix and deleted the whole list
        reply = await chat.say("clear all tasks about groceries")
        names_exactly(reply, ["Buy groceries", "Grocery run", "Milk"], ["Pay rent", "Call mom"])
        await chat.say("no")

        reply = await chat.say("delete all the party tasks")
        assert reply["tool_calls"][0]["arguments"] == {"query": "party"}
        assert await tasks(api) == everything  # nothing matched, nothing changed

        reply = await chat.say("delete all tasks")  # "all" alone is the whole list, and still asks
        assert "would delete 5 tasks" in reply["response"]
        await chat.say("no")
        assert await tasks(api) == everything


async def test_move_everything_due_friday_to_monday_keeps_each_time(settings: Settings) -> None:
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        api = Api(http, s)
        chat = Chat(http, {"Authorization": f"Bearer {issue_token('alice', s)}"})
        await api.add(title="Write report", due="2026-11-20T15:00")  # NOW is Wed 18 Nov
        await api.add(title="Send report", due="2026-11-20")
        await api.add(title="Dentist", due="2026-11-19T09:30")
        await api.add(title="Buy milk")
        before = await tasks(api)

        reply = await chat.say("move everything due friday to monday")
        assert "2 tasks" in reply["response"] and "Mon 23 Nov" in reply["response"], reply
        names_exactly(reply, ["Write report", "Send report"], ["Dentist", "Buy milk"])
        assert await tasks(api) == before
        reply = await chat.say("yes")
        call = reply["tool_calls"][0]
        assert (call["tool"], call["arguments"]) == (
            "update_tasks", {"numbers": [1, 2], "confirm": True, "changes": {"due_day": "2026-11-23"}}
        )
        after = await tasks(api)
        assert (after["Write report"]["due"], after["Send report"]["due"]) == ("2026-11-23T15:00", "2026-11-23")
        assert after["Dentist"] == before["Dentist"] and after["Buy milk"] == before["Buy milk"]

        reply = await chat.say("push all the report tasks back a week")
        assert "a week later" in reply["response"], reply
        await chat.say("yes")
        after = await tasks(api)
        assert (after["Write report"]["due"], after["Send report"]["due"]) == ("2026-11-30T15:00", "2026-11-30")

        await chat.say("undo")
        await chat.say("undo")
        assert await tasks(api) == before  # each bulk move is one change


async def test_chat_undoes_each_kind_of_change_several_levels_deep(settings: Settings) -> None:
    """The closing note's transcript as a test: add → complete → rename → "move it to 3pm" → undo ×3."""
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        api = Api(http, s)
        chat = Chat(http, {"Authorization": f"Bearer {issue_token('alice', s)}"})
        await chat.say("add call the electrician tomorrow at 10am")
        await chat.say("mark it done")
        await chat.say("rename it to call the plumber")
        await chat.say("move it to 3pm")
        assert [(t["title"], t["completed"], t["due"]) for t in (await tasks(api)).values()] == [
            ("Call the plumber", True, "2026-11-19T15:00")
        ]
        replies = [(await chat.say("undo"))["response"] for _ in range(3)]
        assert replies == [
            "Undid: moved 'Call the plumber' from Thu 19 Nov at 10:00 to Thu 19 Nov at 15:00.",
            "Undid: renamed 'Call the electrician' to 'Call the plumber'.",
            "Undid: marked 'Call the electrician' done.",
        ]
        assert [(t["title"], t["completed"], t["due"]) for t in (await tasks(api)).values()] == [
            ("Call the electrician", False, "2026-11-19T10:00")
        ]
        assert (await chat.say("redo twice"))["response"].count("Redid:") == 2
        assert [(t["title"], t["completed"]) for t in (await tasks(api)).values()] == [("Call the plumber", True)]
        assert "nothing to undo" in (await chat.say("undo the last 10 changes"))["response"].lower()
        assert await tasks(api) == {}  # all four changes undone, then it says there is no more
