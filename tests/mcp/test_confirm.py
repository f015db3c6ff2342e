"""Confirmations of destructive MCP tools by elicitation: a client that supports it is asked, and a
yes changes exactly what the question listed; a no changes nothing; a client without it keeps the
explicit contract (confirm=true after the listed refusal). In process (both protocol eras) and over
HTTP against ``todochat serve`` (stateless: the question rides an InputRequiredResult)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_types import ElicitRequestParams, ElicitResult
from tests.servers import LiveServer

from todochat.config import Settings
from todochat.context import RequestContext
from todochat.mcp.server import Backend, build_server
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService


class User:
    """An elicitation callback answering ``answer`` (accept/decline/cancel), recording each question."""

    def __init__(self, answer: str, ticked: bool = True) -> None:
        self.answer, self.ticked = answer, ticked
        self.questions: list[str] = []

    async def __call__(self, _context: object, params: ElicitRequestParams) -> ElicitResult:
        self.questions.append(params.message)
        assert params.requested_schema["properties"]["confirm"]["type"] == "boolean"
        if self.answer == "accept":
            return ElicitResult(action="accept", content={"confirm": self.ticked})
        return ElicitResult(action=self.answer)  # type: ignore[arg-type]


@pytest.fixture
def connect(service: TaskService, settings: Settings) -> Callable[..., object]:
    @asynccontextmanager
    async def _connect(user: User | None, mode: str = "auto") -> AsyncIterator[Client]:
        server = build_server(Backend(service=lambda: service, user=lambda: "alice", settings=settings))
        async with Client(server, elicitation_callback=user, mode=mode) as client:  # type: ignore[arg-type]
            yield client

    return _connect


async def seed(service: TaskService, *titles: str, user: str = "alice") -> None:
    for title in titles:
        await service.add(RequestContext(user_id=user), TaskCreate(title=title, tags=["home"]))


async def titles(service: TaskService, user: str = "alice") -> list[tuple[str, bool]]:
    return [(t.title, t.completed) for t in await service.list(RequestContext(user_id=user))]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_yes_deletes_exactly_what_was_asked(connect, service: TaskService, mode: str) -> None:
    await seed(service, "Water plants", "Call mum", "Buy milk")
    yes = User("accept")
    async with connect(yes, mode) as client:
        done = await client.call_tool("delete_tasks", {"tag": "home", "query": "plants mum"})
        assert done.is_error and done.structured_content["error"] == "not_found"  # words must all match: no question
        deleted = await client.call_tool("delete_tasks", {"numbers": [1, 2]})
        assert not deleted.is_error and [t["title"] for t in deleted.structured_content["tasks"]] == ["Water plants", "Call mum"]
        one = await client.call_tool("delete_task", {"task": "milk"})
        assert not one.is_error and one.structured_content["title"] == "Buy milk"
    assert yes.questions == ['Delete 2 tasks: 1 "Water plants", 2 "Call mum"?', 'Delete task 3 "Buy milk"?']
    assert await titles(service) == []


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("answer", ["decline", "cancel", "unticked"])
async def test_no_changes_nothing(connect, service: TaskService, mode: str, answer: str) -> None:
    await seed(service, "Water plants", "Call mum")
    no = User("accept", ticked=False) if answer == "unticked" else User(answer)
    async with connect(no, mode) as client:
        for tool, args in (
            ("delete_tasks", {"all": True}),
            ("complete_tasks", {"all": True}),
            ("update_tasks", {"all": True, "new_priority": "high"}),
            ("delete_task", {"task": 1}),
        ):
            refused = await client.call_tool(tool, args)
            assert refused.is_error, tool
            assert refused.structured_content["error"] == "declined", tool
            assert "nothing was" in refused.content[0].text
    assert no.questions == [
        'Delete 2 tasks: 1 "Water plants", 2 "Call mum"?',
        'Complete 2 tasks: 1 "Water plants", 2 "Call mum"?',
        'Change 2 tasks: 1 "Water plants", 2 "Call mum"?',
        'Delete task 1 "Water plants"?',
    ]
    assert await titles(service) == [("Water plants", False), ("Call mum", False)]
    assert [t.priority for t in await service.list(RequestContext(user_id="alice"))] == ["none", "none"]


async def test_yes_completes_and_updates(connect, service: TaskService) -> None:
    await seed(service, "Water plants", "Call mum")
    yes = User("accept")
    async with connect(yes) as client:
        changed = await client.call_tool("update_tasks", {"all": True, "new_priority": "high"})
        assert [t["priority"] for t in changed.structured_content["tasks"]] == ["high", "high"]
        completed = await client.call_tool("complete_tasks", {"all": True})
        assert len(completed.structured_content["tasks"]) == 2
        assert not (await client.call_tool("complete_tasks", {"all": True, "confirm": True})).is_error  # none open: no question
    assert len(yes.questions) == 2
    assert await titles(service) == [("Water plants", True), ("Call mum", True)]


async def test_without_elicitation_the_explicit_contract_stays(connect, service: TaskService) -> None:
    await seed(service, "Water plants", "Call mum")
    async with connect(None) as client:
        refused = await client.call_tool("delete_tasks", {"all": True})
        assert refused.is_error and refused.structured_content["error"] == "confirmation_required"
        assert await titles(service) == [("Water plants", False), ("Call mum", False)]
        assert not (await client.call_tool("delete_task", {"task": 1})).is_error  # one task: no question, as before
        assert not (await client.call_tool("delete_tasks", {"all": True, "confirm": True})).is_error
    assert await titles(service) == []


@pytest.mark.slow
@pytest.mark.parametrize("answer", ["accept", "decline"])
async def test_over_http_the_question_rides_input_required(live_server: LiveServer, answer: str) -> None:
    """Stateless HTTP (protocol 2026-07-28): the server answers InputRequiredResult, the client asks
    the user and retries with the answer and the sealed request state."""
    user = User(answer)
    async with (
        create_mcp_http_client(headers=live_server.headers("erin")) as http,
        Client(streamable_http_client(live_server.base_url + "/mcp", http_client=http), elicitation_callback=user) as client,
    ):
        for title in ("One", "Two"):
            await client.call_tool("add_task", {"title": title})
        result = await client.call_tool("delete_tasks", {"all": True})
        left = (await client.call_tool("list_tasks", {})).structured_content["count"]
    assert user.questions == ['Delete 2 tasks: 1 "One", 2 "Two"?']
    if answer == "accept":
        assert not result.is_error and left == 0
    else:
        assert result.structured_content["error"] == "declined" and left == 2
