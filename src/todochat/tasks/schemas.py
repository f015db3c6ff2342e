"""Shapes that cross the service boundary: a task as shown, filters, and change sets.

Every front (agent tools, REST, MCP, CLI, widget actions) builds these and calls the service,
so argument parsing happens once, here.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from todochat.errors import ValidationError
from todochat.tasks import search

TASK_NUMBER_MAX = 2**31 - 1
"""The largest task number: the ``tasks.number`` column is a 32-bit INTEGER on PostgreSQL."""
TaskNumber = Annotated[int, Field(ge=1, le=TASK_NUMBER_MAX, description="A task number (1 to 2147483647)")]

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


ReminderStatusName = Literal["pending", "fired", "cancelled"]
ReminderStatusFilter = Literal["pending", "fired", "cancelled", "all"]
"""Which reminders a listing shows: one status, or ``all``."""
ExportFormat = Literal["csv", "ics"]
"""A file of tasks: ``csv`` (a spreadsheet) or ``ics`` (RFC 5545 iCalendar)."""
ViewName = Literal["today", "upcoming"]
"""The default views beside the lists (tasks/views.py): ``today`` (due today or overdue), ``upcoming`` (due later)."""
TaskRef = Annotated[
    Annotated[int, Field(ge=1, le=TASK_NUMBER_MAX)] | str,
    Field(description="The task's number (e.g. 3) or words from its title (e.g. 'dentist')."),
]
"""How a caller names one task: its number, or words from its title (tasks/matching.py decides)."""
REMINDER_ID_MAX = 2**63 - 1
"""The largest reminder id (a 64-bit column)."""


class ReminderBrief(BaseModel):
    """A pending reminder as a task shows it: ``fire_at`` is ISO 8601 with the user's offset
    (null while it cannot fire: a relative reminder on a task without a due)."""

    id: int
    at: datetime | None = Field(default=None, description="The reminder's instant (absolute reminders)")
    before_minutes: int | None = Field(default=None, description="Minutes before the due time (relative reminders)")
    fire_at: datetime | None = Field(default=None, description="When it fires next, with the user's offset")


class Progress(BaseModel):
    """How far a task's direct subtasks are: ``done`` of ``total`` (live ones), e.g. 2 of 5."""

    done: int = Field(ge=0)
    total: int = Field(ge=1)


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
                "reminders": [{"id": 7, "at": None, "before_minutes": 0, "fire_at": "2026-11-20T09:00:00+01:00"}],
                "next_reminder": "2026-11-20T09:00:00+01:00",
            }
        }
    )

    number: int = Field(description="The per-user task number people say ('task 3').")
    title: str
    description: str = ""
    completed: bool = False
    priority: PriorityName = "none"
    tags: builtins.list[str] = Field(default_factory=list)
    due: str | None = None
    due_all_day: bool = False
    recurrence: str | None = Field(default=None, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO")
    overdue: bool = False
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    reminders: builtins.list[ReminderBrief] = Field(
        default_factory=list, description="The task's pending reminders, soonest first"
    )
    next_reminder: datetime | None = Field(
        default=None, description="When the task's next pending reminder fires (user's offset), or null"
    )
    list: str = Field(default="Inbox", description="The name of the task's list ('Inbox' when it has none)")
    parent: int | None = Field(default=None, description="The parent task's number (a subtask), or null")
    progress: Progress | None = Field(
        default=None, description="done/total of the task's direct subtasks; null when it has none"
    )


class Strict(BaseModel):
    """A request shape that refuses unknown fields (a typo or an unsupported field is an error,
    never silently dropped): pydantic ``extra="forbid"``, so every front reports the field."""

    model_config = ConfigDict(extra="forbid")


class TaskFilter(Strict):
    """Which tasks a list or bulk operation covers. Every field narrows the set (AND)."""

    status: StatusFilter = "all"
    priority: PriorityName | None = None
    tag: str | None = None
    due: DueFilter | None = None
    due_before: str | None = Field(default=None, description="Due on or before this day YYYY-MM-DD")
    due_after: str | None = Field(default=None, description="Due on or after this day YYYY-MM-DD")
    query: str | None = Field(
        default=None,
        description="Words that must all be in the title, description or tags (whole words, any inflection)",
    )
    numbers: builtins.list[TaskNumber] | None = Field(default=None, description="Only these task numbers")
    list: str | None = Field(default=None, description="Only the tasks of the list with this name ('Inbox': tasks with no list)")
    parent: int | None = Field(
        default=None, ge=0, le=TASK_NUMBER_MAX,
        description="Only the direct subtasks of this task number (0: only top-level tasks)",
    )

    def is_empty(self) -> bool:
        """True when the filter narrows nothing, i.e. it would cover every task of the user:
        status "all", and every other field unset or blank (a query of filler words only is blank)."""
        texts = (self.priority, self.tag, self.due, self.due_before, self.due_after, self.list)
        return (
            self.status == "all"
            and self.numbers is None
            and self.parent is None
            and not any(t and t.strip() for t in texts)
            and not search.terms(self.query)
        )


class Selection(Strict):
    """Which tasks a bulk change covers, named explicitly: exactly one of ``numbers``, a
    ``filter`` or ``all: true``. A missing or empty selection is an error, never "everything"."""

    numbers: list[TaskNumber] | None = Field(default=None, description="These task numbers (at least one)")
    filter: TaskFilter | None = Field(default=None, description="Every task matching this filter (it must narrow)")
    all: bool = Field(default=False, description="True for every task (of the status the operation acts on)")

    @classmethod
    def of(cls, *, numbers: list[int] | None = None, all: bool = False, **filter_fields: object) -> Selection:
        """A selection from flat tool arguments: ``numbers``, ``all`` and filter fields (status,
        priority, tag, due, query...); fields left None, and ``status="all"``, are not given."""
        given = {k: v for k, v in filter_fields.items() if v is not None and not (k == "status" and v == "all")}
        return cls(numbers=numbers, filter=TaskFilter(**given) if given else None, all=all)  # type: ignore[arg-type]

    def to_filter(self) -> TaskFilter:
        """The filter this selection stands for.

        Raises:
            ValidationError: no selection, more than one kind, no numbers in ``numbers``, or a
                filter that narrows nothing (field ``numbers``, ``filter``, ``all`` or ``selection``).
        """
        kinds = [k for k, given in (("numbers", self.numbers is not None), ("filter", self.filter is not None), ("all", self.all)) if given]
        if not kinds:
            raise ValidationError(
                "Say which tasks: give numbers, a filter, or all: true (nothing is selected otherwise).",
                field="selection",
            )
        if len(kinds) > 1:
            raise ValidationError(
                f"Give only one of numbers, filter or all (got {' and '.join(kinds)}).", field=kinds[1]
            )
        if self.numbers is not None:
            if not self.numbers:
                raise ValidationError("numbers is empty: name at least one task number.", field="numbers")
            return TaskFilter(numbers=sorted(set(self.numbers)))
        if self.filter is not None:
            if self.filter.is_empty():
                raise ValidationError(
                    "The filter narrows nothing: give a status, priority, tag, due, query or numbers, "
                    "or say all: true for every task.",
                    field="filter",
                )
            return self.filter
        return TaskFilter()


class ReminderSpec(Strict):
    """A reminder to add: exactly one of ``at`` (an ISO 8601 instant WITH a UTC offset, e.g.
    ``2026-12-03T17:00:00+01:00``) or ``before_minutes`` (0..40320 minutes before the task's due
    time; 0 = at the due time). The scheduling rules are tasks/reminders.py's."""

    at: AwareDatetime | None = Field(
        default=None, description="ISO 8601 instant with offset, e.g. 2026-12-03T17:00:00+01:00"
    )
    before_minutes: int | None = Field(
        default=None, description="Minutes before the task's due time (0 = at the due time, at most 40320)"
    )


class TaskCreate(Strict):
    """A new task. Validation of each field happens in the service (one place)."""

    title: str
    description: str | None = None
    due: str | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM, user's zone")
    priority: str | None = None
    tags: builtins.list[str] | None = None
    recurrence: str | None = Field(default=None, description="RFC 5545 RRULE or daily/weekly/monthly/yearly")
    reminders: builtins.list[ReminderSpec] | None = Field(
        default=None, description="Reminders to add with the task (at most 20; relative ones need a due)"
    )
    list: str | None = Field(default=None, description="The name of an existing list (default: the Inbox)")
    parent: int | None = Field(
        default=None, description="Make it a subtask of this task number (rules: tasks/subtasks.py)"
    )


class ReminderOut(BaseModel):
    """A reminder as every front shows it; instants are ISO 8601 with the user's offset.

    ``status``: ``pending`` (fires at ``fire_at``; null while a relative reminder's task has no
    due), ``fired`` (delivered at ``fired_at``), ``cancelled`` (its task was completed or deleted,
    or the reminder was cancelled).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": 7,
                "task_number": 3,
                "task_title": "Dentist",
                "at": None,
                "before_minutes": 30,
                "fire_at": "2026-12-04T14:30:00+01:00",
                "status": "pending",
                "created_at": "2026-12-03T09:00:00+01:00",
                "fired_at": None,
            }
        }
    )

    id: int
    task_number: int
    task_title: str
    at: datetime | None = None
    before_minutes: int | None = None
    fire_at: datetime | None = None
    status: ReminderStatusName = "pending"
    created_at: datetime
    fired_at: datetime | None = None


class TaskChanges(Strict):
    """Changes to a task: only the fields that are set change. ``due=""`` or ``recurrence=""`` clears."""

    title: str | None = None
    description: str | None = None
    due: str | None = None
    priority: str | None = None
    tags: builtins.list[str] | None = Field(default=None, description="Replace all tags")
    add_tags: builtins.list[str] | None = None
    remove_tags: builtins.list[str] | None = None
    recurrence: str | None = None
    due_day: str | None = Field(default=None, description="New day YYYY-MM-DD keeping the task's time of day")
    due_time: str | None = Field(default=None, description="New time HH:MM keeping the task's day")
    shift: str | None = Field(
        default=None, description="Move the due date by an ISO 8601 duration: P1W, -P1D, P1M, PT2H"
    )
    later_only: bool | None = Field(
        default=None,
        description="Postpone: refuse (409 earlier_than_due) a new due date before the current one",
    )
    list: str | None = Field(default=None, description="Move the task to the list with this name ('Inbox': no list)")
    parent: int | None = Field(
        default=None,
        description="Make it a subtask of this task number; null (given explicitly) or 0: make it top-level",
    )

    def is_empty(self) -> bool:
        """True when nothing would change (an explicit ``parent: null`` is a change: detach)."""
        return not self.model_dump(exclude_none=True) and "parent" not in self.model_fields_set

    def parent_change(self) -> int | Literal[False] | None:
        """The parent asked for: a number, None (make it top-level: ``parent`` null or 0), or False
        (the parent is not changed)."""
        if "parent" not in self.model_fields_set:
            return False
        return self.parent or None


class CompleteResult(BaseModel):
    """What completing did: the task, and the next occurrence created for a repeating task."""

    task: TaskOut
    next_task: TaskOut | None = None


class BulkResult(BaseModel):
    """What a bulk operation changed: exactly the tasks it changed (none it left alone)."""

    tasks: list[TaskOut]
    created: list[TaskOut] = Field(default_factory=list, description="Next occurrences created")


class SubtasksResult(BaseModel):
    """What breaking a task down did: the parent (with its new progress) and the subtasks added."""

    parent: TaskOut
    tasks: list[TaskOut]
