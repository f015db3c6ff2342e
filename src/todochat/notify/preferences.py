"""A user's reminder channels: which are on, their ntfy topic and email address, Web Push
subscriptions. Every rule about what a user may set lives here (REST, agent tool and page call it).

A user only ever names a topic, an address or a browser subscription: never a URL the server will
call. ntfy goes to the operator's server (``TODOCHAT_NTFY_URL``), email through the operator's SMTP
relay, Web Push only to push-service hosts on ``TODOCHAT_WEBPUSH_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.errors import ValidationError
from todochat.notify.models import USER_CHANNELS, Channel, ChannelSettings, PushSubscription

NTFY_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""An ntfy topic name (ntfy's own rule: letters, digits, ``_`` and ``-``, at most 64)."""
DEFAULT_ENABLED = (Channel.page, Channel.webpush)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Channels:
    """A user's channel settings. ``enabled`` holds :data:`USER_CHANNELS` values."""

    enabled: set[str] = field(default_factory=lambda: {c.value for c in DEFAULT_ENABLED})
    ntfy_topic: str | None = None
    email_address: str | None = None
    push_subscriptions: int = 0

    def as_dict(self) -> dict[str, dict[str, object]]:
        """The ``reminder_channels`` shape of ``/api/v1/me``."""
        return {
            "page": {"enabled": "page" in self.enabled},
            "webpush": {"enabled": "webpush" in self.enabled, "subscriptions": self.push_subscriptions},
            "ntfy": {"enabled": "ntfy" in self.enabled, "topic": self.ntfy_topic},
            "email": {"enabled": "email" in self.enabled, "address": self.email_address},
        }


def clean_topic(topic: str) -> str:
    """An ntfy topic, checked.

    Raises:
        ValidationError: not 1–64 of ``[A-Za-z0-9_-]`` (field ``ntfy.topic``).
    """
    topic = topic.strip()
    if not NTFY_TOPIC.match(topic):
        raise ValidationError(
            "An ntfy topic is 1-64 letters, digits, '_' or '-' (no URL: the server is the operator's).",
            field="ntfy.topic",
        )
    return topic


def clean_address(address: str) -> str:
    """An email address, checked for syntax (email-validator, RFC 5321/5322; no DNS lookup).

    Raises:
        ValidationError: not an address (field ``email.address``).
    """
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"Not an email address: {exc}", field="email.address") from exc


def host_allowed(host: str, allowed: list[str]) -> bool:
    """True when ``host`` is on the operator's allow-list: an exact name, or ``*.suffix`` for
    any subdomain of ``suffix``. Case-insensitive."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().strip()
        if entry.startswith("*.") and host.endswith(entry[1:]) and host != entry[2:]:
            return True
        if host == entry:
            return True
    return False


def check_push_endpoint(endpoint: str, allowed: list[str]) -> str:
    """A Web Push subscription endpoint, checked against the operator's allow-list.

    Returns:
        The endpoint.

    Raises:
        ValidationError: not an https URL on an allowed host (http only for an allowed loopback
            host, a test stand-in), or longer than 1000 characters (field ``endpoint``).
    """
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
    if len(endpoint) > 1000 or not secure or parts.username or parts.password or not host_allowed(host, allowed):
        raise ValidationError(
            "This push service is not allowed on this server (TODOCHAT_WEBPUSH_ALLOWED_HOSTS).",
            field="endpoint",
        )
    return endpoint


async def _row(session: AsyncSession, user_id: str) -> ChannelSettings | None:
    return await session.get(ChannelSettings, user_id)


async def get_channels(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> Channels:
    """The user's channel settings (defaults when never set)."""
    async with sessionmaker() as session:
        return await load(session, user_id)


async def load(session: AsyncSession, user_id: str) -> Channels:
    """:func:`get_channels` inside an open session (the dispatcher's claim transaction)."""
    row = await _row(session, user_id)
    subs = len((await session.execute(select(PushSubscription.id).where(PushSubscription.user_id == user_id))).all())
    if row is None:
        return Channels(push_subscriptions=subs)
    return Channels(
        enabled={c for c in row.enabled.split(",") if c},
        ntfy_topic=row.ntfy_topic,
        email_address=row.email_address,
        push_subscriptions=subs,
    )


async def set_channel(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str,
    now: datetime,
    channel: str,
    *,
    enabled: bool = True,
    address: str | None = None,
) -> Channels:
    """Switch one channel on or off and set its address (ntfy topic or email address).

    Args:
        channel: ``page``, ``webpush``, ``ntfy`` or ``email``.
        address: the ntfy topic or email address; None keeps the stored one. Turning ntfy or
            email on needs one (given now or stored).

    Raises:
        ValidationError: unknown channel (field ``channel``), a bad topic/address, an address for
            page/webpush, or ntfy/email on without an address.
    """
    return await update_channels(sessionmaker, user_id, now, {channel: {"enabled": enabled, "address": address}})


async def update_channels(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str,
    now: datetime,
    changes: dict[str, dict[str, object]],
) -> Channels:
    """Apply ``{channel: {"enabled": bool | None, "address": str | None}}`` all or nothing.

    Raises:
        ValidationError: as :func:`set_channel`; nothing is stored then.
    """
    async with sessionmaker.begin() as session:
        current = await load(session, user_id)
        for name, change in changes.items():
            if name not in {c.value for c in USER_CHANNELS}:
                raise ValidationError(f"Unknown reminder channel {name!r}.", field="channel")
            address = change.get("address")
            if address is not None:
                if name == "ntfy":
                    current.ntfy_topic = clean_topic(str(address))
                elif name == "email":
                    current.email_address = clean_address(str(address))
                else:
                    raise ValidationError(f"The {name} channel takes no address.", field=f"{name}.address")
            enabled = change.get("enabled")
            if enabled is None and address is not None:
                enabled = True  # naming a topic/address turns the channel on
            if enabled is True:
                if name == "ntfy" and not current.ntfy_topic:
                    raise ValidationError("Name an ntfy topic to turn ntfy on.", field="ntfy.topic")
                if name == "email" and not current.email_address:
                    raise ValidationError("Give an email address to turn email on.", field="email.address")
                current.enabled.add(name)
            elif enabled is False:
                current.enabled.discard(name)
        row = await _row(session, user_id)
        if row is None:
            row = ChannelSettings(user_id=user_id, updated_at=now)
            session.add(row)
        row.enabled = ",".join(c.value for c in USER_CHANNELS if c.value in current.enabled)
        row.ntfy_topic = current.ntfy_topic
        row.email_address = current.email_address
        row.updated_at = now
        return current


async def add_push_subscription(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str,
    now: datetime,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    allowed_hosts: list[str],
) -> None:
    """Store a browser's push subscription (idempotent per endpoint).

    Raises:
        ValidationError: the endpoint's host is not allowed (field ``endpoint``).
    """
    check_push_endpoint(endpoint, allowed_hosts)
    async with sessionmaker.begin() as session:
        existing = (
            await session.execute(
                select(PushSubscription).where(
                    PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            session.add(PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now))
        else:
            existing.p256dh, existing.auth = p256dh, auth


async def remove_push_subscription(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str, endpoint: str
) -> bool:
    """Forget a push subscription of this user. Returns whether one was removed."""
    async with sessionmaker.begin() as session:
        result = await session.execute(
            delete(PushSubscription).where(PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
