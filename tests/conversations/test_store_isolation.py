"""Two users, one SQLStore: bob can neither read, list, overwrite nor delete anything of alice's."""

from __future__ import annotations

import pytest
from chatkit.store import NotFoundError
from chatkit.types import FileAttachment

from todochat.conversations.store import SQLStore


@pytest.fixture
async def alices(store: SQLStore, alice, make_thread, make_message):
    """Alice's thread ``t1`` with items m1, m2 (feedback on m2) and attachment f1."""
    await store.save_thread(make_thread("t1", title="alice's"), alice)
    await store.add_thread_item("t1", make_message("t1", "m1", "alice asks"), alice)
    await store.add_thread_item("t1", make_message("t1", "m2", "alice hears", 1, "assistant"), alice)
    await store.save_feedback("t1", ["m2"], "positive", alice)
    await store.save_attachment(FileAttachment(id="f1", name="alice.txt", mime_type="text/plain"), alice)


async def assert_alice_intact(store: SQLStore, alice, threads=("t1",)) -> None:
    assert (await store.load_thread("t1", alice)).title == "alice's"
    page = await store.load_thread_items("t1", None, 10, "asc", alice)
    assert [(i.id, i.content[0].text) for i in page.data] == [("m1", "alice asks"), ("m2", "alice hears")]
    assert (await store.load_attachment("f1", alice)).name == "alice.txt"
    assert await store.load_feedback("t1", alice) == {"m2": "positive"}
    assert [t.id for t in (await store.load_threads(10, None, "asc", alice)).data] == list(threads)


async def test_bob_cannot_read_or_list_alices_rows(store: SQLStore, alice, bob, alices):
    with pytest.raises(NotFoundError):
        await store.load_thread("t1", bob)
    with pytest.raises(NotFoundError):
        await store.load_item("t1", "m1", bob)
    with pytest.raises(NotFoundError):
        await store.load_attachment("f1", bob)
    assert (await store.load_thread_items("t1", None, 10, "desc", bob)).data == []
    with pytest.raises(NotFoundError):  # alice's ids are no cursors for bob either
        await store.load_thread_items("t1", "m1", 10, "asc", bob)
    with pytest.raises(NotFoundError):
        await store.load_threads(10, "t1", "asc", bob)
    assert (await store.load_threads(10, None, "asc", bob)).data == []
    assert await store.load_feedback("t1", bob) == {}
    await assert_alice_intact(store, alice)


async def test_bob_cannot_write_into_alices_thread(store: SQLStore, alice, bob, alices, make_message):
    with pytest.raises(NotFoundError):
        await store.add_thread_item("t1", make_message("t1", "m3", "bob was here"), bob)
    with pytest.raises(NotFoundError):  # an upsert of alice's item id in alice's thread
        await store.save_item("t1", make_message("t1", "m1", "bob was here"), bob)
    with pytest.raises(NotFoundError):
        await store.add_thread_item("t1", make_message("t1", "m2", "bob was here"), bob)
    with pytest.raises(NotFoundError):
        await store.save_feedback("t1", ["m2"], "negative", bob)
    await assert_alice_intact(store, alice)


async def test_bobs_upserts_with_alices_ids_make_bobs_own_rows(store: SQLStore, alice, bob, alices, make_thread, make_message):
    await store.save_thread(make_thread("t1", title="bob's"), bob)
    await store.add_thread_item("t1", make_message("t1", "m1", "bob asks"), bob)
    await store.save_item("t1", make_message("t1", "m2", "bob hears"), bob)
    await store.save_feedback("t1", ["m2"], "negative", bob)
    await store.save_attachment(FileAttachment(id="f1", name="bob.txt", mime_type="text/plain"), bob)
    await assert_alice_intact(store, alice)
    assert (await store.load_thread("t1", bob)).title == "bob's"
    bobs = await store.load_thread_items("t1", None, 10, "asc", bob)
    assert [i.content[0].text for i in bobs.data] == ["bob asks", "bob hears"]
    assert (await store.load_attachment("f1", bob)).name == "bob.txt"
    assert await store.load_feedback("t1", bob) == {"m2": "negative"}
    # and bob deleting his rows leaves alice's
    await store.delete_thread_item("t1", "m1", bob)
    await store.delete_attachment("f1", bob)
    await store.delete_thread("t1", bob)
    await assert_alice_intact(store, alice)


async def test_bob_cannot_delete_alices_rows(store: SQLStore, alice, bob, alices):
    with pytest.raises(NotFoundError):
        await store.delete_thread("t1", bob)
    with pytest.raises(NotFoundError):
        await store.delete_thread_item("t1", "m1", bob)
    with pytest.raises(NotFoundError):
        await store.delete_attachment("f1", bob)
    await assert_alice_intact(store, alice)


async def test_an_item_id_of_another_thread_is_not_touched(store: SQLStore, alice, alices, make_thread, make_message):
    await store.save_thread(make_thread("t2"), alice)
    await store.add_thread_item("t2", make_message("t2", "m1", "same id, other thread"), alice)
    await store.delete_thread_item("t2", "m1", alice)
    with pytest.raises(NotFoundError):
        await store.load_item("t2", "m1", alice)
    await assert_alice_intact(store, alice, threads=("t1", "t2"))
