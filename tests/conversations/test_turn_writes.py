"""A streamed turn's store writes are held and committed together (conversations.turn_writes),
on SQLite and PostgreSQL: reads of the turn see them, another request sees them only once
committed, and a whole turn over HTTP commits in two store transactions."""

from __future__ import annotations

from sqlalchemy import event
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.context import RequestContext
from todochat.conversations.turn_writes import close_turn, open_turn


async def test_held_writes_are_invisible_to_others_until_committed(store, alice, make_thread, make_message) -> None:
    turn = RequestContext(user_id="alice")
    writes = open_turn(turn)
    await store.save_thread(make_thread("t1", title="held"), turn)
    await store.add_thread_item("t1", make_message("t1", "m1", "hello"), turn)
    await store.record_turn_effect("t1", "m1", {"tool": "add_task", "tasks": []}, turn)
    assert len(writes.pending) == 3
    other = await store.load_threads(10, None, "asc", alice)  # another request: nothing yet
    assert other.data == []
    await store.commit_turn(turn)
    assert writes.pending == [] and writes.commits == 1
    assert (await store.load_thread("t1", alice)).title == "held"
    assert [i.id for i in (await store.load_thread_items("t1", None, 10, "asc", alice)).data] == ["m1"]
    assert await store.load_turn_effects("t1", "m1", alice) == [{"tool": "add_task", "tasks": []}]
    close_turn(turn)


async def test_a_read_of_the_turn_commits_what_it_holds_first(store, make_thread, make_message) -> None:
    turn = RequestContext(user_id="alice")
    writes = open_turn(turn)
    await store.save_thread(make_thread("t1"), turn)
    await store.add_thread_item("t1", make_message("t1", "m1", "one"), turn)
    history = await store.load_history("t1", 10, turn)  # the read includes the held writes
    assert [i.id for i in history] == ["m1"]
    assert writes.pending == [] and writes.commits == 1
    await store.add_thread_item("t1", make_message("t1", "m2", "two", seconds=1), turn)
    page = await store.load_thread_items("t1", None, 10, "asc", turn)
    assert [i.id for i in page.data] == ["m1", "m2"] and writes.commits == 2
    close_turn(turn)
    await store.add_thread_item("t1", make_message("t1", "m3", "three", seconds=2), turn)  # closed: at once
    assert writes.pending == []
    assert len((await store.load_thread_items("t1", None, 10, "asc", turn)).data) == 3


async def test_a_turn_commits_its_store_writes_in_three_transactions_each_item_before_its_done_event(settings) -> None:
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        first = await client.send("add buy milk")
        writes: list[str] = []

        def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            word = statement.split()[0].upper()
            if word in ("INSERT", "UPDATE", "DELETE") and ("thread" in statement.split("(")[0]):
                writes.append(word)

        commits: list[int] = []
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", seen)
        event.listen(app.state.engine.sync_engine, "commit", lambda conn: commits.append(len(writes)))
        turn = await client.send("add call mum", first.thread_id)
        assert turn.error is None, turn.events
        # store writes (thread_items/threads) happen in exactly three of the commits: the user
        # message first, the widget (with what was held before it) before its done event, then the
        # assistant message, the turn's steps (a workflow item) and the thread before the last event
        grew = [b - a for a, b in zip([0, *commits], commits, strict=False) if b > a]
        assert len(grew) == 3, (grew, writes)
        assert grew[0] == 1 and sum(grew) >= 5
        items = await client.items(first.thread_id)
        assert [i["type"] for i in items][-4:] == ["user_message", "widget", "workflow", "assistant_message"]


async def test_the_history_read_answers_chatkits_next_page_read_only_while_nothing_changed(
    store, alice, make_thread, make_message
) -> None:
    await store.save_thread(make_thread("t1"), alice)
    for n in range(3):
        await store.add_thread_item("t1", make_message("t1", f"m{n}", str(n), seconds=n), alice)
    fresh = await store.load_thread_items("t1", None, 2, "desc", alice)
    turn = RequestContext(user_id="alice")
    writes = open_turn(turn)
    await store.load_history("t1", 20, turn)
    version = writes.version
    assert await store.load_thread_items("t1", None, 2, "desc", turn) == fresh  # no transaction of its own
    assert writes.version == version
    assert (await store.load_thread_items("t1", None, 2, "desc", turn)) == fresh  # given once: read again
    assert writes.version == version + 1
    # a write held after the history read: the page is read (the held write included)
    await store.load_history("t1", 20, turn)
    await store.add_thread_item("t1", make_message("t1", "m3", "3", seconds=3), turn)
    assert [i.id for i in (await store.load_thread_items("t1", None, 2, "desc", turn)).data] == ["m3", "m2"]
    close_turn(turn)


async def test_an_add_buy_milk_turn_runs_at_most_nine_transactions(settings) -> None:
    """Every transaction of a ChatKit ``threads.create`` "add buy milk" turn (issue 13; 10 before
    the quota check joined the first commit and chatkit's read of the newest items joined the
    history read, and before the reply language was read): the user's reply language read
    (``api.deps.resolve_zone``, the zone comes from the header here), first commit (quota check,
    thread, user message), history read, the task service's change, the widget's commit, the turn's
    steps read, the reply's task mentions read, the reply and steps commit, the thread's title commit."""
    async with in_process(settings) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings), "UTC")
        assert (await client.send("add warm up")).error is None
        begun: list[int] = []
        event.listen(app.state.engine.sync_engine, "begin", lambda conn: begun.append(1))
        turn = await client.send("add buy milk")
        assert turn.error is None, turn.events
        assert len(begun) <= 9, len(begun)
        titles = [t.title for t in await app.state.service.list(RequestContext(user_id="alice"))]
        assert titles == ["Warm up", "Buy milk"]
