"""Default views (issue 15, items 4-5): open tasks soonest due first, completed ones on request
or by the widget toggle, at most 25 rows then "and N more", one widget per multi-add, notes on
one line — the widget, its copy text and the terminal table, and end to end over ChatKit with the
built-in model on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rich.console import Console
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.chat_cli import widget_table
from todochat.chatkit.widgets import (
    LIST_ROWS_MAX,
    VIEW_ACTION,
    copy_text,
    list_view_of,
    node_dump,
    row_numbers,
    task_list_widget,
    widget_text,
)
from todochat.client import ChatKitClient
from todochat.context import RequestContext
from todochat.tasks.schemas import TaskCreate, TaskFilter, TaskOut

TODAY = date(2026, 11, 23)


def task(number: int, **extra: Any) -> TaskOut:
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    return TaskOut(number=number, title=extra.pop("title", f"Task {number}"), created_at=stamp, updated_at=stamp, **extra)


def _buttons(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Button":
            found.append(node)
        for value in node.values():
            found += _buttons(value)
    elif isinstance(node, list):
        for value in node:
            found += _buttons(value)
    return found


def test_a_long_list_shows_25_rows_then_and_n_more() -> None:
    tasks = [task(n) for n in range(1, 41)]
    widget = task_list_widget("Your open tasks · 40", tasks, TODAY)
    assert row_numbers(widget) == list(range(1, LIST_ROWS_MAX + 1))
    text = widget_text(widget)
    assert "and 15 more" in text and "26. Task 26" not in text
    copied = copy_text("Your open tasks · 40", tasks, TODAY).splitlines()
    assert len(copied) == 1 + 25 + 1 and copied[-1] == "… and 15 more"
    short = task_list_widget("t", tasks[:25], TODAY)
    assert "more" not in widget_text(short) and len(node_dump(short)["children"]) == 25  # type: ignore[index]


def test_rows_keep_the_order_given_and_show_the_note_on_one_line() -> None:
    tasks = [task(3, title="Pay rent", description="  bank transfer\n\nreference 42  "), task(1, title="Buy milk")]
    widget = task_list_widget("t", tasks, TODAY)
    assert row_numbers(widget) == [3, 1]
    data = node_dump(widget)
    notes = [c for c in _walk(data) if c.get("type") == "Caption" and "bank" in str(c.get("value"))]
    assert notes == [{**notes[0], "value": "bank transfer reference 42", "truncate": True, "maxLines": 1}]
    assert copy_text("t", tasks, TODAY).splitlines()[1] == "[ ] 3. Pay rent — bank transfer reference 42"
    long = task(2, description="word " * 100)
    assert copy_text("t", [long], TODAY).splitlines()[1].endswith("…")
    console = Console(width=160, record=True)
    console.print(widget_table(data))  # type: ignore[arg-type]
    assert "bank transfer reference 42" in console.export_text()


def _walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out += _walk(value)
    elif isinstance(node, list):
        for value in node:
            out += _walk(value)
    return out


def test_the_toggle_names_the_list_to_switch_to() -> None:
    open_view = (TaskFilter(status="pending", tag="work"), "due")
    widget = task_list_widget("t", [task(1)], TODAY, view=open_view)
    [toggle] = [b for b in _buttons(node_dump(widget)) if b["onClickAction"]["type"] == VIEW_ACTION]
    assert toggle["label"] == "Show completed"
    assert toggle["onClickAction"]["payload"] == {"filter": {"status": "all", "tag": "work"}, "sort": "due"}
    assert list_view_of(widget) == (open_view, 0)
    everything = task_list_widget("t", [task(n) for n in range(1, 31)], TODAY, view=(TaskFilter(status="all"), "due"))
    [toggle] = [b for b in _buttons(node_dump(everything)) if b["onClickAction"]["type"] == VIEW_ACTION]
    assert toggle["label"] == "Hide completed" and toggle["onClickAction"]["payload"]["filter"] == {"status": "pending"}
    assert list_view_of(everything) == ((TaskFilter(status="all"), "due"), 5)
    done_only = task_list_widget("t", [task(1)], TODAY, view=(TaskFilter(status="completed"), "due"))
    assert not [b for b in _buttons(node_dump(done_only)) if b["onClickAction"]["type"] == VIEW_ACTION]
    assert list_view_of(task_list_widget("Added", [task(1)], TODAY)) == (None, 0)


async def _seed(app: Any, user: str) -> None:
    ctx = RequestContext(user_id=user)
    service = app.state.service
    for title, due in [("Buy milk", None), ("Call mom", "2026-11-30"), ("Pay rent", "2026-11-25"), ("Old chore", "2026-11-01"), ("Water plants", None)]:
        await service.add(ctx, TaskCreate(title=title, due=due))
    await service.complete(ctx, 4)


def _widgets(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["type"] == "widget"]


async def test_show_my_tasks_then_toggle_then_ordinals(settings) -> None:
    async with in_process(settings) as (app, http):
        await _seed(app, "alice")
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("show my tasks")
        assert turn.error is None, turn.events
        [item] = _widgets(await client.items(turn.thread_id))
        # open tasks, soonest due first, undated last by number; the completed one left out
        assert row_numbers(_model(item)) == [3, 2, 1, 5]
        assert "Old chore" not in turn.shown
        [toggle] = [b for b in _buttons(item["widget"]) if b["onClickAction"]["type"] == VIEW_ACTION]
        assert toggle["label"] == "Show completed"
        switched = await client.stream({"type": "threads.custom_action", "params": {
            "thread_id": turn.thread_id, "item_id": item["id"], "action": toggle["onClickAction"]}})
        assert switched.error is None and any(e["type"] == "thread.item.replaced" for e in switched.events)
        assert not [e for e in switched.events if e["type"] == "thread.item.done"]  # no model turn
        stored = next(i for i in await client.items(turn.thread_id) if i["id"] == item["id"])
        assert row_numbers(_model(stored)) == [4, 3, 2, 1, 5]  # the old chore (due 1 Nov) first
        assert "Hide completed" in str(stored["widget"]) and "Old chore" in stored["copy_text"]
        # "the first one" counts what is shown now
        reopened = await client.send("reopen the first one", turn.thread_id)
        assert "Old chore" in reopened.text, reopened.text
        assert not (await app.state.service.get(RequestContext(user_id="alice"), 4)).completed
        # a row button keeps the toggle and the rows
        done = await client.stream({"type": "threads.custom_action", "params": {
            "thread_id": turn.thread_id, "item_id": item["id"], "action": {"type": "task.complete", "payload": {"number": 3}}}})
        assert done.error is None
        stored = next(i for i in await client.items(turn.thread_id) if i["id"] == item["id"])
        assert row_numbers(_model(stored)) == [4, 3, 2, 1, 5] and "Hide completed" in str(stored["widget"])
        # a forged view is refused before anything streams; another user's thread is not found
        bad = {"type": "threads.custom_action", "params": {"thread_id": turn.thread_id, "item_id": item["id"],
               "action": {"type": VIEW_ACTION, "payload": {"filter": {"status": "everything"}, "sort": "due"}}}}
        r = await http.post("/chatkit", json=bad, headers=client.headers)
        assert r.status_code == 422 and "action" in r.text
        bob = ChatKitClient(http, issue_token("bob", settings))
        r = await http.post("/chatkit", json={"type": "threads.custom_action", "params": {
            "thread_id": turn.thread_id, "item_id": item["id"], "action": toggle["onClickAction"]}}, headers=bob.headers)
        assert r.status_code == 404


async def test_done_and_all_tasks_when_asked_and_one_widget_per_multi_add(settings) -> None:
    async with in_process(settings) as (app, http):
        await _seed(app, "alice")
        client = ChatKitClient(http, issue_token("alice", settings))
        done = await client.send("show done tasks")
        assert "Old chore" in done.shown and "Buy milk" not in done.shown
        every = await client.send("all my tasks", done.thread_id)
        assert "Old chore" in every.shown and "Buy milk" in every.shown
        added = await client.send("add milk, eggs and bread")
        widgets = _widgets(await client.items(added.thread_id))
        assert len(widgets) == 1, widgets
        assert row_numbers(_model(widgets[0])) == [6, 7, 8]
        assert [t.title for t in await app.state.service.list(RequestContext(user_id="alice"), TaskFilter(numbers=[6, 7, 8]))] == ["Milk", "Eggs", "Bread"]


def _model(item: dict[str, Any]) -> Any:
    from chatkit.types import WidgetItem

    return WidgetItem.model_validate(item).widget


async def test_notes_are_added_kept_read_and_shown(settings) -> None:
    async with in_process(settings) as (app, http):
        ctx = RequestContext(user_id="alice")
        await app.state.service.add(ctx, TaskCreate(title="Dentist", description="ask about the filling"))
        client = ChatKitClient(http, issue_token("alice", settings))
        turn = await client.send("add a note to the dentist task: bring the x-rays")
        assert turn.text == "Added a note to 'Dentist': bring the x-rays.", turn.text
        assert (await app.state.service.get(ctx, 1)).description == "ask about the filling\nbring the x-rays"
        assert "ask about the filling bring the x-rays" in turn.shown  # the widget's one-line note
        read = await client.send("what's the note on the dentist?", turn.thread_id)
        assert read.text == "The note on 'Dentist' (task 1): ask about the filling bring the x-rays", read.text
        added = await client.send("add call the bank. notes: ask about the mortgage rate", turn.thread_id)
        assert added.text == "Added task 2: Call the bank. Note: ask about the mortgage rate.", added.text
        empty = await client.send("add a note to the bank task: " + "x" * 1000, turn.thread_id)
        assert "1000" in empty.text and (await app.state.service.get(ctx, 2)).description == "ask about the mortgage rate"
