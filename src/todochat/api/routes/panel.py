"""REST ``GET /api/v1/panel``: what the page's task panel shows in one answer — the default views
(Today, Upcoming) and the user's lists with their counts of open tasks, and the tasks of one of
them, subtasks under their parents. The rules are tasks/views.py's; the words presentation.py's.
"""

from __future__ import annotations

import builtins
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import ERRORS, ErrorOut
from todochat.errors import ValidationError
from todochat.presentation import due_label
from todochat.tasks.lists import ListOut
from todochat.tasks.schemas import PriorityName, TaskFilter, ViewName
from todochat.tasks.views import DEFAULT_SORT, DEFAULT_STATUS, VIEW_TITLES, nested, view_filter

router = APIRouter(prefix="/api/v1/panel", tags=["lists"])

PANEL_MAX = 500
"""At most this many tasks of the selected view or list (soonest due first)."""


class ViewOut(BaseModel):
    """A default view and how many open tasks it shows."""

    name: ViewName
    title: str = Field(examples=["Today"])
    open_tasks: int


class PanelTask(BaseModel):
    """One row of the panel."""

    number: int
    title: str
    completed: bool
    list: str = Field(description="The task's list ('Inbox' when it has none)")
    parent: int | None = Field(description="The parent task's number, or null")
    depth: int = Field(description="0 for a top-level row; 1 under its parent (shown just above it) ...")
    due: str | None = Field(description="YYYY-MM-DD or YYYY-MM-DDTHH:MM in the user's zone, or null")
    due_label: str = Field(examples=["due tomorrow at 15:00"], description="The due date as people read it ('' without one)")
    overdue: bool
    priority: PriorityName


class PanelOut(BaseModel):
    """The panel: views and lists (with counts), the one shown, and its tasks."""

    views: builtins.list[ViewOut]
    lists: builtins.list[ListOut]
    view: ViewName | None = Field(description="The view shown, or null when a list is shown")
    list: str | None = Field(description="The list shown, or null when a view is shown")
    title: str = Field(examples=["Today"])
    tasks: builtins.list[PanelTask]


NOT_FOUND = {"model": ErrorOut, "description": "No list of this name for this user"}


@router.get("", response_model=PanelOut, responses={**ERRORS, 404: NOT_FOUND}, summary="The task panel")
async def panel(
    ctx: CurrentContext,
    service: ServiceDep,
    view: Annotated[ViewName | None, Query(description="today or upcoming (the default when no list is given)")] = None,
    list_name: Annotated[str | None, Query(alias="list", description="Show this list's open tasks instead of a view")] = None,
) -> PanelOut:
    """The default views and the lists with their open-task counts, and the open tasks of the
    view or list asked for (soonest due first, subtasks under their parents); both ``view`` and
    ``list`` is a 422 naming ``list``."""
    if view is not None and list_name is not None:
        raise ValidationError("Give view or list, not both.", field="list")
    today = ctx.local_now().date()
    per_view = {name: await service.list(ctx, view_filter(name, today), sort=DEFAULT_SORT, limit=PANEL_MAX)
                for name in VIEW_TITLES}
    lists = await service.list_lists(ctx)
    if list_name is not None:
        tasks = await service.list(ctx, TaskFilter(status=DEFAULT_STATUS, list=list_name), sort=DEFAULT_SORT, limit=PANEL_MAX)
        title = next((entry.name for entry in lists if entry.name.casefold() == list_name.casefold()), list_name)
    else:
        view = view or "today"
        tasks, title = per_view[view], VIEW_TITLES[view]
    rows = [
        PanelTask(
            number=t.number, title=t.title, completed=t.completed, list=t.list, parent=t.parent, depth=depth,
            due=t.due, due_label=due_label(t.due, overdue=t.overdue, today=today), overdue=t.overdue, priority=t.priority,
        )
        for t, depth in nested(tasks)
    ]
    views = [ViewOut(name=name, title=VIEW_TITLES[name], open_tasks=len(per_view[name])) for name in VIEW_TITLES]
    return PanelOut(views=views, lists=lists, view=view, list=title if list_name is not None else None, title=title, tasks=rows)
