"""The MCP list tools (create_list, list_lists, rename_list, archive_list, delete_list): typed
arguments, structured results and annotations over TaskService's list operations — no list rule here."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from todochat.mcp.server import Backend, ToolSet, domain_errors
from todochat.mcp.tools import _hints
from todochat.tasks.lists import ListOut
from todochat.tasks.models import LIST_NAME_MAX

ListName = Annotated[str, Field(description="A list's name (any case); 'Inbox' is the default list.")]
NewName = Annotated[str, Field(description=f"The list's name: 1-{LIST_NAME_MAX} characters, unique among the user's lists.")]


class Lists(BaseModel):
    """The user's lists: the Inbox first, each with its count of open tasks."""

    count: int
    lists: list[ListOut]


def register_list_tools(server: ToolSet, backend: Backend) -> None:
    """Add the list tools to ``server``; each acts as ``backend``'s current user."""
    svc = backend.service

    @server.tool(annotations=_hints("Create a list"))
    @domain_errors
    async def create_list(name: NewName) -> ListOut:
        """Create a list (a project) for tasks. A name already used (any case) or 'Inbox' is refused."""
        return await svc().create_list(await backend.context(), name)

    @server.tool(annotations=_hints("List lists", read_only=True))
    @domain_errors
    async def list_lists(
        archived: Annotated[bool, Field(description="Include archived lists.")] = False,
    ) -> Lists:
        """The user's lists with their counts of open tasks; the Inbox holds tasks with no list."""
        found = await svc().list_lists(await backend.context(), archived=archived)
        return Lists(count=len(found), lists=found)

    @server.tool(annotations=_hints("Rename a list", idempotent=True))
    @domain_errors
    async def rename_list(name: ListName, new_name: NewName) -> ListOut:
        """Rename a list; its tasks follow. The Inbox cannot be renamed. `undo` reverts it."""
        return await svc().rename_list(await backend.context(), name, new_name)

    @server.tool(annotations=_hints("Archive a list", idempotent=True))
    @domain_errors
    async def archive_list(
        name: ListName,
        archived: Annotated[bool, Field(description="true archives, false brings the list back.")] = True,
    ) -> ListOut:
        """Archive a list (hidden from list_lists, takes no new tasks, keeps its tasks) or unarchive it."""
        return await svc().archive_list(await backend.context(), name, archived=archived)

    @server.tool(annotations=_hints("Delete a list", destructive=True))
    @domain_errors
    async def delete_list(
        name: ListName,
        confirm: Annotated[
            bool, Field(description="True only after the user agreed to delete the list's tasks with it.")
        ] = False,
    ) -> ListOut:
        """Delete a list and its tasks, in one step `undo` reverts. A list with tasks needs
        confirm=true: without it nothing changes and the error says how many tasks it has (ask first)."""
        return await svc().delete_list(await backend.context(), name, confirm=confirm)
