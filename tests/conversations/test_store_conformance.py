"""chatkit's own Store conformance suite, run against SQLStore.

Ported from the openai-chatkit 1.6.5 sdist (``pip download --no-binary=:all: --no-deps
openai-chatkit==1.6.5``), file ``tests/test_store.py`` (Apache-2.0, OpenAI). The bodies of the
``TestStore`` methods are kept as they are; what changed: the class with ``setup_method`` over the
SDK's ``helpers/mock_store.SQLiteStore`` became module-level tests over a ``store`` fixture (our
migrated test database), the SDK's test ``RequestContext`` became ``todochat.context.RequestContext``,
and ``TestSqliteStore``/``TestSqliteStoreCustomIds`` became the two id-generator tests at the end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    FileAttachment,
    ImageAttachment,
    InferenceOptions,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Card, Col, Text
from pydantic import AnyUrl
from tests.clock import TEST_NOW

from todochat.context import RequestContext
from todochat.conversations.store import SQLStore


@pytest.fixture(autouse=True)
def _stopped_clock():
    """chatkit's tests stamp ``datetime.now()``; here "now" is TEST_NOW and does not move, so no
    result depends on the day, a DST change of the machine's zone, or the machine's speed."""
    with time_machine.travel(TEST_NOW, tick=False):
        yield


def make_thread(thread_id="test_thread", created_at=None):
    if created_at is None:
        created_at = datetime.now()  # noqa: DTZ005  (chatkit stamps naive local time)
    return ThreadMetadata(
        id=thread_id,
        title="Test Thread",
        created_at=created_at,
        metadata={"test": "test"},
    )


def make_thread_items() -> list[ThreadItem]:
    now = datetime.now()  # noqa: DTZ005
    user_msg = UserMessageItem(
        id="msg_100000",
        content=[UserMessageTextContent(text="Hello!")],
        attachments=[
            FileAttachment(
                id="file_1",
                type="file",
                mime_type="text/plain",
                name="test.txt",
                metadata={"source": "test"},
            )
        ],
        inference_options=InferenceOptions(),
        thread_id="test_thread",
        created_at=now,
    )
    assistant_msg = AssistantMessageItem(
        id="msg_000001",
        content=[AssistantMessageContent(text="Hi there!")],
        thread_id="test_thread",
        created_at=now + timedelta(seconds=1),
    )
    widget = WidgetItem(
        id="widget_1",
        type="widget",
        thread_id="test_thread",
        created_at=now + timedelta(seconds=2),
        widget=Card(
            children=[
                Col(
                    padding={"x": 4, "y": 3},
                    border={"bottom": 1},
                    children=[
                        Text(value="Title", weight="medium", size="sm", color="secondary"),
                        Text(value="test"),
                    ],
                ),
            ]
        ),
    )

    return [user_msg, assistant_msg, widget]


DEFAULT_CONTEXT = RequestContext(user_id="test_user")
ALTERNATIVE_CONTEXT = RequestContext(user_id="alternative_user")


async def test_save_and_load_thread_metadata(store: SQLStore):
    thread = make_thread()
    await store.save_thread(thread, DEFAULT_CONTEXT)
    loaded_meta = await store.load_thread(thread.id, DEFAULT_CONTEXT)
    assert loaded_meta.id == thread.id
    assert loaded_meta.title == thread.title
    assert loaded_meta.metadata == thread.metadata


async def test_save_and_load_thread_metadata_null_title(store: SQLStore):
    thread = ThreadMetadata(
        id="test_thread",
        title=None,
        created_at=datetime.now(),  # noqa: DTZ005
        metadata={"test": "test"},
    )
    await store.save_thread(thread, DEFAULT_CONTEXT)
    loaded_meta = await store.load_thread(thread.id, DEFAULT_CONTEXT)
    assert loaded_meta.id == thread.id
    assert loaded_meta.title is None
    assert loaded_meta.metadata == thread.metadata


async def test_update_thread_metadata(store: SQLStore):
    thread = make_thread()
    await store.save_thread(thread, DEFAULT_CONTEXT)
    thread.title = "Updated Title"
    await store.save_thread(thread, DEFAULT_CONTEXT)
    loaded_meta = await store.load_thread(thread.id, DEFAULT_CONTEXT)
    assert loaded_meta.title == "Updated Title"


async def test_save_and_load_thread_items(store: SQLStore):
    thread = make_thread()
    items = make_thread_items()
    await store.save_thread(thread, DEFAULT_CONTEXT)
    for item in items:
        await store.add_thread_item(thread.id, item, DEFAULT_CONTEXT)
    loaded_items = (await store.load_thread_items(thread.id, None, 10, "asc", DEFAULT_CONTEXT)).data
    assert loaded_items == items


async def test_overwrite_thread_metadata(store: SQLStore):
    thread = make_thread()
    await store.save_thread(thread, DEFAULT_CONTEXT)
    thread.title = "Updated Title"
    await store.save_thread(thread, DEFAULT_CONTEXT)
    loaded_meta = await store.load_thread(thread.id, DEFAULT_CONTEXT)
    assert loaded_meta.title == "Updated Title"


async def test_save_and_load_file(store: SQLStore):
    file = FileAttachment(
        id="file_1",
        type="file",
        mime_type="text/plain",
        name="test.txt",
    )
    await store.save_attachment(file, DEFAULT_CONTEXT)
    loaded = await store.load_attachment(file.id, DEFAULT_CONTEXT)
    assert loaded == file


async def test_save_and_load_image(store: SQLStore):
    image = ImageAttachment(
        id="image_1",
        type="image",
        mime_type="image/png",
        name="test.png",
        preview_url=AnyUrl("https://example.com/test.png"),
        metadata={"source": "test"},
    )
    await store.save_attachment(image, DEFAULT_CONTEXT)
    loaded = await store.load_attachment(image.id, DEFAULT_CONTEXT)
    assert loaded == image


async def test_load_threads(store: SQLStore):
    now = datetime.now()  # noqa: DTZ005
    thread1 = make_thread(thread_id="thread1", created_at=now)
    thread2 = make_thread(thread_id="thread2", created_at=now + timedelta(seconds=1))
    thread3 = make_thread(thread_id="thread3", created_at=now + timedelta(seconds=2))
    await store.save_thread(thread1, DEFAULT_CONTEXT)
    await store.save_thread(thread2, DEFAULT_CONTEXT)
    await store.save_thread(thread3, DEFAULT_CONTEXT)

    page1 = await store.load_threads(limit=2, after=None, order="asc", context=DEFAULT_CONTEXT)
    assert [t.id for t in page1.data] == ["thread1", "thread2"]
    assert page1.has_more is True
    assert page1.after == "thread2"

    page2 = await store.load_threads(
        limit=2, after=page1.data[-1].id, order="asc", context=DEFAULT_CONTEXT
    )
    assert [t.id for t in page2.data] == ["thread3"]
    assert page2.has_more is False
    assert not page2.after


async def test_thread_items_ordering(store: SQLStore):
    thread = make_thread()
    now = datetime.now()  # noqa: DTZ005
    items = [
        UserMessageItem(
            id=f"msg{n}",
            content=[UserMessageTextContent(text=text)],
            attachments=[],
            inference_options=InferenceOptions(),
            thread_id=thread.id,
            created_at=now + timedelta(seconds=n - 1),
        )
        for n, text in ((1, "A"), (2, "B"), (3, "C"))
    ]
    await store.save_thread(thread, DEFAULT_CONTEXT)
    for item in items:
        await store.add_thread_item(thread.id, item, DEFAULT_CONTEXT)

    asc = await store.load_thread_items(
        thread.id, after=None, limit=3, order="asc", context=DEFAULT_CONTEXT
    )
    desc = await store.load_thread_items(
        thread.id, after=None, limit=3, order="desc", context=DEFAULT_CONTEXT
    )
    assert [i.id for i in asc.data] == ["msg1", "msg2", "msg3"]
    assert [i.id for i in desc.data] == ["msg3", "msg2", "msg1"]


async def test_thread_items_offset(store: SQLStore):
    thread = make_thread()
    now = datetime.now()  # noqa: DTZ005
    items = [
        UserMessageItem(
            id=f"msg{i}",
            content=[UserMessageTextContent(text=str(i))],
            attachments=[],
            inference_options=InferenceOptions(),
            thread_id=thread.id,
            created_at=now + timedelta(seconds=i),
        )
        for i in range(5)
    ]
    await store.save_thread(thread, DEFAULT_CONTEXT)
    for item in items:
        await store.add_thread_item(thread.id, item, DEFAULT_CONTEXT)

    after = await store.load_thread_items(
        thread.id, after="msg1", limit=3, order="asc", context=DEFAULT_CONTEXT
    )
    assert [i.id for i in after.data] == ["msg2", "msg3", "msg4"]
    assert after.has_more is False
    assert not after.after

    after_limit = await store.load_thread_items(
        thread.id, after=None, limit=2, order="asc", context=DEFAULT_CONTEXT
    )
    assert [i.id for i in after_limit.data] == ["msg0", "msg1"]
    assert after_limit.has_more is True
    assert after_limit.after == "msg1"


async def test_save_and_load_item(store: SQLStore):
    thread = make_thread()
    now = datetime.now()  # noqa: DTZ005
    assistant_msg = AssistantMessageItem(
        id="msg_000001",
        content=[],
        thread_id=thread.id,
        created_at=now,
    )
    widget = WidgetItem(
        id="widget_1",
        type="widget",
        thread_id=thread.id,
        created_at=now + timedelta(seconds=1),
        widget=Card(children=[Text(value="Test")]),
    )
    await store.save_thread(thread, DEFAULT_CONTEXT)
    await store.add_thread_item(thread.id, assistant_msg, DEFAULT_CONTEXT)
    await store.add_thread_item(thread.id, widget, DEFAULT_CONTEXT)

    assistant_msg.content = [AssistantMessageContent(text="This is an assistant message.")]
    await store.save_item(thread.id, assistant_msg, DEFAULT_CONTEXT)
    loaded_assistant = await store.load_item(thread.id, assistant_msg.id, DEFAULT_CONTEXT)
    assert isinstance(loaded_assistant, AssistantMessageItem)
    assert loaded_assistant.id == assistant_msg.id
    assert loaded_assistant.content[0] == AssistantMessageContent(
        text="This is an assistant message."
    )

    await store.save_item(thread.id, widget, DEFAULT_CONTEXT)
    loaded_widget = await store.load_item(thread.id, widget.id, DEFAULT_CONTEXT)
    assert isinstance(loaded_widget, WidgetItem)
    assert loaded_widget.id == widget.id


async def test_load_nonexistent_item(store: SQLStore):
    thread = make_thread()
    await store.save_thread(thread, DEFAULT_CONTEXT)
    with pytest.raises(NotFoundError):
        await store.load_item(thread.id, "does_not_exist", DEFAULT_CONTEXT)


async def test_thread_isolation_by_user(store: SQLStore):
    # Create a thread for DEFAULT_CONTEXT
    thread = make_thread(thread_id="user1_thread")
    await store.save_thread(thread, DEFAULT_CONTEXT)

    # Should be accessible by the same user
    loaded_default = await store.load_thread(thread.id, DEFAULT_CONTEXT)
    assert loaded_default.title == thread.title

    # Should not be accessible by another user
    with pytest.raises(NotFoundError):
        await store.load_thread(thread.id, ALTERNATIVE_CONTEXT)


async def test_thread_items_isolation_by_user(store: SQLStore):
    thread = make_thread(thread_id="shared_thread")
    await store.save_thread(thread, DEFAULT_CONTEXT)

    # Add items for DEFAULT_CONTEXT
    items_default = make_thread_items()
    for item in items_default:
        await store.add_thread_item(thread.id, item, DEFAULT_CONTEXT)

    # Should be accessible by the same user
    loaded_items_default = (
        await store.load_thread_items(thread.id, None, 10, "asc", DEFAULT_CONTEXT)
    ).data
    assert loaded_items_default == items_default

    # Should not be accessible by another user (should return empty list)
    loaded_items_alternative = (
        await store.load_thread_items(thread.id, None, 10, "asc", ALTERNATIVE_CONTEXT)
    ).data
    assert loaded_items_alternative == []

    # Try to load a specific item with another user's context (should raise ValueError)
    with pytest.raises(NotFoundError):
        await store.load_item(thread.id, items_default[0].id, ALTERNATIVE_CONTEXT)


# From TestSqliteStore: the default generators keep chatkit's prefixes.
async def test_default_id_generators_use_default_prefixes(store: SQLStore):
    ctx = DEFAULT_CONTEXT
    thread_id = store.generate_thread_id(ctx)
    assert thread_id.startswith("thr_")

    thread = make_thread(thread_id=thread_id)
    assert store.generate_item_id("message", thread, ctx).startswith("msg_")
    assert store.generate_item_id("tool_call", thread, ctx).startswith("tc_")
    assert store.generate_item_id("task", thread, ctx).startswith("tsk_")
    assert store.generate_item_id("workflow", thread, ctx).startswith("wf_")


# From TestSqliteStoreCustomIds: a subclass can still override id generation.
async def test_overridden_id_generators_are_used(store: SQLStore):
    class CustomStore(SQLStore):
        counter = 0

        def generate_thread_id(self, context) -> str:
            self.counter += 1
            return f"thr_custom_{self.counter}"

        def generate_item_id(self, item_type, thread: ThreadMetadata, context) -> str:
            self.counter += 1
            return f"{item_type}_custom_{self.counter}_{thread.id}"

    custom = CustomStore(store._sessionmaker)
    ctx = DEFAULT_CONTEXT
    thread_id = custom.generate_thread_id(ctx)
    assert thread_id == "thr_custom_1"

    thread = make_thread(thread_id=thread_id)
    assert custom.generate_item_id("message", thread, ctx) == "message_custom_2_thr_custom_1"
    assert custom.generate_item_id("tool_call", thread, ctx) == "tool_call_custom_3_thr_custom_1"
    assert custom.generate_item_id("task", thread, ctx) == "task_custom_4_thr_custom_1"

    thread2 = make_thread(thread_id=custom.generate_thread_id(ctx))
    assert thread2.id == "thr_custom_5"
    assert custom.generate_item_id("message", thread2, ctx) == "message_custom_6_thr_custom_5"
