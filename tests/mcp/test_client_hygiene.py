"""Hygiene of MCP OAuth clients, over the ASGI app on SQLite and PostgreSQL: MCP OAuth users are
rate-limited per user (not per address); dynamic registration is limited per address, stale clients
are swept and the number kept is capped; confidential clients' secrets are stored only as hashes and
still authenticate (``client_secret_post`` and ``client_secret_basic``); migration 0013 moves stored
plain secrets to hashes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import time_machine
from fastapi import FastAPI
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientMetadata
from sqlalchemy import select
from tests.clock import TEST_NOW
from tests.mcp.test_oauth_flow import REDIRECT as FLOW_REDIRECT
from tests.mcp.test_oauth_flow import Browser, MemoryStorage
from tests.mcp.test_oauth_refusals import (
    LIST,
    MCP_HEADERS,
    REDIRECT,
    pkce,
    register,
    sign_in,
    token,
)
from tests.servers import LiveServer, in_process

from todochat import migrations
from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.db import make_engine
from todochat.oauth_models import OAuthClient

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def conf(settings: Settings) -> Settings:
    """The test settings with /mcp taking OAuth tokens only."""
    return settings.model_copy(update={"mcp_accept_api_tokens": False})


@asynccontextmanager
async def app_at(conf: Settings) -> AsyncIterator[tuple[FastAPI, Callable[[str], httpx.AsyncClient]]]:
    """The app (lifespan entered) and ``at(address)``: an ASGI client whose peer is ``address``."""
    async with in_process(conf) as (app, _http):
        clients: list[httpx.AsyncClient] = []

        def at(address: str) -> httpx.AsyncClient:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://t")
            clients.append(client)
            return client

        try:
            yield app, at
        finally:
            for client in clients:
                await client.aclose()


async def access_token(http: httpx.AsyncClient, conf: Settings, user: str) -> str:
    """A live MCP OAuth access token of ``user`` (public client, full sign-in; 4 requests)."""
    client_id = await register(http)
    verifier, challenge = pkce()
    issued = await token(http, client_id, await sign_in(http, conf, client_id, challenge, user), verifier)
    assert issued.status_code == 200, issued.text
    return str(issued.json()["access_token"])


@BOTH
async def test_mcp_oauth_requests_are_limited_per_user_not_per_address(conf: Settings) -> None:
    conf = conf.model_copy(update={"rate_limit": "6/minute"})
    with time_machine.travel(TEST_NOW, tick=False):
        async with app_at(conf) as (_app, at):
            http = at("10.0.0.1")
            access = await access_token(http, conf, "dana")  # 4 of the address's 6
            bearer = {**MCP_HEADERS, "Authorization": f"Bearer {access}"}
            codes = [(await http.post("/mcp", json=LIST, headers=bearer)).status_code for _ in range(6)]
            assert codes == [200] * 6  # per address, the 3rd would have been refused
            over = await http.post("/mcp", json=LIST, headers=bearer)
            assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
            # dana's own API token shares her budget (one key per user, whatever the front)
            rest = await at("10.0.0.2").get("/api/v1/tasks", headers={"Authorization": f"Bearer {issue_token('dana', conf)}"})
            assert rest.status_code == 429
            # the address was not charged for dana's MCP calls: 2 left, then refused
            assert [(await http.get("/api/v1/tasks")).status_code for _ in range(2)] == [401, 401]
            assert (await http.get("/api/v1/tasks")).status_code == 429
            # a made-up MCP token is counted for its address, not for a user
            made_up = {**MCP_HEADERS, "Authorization": "Bearer tdc_mcp_at_" + "x" * 43}
            elsewhere = at("10.0.0.3")
            assert [(await elsewhere.post("/mcp", json=LIST, headers=made_up)).status_code for _ in range(6)] == [401] * 6
            assert (await elsewhere.post("/mcp", json=LIST, headers=made_up)).status_code == 429


async def test_registrations_are_limited_per_address_per_hour(conf: Settings) -> None:
    conf = conf.model_copy(update={"mcp_registrations_per_hour": 2})
    with time_machine.travel(TEST_NOW, tick=False) as clock:
        async with app_at(conf) as (app, at):
            one, two = at("10.0.0.1"), at("10.0.0.2")
            await register(one)
            await register(one)
            refused = await one.post("/register", json={"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"})
            assert refused.status_code == 429
            assert refused.json()["error"] == "rate_limited" and "2 per 1 hour" in refused.json()["error_description"]
            assert 1 <= int(refused.headers["retry-after"]) <= 3600
            await register(two)  # another address has its own count
            clock.shift(3601)
            await register(one)  # an hour later
            async with app.state.sessionmaker() as session:
                assert len((await session.execute(select(OAuthClient))).scalars().all()) == 4  # the refused one was not kept


@BOTH
async def test_stale_clients_are_swept_and_the_number_kept_is_capped(conf: Settings) -> None:
    conf = conf.model_copy(update={"mcp_max_clients": 2, "mcp_stale_client_days": 7})
    with time_machine.travel(TEST_NOW, tick=False) as clock:
        async with app_at(conf) as (app, at):
            http = at("10.0.0.1")
            await access_token(http, conf, "dana")  # registered and authorized: kept
            idle = await register(http)  # registered, never authorized
            full = await http.post("/register", json={"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"})
            assert full.status_code == 503 and full.json()["error"] == "temporarily_unavailable"
            assert int(full.headers["retry-after"]) > 0
            clock.shift(timedelta(days=6, hours=23))
            assert (await http.post("/register", json={"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"})).status_code == 503
            # the idle client can still start a sign-in while it is not stale
            assert (await http.get("/authorize", params={"response_type": "code", "client_id": idle, "redirect_uri": REDIRECT,
                                                          "code_challenge": pkce()[1], "code_challenge_method": "S256"})).status_code == 302
            clock.shift(timedelta(hours=2))  # 7 days and 1 hour after it registered
            newest = await register(http)
            async with app.state.sessionmaker() as session:
                kept = (await session.execute(select(OAuthClient))).scalars().all()
            assert idle not in {c.client_id for c in kept} and newest in {c.client_id for c in kept}
            assert len(kept) == 2 and sum(c.authorized_at is not None for c in kept) == 1
            gone = await http.get("/authorize", params={"response_type": "code", "client_id": idle, "redirect_uri": REDIRECT,
                                                        "code_challenge": pkce()[1], "code_challenge_method": "S256"})
            assert gone.status_code == 400  # unknown client


async def register_confidential(http: httpx.AsyncClient, method: str) -> tuple[str, str]:
    made = await http.post("/register", json={"redirect_uris": [REDIRECT], "token_endpoint_auth_method": method,
                                              "grant_types": ["authorization_code", "refresh_token"]})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["token_endpoint_auth_method"] == method and len(body["client_secret"]) == 64  # shown once
    return str(body["client_id"]), str(body["client_secret"])


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@BOTH
async def test_confidential_client_secrets_are_stored_hashed_and_still_authenticate(conf: Settings) -> None:
    async with app_at(conf) as (app, at):
        http = at("10.0.0.1")
        post_id, post_secret = await register_confidential(http, "client_secret_post")
        basic_id, basic_secret = await register_confidential(http, "client_secret_basic")
        async with app.state.sessionmaker() as session:
            rows = {c.client_id: c for c in (await session.execute(select(OAuthClient))).scalars()}
        for client_id, secret in ((post_id, post_secret), (basic_id, basic_secret)):
            assert secret not in rows[client_id].info and json.loads(rows[client_id].info)["client_secret"] is None
            assert rows[client_id].secret_hash == hashlib.sha256(secret.encode()).hexdigest()

        async def exchange(client_id: str, *, form_secret: str | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
            verifier, challenge = pkce()
            code = await sign_in(http, conf, client_id, challenge)
            data = {"grant_type": "authorization_code", "code": code, "client_id": client_id,
                    "redirect_uri": REDIRECT, "code_verifier": verifier}  # fmt: skip
            if form_secret is not None:
                data["client_secret"] = form_secret
            return await http.post("/token", data=data, headers=headers or {})

        wrong = await exchange(post_id, form_secret="0" * 64)
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        assert (await exchange(post_id)).status_code == 401  # no secret
        assert (await exchange(post_id, form_secret=rows[post_id].secret_hash)).status_code == 401  # the stored hash is no secret
        assert (await exchange(post_id, headers=basic(post_id, post_secret))).status_code == 401  # wrong method
        issued = await exchange(post_id, form_secret=post_secret)
        assert issued.status_code == 200, issued.text
        assert (await exchange(basic_id, headers=basic(basic_id, "f" * 64))).status_code == 401
        assert (await exchange(basic_id, form_secret=basic_secret)).status_code == 401  # wrong method
        by_basic = await exchange(basic_id, headers=basic(basic_id, basic_secret))
        assert by_basic.status_code == 200, by_basic.text

        access = issued.json()["access_token"]
        bearer = {**MCP_HEADERS, "Authorization": f"Bearer {access}"}
        assert (await http.post("/mcp", json=LIST, headers=bearer)).status_code == 200
        refused = await http.post("/revoke", data={"token": access, "client_id": post_id, "client_secret": "1" * 64})
        assert refused.status_code == 401
        assert (await http.post("/mcp", json=LIST, headers=bearer)).status_code == 200
        revoked = await http.post("/revoke", data={"token": access, "client_id": post_id, "client_secret": post_secret})
        assert revoked.status_code == 200
        assert (await http.post("/mcp", json=LIST, headers=bearer)).status_code == 401


@BOTH
def test_migration_0013_moves_plain_client_secrets_to_hashes(database_url: str, tmp_path: Path) -> None:
    conf = Settings(database_url=database_url, data_dir=tmp_path / "data", jwt_secret="m" * 40)
    migrations.upgrade(conf, "0009")
    secret = "ab" * 32
    info = {"client_id": "c-conf", "client_secret": secret, "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_post"}
    public = {"client_id": "c-pub", "client_secret": None, "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}
    clients = sa.table("mcp_oauth_clients", sa.column("client_id"), sa.column("info"), sa.column("created_at"))
    grants = sa.table("mcp_oauth_grants", *(sa.column(c) for c in ("token_hash", "kind", "grant_id", "client_id", "user_id", "data", "expires_at", "created_at")))

    async def seed() -> None:
        engine = make_engine(conf)
        try:
            async with engine.begin() as conn:
                now = TEST_NOW.replace(tzinfo=None)
                await conn.execute(clients.insert(), [
                    {"client_id": "c-conf", "info": json.dumps(info), "created_at": now},
                    {"client_id": "c-pub", "info": json.dumps(public), "created_at": now},
                ])  # fmt: skip
                await conn.execute(grants.insert(), [{"token_hash": "h" * 64, "kind": "refresh", "grant_id": "g", "client_id": "c-conf",
                                                       "user_id": "dana", "data": "{}", "expires_at": now, "created_at": now}])  # fmt: skip
        finally:
            await engine.dispose()

    async def read() -> dict[str, OAuthClient]:
        engine = make_engine(conf)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(select(OAuthClient.client_id, OAuthClient.info, OAuthClient.secret_hash, OAuthClient.authorized_at))).all()
            return {r.client_id: r for r in rows}  # type: ignore[misc]
        finally:
            await engine.dispose()

    asyncio.run(seed())
    migrations.upgrade(conf)
    rows = asyncio.run(read())
    assert rows["c-conf"].secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in rows["c-conf"].info and json.loads(rows["c-conf"].info)["client_secret"] is None
    assert rows["c-conf"].authorized_at is not None  # it holds a grant
    assert rows["c-pub"].secret_hash is None and rows["c-pub"].authorized_at is None


@pytest.mark.slow
@BOTH
async def test_sdk_oauth_client_as_a_confidential_client(server_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """The SDK's own ``OAuthClientProvider`` registering with ``client_secret_post`` against a running
    ``todochat serve``: it authenticates at ``/token`` with the secret it was shown (stored hashed),
    including the refresh; a copy of its registration with another secret is refused."""
    server: LiveServer = server_factory(TODOCHAT_MCP_ACCEPT_API_TOKENS="false")
    storage, browser = MemoryStorage(), Browser(server, "erin")
    auth = OAuthClientProvider(
        server_url=server.base_url + "/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="Confidential", redirect_uris=[FLOW_REDIRECT],
            grant_types=["authorization_code", "refresh_token"], token_endpoint_auth_method="client_secret_post",
        ),
        storage=storage,
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )
    async with (
        create_mcp_http_client(auth=auth) as http,
        Client(streamable_http_client(server.base_url + "/mcp", http_client=http)) as client,
    ):
        added = await client.call_tool("add_task", {"title": "Confidential reach"})
        assert added.structured_content["number"] == 1
        info = storage.client_info
        assert info is not None and info.client_secret and info.token_endpoint_auth_method == "client_secret_post"
        auth.context.token_expiry_time = time.time() - 1  # the SDK refreshes, authenticating with its secret
        assert (await client.call_tool("list_tasks", {})).structured_content["count"] == 1
        assert storage.tokens is not None
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        refresh = storage.tokens.refresh_token
        wrong = await raw.post("/token", data={"grant_type": "refresh_token", "refresh_token": refresh,
                                               "client_id": info.client_id, "client_secret": "0" * 64})  # fmt: skip
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        right = await raw.post("/token", data={"grant_type": "refresh_token", "refresh_token": refresh,
                                               "client_id": info.client_id, "client_secret": info.client_secret})  # fmt: skip
        assert right.status_code == 200
