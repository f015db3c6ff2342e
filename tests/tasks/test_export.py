"""The exporter (tasks/export.py): formula cells, and pages that read a little at a time yet give
every matching task once, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.context import Clock, RequestContext
from todochat.tasks import export
from todochat.tasks.schemas import TaskCreate, TaskFilter


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("UTC"), clock=Clock(datetime(2026, 11, 18, 9, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("text", "cell"),
    [("=1+2", "'=1+2"), ("+49 30", "'+49 30"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), ("'quoted", "'quoted"), (" =x", " =x")],
)
def test_formula_cells_are_neutralised(text: str, cell: str) -> None:
    assert export.safe_cell(text) == cell


async def test_pages_give_every_matching_task_once(service) -> None:
    for n in range(1, 12):
        await service.add(ctx(), TaskCreate(title=f"{'milk' if n % 3 else 'bread'} {n}"))
    await service.add(ctx("bob"), TaskCreate(title="milk of bob"))
    await service.delete(ctx(), 4)
    pages = [page async for page in service.export_pages(ctx(), page_size=3)]
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert [t.number for p in pages for t in p] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    searched = [t.number async for p in service.export_pages(ctx(), TaskFilter(query="bread"), page_size=2) for t in p]
    assert searched == [3, 6, 9]
    body = b"".join([c async for c in export.export_stream(service.export_pages(ctx(), page_size=2), "csv",
                                                           user_id="alice", tz=ZoneInfo("UTC"), now=ctx().now())])
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert rows[0] == [c.name for c in export.COLUMNS] and [r[0] for r in rows[1:]] == ["1", "2", "3", "5", "6", "7", "8", "9", "10", "11"]
