"""``todochat mcp``: the MCP server on stdin/stdout, acting as one local user on the configured database."""

from __future__ import annotations

import logging

import anyio

from todochat import migrations
from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.errors import AuthError
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)


def acting_user(settings: Settings, user: str | None) -> str:
    """The user ``todochat mcp`` acts as: ``user`` if given, else ``settings.local_user`` — the user
    ``todochat serve`` logs in, so the chat page and the MCP client see the same tasks.

    The name is normalised as a token's subject is (``api.auth.normalize_subject``: NFC; control
    characters and surrounding white space refused), so stdio and HTTP name the same user alike.

    Raises:
        ValueError: empty, longer than 255 characters, or not a valid subject.
    """
    from todochat.api.auth import normalize_subject

    try:
        return normalize_subject(user if user is not None else settings.local_user)
    except AuthError as exc:
        raise ValueError(f"The user name is not valid: {exc.message}") from exc


def run_stdio(settings: Settings, user: str | None = None, *, migrate: bool = True) -> None:
    """Serve MCP over stdin/stdout until the client closes stdin. Blocks.

    The database is migrated first (``migrations.upgrade``), so a first run on a new machine works.
    Nothing but protocol messages is written to stdout; logs go to stderr.

    Args:
        settings: the process settings (database URL, default time zone).
        user: the user to act as (see :func:`acting_user`); default ``settings.local_user``.
        migrate: upgrade the database first (the CLI passes False after its own upgrade).

    Raises:
        ValueError: an unusable user name (see :func:`acting_user`).
        ConfigurationError: the database is at a revision this version does not know.
    """
    user_id = acting_user(settings, user)
    if migrate:
        migrations.upgrade(settings)
    anyio.run(_serve, settings, user_id)


async def _serve(settings: Settings, user_id: str) -> None:
    engine = make_engine(settings)
    service = TaskService(make_sessionmaker(engine), max_tasks=settings.quota_tasks, max_lists=settings.quota_lists)
    server = build_server(Backend(service=lambda: service, user=lambda: user_id, settings=settings))
    logger.info("MCP over stdio as user %r", user_id)
    try:
        await server.run_stdio_async()
    finally:
        await engine.dispose()
