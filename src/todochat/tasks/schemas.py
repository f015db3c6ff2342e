"""Shapes that cross the service boundary: a task as shown, filters, and change sets.

Every front (agent tools, REST, MCP, CLI, widget actions) builds these and calls the service,
so argument parsing happens once, here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

StatusFilter = Literal["all", "pending", "completed"]
PriorityName = Literal["none", "low", "medium", "high"]
SortKey = Literal["number", "due", "priority", "created", "title"]
DueFilter = Annotated[
    str,
    Field(
        description=(
            "'today', 'tomorrow', 'overdue', 'this_week', 'none' (no due date), 'any' (has one), "
            "or a day YYYY-MM-DD"
        )
    ),
]


class TaskOut(BaseModel):
    """A task as every front shows it. Dates are local to the user's time zone.

    ``due`` is ``YYYY-MM-DD`` for a whole day or ``YYYY-MM-DDTHH:MM`` for a time, or null.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "number": 3,
                "title": "Pay rent",
                "description": "",
                "completed": False,
                "priority": "high",
                "tags": ["home"],
                "due": "2026-11-20",
                "due_all_day": True,
                "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1",
                "overdue": False,
                "completed_at": None,
                "created_at": "2026-11-18T09:00:00Z",
                "updated_at": "2026-11-18T09:00:00Z",
            }
        }
    )

    number: int = Field(description="The per-user task number people say ('task 3').")
    title: str
    description: str = ""
    completed: bool = False
    priority: PriorityName = "none"
    tags: list[str] = Field(default_factory=list)
    due: str | None = None
    due_all_day: bool = False
    recurrence: str | None = Field(default=None, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO")
    overdue: bool = False
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class TaskFilter(BaseModel):
    """Which tasks a list or bulk operation covers. Every field narrows the set (AND)."""

    status: StatusFilter = "all"
    priority: PriorityName | None = None
    tag: str | None = None
    due: DueFilter | None = None
    due_before: str | None = Field(default=None, description="Due on or before this day YYYY-MM-DD")
    due_after: str | None = Field(default=None, description="Due on or after this day YYYY-MM-DD")
    query: str | None = Field(default=None, description="Words searched in title and description")
    numbers: list[int] | None = Field(default=None, description="Only these task numbers")

    def is_empty(self) -> bool:
        """True when the filter narrows nothing (every task of the user)."""
        return self.model_dump(exclude_defaults=True) == {}


class TaskCreate(BaseModel):
    """A new task. Validation of each field happens in the service (one place)."""

    title: str
    description: str | None = None
    due: str | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM, user's zone")
    priority: str | None = None
    tags: list[str] | None = None
    recurrence: str | None = Field(default=None, description="RFC 5545 RRULE or daily/weekly/monthly/yearly")


class TaskChanges(BaseModel):
    """Changes to a task: only the fields that are set change. ``due=""`` or ``recurrence=""`` clears."""

    title: str | None = None
    description: str | None = None
    due: str | None = None
    priority: str | None = None
    tags: list[str] | None = Field(default=None, description="Replace all tags")
    add_tags: list[str] | None = None
    remove_tags: list[str] | None = None
    recurrence: str | None = None

    def is_empty(self) -> bool:
        """True when nothing would change."""
        return not self.model_dump(exclude_none=True)


class CompleteResult(BaseModel):
    """What completing did: the task, and the next occurrence created for a repeating task."""

    task: TaskOut
    next_task: TaskOut | None = None


class BulkResult(BaseModel):
    """What a bulk operation changed."""

    tasks: list[TaskOut]
    created: list[TaskOut] = Field(default_factory=list, description="Next occurrences created")
