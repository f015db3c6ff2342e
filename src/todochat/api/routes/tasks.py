"""REST ``/api/v1/tasks``: the task service over plain HTTP (same auth as ChatKit)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.errors import ValidationError
from todochat.tasks.journal import UndoResult
from todochat.tasks.schemas import (
    TASK_NUMBER_MAX,
    BulkResult,
    CompleteResult,
    PriorityName,
    Selection,
    SortKey,
    StatusFilter,
    SubtasksResult,
    TaskChanges,
    TaskCreate,
    TaskFilter,
    TaskOut,
)

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


class ErrorOut(BaseModel):
    """Every error body (``TodoError.to_dict``); some add details such as ``would_delete``."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(examples=["validation"], description="not_found, validation, unauthorized, confirmation_required ...")
    message: str = Field(examples=["Unknown priority 'urgent-ish': use none, low, medium or high."])
    field: str | None = Field(default=None, examples=["priority"], description="The invalid field (422)")


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
    404: {"model": ErrorOut, "description": "No such task for this user (another user's task is not found too)"},
    422: {"model": ErrorOut, "description": "Invalid field; the body names it: {error, message, field}"},
}
CONFLICT = {"model": ErrorOut}


class TaskPage(BaseModel):
    """One page of tasks; pass ``next_cursor`` as ``cursor`` for the next (null: no more)."""

    tasks: list[TaskOut]
    next_cursor: str | None = None


class BulkRequest(Selection):
    """Which tasks a bulk operation covers — exactly one of ``numbers``, ``filter`` or
    ``"all": true`` — and, for delete, the confirmation. Unknown fields are refused (422)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"numbers": [2, 3]}, {"filter": {"tag": "work"}, "confirm": True}, {"all": True}]},
    )

    confirm: bool = Field(
        default=False,
        description="Required (true) to delete more than one task; completing needs none (it is undoable)",
    )


class BulkUpdateRequest(Selection):
    """Which tasks to change — exactly one of ``numbers``, ``filter`` or ``"all": true`` — and the
    ``changes`` for every one of them (no ``title``: one title for many tasks is refused).
    Rescheduling fields act on each task's own due date. Unknown fields are refused (422)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"filter": {"due": "2026-12-04"}, "changes": {"due_day": "2026-12-07"}},
                {"numbers": [2, 3], "changes": {"shift": "P1W", "later_only": True}},
                {"filter": {"tag": "work"}, "changes": {"priority": "high", "add_tags": ["q4"]}},
            ]
        },
    )

    changes: TaskChanges = Field(description="The same changes for every selected task (only the fields set change)")


Number = Annotated[int, Path(ge=1, le=TASK_NUMBER_MAX, description="The task number")]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "o" or int(value) < 0:
            raise ValueError(cursor)
        return int(value)
    except ValueError as exc:
        raise ValidationError("Invalid cursor.", field="cursor") from exc


def task_filter(
    status: StatusFilter = "all",
    priority: PriorityName | None = None,
    tag: str | None = None,
    due: Annotated[str | None, Query(description="today, tomorrow, overdue, this_week, none, any, or YYYY-MM-DD")] = None,
    due_before: Annotated[str | None, Query(description="Due on or before YYYY-MM-DD")] = None,
    due_after: Annotated[str | None, Query(description="Due on or after YYYY-MM-DD")] = None,
    q: Annotated[
        str | None,
        Query(description="Words that must all be in the title, description or tags (whole words, any inflection)"),
    ] = None,
    list_name: Annotated[
        str | None, Query(alias="list", description="Only the tasks of the list with this name ('Inbox': tasks with no list)")
    ] = None,
    parent: Annotated[
        int | None,
        Query(ge=0, le=TASK_NUMBER_MAX, description="Only the direct subtasks of this task number (0: top-level tasks only)"),
    ] = None,
) -> TaskFilter:
    """The task filter of a GET query (``GET /api/v1/tasks``, ``GET /api/v1/export``): every
    parameter given narrows it (``TaskFilter`` checks the values: a bad one is a 422 naming it)."""
    return TaskFilter(status=status, priority=priority, tag=tag, due=due, due_before=due_before, due_after=due_after, query=q,
                      list=list_name, parent=parent)


TaskFilterQuery = Annotated[TaskFilter, Depends(task_filter)]
"""The filter query parameters of the routes that read tasks, declared once."""


@router.get("", response_model=TaskPage, responses=ERRORS, summary="List and search tasks")
async def list_tasks(
    ctx: CurrentContext,
    service: ServiceDep,
    flt: TaskFilterQuery,
    sort: SortKey = "number",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> TaskPage:
    """The user's tasks matching every given filter, sorted, one page at a time."""
    offset = _offset(cursor)
    tasks = await service.list(ctx, flt, sort=sort, limit=limit + 1, offset=offset)
    more = len(tasks) > limit
    return TaskPage(tasks=tasks[:limit], next_cursor=_cursor(offset + limit) if more else None)


QUOTA = {"model": ErrorOut, "description": "The user's task quota is reached (quota_exceeded: limit, max, setting); nothing added"}


@router.post("", response_model=TaskOut, status_code=201, responses={**ERRORS, 409: QUOTA}, summary="Create a task")
async def create_task(ctx: CurrentContext, service: ServiceDep, body: TaskCreate) -> TaskOut:
    """Create a task; it gets the user's next number."""
    return await service.add(ctx, body)


# /undo and /bulk/* come before /{number}/...: Starlette matches in order and "bulk" fits {number}.
@router.post("/undo", response_model=UndoResult, responses={**ERRORS, 409: {**CONFLICT, "description": "Nothing to undo"}}, summary="Undo the latest change")
async def undo(ctx: CurrentContext, service: ServiceDep) -> UndoResult:
    """Revert the user's latest change from any front (then the one before, at least 20 deep);
    ``message`` says what was undone ("Undid: marked 'Buy milk' done")."""
    return await service.undo(ctx)


@router.post("/redo", response_model=UndoResult, responses={**ERRORS, 409: {**CONFLICT, "description": "Nothing to redo"}}, summary="Redo the latest undone change")
async def redo(ctx: CurrentContext, service: ServiceDep) -> UndoResult:
    """Re-apply the change the latest undo reverted; a new change after an undo clears what can be redone."""
    return await service.redo(ctx)


@router.post("/bulk/complete", response_model=BulkResult, responses=ERRORS, summary="Complete the tasks selected")
async def bulk_complete(ctx: CurrentContext, service: ServiceDep, body: BulkRequest) -> BulkResult:
    """Complete the open tasks selected by ``numbers``, ``filter`` or ``all``; answers with exactly
    the tasks completed. No confirmation: the caller named the selection, and completing is undoable."""
    return await service.bulk_complete(ctx, body, confirm=True)


@router.post(
    "/bulk/delete",
    response_model=BulkResult,
    responses={**ERRORS, 409: {**CONFLICT, "description": "More than one task and confirm is false: would_delete lists them"}},
    summary="Delete the tasks selected",
)
async def bulk_delete(ctx: CurrentContext, service: ServiceDep, body: BulkRequest) -> BulkResult:
    """Delete the tasks selected by ``numbers``, ``filter`` or ``all``; more than one needs
    ``confirm: true`` (else 409 with ``would_delete``). Answers with exactly the tasks deleted."""
    return await service.bulk_delete(ctx, body, confirm=body.confirm)


@router.post(
    "/bulk/update",
    response_model=BulkResult,
    responses={**ERRORS, 409: {**CONFLICT, "description": "later_only and a task would move earlier (earlier_than_due)"}},
    summary="Change the tasks selected",
)
async def bulk_update(ctx: CurrentContext, service: ServiceDep, body: BulkUpdateRequest) -> BulkResult:
    """Apply ``changes`` to every task selected by ``numbers``, ``filter`` or ``all``, all or
    nothing, in one undoable step (``POST /api/v1/tasks/undo`` reverts all of it). ``due_day``
    keeps each task's time, ``shift`` moves each from its own due date. Answers with exactly the
    tasks changed. No confirmation: the caller named the selection, and the change is undoable."""
    return await service.bulk_update(ctx, body, body.changes, confirm=True)  # body is the Selection


@router.get("/{number}", response_model=TaskOut, responses=ERRORS, summary="Get a task")
async def get_task(ctx: CurrentContext, service: ServiceDep, number: Number) -> TaskOut:
    """The task with this number."""
    return await service.get(ctx, number)


@router.patch(
    "/{number}",
    response_model=TaskOut,
    responses={**ERRORS, 409: {**CONFLICT, "description": "later_only and the new due date is earlier than the current one (earlier_than_due)"}},
    summary="Change a task",
)
async def update_task(ctx: CurrentContext, service: ServiceDep, number: Number, body: TaskChanges) -> TaskOut:
    """Change the fields given (``due: ""`` and ``recurrence: ""`` clear them)."""
    return await service.update(ctx, number, body)


CONFIRM = Query(description="Required (true) when the task has subtasks (open ones, to complete): they go with it")


@router.delete(
    "/{number}",
    status_code=204,
    responses={**ERRORS, 409: {**CONFLICT, "description": "It has subtasks and confirm is false: would_delete lists the subtree"}},
    summary="Delete a task (undoable)",
)
async def delete_task(
    ctx: CurrentContext, service: ServiceDep, number: Number, confirm: Annotated[bool, CONFIRM] = False
) -> Response:
    """Soft-delete the task (with its subtasks, when confirmed); ``POST /api/v1/tasks/undo`` restores it."""
    await service.delete(ctx, number, confirm=confirm)
    return Response(status_code=204)


@router.post(
    "/{number}/complete",
    response_model=CompleteResult,
    responses={**ERRORS, 409: {**CONFLICT, "description": "Open subtasks and confirm is false: would_change lists them"}},
    summary="Complete a task",
)
async def complete_task(
    ctx: CurrentContext, service: ServiceDep, number: Number, confirm: Annotated[bool, CONFIRM] = False
) -> CompleteResult:
    """Mark the task done (and its open subtasks, when confirmed); a repeating task's next
    occurrence is returned as ``next_task``."""
    return await service.complete(ctx, number, confirm=confirm)


class SubtasksRequest(BaseModel):
    """The subtasks to add under a task, in order (1–50 titles)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"titles": ["Book flights", "Pack"]}]})

    titles: list[str] = Field(min_length=1, max_length=50)


@router.post(
    "/{number}/subtasks",
    response_model=SubtasksResult,
    status_code=201,
    responses={**ERRORS, 409: QUOTA},
    summary="Break a task down into subtasks",
)
async def add_subtasks(ctx: CurrentContext, service: ServiceDep, number: Number, body: SubtasksRequest) -> SubtasksResult:
    """Add one open subtask per title under the task, in one undoable step."""
    return await service.add_subtasks(ctx, number, body.titles)


@router.post("/{number}/reopen", response_model=TaskOut, responses=ERRORS, summary="Reopen a task")
async def reopen_task(ctx: CurrentContext, service: ServiceDep, number: Number) -> TaskOut:
    """Mark the task not done."""
    return await service.reopen(ctx, number)
