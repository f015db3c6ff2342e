"""The agent's list tools (create_list, list_lists, rename_list, archive_list, delete_list):
translate arguments, call TaskService's list operations, record the conversation state and return
a small JSON result (shapes in docs/agent-tools.md). Domain errors become results (``_guard``)."""

from __future__ import annotations

from typing import Any

from agents import FunctionTool, function_tool

from todochat.agent.tools import Ctx, _guard
from todochat.tasks.lists import ListOut


def list_brief(out: ListOut) -> dict[str, Any]:
    """The list fields a model needs: ``{"name", "open_tasks", "archived"}``."""
    return {"name": out.name, "open_tasks": out.open_tasks, "archived": out.archived}


@function_tool
async def create_list(ctx: Ctx, name: str) -> str:
    """Create a list (a project) for tasks ("create a list called Work"). Not for tags (#work).

    Args:
        name: The list's name, 1-100 characters; a name already used (any case) or "Inbox" is refused.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.create_list(ctx.context.request_context, name)
        ctx.context.remember(pending=None)
        return {"list": list_brief(out)}

    return await _guard(ctx, "create_list", {"name": name}, call)


@function_tool
async def list_lists(ctx: Ctx, archived: bool = False) -> str:
    """The user's lists with their counts of open tasks ("what lists do I have?"); the Inbox
    (tasks with no list) comes first.

    Args:
        archived: Include archived lists.
    """

    async def call() -> dict[str, Any]:
        found = await ctx.context.service.list_lists(ctx.context.request_context, archived=archived)
        ctx.context.remember(pending=None)
        return {"count": len(found), "lists": [list_brief(x) for x in found]}

    return await _guard(ctx, "list_lists", {"archived": archived} if archived else {}, call)


@function_tool
async def rename_list(ctx: Ctx, name: str, new_name: str) -> str:
    """Rename a list; its tasks follow (undoable). The Inbox cannot be renamed.

    Args:
        name: The list's current name (any case).
        new_name: The new name, 1-100 characters, not used by another list.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.rename_list(ctx.context.request_context, name, new_name)
        ctx.context.remember(pending=None)
        return {"list": list_brief(out)}

    return await _guard(ctx, "rename_list", {"name": name, "new_name": new_name}, call)


@function_tool
async def archive_list(ctx: Ctx, name: str, archived: bool = True) -> str:
    """Archive a list (hidden from list_lists, takes no new tasks, keeps its tasks), or unarchive it.

    Args:
        name: The list's name (any case).
        archived: True archives, false brings it back.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.archive_list(ctx.context.request_context, name, archived=archived)
        ctx.context.remember(pending=None)
        return {"list": list_brief(out)}

    return await _guard(ctx, "archive_list", {"name": name, "archived": archived}, call)


@function_tool
async def delete_list(ctx: Ctx, name: str, confirm: bool = False) -> str:
    """Delete a list and its tasks in one undoable step. A list with tasks needs confirm=true:
    without it nothing changes and the result says how many tasks it has (ask the user first, and
    call again with confirm=true only if they agree).

    Args:
        name: The list's name (any case); the Inbox cannot be deleted.
        confirm: True only after the user agreed to delete the list's tasks with it.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.delete_list(ctx.context.request_context, name, confirm=confirm)
        ctx.context.remember(touched=[], pending=None)
        return {"list": list_brief(out)}

    return await _guard(ctx, "delete_list", {"name": name, **({"confirm": True} if confirm else {})}, call)


LIST_TOOLS: list[FunctionTool] = [create_list, list_lists, rename_list, archive_list, delete_list]
"""The list tools the agent has (agent.py), after the task tools."""
