"""SQLStore.load_history: the agent's history window, with widget items read as copy_text only."""

from __future__ import annotations

from datetime import timedelta

from chatkit.types import WidgetItem
from chatkit.widgets import ListView, ListViewItem, Text
from tests.conversations.conftest import T0

from todochat.conversations.codec import WidgetSummary
from todochat.conversations.store import SQLStore


def widget(thread_id: str, item_id: str, seconds: float) -> WidgetItem:
    rows = [ListViewItem(key=f"task-{n}", children=[Text(value=f"{n}. task {n}")]) for n in (1, 2)]
    return WidgetItem(
        id=item_id, thread_id=thread_id, created_at=T0 + timedelta(seconds=seconds),
        widget=ListView(status={"text": "Tasks"}, children=rows), copy_text="Tasks\n[ ] 1. task 1\n[ ] 2. task 2",
    )


async def test_history_is_the_latest_page_oldest_first_with_widgets_summarised(
    store: SQLStore, alice, make_thread, make_message
):
    await store.save_thread(make_thread("t1"), alice)
    items = [
        make_message("t1", "m1", "show my tasks", 0),
        widget("t1", "w1", 1),
        make_message("t1", "m2", "Here they are.", 1, role="assistant"),  # same instant: insertion order
        make_message("t1", "m3", "thanks", 2),
    ]
    for item in items:
        await store.add_thread_item("t1", item, alice)

    history = await store.load_history("t1", 3, alice)
    page = await store.load_thread_items("t1", None, 3, "desc", alice)
    assert [i.id for i in history] == [i.id for i in reversed(page.data)] == ["w1", "m2", "m3"]
    summary, full = history[0], page.data[-1]
    assert isinstance(summary, WidgetSummary) and isinstance(summary, WidgetItem)
    assert summary.widget is None and isinstance(full.widget, ListView)
    assert (summary.copy_text, summary.created_at, summary.thread_id) == (full.copy_text, full.created_at, "t1")
    assert history[1:] == list(reversed(page.data[:-1]))  # other items decoded exactly as the Store does


async def test_history_of_another_users_or_unknown_thread_is_empty(store: SQLStore, alice, bob, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", "hello"), alice)
    assert [i.id for i in await store.load_history("t1", 20, alice)] == ["m1"]
    assert await store.load_history("t1", 20, bob) == []
    assert await store.load_history("nope", 20, alice) == []
