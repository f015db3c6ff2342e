"""Tables of reminder delivery: deliveries and their attempts, per-user channel settings, Web Push
subscriptions and calendar feed tokens (migration 0005)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from todochat.db import Base, UTCDateTime

ID = BigInteger().with_variant(Integer, "sqlite")
ERROR_MAX = 500


class Channel(enum.StrEnum):
    """Where a reminder is delivered. ``page``: the built-in page (always on); ``webhook``: the
    operator's URL (whenever set); the others as the user chose."""

    page = "page"
    webpush = "webpush"
    ntfy = "ntfy"
    email = "email"
    webhook = "webhook"


USER_CHANNELS = (Channel.page, Channel.webpush, Channel.ntfy, Channel.email)
"""The channels a user can switch (the webhook is the operator's)."""
UserChannel = Literal["page", "webpush", "ntfy", "email"]
"""The names of :data:`USER_CHANNELS`, as a type (agent tool and REST arguments)."""


class DeliveryStatus(enum.StrEnum):
    """``pending`` (to send, at ``next_attempt_at``), ``sending`` (claimed by a dispatcher until
    ``next_attempt_at``, its lease), ``sent``, ``failed`` (gave up after the last retry)."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class Delivery(Base):
    """One firing of one reminder on one channel. ``UNIQUE(reminder_id, channel, fire_at)``: a
    firing (the reminder's ``fire_at`` when it fired; a repeating reminder fires again at another
    instant) is delivered at most once per channel, whatever the number of dispatchers."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "channel", "fire_at"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_deliveries_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int] = mapped_column(
        ID, ForeignKey("reminders.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DeliveryStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX), nullable=True)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Page channel: when the page showed it (dismissed)."""


class DeliveryAttempt(Base):
    """One attempt to send a delivery and its outcome (``ok``, and the error when not)."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ID, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX), nullable=True)


class ChannelSettings(Base):
    """A user's reminder channels: which are on (comma-separated :class:`Channel` values) and the
    addresses they chose. Absent row: the defaults (page and Web Push on)."""

    __tablename__ = "notify_channels"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    enabled: Mapped[str] = mapped_column(String(100), nullable=False, default="page,webpush")
    ntfy_topic: Mapped[str | None] = mapped_column(String(64), nullable=True)
    email_address: Mapped[str | None] = mapped_column(String(254), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class PushSubscription(Base):
    """A browser's Web Push subscription (W3C Push API ``PushSubscription.toJSON()``): the
    push-service endpoint (an operator-allowed host) and the keys payloads are encrypted to."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "endpoint"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    endpoint: Mapped[str] = mapped_column(String(1000), nullable=False)
    p256dh: Mapped[str] = mapped_column(String(200), nullable=False)
    auth: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class CalendarFeed(Base):
    """A user's secret calendar feed: only the SHA-256 of its token is kept. One per user; a new
    one replaces it, deleting the row revokes it."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


__all__ = [
    "USER_CHANNELS",
    "CalendarFeed",
    "Channel",
    "ChannelSettings",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "PushSubscription",
]
