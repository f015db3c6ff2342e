"""The channels that send a reminder: the page (stored for the open page), Web Push, ntfy, email
and the operator's webhook. Each sender takes a :class:`Notice` and raises :class:`SendError` on a
failure worth retrying; the dispatcher records the attempt either way.

Only operator-configured destinations are ever called (ntfy server, SMTP relay, webhook URL, Web
Push hosts on the allow-list); redirects are not followed, so a response cannot steer the server
to another host.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol

import aiosmtplib
import httpx

from todochat.config import Settings
from todochat.errors import ValidationError
from todochat.notify import webpush
from todochat.notify.models import Channel
from todochat.notify.preferences import check_push_endpoint

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10.0


class SendError(Exception):
    """A send failed (unreachable server, refusal, timeout); the message is stored with the attempt."""


@dataclass(frozen=True)
class PushTarget:
    """One Web Push subscription of the user."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Notice:
    """What one delivery says.

    Attributes:
        delivery_id: the delivery (also the idempotency key sent along).
        reminder_id: the reminder.
        user_id: whose reminder.
        number, title: the task.
        due: the task's due instant (aware UTC) or None; ``due_all_day`` when it is a day.
        fire_at: when the reminder was due (aware UTC).
        late: delivered more than 60 s after ``fire_at`` (the server was down).
        ntfy_topic, email_address, push: the user's addresses for those channels.
    """

    delivery_id: int
    reminder_id: int
    user_id: str
    number: int
    title: str
    due: datetime | None
    due_all_day: bool
    fire_at: datetime
    late: bool = False
    ntfy_topic: str | None = None
    email_address: str | None = None
    push: tuple[PushTarget, ...] = field(default_factory=tuple)

    @property
    def due_text(self) -> str | None:
        """The due time as ISO 8601 (a date for an all-day task), or None."""
        if self.due is None:
            return None
        return self.due.date().isoformat() if self.due_all_day else self.due.isoformat()

    def summary(self) -> str:
        """One line for a person: ``Reminder: Call mom (task 3), due 2026-11-23T17:00:00+00:00``."""
        due = f", due {self.due_text}" if self.due_text else ""
        late = " (late: the server was down when it was due)" if self.late else ""
        return f"Reminder: {self.title} (task {self.number}){due}{late}"

    def webhook_body(self) -> dict[str, Any]:
        """The webhook's JSON: ``{"user", "task": {"number", "title", "due"}, "reminder": {"id", "at"}}``
        (plus ``late``)."""
        return {
            "user": self.user_id,
            "task": {"number": self.number, "title": self.title, "due": self.due_text},
            "reminder": {"id": self.reminder_id, "at": self.fire_at.isoformat()},
            "late": self.late,
        }


class Sender(Protocol):
    """Sends one notice. Raises :class:`SendError` on a failure worth retrying."""

    async def __call__(self, notice: Notice) -> None: ...


class Senders:
    """The senders for the operator's configuration (``settings``). ``available()`` names the
    channels this server can use; a user's enabled channel the operator did not configure is
    skipped, not failed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def available(self) -> set[str]:
        """Channels configured on this server (page always)."""
        s = self.settings
        found = {Channel.page.value, Channel.webpush.value}
        if s.ntfy_url:
            found.add(Channel.ntfy.value)
        if s.smtp_host:
            found.add(Channel.email.value)
        if s.reminder_webhook_url:
            found.add(Channel.webhook.value)
        return found

    async def send(self, channel: str, notice: Notice) -> None:
        """Send ``notice`` on ``channel``.

        Raises:
            SendError: the channel failed (or is no longer configured).
        """
        match channel:
            case Channel.page:
                return  # the row itself is the page's notification (GET /api/v1/notifications)
            case Channel.webhook:
                await self.webhook(notice)
            case Channel.ntfy:
                await self.ntfy(notice)
            case Channel.email:
                await self.email(notice)
            case Channel.webpush:
                await self.webpush(notice)
            case _:
                raise SendError(f"unknown channel {channel!r}")

    async def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http:
                response = await http.post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc
        if not response.is_success:
            raise SendError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    async def webhook(self, notice: Notice) -> None:
        """POST the webhook JSON to ``TODOCHAT_REMINDER_WEBHOOK_URL`` (header ``Idempotency-Key``:
        the delivery id, so a receiver can drop a repeat after a crash mid-send)."""
        url = self.settings.reminder_webhook_url
        if not url:
            raise SendError("TODOCHAT_REMINDER_WEBHOOK_URL is not set")
        await self._post(
            url,
            json=notice.webhook_body(),
            headers={"Idempotency-Key": f"todochat-delivery-{notice.delivery_id}"},
        )

    async def ntfy(self, notice: Notice) -> None:
        """POST the message to ``{TODOCHAT_NTFY_URL}/{topic}`` with Title and Tags headers (ntfy's
        publish API; a non-ASCII title is RFC 2047-encoded, which ntfy decodes)."""
        base = self.settings.ntfy_url
        if not base or not notice.ntfy_topic:
            raise SendError("ntfy is not configured (TODOCHAT_NTFY_URL) or the user has no topic")
        title = f"Reminder: {notice.title}"
        header_title = title if title.isascii() else Header(title, "utf-8").encode()
        body = notice.summary()
        await self._post(
            f"{base.rstrip('/')}/{notice.ntfy_topic}",
            content=body.encode(),
            headers={"Title": header_title.replace("\n", " "), "Tags": "alarm_clock"},
        )

    async def email(self, notice: Notice) -> None:
        """Send a plain-text email through the operator's SMTP relay (aiosmtplib); its Message-ID
        carries the delivery id."""
        s = self.settings
        if not s.smtp_host or not notice.email_address:
            raise SendError("email is not configured (TODOCHAT_SMTP_HOST) or the user has no address")
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = notice.email_address
        message["Subject"] = f"Reminder: {notice.title}"
        message["Message-ID"] = make_msgid(idstring=f"todochat-delivery-{notice.delivery_id}")
        message.set_content(notice.summary() + "\n")
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_user,
                password=s.smtp_password,
                start_tls=s.smtp_starttls,
                timeout=TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc

    async def webpush(self, notice: Notice) -> None:
        """Encrypt the notice (RFC 8291, aes128gcm) to each of the user's subscriptions and POST it
        with a VAPID header (RFC 8292) to its push service, if that host is still allowed. Fails
        only when no subscription took it (each failure is in the error)."""
        if not notice.push:
            raise SendError("no Web Push subscription")
        payload = json.dumps(
            {"title": f"Reminder: {notice.title}", "body": notice.summary(), "task": notice.number,
             "delivery": notice.delivery_id}
        ).encode()
        errors: list[str] = []
        delivered = 0
        for target in notice.push:
            try:
                check_push_endpoint(target.endpoint, self.settings.webpush_allowed_hosts)
            except ValidationError:
                errors.append("endpoint host not allowed")
                continue
            try:
                body, headers = webpush.encrypt_and_sign(self.settings, target, payload)
                await self._post(target.endpoint, content=body, headers=headers)
                delivered += 1
            except SendError as exc:
                errors.append(str(exc))
        if delivered:
            return
        raise SendError("; ".join(errors)[:300])
