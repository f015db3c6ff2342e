"""REST reminders: ``/api/v1/tasks/{number}/reminders`` and ``/api/v1/reminders`` — the task
service's reminder calls over HTTP (rules in tasks/reminders.py, same auth as every route)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes.tasks import CONFLICT, ERRORS, Number
from todochat.tasks import reminder_window
from todochat.tasks.schemas import (
    REMINDER_ID_MAX,
    ReminderOut,
    ReminderSpec,
    ReminderStatusFilter,
    TaskNumber,
)

router = APIRouter(prefix="/api/v1", tags=["reminders"])

ReminderStatusQuery = ReminderStatusFilter
ReminderId = Annotated[int, Path(ge=1, le=REMINDER_ID_MAX, description="The reminder's id")]
REMINDER_ERRORS = {
    **ERRORS,
    404: {**ERRORS[404], "description": "No such task or reminder for this user (another user's is not found too)"},
    422: {
        **ERRORS[422],
        "description": "Invalid body, naming the field (at needs an offset; before_minutes 0..40320; a relative "
        "reminder needs a due; at most 20 per task); error reminder_in_past when the time has passed",
    },
}


@router.post(
    "/tasks/{number}/reminders", response_model=ReminderOut, status_code=201, responses=REMINDER_ERRORS,
    summary="Add a reminder to a task",
)
async def add_reminder(ctx: CurrentContext, service: ServiceDep, number: Number, body: ReminderSpec) -> ReminderOut:
    """Body ``{"at": "<ISO 8601 instant with offset>"}`` or ``{"before_minutes": N}`` (minutes
    before the task's due; 0 = at the due time). Undoable (``POST /api/v1/tasks/undo``)."""
    return await service.add_reminder(ctx, number, at=body.at, before_minutes=body.before_minutes)


When = Annotated[
    str | None,
    Query(description="Only reminders firing today, tomorrow, this_week, next_week, or on a day YYYY-MM-DD (user's zone)"),
]
From = Annotated[
    str | None,
    Query(alias="from", description="Only reminders firing at or after this day YYYY-MM-DD, local time "
          "YYYY-MM-DDTHH:MM or instant with offset"),
]
To = Annotated[
    str | None,
    Query(alias="to", description="Only reminders firing on or before this day YYYY-MM-DD (included), or before this time"),
]


@router.get(
    "/tasks/{number}/reminders", response_model=list[ReminderOut], responses=REMINDER_ERRORS,
    summary="List a task's reminders",
)
async def list_task_reminders(
    ctx: CurrentContext, service: ServiceDep, number: Number, status: ReminderStatusQuery = "pending",
    when: When = None, start: From = None, end: To = None,
) -> list[ReminderOut]:
    """The task's reminders with this status (default pending; ``all`` for every one), soonest
    first; ``when`` or ``from``/``to`` keep those firing in that span, as ``GET /api/v1/reminders``
    (tasks/reminder_window.py; 422 naming the field for a malformed one)."""
    span = reminder_window.window(ctx.tz, ctx.now(), when=when, start=start, end=end)
    return await service.list_reminders(ctx, number, status=status, window=span)


@router.get("/reminders", response_model=list[ReminderOut], responses=REMINDER_ERRORS, summary="List all reminders")
async def list_reminders(
    ctx: CurrentContext, service: ServiceDep, status: ReminderStatusQuery = "pending",
    when: When = None, start: From = None, end: To = None,
) -> list[ReminderOut]:
    """Every reminder of the user with this status (default pending), soonest first; ``when`` or
    ``from``/``to`` keep those whose ``fire_at`` falls in that span (tasks/reminder_window.py; 422
    naming the field for a malformed one)."""
    span = reminder_window.window(ctx.tz, ctx.now(), when=when, start=start, end=end)
    return await service.list_reminders(ctx, status=status, window=span)


@router.delete(
    "/reminders/{reminder_id}", response_model=ReminderOut,
    responses={**REMINDER_ERRORS, 409: CONFLICT}, summary="Cancel a reminder (undoable)",
)
async def delete_reminder(ctx: CurrentContext, service: ServiceDep, reminder_id: ReminderId) -> ReminderOut:
    """Cancel a pending reminder; answers it with ``status: cancelled``. Undoable."""
    return await service.delete_reminder(ctx, reminder_id)


class CancelRemindersRequest(BaseModel):
    """Which pending reminders to cancel — exactly one of ``reminders`` (ids), ``task`` (all of that
    task's) or ``"all": true`` — an optional ``when`` span narrowing ``task``/``all``, and the
    confirmation. Unknown fields are refused (422)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reminders": [4, 7]}, {"task": 3, "confirm": True}, {"all": True, "when": "tomorrow"}]},
    )

    reminders: list[Annotated[int, Field(ge=1, le=REMINDER_ID_MAX)]] | None = Field(
        default=None, description="These reminder ids (at least one)"
    )
    task: TaskNumber | None = Field(default=None, description="All pending reminders of this task number")
    all: bool = Field(default=False, description="true for every pending reminder of the user")
    when: str | None = Field(
        default=None, description="With task or all: only those firing today, tomorrow, this_week, next_week or on a day YYYY-MM-DD"
    )
    confirm: bool = Field(default=False, description="Required (true) to cancel more than one reminder")


@router.post(
    "/reminders/cancel", response_model=list[ReminderOut], summary="Cancel several reminders (undoable)",
    responses={**REMINDER_ERRORS, 409: {**CONFLICT, "description": "More than one reminder and confirm is false: "
                                         "would_change lists them ({reminder, number, title, fire_at})"}},
)
async def cancel_reminders(ctx: CurrentContext, service: ServiceDep, body: CancelRemindersRequest) -> list[ReminderOut]:
    """Cancel the pending reminders selected, as chat and MCP do (TaskService.cancel_reminders):
    one is cancelled at once; more than one without ``confirm: true`` cancels nothing and answers
    409 ``confirmation_required`` whose ``would_change`` lists them (the preview), soonest first;
    with ``confirm: true`` they are cancelled in one journal entry (one ``POST /api/v1/tasks/undo``
    brings them all back). Answers with exactly the reminders cancelled, soonest first."""
    span = reminder_window.window(ctx.tz, ctx.now(), when=body.when) if body.when else None
    return await service.cancel_reminders(
        ctx, reminder_ids=body.reminders, task=body.task, all=body.all, window=span, confirm=body.confirm
    )
