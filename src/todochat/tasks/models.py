"""Tables of the tasks domain: tasks, their lists, tags and reminders, per-user counters, the change
journal and user settings."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import text

from todochat.db import Base, UTCDateTime

TITLE_MAX = 200
DESCRIPTION_MAX = 1000
TAG_MAX = 40
TAGS_PER_TASK_MAX = 20
RECURRENCE_MAX = 500
"""The ``recurrence`` column's length."""
RECURRENCE_COUNT_MAX = 1000
REMINDERS_PER_TASK_MAX = 20
"""At most this many reminders on one task (issue 14, bad input)."""
NUMBER_MAX = 2**31 - 1
"""Task numbers are 1..NUMBER_MAX: the ``number`` column is a 32-bit INTEGER on PostgreSQL."""
LIST_NAME_MAX = 100
"""A list's name is 1..100 characters after trimming (issue 15, bad input)."""
LIST_KEY_MAX = 400
"""The ``name_key`` column's length: case folding can lengthen a name (``ß`` → ``ss``)."""
DUE_YEAR_MIN = 1900
DUE_YEAR_MAX = 2200
"""Due dates (and UNTIL) fall in these years, in UTC and in every zone (1/9999 would overflow)."""


class Priority(enum.StrEnum):
    """Task priority, lowest to highest."""

    none = "none"
    low = "low"
    medium = "medium"
    high = "high"

    @property
    def rank(self) -> int:
        """0 (none) … 3 (high), for sorting."""
        return list(Priority).index(self)


class Task(Base):
    """One task of one user. ``number`` is the per-user number people say ("task 3")."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        Index("ix_tasks_user_deleted_number", "user_id", "deleted_at", "number"),
        Index("ix_tasks_user_due", "user_id", "due_at"),
        Index("ix_tasks_user_list", "user_id", "list_id"),
        Index(  # subtasks only (0016): statistics over all-NULL keys made SQLite scan the table
            "ix_tasks_parent_id", "parent_id",
            sqlite_where=text("parent_id IS NOT NULL"), postgresql_where=text("parent_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default=Priority.none.value)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    recurrence: Mapped[str | None] = mapped_column(String(RECURRENCE_MAX), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    list_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The task's list (``lists.id``); null = the user's Inbox (tasks/lists.py). No foreign key in
    the database: SQLite can add a column with one only by copying ``tasks`` (which, with foreign
    keys on, would cascade to its tags and reminders), and a list row is never removed while a task
    points at it (deleting is soft; purge removes a list with the tasks deleted with it)."""
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The parent task's ``id`` (a subtask), or null (a top-level task); always a task of the same
    user, checked by tasks/subtasks.py (no foreign key: SQLite can only add one by copying the
    table, which would cascade-delete its tags and reminders). Migration 0011."""

    task_list: Mapped[TaskList | None] = relationship(
        primaryjoin="foreign(Task.list_id) == TaskList.id", lazy="joined", viewonly=False
    )
    """The list row, loaded in the same statement (a LEFT OUTER JOIN, no extra round trip)."""
    tag_rows: Mapped[list[TaskTag]] = relationship(
        back_populates="task",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="TaskTag.tag",
    )
    reminder_rows: Mapped[list[Reminder]] = relationship(
        back_populates="task",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Reminder.id",
    )

    @property
    def tags(self) -> list[str]:
        """The task's tags, sorted."""
        return sorted(row.tag for row in self.tag_rows)


class TaskList(Base):
    """One list (a project) of one user. The Inbox has no row: a task whose ``list_id`` is null is
    in the Inbox, so every user has one without a write, and it can be neither renamed nor deleted.

    ``name_key`` is the name NFC-normalised and case-folded (tasks/lists.py ``name_key``): unique
    per user among live lists (a partial unique index, so a deleted list's name is free again and
    undo can bring it back). Deleting is soft (``deleted_at``) so undo restores the row by id.
    """

    __tablename__ = "lists"
    __table_args__ = (
        Index(
            "uq_lists_user_name_live",
            "user_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(LIST_NAME_MAX), nullable=False)
    name_key: Mapped[str] = mapped_column(String(LIST_KEY_MAX), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TaskTag(Base):
    """One tag on one task; ``(user_id, tag)`` is indexed so "tasks tagged work" is an index scan."""

    __tablename__ = "task_tags"
    __table_args__ = (
        UniqueConstraint("task_id", "tag"),
        Index("ix_task_tags_user_tag", "user_id", "tag"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    tag: Mapped[str] = mapped_column(String(TAG_MAX), nullable=False)

    task: Mapped[Task] = relationship(back_populates="tag_rows")


class ReminderStatus(enum.StrEnum):
    """Where a reminder stands: ``pending`` (will fire at ``fire_at``), ``fired`` (the dispatcher
    took it and made its deliveries), ``cancelled`` (its task was completed or deleted; undo brings
    it back to ``pending``)."""

    pending = "pending"
    fired = "fired"
    cancelled = "cancelled"


class Reminder(Base):
    """One reminder on one task: at an instant (``at``), or ``before_minutes`` before the task's due
    time (0 = at the due time). Exactly one of the two is set.

    ``fire_at`` is the instant it fires next, derived from ``at`` or from the task's due time by
    ``tasks/reminders.py`` whenever the task changes (a relative reminder follows a rescheduled task);
    null while it cannot fire (a relative reminder on a task with no due time). The dispatcher
    (``notify/``) claims rows with ``status = 'pending' AND fire_at <= now`` (``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL) and sets ``status = 'fired'`` and ``fired_at`` in the same transaction
    that records its deliveries, so a reminder fires once across replicas and restarts.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_fire_at", "status", "fire_at"),
        Index("ix_reminders_user_task", "user_id", "task_id"),
        Index("ix_reminders_task_id", "task_id"),  # the selectin load of Task.reminder_rows (0009)
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    before_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=ReminderStatus.pending.value
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    task: Mapped[Task] = relationship(back_populates="reminder_rows")


class TaskCounter(Base):
    """Per user: the last task number given (bumped atomically to number new tasks), the last
    change-journal sequence number (its row lock orders a user's changes, see tasks/journal.py) and
    the change mark (bumped with every journal write, undo, redo and journal drop, in the same
    transaction: the page's "anything changed?" read, tasks/changes.py)."""

    __tablename__ = "task_counters"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_change: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    change_mark: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")


class JournalGroup(Base):
    """One change a user made (one service call: an add, a completion, an update, a bulk change ...).

    ``seq`` orders a user's changes; it is given while the user's counter row is locked, so it is
    the commit order, on every replica. ``undone_at`` is set while the change is undone;
    ``redoable`` is cleared when a newer change discards the redo stack.
    """

    __tablename__ = "journal_groups"
    __table_args__ = (UniqueConstraint("user_id", "seq"), Index("ix_journal_groups_user_id_turn", "user_id", "turn"))

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    user_id: Mapped[str] = mapped_column(String(255), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    redoable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    turn: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The chat turn (ChatKit user message item id) that made the change, if any: written in the
    change's own transaction, so a retry of that message knows what it already did."""
    front: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """Where the change came in: chat, widget, rest, mcp or cli (``RequestContext.front``); null
    for changes recorded before the audit log (migration 0007)."""
    tool: Mapped[str | None] = mapped_column(String(80), nullable=True)
    """What acted: the agent or MCP tool, the REST route, the widget action or the CLI command."""

    changes: Mapped[list[JournalChange]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="JournalChange.id",
    )


class JournalChange(Base):
    """One task's state before and after a change (JSON snapshots; null = the task did not exist)."""

    __tablename__ = "journal_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    group_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("journal_groups.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    task_id: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)

    group: Mapped[JournalGroup] = relationship(back_populates="changes")


class ListChange(Base):
    """One list's state before and after a change of a journal group (JSON snapshots, null = the
    list did not exist): creating, renaming, archiving or deleting a list is undone like a task
    change (tasks/journal.py)."""

    __tablename__ = "list_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    group_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("journal_groups.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    list_id: Mapped[int] = mapped_column(Integer, nullable=False)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class UserSettings(Base):
    """Per-user preferences: the time zone, and the reply language (None: auto)."""

    __tablename__ = "user_settings"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)


def _tree_columns() -> None:
    """Read-only tree figures on every loaded task, computed in the same SELECT (correlated
    subqueries over ``ix_tasks_parent_id``, no extra round trip): ``parent_number`` (the parent's
    per-user number), ``subtasks_total`` / ``subtasks_done`` (its live direct subtasks, and how
    many of them are completed). ``expire_on_flush=False``: they never turn into a lazy load in
    async code; after a change to the tree the service re-reads them (tasks/subtasks.py
    ``refresh``)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased, column_property

    parent, child = aliased(Task), aliased(Task)
    Task.parent_number = column_property(  # type: ignore[attr-defined]
        select(parent.number)
        .where(parent.id == Task.parent_id, parent.user_id == Task.user_id)
        .correlate_except(parent)
        .scalar_subquery(),
        expire_on_flush=False,
    )
    live_children = (
        select(func.count(child.id))
        .where(child.parent_id == Task.id, child.deleted_at.is_(None))
        .correlate_except(child)
    )
    Task.subtasks_total = column_property(live_children.scalar_subquery(), expire_on_flush=False)  # type: ignore[attr-defined]
    Task.subtasks_done = column_property(  # type: ignore[attr-defined]
        live_children.where(child.completed.is_(True)).scalar_subquery(), expire_on_flush=False
    )


_tree_columns()
