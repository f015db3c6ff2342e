"""Tables of conversations: ChatKit threads, thread items, attachments and item feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from todochat.db import Base, UTCDateTime

# Every key starts with user_id: each user has their own namespace of thread, item and attachment
# ids, so no statement keyed by the request's user can read or overwrite another user's row, and the
# composite foreign keys make the database itself refuse an item in a thread the user does not own.
# Instants are UTC (UTCDateTime); ``data`` columns hold the ChatKit model's JSON.
ID_MAX = 64  # longest id stored; generated ids are 28 characters
ID = String(ID_MAX)
USER = String(255)
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
SEQ = BigInteger().with_variant(Integer(), "sqlite")


class ThreadRow(Base):
    """A ChatKit thread's metadata; ``data`` is the JSON of ``chatkit.types.ThreadMetadata``."""

    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_user_created", "user_id", "created_at", "id"),)

    user_id: Mapped[str] = mapped_column(USER, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class ThreadItemRow(Base):
    """One ChatKit thread item; ``data`` is its JSON. ``seq`` orders items created in one instant."""

    __tablename__ = "thread_items"
    __table_args__ = (
        UniqueConstraint("user_id", "thread_id", "id"),
        ForeignKeyConstraint(
            ["user_id", "thread_id"], ["threads.user_id", "threads.id"], ondelete="CASCADE"
        ),
        Index("ix_thread_items_thread_created", "user_id", "thread_id", "created_at", "seq"),
    )

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(USER, nullable=False)
    thread_id: Mapped[str] = mapped_column(ID, nullable=False)
    id: Mapped[str] = mapped_column(ID, nullable=False)
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class AttachmentRow(Base):
    """Attachment metadata (JSON of ``chatkit.types.Attachment``)."""

    __tablename__ = "attachments"

    user_id: Mapped[str] = mapped_column(USER, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class FeedbackRow(Base):
    """A user's latest feedback (``positive``/``negative``) on one of their thread items."""

    __tablename__ = "feedback"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "thread_id", "item_id"],
            ["thread_items.user_id", "thread_items.thread_id", "thread_items.id"],
            ondelete="CASCADE",
        ),
    )

    user_id: Mapped[str] = mapped_column(USER, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ID, primary_key=True)
    item_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
