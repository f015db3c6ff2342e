"""``threads.sync_custom_action`` and live task widgets over HTTP (the ChatKit endpoint, the
built-in model), on SQLite and PostgreSQL (issue 16 item 3)."""

from __future__ import annotations

from typing import Any

import httpx
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.context import RequestContext


def strings(node: Any) -> list[str]:
    """Every ``value``/``label`` string in a widget tree (texts, captions, badges, buttons)."""
    if isinstance(node, dict):
        own = [node[k] for k in ("value", "label") if isinstance(node.get(k), str)]
        return own + [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def row(widget: dict[str, Any], number: int) -> str | None:
    """Every string on the widget's row of task ``number``, joined by " | "; None without one."""
    for child in widget.get("children", []):
        if child.get("key") == f"task-{number}":
            return " | ".join(strings(child))
    return None


def actions(node: Any) -> list[dict[str, Any]]:
    """Every ``onClickAction`` in a widget tree."""
    if isinstance(node, dict):
        own = [node["onClickAction"]] if isinstance(node.get("onClickAction"), dict) else []
        return own + [a for v in node.values() for a in actions(v)]
    if isinstance(node, list):
        return [a for v in node for a in actions(v)]
    return []


def rows_of(items: list[dict[str, Any]], number: int) -> list[str]:
    """The row of task ``number`` in every widget of ``items`` that has one."""
    return [r for i in items if i["type"] == "widget" and (r := row(i["widget"], number)) is not None]


def sync(thread_id: str, item_id: str | None, kind: str, payload: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"thread_id": thread_id, "action": {"type": kind, "payload": payload}}
    if item_id is not None:
        params["item_id"] = item_id
    return {"type": "threads.sync_custom_action", "params": params}


async def test_sync_row_actions_change_tasks_and_widgets_stay_live(settings) -> None:  # type: ignore[no-untyped-def]
    async with in_process(settings) as (app, http):
        alice = ChatKitClient(http, issue_token("alice", settings))
        first = await alice.send("add buy milk")
        thread = first.thread_id
        await alice.send("add call mom", thread)
        await alice.send("show my tasks", thread)
        items = await alice.items(thread)
        widgets = [i for i in items if i["type"] == "widget"]
        added, listed = widgets[0], widgets[-1]
        assert row(added["widget"], 1) and row(listed["widget"], 1) and row(listed["widget"], 2)
        # ChatKit clients send a button with streaming: false as threads.sync_custom_action
        buttons = actions(listed["widget"])
        assert {a["type"] for a in buttons} >= {"task.complete", "task.delete", "tasks.view"}
        assert all(a["streaming"] is False for a in buttons), buttons
        service = app.state.service
        ctx = RequestContext(user_id="alice")

        # Done on the "Added" widget: the task changes, the answer is that widget, updated, as JSON
        answer = await http.post("/chatkit", json=sync(thread, added["id"], "task.complete", {"number": 1}), headers=alice.headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        updated = answer.json()["updated_item"]
        assert updated["id"] == added["id"] and "Reopen" in (row(updated["widget"], 1) or "")
        assert (await service.get(ctx, 1)).completed
        # every widget of the thread shows the row as it is now, the same everywhere
        items = await alice.items(thread)
        assert len(set(rows_of(items, 1))) == 1 and "Reopen" in rows_of(items, 1)[0], rows_of(items, 1)
        full = await alice.request({"type": "threads.get_by_id", "params": {"thread_id": thread}})
        assert rows_of(full["items"]["data"], 1) == rows_of(items, 1)
        # the change is in the journal: undo (REST) restores it, and the widgets follow
        undone = await http.post("/api/v1/tasks/undo", headers=alice.headers)
        assert undone.json()["message"] == "Undid: marked 'Buy milk' done", undone.text
        assert not (await service.get(ctx, 1)).completed
        assert all("Done" in r and "Reopen" not in r for r in rows_of(await alice.items(thread), 1))

        # reopen, via the list widget
        await alice.request(sync(thread, listed["id"], "task.complete", {"number": 2}))
        reopened = await alice.request(sync(thread, listed["id"], "task.reopen", {"number": 2}))
        assert "Done" in (row(reopened["updated_item"]["widget"], 2) or "")
        assert not (await service.get(ctx, 2)).completed

        # Delete: the row says "Deleted" with Undo; Undo brings the task back
        deleted = await alice.request(sync(thread, listed["id"], "task.delete", {"number": 1}))
        assert "Deleted" in (row(deleted["updated_item"]["widget"], 1) or "")
        assert "Undo" in (row(deleted["updated_item"]["widget"], 1) or "")
        assert [t.number for t in await service.list(ctx)] == [2]
        assert all("Deleted" in r for r in rows_of(await alice.items(thread), 1))
        restored = await alice.request(sync(thread, listed["id"], "task.undo_delete", {"number": 1}))
        assert "Deleted" not in (row(restored["updated_item"]["widget"], 1) or "")
        assert [t.number for t in await service.list(ctx)] == [1, 2]
        # stored: a plain read of the item (no refresh needed) has the replaced widget
        stored = await app.state.chatkit.store.load_item(thread, listed["id"], ctx)
        assert "Done" in str(stored.widget) and "Deleted" not in str(stored.widget)

        # Undo of a deletion that is not the latest change: refused, nothing changed
        await alice.request(sync(thread, listed["id"], "task.delete", {"number": 1}))
        await alice.request(sync(thread, listed["id"], "task.complete", {"number": 2}))
        late = await http.post("/chatkit", json=sync(thread, listed["id"], "task.undo_delete", {"number": 1}), headers=alice.headers)
        assert late.status_code == 409 and late.json()["error"] == "nothing_to_undo", late.text
        assert [t.number for t in await service.list(ctx)] == [2] and (await service.get(ctx, 2)).completed

        # threads.custom_action (the streamed form) still works, with the same live rows
        streamed = await alice.stream({"type": "threads.custom_action", "params": {
            "thread_id": thread, "item_id": listed["id"], "action": {"type": "task.reopen", "payload": {"number": 2}}}})
        assert streamed.error is None, streamed.events
        replaced = next(e["item"] for e in streamed.events if e["type"] == "thread.item.replaced")
        assert "Deleted" in (row(replaced["widget"], 1) or "") and "Done" in (row(replaced["widget"], 2) or "")


async def test_rest_changes_show_in_the_thread_when_loaded(settings) -> None:  # type: ignore[no-untyped-def]
    async with in_process(settings) as (_app, http):
        alice = ChatKitClient(http, issue_token("alice", settings))
        turn = await alice.send("add buy milk")
        await alice.send("add call mom", turn.thread_id)
        patched = await http.patch("/api/v1/tasks/1", json={"title": "Buy oat milk"}, headers=alice.headers)
        assert patched.status_code == 200, patched.text
        assert (await http.post("/api/v1/tasks/1/complete", headers=alice.headers)).status_code == 200
        assert (await http.delete("/api/v1/tasks/2", headers=alice.headers)).status_code in (200, 204)
        full = await alice.request({"type": "threads.get_by_id", "params": {"thread_id": turn.thread_id}})
        first = rows_of(full["items"]["data"], 1)
        assert first and all("1. Buy oat milk" in r and "Reopen" in r for r in first), first
        second = rows_of(full["items"]["data"], 2)
        assert second and all("2. Call mom" in r and "Deleted" in r for r in second), second
        listed = await alice.items(turn.thread_id)
        assert rows_of(listed, 1) == first and rows_of(listed, 2) == second
        # the model reads the live rows too (copy_text)
        widget = next(i for i in listed if i["type"] == "widget" and row(i["widget"], 2))
        assert "[deleted] 2. Call mom" in widget["copy_text"]
        messages = await http.get(f"/api/alice/conversations/{turn.thread_id}/messages", headers=alice.headers)
        widgets = [m["content"] for m in messages.json() if m["role"] == "widget"]
        assert widgets and "[x] 1. Buy oat milk" in widgets[0], widgets
        assert any("[deleted] 2. Call mom" in w for w in widgets), widgets


async def test_bad_sync_actions_are_refused_and_change_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    async with in_process(settings) as (app, http):
        alice = ChatKitClient(http, issue_token("alice", settings))
        bob = ChatKitClient(http, issue_token("bob", settings))
        turn = await alice.send("add buy milk")
        thread = turn.thread_id
        bobs = await bob.send("add walk the dog")
        items = await alice.items(thread)
        widget = next(i["id"] for i in items if i["type"] == "widget")
        message = next(i["id"] for i in items if i["type"] == "user_message")
        bobs_widget = next(i["id"] for i in await bob.items(bobs.thread_id) if i["type"] == "widget")

        async def post(client: ChatKitClient, payload: dict[str, Any]) -> httpx.Response:
            return await http.post("/chatkit", json=payload, headers=client.headers)

        cases: list[tuple[ChatKitClient, dict[str, Any], int, str]] = [
            (bob, sync(thread, widget, "task.complete", {"number": 1}), 404, "not_found"),  # another user's thread
            (alice, sync(bobs.thread_id, bobs_widget, "task.complete", {"number": 1}), 404, "not_found"),
            (alice, sync(thread, bobs_widget, "task.complete", {"number": 1}), 404, "not_found"),  # another user's item
            (alice, sync(thread, "msg_missing", "task.complete", {"number": 1}), 404, "not_found"),
            (alice, sync("thr_missing", widget, "task.complete", {"number": 1}), 404, "not_found"),
            (alice, sync(thread, None, "task.complete", {"number": 1}), 422, "validation"),
            (alice, sync(thread, message, "task.complete", {"number": 1}), 422, "validation"),
            (alice, sync(thread, widget, "task.complete", {"number": "1"}), 422, "validation"),
            (alice, sync(thread, widget, "task.complete", None), 422, "validation"),
            (alice, sync(thread, widget, "task.complete", {"number": 2**40}), 422, "validation"),
            (alice, sync(thread, widget, "task.complete", {"number": 7}), 422, "validation"),  # not a row of it
            (alice, sync(thread, widget, "task.explode", {"number": 1}), 422, "validation"),
            (alice, sync(thread, widget, "tasks.view", {"filter": {"status": "nope"}, "sort": "due"}), 422, "validation"),
            (alice, sync(thread, widget, "import.confirm", {}), 400, "unsupported"),
        ]
        for client, payload, status, error in cases:
            answer = await post(client, payload)
            assert answer.status_code == status, (payload, answer.status_code, answer.text[:300])
            assert answer.json()["error"] == error, (payload, answer.text[:300])
        assert await alice.items(thread) == items
        assert not (await app.state.service.get(RequestContext(user_id="alice"), 1)).completed
        assert not (await app.state.service.get(RequestContext(user_id="bob"), 1)).completed
        # a task deleted meanwhile: a clear 404, the widget unchanged
        await http.delete("/api/v1/tasks/1", headers=alice.headers)
        gone = await post(alice, sync(thread, widget, "task.complete", {"number": 1}))
        assert gone.status_code == 404 and "1" in gone.json()["message"], gone.text
