"""REST ``/api/v1/lists``: a user's lists (projects) over plain HTTP (same auth as the tasks routes).

A list is named by its name in the path (case-insensitively; ``Inbox`` is every user's default
list, which can be neither renamed, archived nor deleted). Rules live in tasks/lists.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.convertors import Convertor, register_url_convertor

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import CONFLICT, ERRORS, ErrorOut
from todochat.errors import ValidationError
from todochat.tasks.lists import ListOut

router = APIRouter(prefix="/api/v1/lists", tags=["lists"])


class ListNameConvertor(Convertor[str]):
    """A list name in the path: any characters, "/" and newlines included (Starlette's ``path``
    convertor stops at a newline, so such a name met the router's bare 404 instead of ours)."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("listname", ListNameConvertor())

Name = Annotated[str, Path(description="The list's name (any case); 'Inbox' is the default list")]
NOT_FOUND = {"model": ErrorOut, "description": "No list of this name for this user (another user's list is not found too)"}


class ListPage(BaseModel):
    """The user's lists: the Inbox first, then the others by name, each with its open-task count."""

    lists: list[ListOut]


class ListCreate(BaseModel):
    """A new list. Unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Work"}]})

    name: str = Field(description="1 to 100 characters after trimming, unique among your lists (any case)")


class ListChanges(BaseModel):
    """Changes to a list: a new ``name`` and/or ``archived``. Unknown fields are refused (422)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Office"}, {"archived": True}]}
    )

    name: str | None = Field(default=None, description="The new name (same rules as creating)")
    archived: bool | None = Field(default=None, description="true archives the list, false brings it back")


@router.get("", response_model=ListPage, responses=ERRORS, summary="List your lists")
async def list_lists(
    ctx: CurrentContext,
    service: ServiceDep,
    archived: Annotated[bool, Query(description="Include archived lists")] = False,
) -> ListPage:
    """The Inbox and the user's lists with their counts of open tasks."""
    return ListPage(lists=await service.list_lists(ctx, archived=archived))


@router.post(
    "",
    response_model=ListOut,
    status_code=201,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "The list quota is reached (quota_exceeded)"}},
    summary="Create a list",
)
async def create_list(ctx: CurrentContext, service: ServiceDep, body: ListCreate) -> ListOut:
    """Create a list; a name that is taken (any case), empty, over 100 characters or 'Inbox' is 422 naming ``name``."""
    return await service.create_list(ctx, body.name)


@router.get("/{name:listname}", response_model=ListOut, responses={**ERRORS, 404: NOT_FOUND}, summary="Get a list")
async def get_list(ctx: CurrentContext, service: ServiceDep, name: Name) -> ListOut:
    """The list with this name and its count of open tasks."""
    return await service.get_list(ctx, name)


@router.patch("/{name:listname}", response_model=ListOut, responses={**ERRORS, 404: NOT_FOUND}, summary="Rename or archive a list")
async def update_list(ctx: CurrentContext, service: ServiceDep, name: Name, body: ListChanges) -> ListOut:
    """Rename the list (``name``) and/or archive or unarchive it (``archived``); each is one undoable step."""
    if body.name is None and body.archived is None:
        raise ValidationError("Nothing to change: give a new name or archived.", field="name")
    out = None
    if body.name is not None:
        out = await service.rename_list(ctx, name, body.name)
        name = out.name
    if body.archived is not None:
        out = await service.archive_list(ctx, name, archived=body.archived)
    assert out is not None
    return out


@router.delete(
    "/{name:listname}",
    status_code=204,
    responses={
        **ERRORS,
        404: NOT_FOUND,
        409: {**CONFLICT, "description": "The list has tasks and confirm is not true: would_delete lists them"},
    },
    summary="Delete a list and its tasks (undoable)",
)
async def delete_list(
    ctx: CurrentContext,
    service: ServiceDep,
    name: Name,
    confirm: Annotated[bool, Query(description="Required (true) when the list has tasks: they are deleted with it")] = False,
) -> Response:
    """Delete the list with its tasks in one step (``POST /api/v1/tasks/undo`` restores all of
    it); a list with tasks needs ``?confirm=true``, else 409 naming how many."""
    await service.delete_list(ctx, name, confirm=confirm)
    return Response(status_code=204)
