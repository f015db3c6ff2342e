"""Unicode normalisation (NFC, UAX #15) of titles, descriptions, tags, references and search
queries through TaskService on SQLite and PostgreSQL: "done with café" typed with a combining
accent finds "Café" stored from another keyboard (issue 17)."""

from __future__ import annotations

import unicodedata

from tests.tasks.test_service_rules import ctx

from todochat.tasks.schemas import TaskChanges, TaskCreate, TaskFilter

CAFE_NFC = "Café"
CAFE_NFD = unicodedata.normalize("NFD", CAFE_NFC)


def test_the_two_spellings_differ() -> None:
    assert CAFE_NFD != CAFE_NFC and len(CAFE_NFD) == len(CAFE_NFC) + 1


async def test_decomposed_input_is_stored_composed(service) -> None:  # type: ignore[no-untyped-def]
    c = ctx()
    task = await service.add(c, TaskCreate(title=f"Meet at {CAFE_NFD}", description=f"the {CAFE_NFD} by the river"))
    assert task.title == f"Meet at {CAFE_NFC}"
    assert task.description == f"the {CAFE_NFC} by the river"
    changed = await service.update(c, task.number, TaskChanges(title=f"Lunch at {CAFE_NFD}"))
    assert changed.title == f"Lunch at {CAFE_NFC}"


async def test_a_decomposed_query_and_reference_find_the_composed_title(service) -> None:  # type: ignore[no-untyped-def]
    c = ctx()
    await service.add(c, TaskCreate(title=f"Pay the {CAFE_NFC} bill"))
    await service.add(c, TaskCreate(title="Buy milk"))
    found = await service.list(c, TaskFilter(query=CAFE_NFD.lower()))
    assert [t.title for t in found] == [f"Pay the {CAFE_NFC} bill"]
    done = await service.complete(c, f"the {CAFE_NFD.lower()} one")
    assert done.task.title == f"Pay the {CAFE_NFC} bill" and done.task.completed


async def test_a_composed_query_finds_a_title_typed_decomposed(service) -> None:  # type: ignore[no-untyped-def]
    c = ctx()
    await service.add(c, TaskCreate(title=f"Call {unicodedata.normalize('NFD', 'Zoë')}"))
    assert [t.title for t in await service.list(c, TaskFilter(query="zoë"))] == ["Call Zoë"]
    assert (await service.resolve(c, "zoë")).title == "Call Zoë"
