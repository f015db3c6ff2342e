"""Confirmations of destructive MCP tools through the SDK's elicitation (``Resolve`` + ``Elicit``).

When the client declares form elicitation, ``delete_task`` asks "Delete task 3 "Dentist"?",
``delete_reminder`` asks "Cancel the reminder 7 of task 3 "Dentist" (…)?", and the bulk tools
(``delete_tasks``, ``complete_tasks``, ``update_tasks``, ``cancel_reminders``) ask before changing more
than one task or reminder without ``confirm=true``; a yes runs the call confirmed, a no (or cancel) changes nothing. Clients
without elicitation keep the explicit contract: ``confirm=true`` after the tool listed what would
change. The SDK re-asks when the question's text changes between rounds (its digest of the rendered
question), so a yes answers exactly the tasks it listed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, Resolve
from pydantic import BaseModel, Field

from todochat.errors import TodoError
from todochat.mcp.server import Backend
from todochat.tasks import reminder_window
from todochat.tasks.schemas import ReminderOut, Selection, TaskOut

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
LISTED_MAX = 20
"""A question lists at most this many tasks by name (then "and N more")."""


class Confirmation(BaseModel):
    """The form the client shows: one yes/no."""

    confirm: bool = Field(description="Yes, go ahead.")


class Declined(TodoError):
    """The user said no (or cancelled) when asked to confirm. Nothing changed."""

    code = "declined"
    status = 409


def can_elicit(ctx: Context[Any, Any]) -> bool:
    """True when the client declared form elicitation (a bare ``elicitation: {}`` counts, per the
    SDK's own capability rule); stateless requests without declared capabilities answer False."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def question(verb: str, tasks: Sequence[TaskOut]) -> Elicit[Confirmation]:
    """"Delete 3 tasks: 1 "A", 2 "B", 5 "C"?" as an elicitation."""
    names = ", ".join(f'{t.number} "{t.title}"' for t in tasks[:LISTED_MAX])
    more = f" and {len(tasks) - LISTED_MAX} more" if len(tasks) > LISTED_MAX else ""
    what = f"task {names}" if len(tasks) == 1 else f"{len(tasks)} tasks: {names}{more}"
    return Elicit(f"{verb} {what}?", Confirmation)


def settle(outcome: ElicitationResult[Confirmation] | None, confirm: bool, nothing: str) -> bool:
    """The ``confirm`` to call the service with after the resolver's outcome.

    Args:
        outcome: the resolver's outcome; an accepted ``None`` means no question was asked.
        confirm: the tool's own ``confirm`` argument (today's contract).
        nothing: what did not happen, for the refusal ("nothing was deleted").

    Raises:
        Declined: the user declined, cancelled, or accepted with the box unticked.
    """
    if isinstance(outcome, AcceptedElicitation):
        if outcome.data is None:
            return confirm
        if outcome.data.confirm:
            return True
    raise Declined(f"The user did not confirm, so {nothing}.")


def asked_by(resolver: Callable[..., Any]) -> Callable[[F], F]:
    """Mark a tool's ``confirmation`` parameter as filled by ``resolver`` (the SDK's ``Resolve``).

    The annotation is set as an object: the tool modules use postponed (string) annotations, which
    cannot name a resolver made per server."""

    def mark(fn: F) -> F:
        fn.__annotations__["confirmation"] = Annotated[ElicitationResult[Confirmation], Resolve(resolver)]
        return fn

    return mark


class ConfirmDelete:
    """Resolver of ``delete_task``: asks "Delete task N "title"?" when the client can be asked and
    the reference names one task; otherwise no question (the tool then refuses or deletes as today)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def __call__(self, ctx: Context, task) -> Elicit[Confirmation] | None:  # type: ignore[no-untyped-def, type-arg]
        if not can_elicit(ctx):
            return None
        try:
            found = await self.backend.service().subtree(await self.backend.context(), task)
        except TodoError:
            return None  # not found / ambiguous: the tool answers that error
        return question("Delete", found)


class ConfirmBulk:
    """Resolver of ``delete_tasks`` and ``update_tasks``: asks before a change of several tasks not
    yet confirmed.

    Args:
        backend: service and user.
        action: ``delete``, ``complete`` or ``update`` (the service's :meth:`bulk_preview` rule).
        verb: the question's first word ("Delete", "Complete", "Change").
    """

    def __init__(self, backend: Backend, action: Literal["delete", "complete", "update"], verb: str) -> None:
        self.backend, self.action, self.verb = backend, action, verb

    async def __call__(  # type: ignore[no-untyped-def]
        self, ctx: Context, numbers, all, status, priority, tag, due, query, confirm  # type: ignore[type-arg]
    ) -> Elicit[Confirmation] | None:
        if confirm or not can_elicit(ctx):
            return None
        try:
            selection = Selection.of(numbers=numbers, all=all, status=status, priority=priority, tag=tag, due=due, query=query)
            tasks = await self.backend.service().bulk_preview(await self.backend.context(), self.action, selection)
        except TodoError:
            return None  # a bad selection: the tool answers that error
        return question(self.verb, tasks) if len(tasks) > 1 else None


class ConfirmComplete(ConfirmBulk):
    """Resolver of ``complete_tasks`` (whose selection has no ``status``: it completes open tasks)."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, "complete", "Complete")

    async def __call__(  # type: ignore[no-untyped-def, override]
        self, ctx: Context, numbers, all, priority, tag, due, query, confirm  # type: ignore[type-arg]
    ) -> Elicit[Confirmation] | None:
        return await super().__call__(ctx, numbers, all, "all", priority, tag, due, query, confirm)


def reminder_question(reminders: Sequence[ReminderOut]) -> Elicit[Confirmation]:
    """"Cancel the reminder 7 of task 3 "Dentist" (Fri 20 Nov 14:30)?" / "Cancel 3 reminders: …?"
    as an elicitation (times in the user's zone, as the service renders them)."""

    def one(r: ReminderOut) -> str:
        when = r.fire_at.strftime("%a %-d %b %H:%M") if r.fire_at else "when the task gets a due time"
        return f'{r.id} of task {r.task_number} "{r.task_title}" ({when})'

    names = ", ".join(one(r) for r in reminders[:LISTED_MAX])
    more = f" and {len(reminders) - LISTED_MAX} more" if len(reminders) > LISTED_MAX else ""
    what = f"the reminder {names}" if len(reminders) == 1 else f"{len(reminders)} reminders: {names}{more}"
    return Elicit(f"Cancel {what}?", Confirmation)


class ConfirmDeleteReminder:
    """Resolver of ``delete_reminder``: asks "Cancel the reminder 7 of task 3 "Dentist" (…)?" when the
    client can be asked and the id is a pending reminder of the user (as ``delete_task`` asks);
    otherwise no question (the tool then refuses or cancels as before)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def __call__(self, ctx: Context, reminder) -> Elicit[Confirmation] | None:  # type: ignore[no-untyped-def, type-arg]
        if not can_elicit(ctx):
            return None
        try:
            found = await self.backend.service().cancel_reminders_preview(
                await self.backend.context(), reminder_ids=[reminder]
            )
        except TodoError:
            return None  # not found: the tool answers that error
        return reminder_question(found)


class ConfirmCancelReminders:
    """Resolver of ``cancel_reminders``: asks before cancelling several reminders not yet confirmed,
    listing them (one is cancelled without a question, as the bulk task tools do)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def __call__(  # type: ignore[no-untyped-def]
        self, ctx: Context, reminders, task, all, when, confirm  # type: ignore[type-arg]
    ) -> Elicit[Confirmation] | None:
        if confirm or not can_elicit(ctx):
            return None
        try:
            request = await self.backend.context()
            span = reminder_window.window(request.tz, request.now(), when=when) if when else None
            found = await self.backend.service().cancel_reminders_preview(
                request, reminder_ids=reminders, task=task, all=all, window=span
            )
        except TodoError:
            return None  # a bad selection: the tool answers that error
        return reminder_question(found) if len(found) > 1 else None
