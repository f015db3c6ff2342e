"""``TaskService.bulk_preview``: the tasks a bulk action would change, by the same selection rule as
the action itself, changing nothing (what an MCP confirmation question lists)."""

from __future__ import annotations

from todochat.context import RequestContext
from todochat.tasks.schemas import Selection, TaskChanges, TaskCreate
from todochat.tasks.service import TaskService


async def test_preview_lists_what_the_action_then_changes(service: TaskService) -> None:
    ctx = RequestContext(user_id="pat")
    for title in ("Open one", "Done one", "Open two"):
        await service.add(ctx, TaskCreate(title=title, tags=["x"]))
    await service.complete(ctx, 2)
    await service.add(RequestContext(user_id="someone-else"), TaskCreate(title="Not pat's", tags=["x"]))
    every = Selection.of(all=True)

    def numbers(tasks) -> list[int]:  # type: ignore[no-untyped-def]
        return [t.number for t in tasks]

    assert numbers(await service.bulk_preview(ctx, "delete", every)) == [1, 2, 3]
    assert numbers(await service.bulk_preview(ctx, "complete", every)) == [1, 3]  # open ones
    assert numbers(await service.bulk_preview(ctx, "update", every)) == [1, 3]  # "everything": the open ones
    assert numbers(await service.bulk_preview(ctx, "update", Selection.of(numbers=[2, 3]))) == [2, 3]
    assert numbers(await service.bulk_preview(ctx, "complete", Selection.of(numbers=[2, 3]))) == [3]
    assert [t.completed for t in await service.list(ctx)] == [False, True, False]  # nothing changed

    # the actions change exactly the previewed tasks
    changed = await service.bulk_update(ctx, every, TaskChanges(priority="high"), confirm=True)
    assert numbers(changed.tasks) == [1, 3]
    assert numbers((await service.bulk_complete(ctx, every, confirm=True)).tasks) == [1, 3]
    assert numbers((await service.bulk_delete(ctx, every, confirm=True)).tasks) == [1, 2, 3]
    assert await service.bulk_preview(ctx, "delete", every) == []
