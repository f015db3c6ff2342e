"""One turn at a time per thread, each answering its own message, and retries that do not repeat
(issue 11, item 8) — over HTTP to ``/chatkit`` (in-process ASGI), SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from chatkit.types import AssistantMessageItem
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.context import RequestContext

ALICE = RequestContext(user_id="alice")


def said(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(type, text) of each user/assistant message, in stored order."""
    out = []
    for item in items:
        if item["type"] in ("user_message", "assistant_message"):
            out.append((item["type"], "".join(part.get("text", "") for part in item["content"])))
    return out


def retry(thread_id: str, item_id: str) -> dict[str, Any]:
    return {"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": item_id}}


async def test_ten_concurrent_messages_to_one_thread_each_answer_their_own(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("hello")
        turns = await asyncio.gather(*(client.send(f"add task {i}", first.thread_id) for i in range(10)))

        for i, turn in enumerate(turns):
            assert turn.error is None, turn.events
            assert turn.text.endswith(f": {i}."), (i, turn.text)  # "Added task N: i."
        titles = sorted(t.title for t in await app.state.service.list(ALICE))
        assert titles == [str(i) for i in range(10)]
        # turns ran one after another: every message is followed by its own answer
        pairs = said(await client.items(first.thread_id))[2:]
        assert len(pairs) == 20
        for message, answer in zip(pairs[::2], pairs[1::2], strict=True):
            assert message[0] == "user_message" and answer[0] == "assistant_message"
            assert answer[1].endswith(": " + message[1].removeprefix("add task ") + ".")


async def test_a_yes_answers_the_question_pending_at_its_turn_while_others_race(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        setup = await client.send("add buy milk")
        for text in ("add pay rent", "add call mum"):
            await client.send(text, setup.thread_id)
        asked = await client.send("delete tasks 1 and 2", setup.thread_id)
        assert "?" in asked.text and not asked.error, asked.text
        racing = [f"add chore {i}" for i in range(5)]
        turns = await asyncio.gather(*(client.send(text, setup.thread_id) for text in ["yes", *racing]))
        yes = turns[0]

        left = {t.title for t in await app.state.service.list(ALICE)}
        chores = {f"Chore {i}" for i in range(5)}
        pairs = said(await client.items(setup.thread_id))
        at = pairs.index(("user_message", "yes"))
        if pairs[at - 1][1] == asked.text:  # "yes" ran right after the question: it confirms it
            assert left == {"Call mum", *chores}, (yes.text, left)
        else:  # another turn ran first: the question lapsed, so "yes" deletes nothing
            assert left == {"Buy milk", "Pay rent", "Call mum", *chores}, (yes.text, left)


async def test_cut_after_the_tool_committed_then_retry_adds_the_task_once(settings, monkeypatch) -> None:
    async with in_process(settings) as (app, http):
        store = app.state.store
        real_add = store.add_thread_item
        cuts = []

        async def cut_once(thread_id, item, context):  # the reply is lost on its way to the store
            if isinstance(item, AssistantMessageItem) and not cuts:
                cuts.append(item.id)
                raise ConnectionResetError("connection reset while storing the reply")
            return await real_add(thread_id, item, context)

        monkeypatch.setattr(store, "add_thread_item", cut_once)
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        turn = await client.send("add buy milk")
        assert cuts and turn.error, turn.events  # the stream ended with an error; the task was added
        items = await client.items(turn.thread_id)
        assert [i["type"] for i in items] == ["user_message", "widget"]
        assert [t.title for t in await app.state.service.list(ALICE)] == ["Buy milk"]

        again = await client.stream(retry(turn.thread_id, items[0]["id"]))
        assert again.error is None, again.events
        assert again.text == "I had already done this: added task 1 “Buy milk”. Nothing was repeated."
        assert "1. Buy milk" in again.shown
        assert [t.title for t in await app.state.service.list(ALICE)] == ["Buy milk"]
        after = await client.items(turn.thread_id)
        assert [i["type"] for i in after] == ["user_message", "widget", "assistant_message"]

        twice = await client.stream(retry(turn.thread_id, items[0]["id"]))  # a retry of the retry
        assert twice.text == again.text
        assert len(await app.state.service.list(ALICE)) == 1


async def test_effect_record_lost_after_the_commit_then_retry_still_adds_once(settings, monkeypatch) -> None:
    """The process dies between the tool's commit and the effect write (the write never lands)
    and the reply is lost: the retry reads the turn's changes from the journal instead."""
    async with in_process(settings) as (app, http):
        store = app.state.store
        real_add = store.add_thread_item

        async def lost(thread_id, item_id, effect, context):
            return None

        async def cut(thread_id, item, context):
            if isinstance(item, AssistantMessageItem):
                raise ConnectionResetError("connection reset while storing the reply")
            return await real_add(thread_id, item, context)

        monkeypatch.setattr(store, "record_turn_effect", lost)
        monkeypatch.setattr(store, "add_thread_item", cut)
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        turn = await client.send("add buy milk and call mom")
        assert turn.error, turn.events
        message = (await client.items(turn.thread_id))[0]
        assert await store.load_turn_effects(turn.thread_id, message["id"], ALICE) == []  # nothing recorded
        monkeypatch.setattr(store, "add_thread_item", real_add)

        again = await client.stream(retry(turn.thread_id, message["id"]))
        assert again.error is None, again.events
        assert again.text == "I had already done this: added 'Buy milk'; added 'Call mom'. Nothing was repeated."
        assert [t.title for t in await app.state.service.list(ALICE)] == ["Buy milk", "Call mom"]
        # the turn is recorded with the change and nowhere else: another message's retry is unaffected
        assert await app.state.service.turn_changes(ALICE, "msg_other") == []


async def test_retry_of_a_finished_turn_shows_every_change_without_repeating(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        done = await client.send("mark 1 as done", first.thread_id)
        assert done.error is None and (await app.state.service.get(ALICE, 1)).completed
        await client.send("reopen 1", first.thread_id)
        message = [i for i in await client.items(first.thread_id) if i["type"] == "user_message"][1]

        again = await client.stream(retry(first.thread_id, message["id"]))
        assert again.text == "I had already done this: completed task 1 “Buy milk”. Nothing was repeated."
        assert not (await app.state.service.get(ALICE, 1)).completed  # the later reopen stands
        assert len(await app.state.service.list(ALICE)) == 1
        # the retry removed the items after the message (chatkit's retry), then answered
        assert said(await client.items(first.thread_id))[-2:] == [("user_message", "mark 1 as done"), ("assistant_message", again.text)]


async def test_retry_of_a_turn_that_changed_nothing_runs_again(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        shown = await client.send("show all my tasks", first.thread_id)  # completed ones too
        message = [i for i in await client.items(first.thread_id) if i["type"] == "user_message"][1]
        await app.state.service.complete(ALICE, 1)

        again = await client.stream(retry(first.thread_id, message["id"]))
        assert again.error is None and "already" not in again.text
        assert "Buy milk" in again.shown and again.shown != shown.shown  # listed anew, now done
        assert len(await app.state.service.list(ALICE)) == 1


async def test_history_of_a_turn_ends_with_its_own_message(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        await client.send("add pay rent", first.thread_id)
        items = await client.items(first.thread_id)
        server = app.state.chatkit
        upto = await server.history(first.thread_id, ALICE, upto=items[0]["id"])
        assert [i.id for i in upto] == [items[0]["id"]]
        whole = await server.history(first.thread_id, ALICE)
        assert [i.id for i in whole] == [i["id"] for i in items]
        assert await server.history(first.thread_id, ALICE, upto="msg_unknown") == []


async def test_more_concurrent_turns_than_pool_connections_do_not_deadlock(settings) -> None:
    small = settings.model_copy(update={"db_pool_size": 2, "db_max_overflow": 0})
    async with in_process(small) as (app, http):
        client = ChatKitClient(http, issue_token("alice", small), "UTC")
        threads = [(await client.send(f"add first {n}")).thread_id for n in range(4)]
        async with asyncio.timeout(120):  # a deadlock would hang here, not fail later
            turns = await asyncio.gather(*(
                client.send(f"add item {n}{i}", thread) for n, thread in enumerate(threads) for i in range(3)
            ))
        assert all(t.error is None for t in turns), [t.error for t in turns]
        assert len(await app.state.service.list(ALICE)) == 4 + 12


async def test_a_turn_that_waits_too_long_is_refused_with_409_and_stores_nothing(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        before = await client.items(first.thread_id)
        app.state.chatkit.turns.wait_seconds = 0.2
        async with app.state.chatkit.turns.hold("alice", first.thread_id):  # a turn that does not end
            r = await http.post("/chatkit", json={"type": "threads.add_user_message", "params": {
                "thread_id": first.thread_id, "input": {"content": [{"type": "input_text", "text": "add pay rent"}],
                                                        "attachments": [], "inference_options": {}}}},
                headers=client.headers)
        assert r.status_code == 409, r.text
        assert r.json()["error"] == "turn_in_progress"
        assert await client.items(first.thread_id) == before
        assert [t.title for t in await app.state.service.list(ALICE)] == ["Buy milk"]


async def test_a_rename_or_delete_waits_for_the_turn_of_its_thread(settings) -> None:
    """threads.update / threads.delete write the thread too: they wait for a running turn (whose
    final save would undo the rename or bring the thread back); past the wait, 409 and no change."""
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        update = {"type": "threads.update", "params": {"thread_id": first.thread_id, "title": "Shopping"}}
        delete = {"type": "threads.delete", "params": {"thread_id": first.thread_id}}
        app.state.chatkit.turns.wait_seconds = 0.2
        async with app.state.chatkit.turns.hold("alice", first.thread_id):  # a turn that does not end
            for body in (update, delete):
                r = await http.post("/chatkit", json=body, headers=client.headers)
                assert r.status_code == 409 and r.json()["error"] == "turn_in_progress", r.text
        thread = await app.state.store.load_thread(first.thread_id, ALICE)
        assert thread.title == "Buy milk"
        r = await http.post("/chatkit", json=update, headers=client.headers)  # no turn running: at once
        assert r.status_code == 200, r.text
        assert (await app.state.store.load_thread(first.thread_id, ALICE)).title == "Shopping"
