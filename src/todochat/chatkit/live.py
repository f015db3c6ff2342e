"""Live task widgets: a task-list widget item shown with its tasks' current state.

A widget item is stored as a snapshot (DESIGN.md, "a widget item is a snapshot"). Here, in one
place, task-list widgets are re-rendered from the tasks as they are now whenever a thread is read
(``threads.get_by_id``, ``items.list``) and after a widget action: a row looks the same in every
widget it appears in, and the row of a deleted task says "Deleted" (with Undo). Only the
requesting user's tasks are read (``TaskService.list`` filters by ``context.user_id``).
Reading does not write: the stored snapshot changes only when an action replaces the item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chatkit.server import DEFAULT_PAGE_SIZE  # chatkit's page size when a read gives no limit
from chatkit.store import Store
from chatkit.types import (
    HiddenContextItem,
    ItemsListReq,
    Page,
    SDKHiddenContextItem,
    Thread,
    ThreadItem,
    ThreadsGetByIdReq,
    WidgetItem,
)

from todochat.chatkit.widgets import (
    copy_text,
    heading_of,
    list_of_rows,
    list_view_of,
    live_rows,
    row_numbers,
    row_titles,
)
from todochat.context import RequestContext
from todochat.tasks.queries import NUMBERS_MAX
from todochat.tasks.schemas import TaskFilter, TaskOut
from todochat.tasks.service import TaskService


def is_task_list(item: ThreadItem) -> bool:
    """Whether ``item`` is a task-list widget (a ``ListView`` with ``task-N`` rows)."""
    return isinstance(item, WidgetItem) and getattr(item.widget, "type", None) == "ListView" and bool(row_numbers(item.widget))


class LiveWidgets:
    """Re-renders task-list widget items from the user's current tasks.

    Args:
        store: the ChatKit store the threads are read from (scoped by ``context.user_id``).
        service: the task service (reads only).
    """

    def __init__(self, store: Store[RequestContext], service: TaskService) -> None:
        self.store = store
        self.service = service

    async def current(self, context: RequestContext, numbers: Iterable[int]) -> dict[int, TaskOut]:
        """The user's current (not deleted) tasks among ``numbers``, by number; one query per
        :data:`~todochat.tasks.queries.NUMBERS_MAX` numbers."""
        wanted = sorted(set(numbers))
        found: dict[int, TaskOut] = {}
        for start in range(0, len(wanted), NUMBERS_MAX):
            chunk = wanted[start:start + NUMBERS_MAX]
            found.update((t.number, t) for t in await self.service.list(context, TaskFilter(numbers=chunk)))
        return found

    async def refresh(self, item: WidgetItem, context: RequestContext) -> WidgetItem:
        """``item`` (a task-list widget) re-rendered from the current tasks; other items as given."""
        if not is_task_list(item):
            return item
        return rerender(item, await self.current(context, row_numbers(item.widget)), context)

    async def refresh_all(self, items: Sequence[ThreadItem], context: RequestContext) -> list[ThreadItem]:
        """``items`` with every task-list widget re-rendered (one task query for all of them)."""
        lists = [item for item in items if is_task_list(item)]
        if not lists:
            return list(items)
        current = await self.current(context, (n for item in lists for n in row_numbers(item.widget)))  # type: ignore[union-attr]
        return [rerender(item, current, context) if is_task_list(item) else item for item in items]  # type: ignore[arg-type]

    async def read(self, request: ThreadsGetByIdReq | ItemsListReq, context: RequestContext) -> Thread | Page[ThreadItem]:
        """Answer a read request as chatkit 1.6.5 does (``_process_non_streaming``: the thread with
        its first page of items, or a page of items, hidden-context items left out), with live
        task widgets.

        Raises:
            chatkit.store.NotFoundError: the thread is not the user's (or ``after`` is no item of it).
        """
        store = self.store
        if isinstance(request, ThreadsGetByIdReq):
            meta = await store.load_thread(request.params.thread_id, context=context)
            page = await store.load_thread_items(meta.id, None, DEFAULT_PAGE_SIZE, "asc", context)
        else:
            params = request.params
            page = await store.load_thread_items(
                params.thread_id, params.after, params.limit or DEFAULT_PAGE_SIZE, params.order, context
            )
        page.data = await self.refresh_all([i for i in page.data if not isinstance(i, (HiddenContextItem, SDKHiddenContextItem))], context)
        if isinstance(request, ItemsListReq):
            return page
        return Thread(
            id=meta.id, title=meta.title, created_at=meta.created_at, items=page,
            status=meta.status, allowed_image_domains=meta.allowed_image_domains,
        )


def rerender(item: WidgetItem, current: dict[int, TaskOut], context: RequestContext) -> WidgetItem:
    """A task-list widget item drawn again from ``current`` (the user's tasks by number): same
    id, heading, row order, "and N more" count and completed-tasks toggle; deleted rows say so.
    Its ``copy_text`` (what a model reads) follows."""
    numbers = row_numbers(item.widget)
    titles = row_titles(item.widget)
    try:
        view, more = list_view_of(item.widget)
    except ValueError:  # a toggle payload that is no task filter: keep the rows live, drop the toggle
        view, more = None, 0
    heading = heading_of(item.widget)
    today = context.local_now().date()
    present = [current[n] for n in numbers if n in current]
    text = copy_text(heading, present, today, more=more)
    gone = [titles.get(n) or f"{n}." for n in numbers if n not in current]
    if gone:
        text += "".join(f"\n[deleted] {title}" for title in gone)
    return item.model_copy(update={
        "widget": list_of_rows(heading, live_rows(numbers, current, titles, today), view=view, more=more),
        "copy_text": text,
    })


__all__ = ["LiveWidgets", "is_task_list", "rerender"]
