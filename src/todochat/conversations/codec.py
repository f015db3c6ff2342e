"""ChatKit models ↔ table rows: JSON through module-level TypeAdapters, and the one time conversion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chatkit.types import Attachment, ThreadItem, ThreadMetadata, WidgetItem
from pydantic import Field, TypeAdapter

THREAD_ADAPTER: TypeAdapter[ThreadMetadata] = TypeAdapter(ThreadMetadata)
ITEM_ADAPTER: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
ATTACHMENT_ADAPTER: TypeAdapter[Attachment] = TypeAdapter(Attachment)


class WidgetSummary(WidgetItem):
    """A widget item read for the agent's history only: ids, time and ``copy_text`` are checked
    as in ``WidgetItem``; the stored widget tree is skipped (``widget`` is None). Validating a
    task-list widget tree is most of the CPU of decoding a history window (bench/README.md), and
    the agent only ever sees ``copy_text``. Never stored, streamed or returned by the Store API."""

    # reads no JSON key (so the stored "widget" is an ignored extra key, never turned into objects)
    widget: Any = Field(default=None, validation_alias="__widget_not_read__")  # type: ignore[assignment]


SUMMARY_ADAPTER: TypeAdapter[WidgetSummary] = TypeAdapter(WidgetSummary)


# Time at the Store boundary (the only place it is converted): chatkit 1.6.5 stamps threads and
# items with naive *local* datetime.now() and later computes datetime.now() - item.created_at
# (chatkit/agents.py), so it must get naive local datetimes back. The database keeps UTC instants
# (UTCDateTime columns and the created_at inside the stored JSON): to_utc runs on every write,
# to_sdk_time on every read. A naive value is read as the process's local time, as the SDK meant
# it; an aware value (from a caller that already uses aware datetimes) is taken as it is.


def to_utc(value: datetime) -> datetime:
    """An SDK timestamp as an aware UTC instant.

    Args:
        value: naive (the process's local wall-clock time, as chatkit's ``datetime.now()`` gives)
            or aware.

    Returns:
        The same instant, ``tzinfo=UTC``.
    """
    return value.astimezone(UTC)


def to_sdk_time(value: datetime) -> datetime:
    """A stored UTC instant as the SDK expects it: naive, in the process's local time.

    Args:
        value: an aware datetime (as ``UTCDateTime`` columns return).

    Returns:
        The same instant as a naive local datetime, so ``datetime.now() - result`` works.
    """
    return value.astimezone().replace(tzinfo=None)


def dump_thread(thread: ThreadMetadata) -> tuple[datetime, str]:
    """Serialise thread metadata (a ``Thread``'s items are dropped).

    Returns:
        ``(created_at as UTC, JSON of ThreadMetadata with that UTC created_at)``.
    """
    created_at = to_utc(thread.created_at)
    data = THREAD_ADAPTER.dump_json(thread.model_copy(update={"created_at": created_at}))
    return created_at, data.decode()


def load_thread(data: str, created_at: datetime) -> ThreadMetadata:
    """Rebuild thread metadata from its row; ``created_at`` comes back naive local."""
    thread = THREAD_ADAPTER.validate_json(data)
    thread.created_at = to_sdk_time(created_at)
    return thread


def dump_item(item: ThreadItem) -> tuple[datetime, str]:
    """Serialise a thread item of any type of the ``ThreadItem`` union.

    Returns:
        ``(created_at as UTC, JSON of the item with that UTC created_at)``.
    """
    created_at = to_utc(item.created_at)
    data = ITEM_ADAPTER.dump_json(item.model_copy(update={"created_at": created_at}))
    return created_at, data.decode()


def load_item(data: str, created_at: datetime) -> ThreadItem:
    """Rebuild a thread item from its row; ``created_at`` comes back naive local."""
    item = ITEM_ADAPTER.validate_json(data)
    item.created_at = to_sdk_time(created_at)
    return item


def load_history_item(item_type: str, data: str, created_at: datetime) -> ThreadItem:
    """Like ``load_item``, but a ``widget`` row becomes a ``WidgetSummary`` (widget tree not
    validated). For the agent's input only (``SQLStore.load_history``)."""
    if item_type != "widget":
        return load_item(data, created_at)
    item = SUMMARY_ADAPTER.validate_json(data)
    item.created_at = to_sdk_time(created_at)
    return item


def dump_attachment(attachment: Attachment) -> str:
    """Serialise attachment metadata (including its integration-only ``metadata``)."""
    return ATTACHMENT_ADAPTER.dump_json(attachment).decode()


def load_attachment(data: str) -> Attachment:
    """Rebuild attachment metadata from its JSON."""
    return ATTACHMENT_ADAPTER.validate_json(data)
