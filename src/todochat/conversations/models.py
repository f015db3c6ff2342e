"""Tables of conversations: ChatKit threads, thread items, attachments and item feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from todochat.db import Base, UTCDateTime


class ThreadRow(Base):
    """A ChatKit thread's metadata; ``data`` is the JSON of ``chatkit.types.ThreadMetadata``."""

    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_user_created", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class ThreadItemRow(Base):
    """One ChatKit thread item; ``data`` is its JSON. ``seq`` orders items created in one instant."""

    __tablename__ = "thread_items"
    __table_args__ = (
        UniqueConstraint("id"),
        Index("ix_thread_items_thread_created", "thread_id", "created_at", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), nullable=False)
    thread_id: Mapped[str] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class AttachmentRow(Base):
    """Attachment metadata (JSON of ``chatkit.types.Attachment``)."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    data: Mapped[str] = mapped_column(Text, nullable=False)


class FeedbackRow(Base):
    """A user's feedback (positive/negative) on a thread item (ChatKit ``items.feedback``)."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    thread_id: Mapped[str] = mapped_column(String(64), nullable=False)
    item_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
