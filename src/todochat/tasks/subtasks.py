"""Subtasks: the rules of the task tree (issue 15, item 3), in one place.

A task may have a ``parent`` (another task of the same user, by its number); subtasks are full
tasks. The rules:

- **Depth**: at most :data:`DEPTH_MAX` levels — a task, its subtasks, their subtasks ("plan the
  trip" → "book flights" → "compare prices"). Three levels cover what people break work into
  (Todoist allows 4, Things 2); deeper trees are hard to read in a chat widget.
- **A parent** must be a live task of the same user, not the task itself, not one of its own
  subtasks (a cycle), and not so deep that the task's subtree would pass :data:`DEPTH_MAX`. Any of
  these is a :class:`ValidationError` on the field ``parent``; nothing changes.
- **Completing** a task with open subtasks (any level) asks first
  (:class:`ConfirmationRequired`, ``action="complete"``, listing them); confirmed, they are
  completed with it in one journal step (one undo reopens them all).
- **Deleting** a task with subtasks asks first (``action="delete"``); confirmed, the whole subtree
  is deleted in one journal step (one undo restores it). A bulk delete or completion covers the
  subtrees of the tasks it selects, for the same reason (no subtask is left under a deleted or
  done parent without being asked).
- **Repeating tasks**: the next occurrence of a repeating *subtask* stays under the same parent;
  the next occurrence of a repeating *parent* starts with no subtasks (they were steps of the
  occurrence just completed, and stay with it, completed).
- **Progress**: a task with subtasks shows ``done/total`` of its live direct subtasks.
- **Lists**: a subtask added without a list named goes to its parent's list. Moving a task to
  another list moves its whole subtree with it, in the same journal step (one undo moves them all
  back): people expect "move plan the trip to Work" to take its steps along (Todoist and Things
  move a task's sub-tasks with it). A subtask alone may still be moved to another list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from todochat.context import RequestContext
from todochat.errors import ValidationError
from todochat.tasks import queries
from todochat.tasks.models import Task, TaskList
from todochat.tasks.rules import check_number

DEPTH_MAX = 3
"""At most this many levels: a task, its subtasks and theirs."""
TREE_FIELDS = ["parent_number", "subtasks_total", "subtasks_done"]
"""The read-only tree figures of a loaded task (tasks/models.py ``_tree_columns``)."""


def parent_number(task: Task) -> int | None:
    """The parent's number as loaded (None: top-level, or not loaded yet)."""
    return task.__dict__.get("parent_number")


def progress(task: Task) -> tuple[int, int] | None:
    """``(done, total)`` of the task's live direct subtasks as loaded; None when it has none."""
    total = task.__dict__.get("subtasks_total") or 0
    if not total:
        return None
    return int(task.__dict__.get("subtasks_done") or 0), int(total)


async def refresh(session: AsyncSession, tasks: Iterable[Task]) -> None:
    """Re-read the tree figures of ``tasks`` (after the tree changed in this transaction); one
    SELECT per task, and only of tasks that are part of a tree (or just created/moved)."""
    await session.flush()
    for task in tasks:
        if task.id is not None:
            await session.refresh(task, attribute_names=TREE_FIELDS)


async def _by_id(session: AsyncSession, ctx: RequestContext, task_id: int) -> Task | None:
    return (await session.execute(queries.live(ctx).where(Task.id == task_id))).scalar_one_or_none()


async def ancestors(session: AsyncSession, ctx: RequestContext, task: Task) -> list[Task]:
    """The live ancestors of ``task``, nearest first (at most :data:`DEPTH_MAX` reads; a longer
    chain stops there)."""
    found: list[Task] = []
    current = task
    while current.parent_id is not None and len(found) <= DEPTH_MAX:
        parent = await _by_id(session, ctx, current.parent_id)
        if parent is None:
            break
        found.append(parent)
        current = parent
    return found


async def descendants(session: AsyncSession, ctx: RequestContext, tasks: Sequence[Task]) -> list[Task]:
    """Every live subtask (any level) of ``tasks``, level by level (one SELECT per level), not
    including ``tasks`` themselves; each once. Tasks loaded with no subtasks cost no statement."""
    if all(t.__dict__.get("subtasks_total") == 0 for t in tasks):
        return []
    seen = {t.id for t in tasks}
    found: list[Task] = []
    level = [t.id for t in tasks]
    for _ in range(DEPTH_MAX + 1):
        if not level:
            break
        rows = list(
            (await session.execute(queries.live(ctx).where(Task.parent_id.in_(level)).order_by(Task.number))).scalars()
        )
        rows = [r for r in rows if r.id not in seen]
        seen.update(r.id for r in rows)
        found.extend(rows)
        level = [r.id for r in rows]
    return found


async def carry_to_list(
    session: AsyncSession, ctx: RequestContext, moved: Sequence[Task], target: TaskList | None,
    track: Callable[[Task], object],
) -> list[Task]:
    """The list rule of the tree: give every live subtask (any level) of the ``moved`` tasks the
    list ``target`` (None: the Inbox), as their parents were given. ``track`` (the journal
    group's ``Recorder.track``) is called on each before it changes, so the move and its subtree are
    one undo step.

    Returns:
        The subtasks that now follow their parent into ``target``, level by level (empty: none).
    """
    below = await descendants(session, ctx, moved)
    now = ctx.now()
    for task in below:
        track(task)
        task.task_list = target
        task.updated_at = now
    return below


async def height(session: AsyncSession, ctx: RequestContext, task: Task) -> int:
    """Levels in ``task``'s subtree: 1 for a task without subtasks."""
    levels, level = 1, [task.id]
    for _ in range(DEPTH_MAX + 1):
        rows = list((await session.execute(queries.live(ctx).where(Task.parent_id.in_(level)))).scalars())
        if not rows:
            break
        levels += 1
        level = [r.id for r in rows]
    return levels


async def find_parent(session: AsyncSession, ctx: RequestContext, number: int, task: Task | None = None) -> Task:
    """The task numbered ``number`` checked as a parent for ``task`` (None: a task being created).

    Raises:
        ValidationError (field ``parent``): not a number in range, no live task of this user has
            it (another user's task is not found either), it is ``task`` itself, it is one of
            ``task``'s subtasks (a cycle), or ``task``'s subtree would go deeper than
            :data:`DEPTH_MAX` levels under it.
    """
    check_number(number, "parent")
    parent = (await session.execute(queries.live(ctx).where(Task.number == number))).scalar_one_or_none()
    if parent is None:
        raise ValidationError(f"There is no task {number} to be the parent.", field="parent", parent=number)
    if task is not None and parent.id == task.id:
        raise ValidationError(f"Task {number} can't be a subtask of itself.", field="parent", parent=number)
    above = await ancestors(session, ctx, parent)
    if task is not None and any(a.id == task.id for a in above):
        raise ValidationError(
            f"Task {number} '{parent.title}' is a subtask of task {task.number} '{task.title}', "
            "so it can't be its parent (that would make a loop).",
            field="parent",
            parent=number,
        )
    below = await height(session, ctx, task) if task is not None else 1
    if len(above) + 1 + below > DEPTH_MAX:
        raise ValidationError(
            f"Subtasks go at most {DEPTH_MAX} levels deep; under task {number} '{parent.title}' "
            f"this would make {len(above) + 1 + below}.",
            field="parent",
            parent=number,
        )
    return parent


def brief(tasks: Iterable[Task]) -> list[dict[str, object]]:
    """``[{"number", "title"}]`` of ``tasks`` (what a confirmation question lists)."""
    return [{"number": t.number, "title": t.title} for t in tasks]


def import_tree(refs: Sequence[tuple[str | None, str | None]]) -> tuple[list[int | None], list[str]]:
    """The parents of tasks read from a file, by position, under the tree rules above.

    Args:
        refs: per task in file order, ``(ref, parent_ref)``: the task's own id in the file and the
            id of its parent (either may be None).

    Returns:
        ``(parents, warnings)``: ``parents[i]`` is the index of task i's parent, or None (top
        level); ``warnings`` says what was changed to fit the rules: a parent the file does not
        contain, a cycle (the task is made top-level), a level below :data:`DEPTH_MAX` (the task
        goes under the deepest allowed ancestor).
    """
    index: dict[str, int] = {}
    for i, (ref, _) in enumerate(refs):
        if ref is not None:
            index.setdefault(ref, i)
    parents: list[int | None] = [index.get(p) if p is not None else None for _, p in refs]
    missing = sum(1 for (_, p), q in zip(refs, parents, strict=True) if p is not None and q is None)
    cycles = flattened = 0
    for i in range(len(parents)):  # a cycle: the task that closes it becomes top-level
        seen = {i}
        j = parents[i]
        while j is not None:
            if j in seen:
                parents[i] = None
                cycles += 1
                break
            seen.add(j)
            j = parents[j]
    for i in range(len(parents)):  # deeper than DEPTH_MAX: hang it under its ancestor at DEPTH_MAX - 1
        chain: list[int] = []
        j = parents[i]
        while j is not None:
            chain.append(j)
            j = parents[j]
        if len(chain) >= DEPTH_MAX:
            parents[i] = chain[len(chain) - DEPTH_MAX + 1]
            flattened += 1
    warnings = []
    if missing:
        warnings.append(f"{missing} task{'s name a parent' if missing > 1 else ' names a parent'} the file does not have: added at the top level.")
    if cycles:
        warnings.append(f"{cycles} task{'s are' if cycles > 1 else ' is'} its own ancestor in the file: added at the top level.")
    if flattened:
        warnings.append(f"{flattened} task{'s are' if flattened > 1 else ' is'} more than {DEPTH_MAX} levels deep: put under the level above.")
    return parents, warnings
