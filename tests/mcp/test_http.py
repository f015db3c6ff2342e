"""MCP over streamable HTTP against a running ``todochat serve``: the SDK's client, the API's tokens,
the same tasks as the REST API, 401s the MCP authorization spec describes, DNS-rebinding checks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import httpx2
import jwt
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError
from tests import hardening_tally as tally
from tests.servers import JWT_SECRET, LiveServer, server_env

from todochat import migrations
from todochat.config import Settings
from todochat.context import utcnow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two ``todochat serve`` replicas on one database for this module, started in parallel (each
    takes seconds to start); tests use their own users (:func:`users`), so they stay independent."""
    tmp = tmp_path_factory.mktemp("mcp-serve")
    url = f"sqlite+aiosqlite:///{tmp / 'todochat.db'}"
    migrations.upgrade(
        Settings(database_url=url, data_dir=tmp / "data")
    )  # so replicas do not race to
    env = server_env(url, tmp / "data")
    servers = (LiveServer(dict(env)), LiveServer(dict(env)))
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda server: server.start(timeout=120), servers))
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(replicas: tuple[LiveServer, LiveServer]) -> LiveServer:
    """The first replica."""
    return replicas[0]


@pytest.fixture
def users() -> tuple[str, str]:
    """Two fresh user ids."""
    tag = uuid.uuid4().hex[:8]
    return f"alice-{tag}", f"bob-{tag}"


JSONRPC_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
MCP_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-11-25",
}


@asynccontextmanager
async def mcp_client(server: LiveServer, user: str, mode: str = "auto") -> AsyncIterator[Client]:
    """The SDK's client on ``server``'s ``/mcp`` with ``user``'s bearer token."""
    async with (
        create_mcp_http_client(headers=server.headers(user)) as http,
        Client(
            streamable_http_client(server.base_url + "/mcp", http_client=http), mode=mode
        ) as client,
    ):
        yield client


async def rest_tasks(server: LiveServer, user: str) -> list[tuple[int, str, bool]]:
    """The user's tasks as the REST API shows them: (number, title, completed)."""
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.headers(user)) as http:
        response = await http.get("/api/v1/tasks")
    response.raise_for_status()
    return [(t["number"], t["title"], t["completed"]) for t in response.json()["tasks"]]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_tools_over_http_are_the_rest_apis_tasks(
    live_server: LiveServer, users, mode: str
) -> None:
    alice, _ = users
    async with mcp_client(live_server, alice, mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"add_task", "list_tasks", "complete_task", "delete_tasks", "undo"} <= set(tools)
        assert tools["list_tasks"].annotations.read_only_hint is True
        assert tools["delete_task"].annotations.destructive_hint is True
        assert tools["add_task"].output_schema["properties"]["number"]["type"] == "integer"
        first = await client.call_tool("add_task", {"title": "Renew passport", "priority": "high"})
        assert first.structured_content["number"] == 1
        await client.call_tool("add_task", {"title": "Buy stamps"})
        assert not (await client.call_tool("complete_task", {"task": "passport"})).is_error
        async with httpx.AsyncClient(headers=live_server.headers(alice)) as http:
            made = await http.post(
                live_server.base_url + "/api/v1/tasks", json={"title": "Made over REST"}
            )
        assert made.status_code == 201
        assert await rest_tasks(live_server, alice) == [
            (1, "Renew passport", True),
            (2, "Buy stamps", False),
            (3, "Made over REST", False),
        ]
        listed = await client.call_tool("list_tasks", {"status": "pending"})
        assert [t["title"] for t in listed.structured_content["tasks"]] == [
            "Buy stamps",
            "Made over REST",
        ]
        assert (await client.call_tool("delete_task", {"task": 2})).structured_content[
            "number"
        ] == 2
    assert await rest_tasks(live_server, alice) == [
        (1, "Renew passport", True),
        (3, "Made over REST", False),
    ]


async def test_another_users_token_sees_none_of_them(live_server: LiveServer, users) -> None:
    alice, bob = users
    async with mcp_client(live_server, alice) as client:
        await client.call_tool("add_task", {"title": "Alice only"})
    async with mcp_client(live_server, bob) as client:
        tally.cross_user("mcp")  # bob's token: alice's tasks listed, then her task 1 deleted
        assert (await client.call_tool("list_tasks", {})).structured_content["count"] == 0
        tally.cross_user("mcp")
        refused = await client.call_tool("delete_task", {"task": 1})
        assert refused.is_error and refused.structured_content["error"] == "not_found"
        too_long = await client.call_tool("add_task", {"title": "y" * 300})
        assert too_long.is_error and "limit is 200" in too_long.content[0].text
        unknown = await client.call_tool("drop_database", {})
        assert unknown.is_error and "Unknown tool" in unknown.content[0].text
        wrong_type = await client.call_tool("complete_tasks", {"numbers": "all of them"})
        assert wrong_type.is_error and "valid list" in wrong_type.content[0].text
    assert await rest_tasks(live_server, alice) == [(1, "Alice only", False)]
    assert await rest_tasks(live_server, bob) == []


def forged(
    subject: str, *, secret: str = "not-the-servers-secret-" + "z" * 20, minutes: int = 5
) -> str:
    now = utcnow()
    payload = {"sub": subject, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(payload, secret, algorithm="HS256")


def test_missing_or_bad_token_is_401_with_resource_metadata(live_server: LiveServer, users) -> None:
    alice, _ = users
    url = live_server.base_url + "/mcp"
    expected_metadata = live_server.base_url + "/.well-known/oauth-protected-resource/mcp"
    for auth in (
        None,
        "Bearer " + forged(alice),
        "Bearer " + forged(alice, secret=JWT_SECRET, minutes=-1),
        "Basic YTpi",
    ):
        headers = {**MCP_HEADERS, **({"Authorization": auth} if auth else {})}
        call = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "add_task", "arguments": {"title": "x"}},
        }
        response = httpx.post(url, json=call, headers=headers)
        assert response.status_code == 401, auth
        assert response.json()["error"] == "invalid_token"
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
        assert f'resource_metadata="{expected_metadata}"' in challenge
    metadata = httpx.get(expected_metadata).json()
    assert metadata["resource"] == url and metadata["bearer_methods_supported"] == ["header"]
    assert (
        httpx.get(
            live_server.base_url + "/api/v1/tasks", headers=live_server.headers(alice)
        ).json()["tasks"]
        == []
    )


async def test_sdk_client_without_token_is_refused(live_server: LiveServer) -> None:
    async with create_mcp_http_client() as http:
        with pytest.raises(ExceptionGroup) as refused:
            async with Client(
                streamable_http_client(live_server.base_url + "/mcp", http_client=http),
                mode="legacy",
            ) as client:
                await client.list_tools()
    assert refused.group_contains(MCPError, match="error response", depth=2)


def test_dns_rebinding_protection(live_server: LiveServer, users) -> None:
    url = live_server.base_url + "/mcp"
    good = {**MCP_HEADERS, **live_server.headers(users[0])}
    assert httpx.post(url, json=JSONRPC_LIST, headers=good).status_code == 200
    evil_host = httpx.post(url, json=JSONRPC_LIST, headers={**good, "Host": "attacker.example"})
    assert evil_host.status_code == 421
    evil_origin = httpx.post(
        url, json=JSONRPC_LIST, headers={**good, "Origin": "http://attacker.example"}
    )
    assert evil_origin.status_code == 403
    local_origin = httpx.post(
        url, json=JSONRPC_LIST, headers={**good, "Origin": live_server.base_url}
    )
    assert local_origin.status_code == 200


async def test_stateless_across_replicas(replicas: tuple[LiveServer, LiveServer], users) -> None:
    """One client whose requests alternate between two ``todochat serve`` replicas on one database."""
    first, second = replicas
    ports = [first.port, second.port]
    served: list[int] = []

    class RoundRobin(httpx2.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            port = ports[len(served) % 2]
            served.append(port)
            request.url = request.url.copy_with(port=port)
            request.headers["Host"] = f"127.0.0.1:{port}"
            return await super().handle_async_request(request)

    async with (
        httpx2.AsyncClient(
            transport=RoundRobin(), headers=first.headers(users[0]), timeout=30
        ) as http,
        Client(
            streamable_http_client(first.base_url + "/mcp", http_client=http), mode="legacy"
        ) as client,
    ):
        for n in range(4):
            await client.call_tool("add_task", {"title": f"Task {n}"})
        listed = await client.call_tool("list_tasks", {})
    assert listed.structured_content["count"] == 4
    assert set(served) == set(ports)
