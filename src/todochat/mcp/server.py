"""The MCP server object: who is asking (per transport), domain-error translation, and assembly."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.request_state import RequestStateSecurity
from mcp_types import CallToolResult, Icon, TextContent, ToolAnnotations
from pydantic import ConfigDict

from todochat.config import Settings
from todochat.context import Clock, RequestContext, acting_tool, parse_zone
from todochat.errors import ConfirmationRequired, TodoError
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

INSTRUCTIONS = (
    "todochat keeps the user's task list. Tasks have a per-user number ('task 3'); tools that take "
    "`task` accept the number or words from the title. Dates are in the user's time zone: due is "
    "YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM. Every change can be undone with `undo` (newest first) and re-applied with `redo`. "
    "complete_tasks, update_tasks and delete_tasks name their tasks explicitly (numbers, a filter, or all=true) "
    "and change more than one task only with confirm=true: show the user what would change and "
    "ask first. Reminders (add_reminder, list_reminders, delete_reminder): `at` is an ISO 8601 instant with "
    "offset, or `before_minutes` before the due time. Unknown arguments are refused."
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
            front="mcp",
        )


def error_result(exc: TodoError) -> CallToolResult:
    """A domain error as an MCP tool error (``isError: true``): the service's message as text, and
    ``{"error": code, "message", ...details}`` (candidates, would_change/would_delete, field) as
    structured content.
    """
    text = exc.message
    if isinstance(exc, ConfirmationRequired):
        listed = ", ".join(f'{t["number"]} "{t["title"]}"' for t in exc.would_change)
        text = f"{text} Would {exc.action}: {listed}. Call again with confirm=true once the user agrees."
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
            with acting_tool(fn.__name__):  # the journal records the tool (audit log)
                return await fn(*args, **kwargs)
        except TodoError as exc:
            logger.info("MCP tool %s refused: %s", fn.__name__, exc.code)  # no user text at INFO
            logger.debug("MCP tool %s refused: %r", fn.__name__, exc.message)
            return error_result(exc)  # type: ignore[return-value]

    return wrapper


def strict_arguments(tool: Tool) -> Tool:
    """``tool`` refusing arguments it does not declare.

    The SDK (mcp 2.3, ``FuncMetadata.arg_model``) validates arguments with a pydantic model that
    *ignores* unknown keys, so ``add_task(title=..., due_date=...)`` would drop ``due_date``
    silently. This derives the model with ``extra="forbid"``: an unknown key becomes the SDK's
    tool error (``isError: true``) naming the argument, before the tool runs; the input schema
    says ``additionalProperties: false``.
    """
    base = tool.fn_metadata.arg_model
    strict = type(
        base.__name__,
        (base,),
        {"model_config": ConfigDict(extra="forbid", arbitrary_types_allowed=True), "__module__": base.__module__},
    )
    metadata = tool.fn_metadata.model_copy(update={"arg_model": strict})
    return tool.model_copy(update={"fn_metadata": metadata, "parameters": strict.model_json_schema(by_alias=True)})


class ToolSet:
    """Collects the tools (``@tools.tool(annotations=...)``, as ``MCPServer.tool`` does) and hands
    them to :class:`MCPServer` strict (:func:`strict_arguments`): one place for every tool."""

    def __init__(self) -> None:
        self.tools: list[Tool] = []

    def tool(
        self,
        name: str | None = None,
        *,
        title: str | None = None,
        description: str | None = None,
        annotations: ToolAnnotations | None = None,
        icons: list[Icon] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
        """Register the decorated async function as a tool (same arguments as ``MCPServer.tool``)."""

        def decorator(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
            made = Tool.from_function(
                fn, name=name, title=title, description=description, annotations=annotations, icons=icons, meta=meta
            )
            self.tools.append(strict_arguments(made))
            return fn

        return decorator


def build_server(backend: Backend, *, request_state_security: RequestStateSecurity | None = None) -> MCPServer:
    """The todochat MCP server: the task tools and resources over ``backend``.

    Args:
        backend: service, settings and the transport's way of knowing the user.
        request_state_security: the seal of multi-round-trip ``requestState`` (confirmations by
            elicitation); default the SDK's per-process key (stdio). HTTP replicas share one.

    Returns:
        An :class:`MCPServer` (run it over stdio, or serve its streamable HTTP app).
    """
    from todochat import __version__
    from todochat.mcp.list_tools import register_list_tools
    from todochat.mcp.resources import register_resources
    from todochat.mcp.tools import register_tools

    tools = ToolSet()
    register_tools(tools, backend)
    register_list_tools(tools, backend)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    server: MCPServer = MCPServer(
        "todochat",
        title="todochat",
        description="Your todochat task list: add, list, complete, update, delete and undo.",
        instructions=INSTRUCTIONS,
        version=__version__,
        tools=tools.tools,
        request_state_security=request_state_security,
    )
    # MCPServer() calls logging.basicConfig (a handler on the root logger); logging set-up is the
    # CLI's job (todochat.logging), so undo it.
    root.handlers[:], root.level = handlers, level
    register_resources(server, backend)
    return server
