"""The MCP server object: who is asking (per transport), domain-error translation, and assembly."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent

from todochat.config import Settings
from todochat.context import Clock, RequestContext, parse_zone
from todochat.errors import ConfirmationRequired, TodoError
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

INSTRUCTIONS = (
    "todochat keeps the user's task list. Tasks have a per-user number ('task 3'); tools that take "
    "`task` accept the number or words from the title. Dates are in the user's time zone: due is "
    "YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM. Deletions can be undone with `undo`. "
    "delete_tasks deletes more than one task only with confirm=true: show the user what would be "
    "deleted and ask first."
)


@dataclass(frozen=True)
class Backend:
    """What every tool needs: the task service, the settings, and who is asking.

    Attributes:
        service: returns the :class:`TaskService` (a callable, because the HTTP app makes its
            service in its lifespan, after the MCP server is built).
        user: returns the acting user id — the local user for stdio, the verified token's
            ``sub`` for HTTP. Raises :class:`todochat.errors.AuthError` when there is none.
        settings: the process settings (default time zone).
    """

    service: Callable[[], TaskService]
    user: Callable[[], str]
    settings: Settings

    async def context(self) -> RequestContext:
        """The request context of the current call: the user, their stored time zone (else the
        server default ``settings.timezone``) and the clock of ``settings.clock_fixed`` (unset: the
        real time).

        Raises:
            AuthError: no verified user (HTTP without a token; the transport refuses earlier).
        """
        user_id = self.user()
        zone = await self.service().get_timezone(user_id) or self.settings.timezone
        return RequestContext(
            user_id=user_id,
            tz=parse_zone(zone),
            clock=Clock(fixed=self.settings.clock_fixed),
            request_id=uuid.uuid4().hex,
        )


def error_result(exc: TodoError) -> CallToolResult:
    """A domain error as an MCP tool error (``isError: true``): the service's message as text, and
    ``{"error": code, "message", ...details}`` (candidates, would_delete, field) as structured content.
    """
    text = exc.message
    if isinstance(exc, ConfirmationRequired):
        listed = ", ".join(f'{t["number"]} "{t["title"]}"' for t in exc.would_delete)
        text = f"{text} Would delete: {listed}. Call again with confirm=true once the user agrees."
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=exc.to_dict(),
        is_error=True,
    )


def domain_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate an async tool so a :class:`TodoError` becomes :func:`error_result` instead of an
    exception (the SDK would prefix it and hide its details). Anything else propagates: the SDK
    logs it and answers a generic error, never a traceback. The signature (and so the schema) is
    the wrapped function's."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except TodoError as exc:
            logger.info("MCP tool %s refused: %s %r", fn.__name__, exc.code, exc.message)
            return error_result(exc)  # type: ignore[return-value]

    return wrapper


def build_server(backend: Backend) -> MCPServer:
    """The todochat MCP server: the task tools and resources over ``backend``.

    Args:
        backend: service, settings and the transport's way of knowing the user.

    Returns:
        An :class:`MCPServer` (run it over stdio, or serve its streamable HTTP app).
    """
    from todochat import __version__
    from todochat.mcp.resources import register_resources
    from todochat.mcp.tools import register_tools

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    server: MCPServer = MCPServer(
        "todochat",
        title="todochat",
        description="Your todochat task list: add, list, complete, update, delete and undo.",
        instructions=INSTRUCTIONS,
        version=__version__,
    )
    # MCPServer() calls logging.basicConfig (a handler on the root logger); logging set-up is the
    # CLI's job (todochat.logging), so undo it.
    root.handlers[:], root.level = handlers, level
    register_tools(server, backend)
    register_resources(server, backend)
    return server
