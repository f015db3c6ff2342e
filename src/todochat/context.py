"""The request context: who is asking (from the verified token only), their time zone and "now"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
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


LANGUAGE_SETTINGS = ("auto", "en", "de")
"""The reply-language setting's values: ``auto`` (each message's own language) or an ISO 639-1
code the assistant answers in (``PUT /api/v1/me/language``)."""


def check_language(value: str) -> str:
    """Return ``value`` if it is one of :data:`LANGUAGE_SETTINGS`.

    Raises:
        ValidationError: any other value (field ``language``).
    """
    if value not in LANGUAGE_SETTINGS:
        raise ValidationError(
            f"Unknown language {value!r}: use one of {', '.join(LANGUAGE_SETTINGS)}.", field="language"
        )
    return value


Front = Literal["chat", "widget", "rest", "mcp", "cli"]
"""Where a change came from, as the audit log names it: a chat turn (ChatKit or the chat API), a
task-widget button, the REST API, an MCP client, or the ``todochat`` command."""

_TOOL: ContextVar[str | None] = ContextVar("todochat_tool", default=None)


@contextmanager
def acting_tool(name: str) -> Iterator[None]:
    """Name the tool acting for the body (an agent tool or MCP tool call), for the audit log.

    The agent's tools share the turn's :class:`RequestContext`, and the Agents SDK may run several
    tool calls at once (one asyncio task each), so the name is a context variable: each call sees
    its own. :func:`current_tool` reads it.
    """
    token = _TOOL.set(name[:80])
    try:
        yield
    finally:
        _TOOL.reset(token)


def current_tool(ctx: RequestContext) -> str | None:
    """The tool acting now: ``ctx.tool`` when the front set it, else the one named by
    :func:`acting_tool` around the current call, else None."""
    return ctx.tool or _TOOL.get()


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
        front: where the request came in (:data:`Front`), set once by the front that builds the
            context; the change journal records it (the audit log's "which front").
        language: the user's reply-language setting (:data:`LANGUAGE_SETTINGS`; ``auto``: each
            message's own language), read by chat fronts only; the agent puts it in its instructions.
        tool: what acted within that front: the REST route (``"POST /api/v1/tasks"``), the widget
            action (``"task.complete"``), the CLI command; agent and MCP tool calls name theirs
            with :func:`acting_tool`. Recorded with each change (the audit log's "which tool").
    """

    user_id: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    clock: Clock = field(default_factory=Clock)
    request_id: str = ""
    metadata: dict[str, object] = field(default_factory=dict)
    turn: str | None = None
    front: Front | None = None
    tool: str | None = None
    language: str = "auto"

    def now(self) -> datetime:
        """The current instant (aware, UTC)."""
        return self.clock.now()

    def local_now(self) -> datetime:
        """The current wall-clock time in the user's zone (aware)."""
        return self.now().astimezone(self.tz)
