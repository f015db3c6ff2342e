"""SQLStore behaviour beyond chatkit's suite: upserts, pagination, ordering, deletes, ids, feedback."""

from __future__ import annotations

import asyncio

import pytest
from chatkit.store import NotFoundError
from chatkit.types import FileAttachment, Page, Thread

from todochat.conversations.store import SQLStore


async def ids(store, thread_id, ctx, order="asc", limit=100):
    page = await store.load_thread_items(thread_id, None, limit, order, ctx)
    return [item.id for item in page.data]


async def walk(load, limit):
    """Follow ``after`` cursors to the end; return the pages' ids."""
    pages, after = [], None
    while True:
        page = await load(after, limit)
        pages.append([x.id for x in page.data])
        assert page.after == (page.data[-1].id if page.has_more else None)
        if not page.has_more:
            return pages
        after = page.after


# ------------------------------------------------------------------ upserts
async def test_save_thread_is_an_upsert(store: SQLStore, alice, make_thread):
    thread = make_thread("t1", title="first")
    await store.save_thread(thread, alice)
    thread.title, thread.metadata = "second", {"k": "v"}
    await store.save_thread(thread, alice)
    loaded = await store.load_thread("t1", alice)
    assert (loaded.title, loaded.metadata) == ("second", {"k": "v"})
    assert [t.id for t in (await store.load_threads(10, None, "asc", alice)).data] == ["t1"]


async def test_save_thread_given_a_thread_keeps_only_metadata(store: SQLStore, alice, make_message):
    full = Thread(id="t1", title="x", created_at=make_message("t1", "m", "hi").created_at, items=Page(
        data=[make_message("t1", "m1", "hi")]))
    await store.save_thread(full, alice)
    loaded = await store.load_thread("t1", alice)
    assert type(loaded).__name__ == "ThreadMetadata" and loaded.title == "x"
    assert await ids(store, "t1", alice) == []


async def test_add_and_save_item_are_upserts_that_keep_position(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    for item_id in ("a", "b", "c"):  # one instant: insertion order decides
        await store.add_thread_item("t1", make_message("t1", item_id, item_id), alice)
    await store.add_thread_item("t1", make_message("t1", "b", "b again"), alice)
    await store.save_item("t1", make_message("t1", "c", "c again", role="assistant"), alice)
    await store.save_item("t1", make_message("t1", "d", "new via save_item"), alice)
    page = await store.load_thread_items("t1", None, 10, "asc", alice)
    assert [i.id for i in page.data] == ["a", "b", "c", "d"]
    assert page.data[1].content[0].text == "b again"
    assert page.data[2].type == "assistant_message"
    assert await store.load_item("t1", "c", alice) == make_message("t1", "c", "c again", role="assistant")


async def test_save_attachment_is_an_upsert(store: SQLStore, alice):
    await store.save_attachment(FileAttachment(id="f1", name="a.txt", mime_type="text/plain"), alice)
    await store.save_attachment(FileAttachment(id="f1", name="b.txt", mime_type="text/plain", thread_id="t1"), alice)
    loaded = await store.load_attachment("f1", alice)
    assert (loaded.name, loaded.thread_id) == ("b.txt", "t1")


# ------------------------------------------------------------------ pagination and ordering
async def test_item_pages_walk_both_ways(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    for n in range(7):
        await store.add_thread_item("t1", make_message("t1", f"m{n}", str(n), seconds=n), alice)

    def load(order):
        return lambda after, limit: store.load_thread_items("t1", after, limit, order, alice)

    assert await walk(load("asc"), 3) == [["m0", "m1", "m2"], ["m3", "m4", "m5"], ["m6"]]
    assert await walk(load("desc"), 3) == [["m6", "m5", "m4"], ["m3", "m2", "m1"], ["m0"]]
    assert await walk(load("asc"), 7) == [[f"m{n}" for n in range(7)]]
    page = await store.load_thread_items("t1", "m4", 10, "desc", alice)
    assert [i.id for i in page.data] == ["m3", "m2", "m1", "m0"]


async def test_pages_through_ties_lose_and_repeat_nothing(store: SQLStore, alice, make_thread, make_message):
    for n in (3, 1, 4, 0, 2):  # threads created in one instant: ordered by id
        await store.save_thread(make_thread(f"t{n}"), alice)
    for n in range(5):  # items created in one instant: ordered by insertion
        await store.add_thread_item("t0", make_message("t0", f"z{4 - n}", "x"), alice)
    threads = await walk(lambda a, n: store.load_threads(n, a, "asc", alice), 2)
    assert threads == [["t0", "t1"], ["t2", "t3"], ["t4"]]
    threads_desc = await walk(lambda a, n: store.load_threads(n, a, "desc", alice), 2)
    assert threads_desc == [["t4", "t3"], ["t2", "t1"], ["t0"]]
    items = await walk(lambda a, n: store.load_thread_items("t0", a, n, "asc", alice), 2)
    assert items == [["z4", "z3"], ["z2", "z1"], ["z0"]]
    items_desc = await walk(lambda a, n: store.load_thread_items("t0", a, n, "desc", alice), 2)
    assert items_desc == [["z0", "z1"], ["z2", "z3"], ["z4"]]


async def test_items_are_in_creation_order_not_insertion_order(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    await store.add_thread_item("t1", make_message("t1", "late", "x", seconds=5), alice)
    await store.add_thread_item("t1", make_message("t1", "early", "x", seconds=1), alice)
    assert await ids(store, "t1", alice) == ["early", "late"]
    assert await ids(store, "t1", alice, order="desc") == ["late", "early"]


async def test_threads_are_listed_by_creation_time(store: SQLStore, alice, make_thread):
    for thread_id, seconds in (("b", 2), ("a", 3), ("c", 1)):
        await store.save_thread(make_thread(thread_id, seconds=seconds), alice)
    page = await store.load_threads(2, None, "desc", alice)
    assert ([t.id for t in page.data], page.has_more, page.after) == (["a", "b"], True, "b")


async def test_limit_is_clamped_and_bad_arguments_refused(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    for n in range(3):
        await store.add_thread_item("t1", make_message("t1", f"m{n}", "x", seconds=n), alice)
    for limit in (0, -5):  # never "no limit" (SQLite reads LIMIT -1 as unlimited)
        page = await store.load_thread_items("t1", None, limit, "asc", alice)
        assert ([i.id for i in page.data], page.has_more) == (["m0"], True)
    with pytest.raises(ValueError):
        await store.load_thread_items("t1", None, 10, "sideways", alice)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("t1", "no-such-item", 10, "asc", alice)
    with pytest.raises(NotFoundError):
        await store.load_threads(10, "no-such-thread", "asc", alice)


# ------------------------------------------------------------------ deletes and missing rows
async def test_delete_thread_takes_items_and_feedback_with_it(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", "x"), alice)
    await store.save_feedback("t1", ["m1"], "positive", alice)
    await store.delete_thread("t1", alice)
    with pytest.raises(NotFoundError):
        await store.load_thread("t1", alice)
    await store.save_thread(make_thread("t1"), alice)  # same id again: nothing of the old one left
    assert await ids(store, "t1", alice) == []
    assert await store.load_feedback("t1", alice) == {}
    await store.delete_thread("t1", alice)
    with pytest.raises(NotFoundError):
        await store.delete_thread("t1", alice)


async def test_delete_thread_item(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    for item_id in ("m1", "m2"):
        await store.add_thread_item("t1", make_message("t1", item_id, "x"), alice)
    await store.delete_thread_item("t1", "m1", alice)
    assert await ids(store, "t1", alice) == ["m2"]
    await store.delete_thread_item("t1", "never-saved", alice)  # chatkit removes unsaved items
    assert await ids(store, "t1", alice) == ["m2"]
    with pytest.raises(NotFoundError):
        await store.delete_thread_item("no-such-thread", "m2", alice)


async def test_missing_rows_are_not_found(store: SQLStore, alice, make_message):
    with pytest.raises(NotFoundError):
        await store.load_thread("nope", alice)
    with pytest.raises(NotFoundError):
        await store.load_item("nope", "m1", alice)
    with pytest.raises(NotFoundError):
        await store.load_attachment("nope", alice)
    with pytest.raises(NotFoundError):
        await store.delete_attachment("nope", alice)
    with pytest.raises(NotFoundError):  # an item needs an existing thread of the user
        await store.add_thread_item("nope", make_message("nope", "m1", "x"), alice)
    assert (await store.load_thread_items("nope", None, 10, "asc", alice)).data == []


async def test_delete_attachment(store: SQLStore, alice):
    await store.save_attachment(FileAttachment(id="f1", name="a", mime_type="text/plain"), alice)
    await store.delete_attachment("f1", alice)
    with pytest.raises(NotFoundError):
        await store.load_attachment("f1", alice)


# ------------------------------------------------------------------ ids
async def test_generated_ids_keep_prefixes_and_do_not_collide(store: SQLStore, alice, make_thread):
    thread = make_thread("t1")
    made = {store.generate_item_id("message", thread, alice) for _ in range(5_000)}
    assert len(made) == 5_000 and all(i.startswith("msg_") and len(i) == 28 for i in made)
    assert len({store.generate_thread_id(alice) for _ in range(5_000)}) == 5_000


async def test_placeholder_ids_of_chat_completions_models_get_real_ids(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    first = make_message("t1", "__fake_id__", "first answer", seconds=1, role="assistant")
    second = make_message("t1", "__fake_id__", "second answer", seconds=2, role="assistant")
    await store.add_thread_item("t1", first, alice)
    await store.add_thread_item("t1", second, alice)
    assert first.id.startswith("msg_") and second.id.startswith("msg_") and first.id != second.id
    page = await store.load_thread_items("t1", None, 10, "asc", alice)
    assert [i.content[0].text for i in page.data] == ["first answer", "second answer"]


# ------------------------------------------------------------------ concurrency
async def test_concurrent_calls_neither_deadlock_nor_lose_writes(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    async with asyncio.timeout(30):
        await asyncio.gather(
            *(store.add_thread_item("t1", make_message("t1", f"m{n:02}", "x", seconds=n), alice)
              for n in range(40)),
            *(store.load_thread_items("t1", None, 5, "desc", alice) for _ in range(20)),
        )
    assert await ids(store, "t1", alice) == [f"m{n:02}" for n in range(40)]


# ------------------------------------------------------------------ feedback
async def test_feedback_is_stored_and_upserted(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    for item_id in ("m1", "m2", "m3"):
        await store.add_thread_item("t1", make_message("t1", item_id, "x", role="assistant"), alice)
    await store.save_feedback("t1", ["m1", "m2", "m1"], "positive", alice)
    await store.save_feedback("t1", ["m2"], "negative", alice)
    await store.save_feedback("t1", [], "negative", alice)
    assert await store.load_feedback("t1", alice) == {"m1": "positive", "m2": "negative"}
    await store.delete_thread_item("t1", "m1", alice)
    assert await store.load_feedback("t1", alice) == {"m2": "negative"}


async def test_feedback_on_unknown_items_stores_nothing(store: SQLStore, alice, make_thread, make_message):
    await store.save_thread(make_thread("t1"), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", "x"), alice)
    with pytest.raises(NotFoundError):
        await store.save_feedback("t1", ["m1", "ghost"], "positive", alice)
    with pytest.raises(NotFoundError):
        await store.save_feedback("other-thread", ["m1"], "positive", alice)
    with pytest.raises(ValueError):
        await store.save_feedback("t1", ["m1"], "meh", alice)  # type: ignore[arg-type]
    assert await store.load_feedback("t1", alice) == {}


# ------------------------------------------------------------------ bad input from clients
async def test_over_long_ids_are_not_found_or_refused_on_every_database(store: SQLStore, alice, make_thread, make_message):
    """Ids come from requests; one longer than the column must not become a database error."""
    long_id = "x" * 65
    await store.save_thread(make_thread("t1"), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", "x"), alice)
    for call in (
        store.load_thread(long_id, alice),
        store.load_item("t1", long_id, alice),
        store.delete_thread(long_id, alice),
        store.load_thread_items("t1", long_id, 10, "asc", alice),
        store.add_thread_item(long_id, make_message(long_id, "m2", "x"), alice),
        store.save_feedback("t1", ["m1", long_id], "positive", alice),
        store.save_feedback(long_id, ["m1"], "positive", alice),
    ):
        with pytest.raises(NotFoundError):
            await call
    with pytest.raises(ValueError):
        await store.save_thread(make_thread(long_id), alice)
    with pytest.raises(ValueError):
        await store.add_thread_item("t1", make_message("t1", long_id, "x"), alice)
    with pytest.raises(ValueError):
        await store.save_attachment(FileAttachment(id=long_id, name="a", mime_type="text/plain"), alice)
    assert await ids(store, "t1", alice) == ["m1"] and await store.load_feedback("t1", alice) == {}


async def test_any_text_round_trips(store: SQLStore, alice, make_thread, make_message):
    text = "NUL \x00, quote ' \" \\ , emoji 🧾, RTL שלום, newline\n" + "long " * 2000
    await store.save_thread(make_thread("t1", title=text[:80]), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", text), alice)
    assert (await store.load_item("t1", "m1", alice)).content[0].text == text
    assert (await store.load_thread("t1", alice)).title == text[:80]
