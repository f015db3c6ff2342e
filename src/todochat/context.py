"""The request context: who is asking (from the verified token only), their time zone and "now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from todochat.errors import ValidationError


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def parse_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``.

    Raises:
        ValidationError: the zone does not exist (field ``timezone``).
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Europe" is a directory
        raise ValidationError(f"Unknown time zone {name!r}.", field="timezone") from exc


@dataclass(frozen=True)
class Clock:
    """A source of "now". ``fixed`` pins it (evals, tests); otherwise it is the real time."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        return self.fixed.astimezone(UTC) if self.fixed else utcnow()


@dataclass(frozen=True)
class RequestContext:
    """Who is acting and when. ``user_id`` comes only from a verified token (or the local CLI user).

    Attributes:
        user_id: the token's ``sub``.
        tz: the user's time zone, used to read and show dates.
        clock: the source of "now".
        request_id: correlation id for logs.
        metadata: per-request extras (e.g. ChatKit request metadata).
        turn: the chat turn acting (the ChatKit user message item id it answers), or None; the
            change journal records it with every change the turn makes.
    """

    user_id: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    clock: Clock = field(default_factory=Clock)
    request_id: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    turn: str | None = None

    def now(self) -> datetime:
        """The current instant (aware, UTC)."""
        return self.clock.now()

    def local_now(self) -> datetime:
        """The current wall-clock time in the user's zone (aware)."""
        return self.now().astimezone(self.tz)
