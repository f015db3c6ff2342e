"""MCP by URL: the SDK's own OAuth client (``OAuthClientProvider``) against a running ``todochat serve``
on SQLite and PostgreSQL — discovery, registration, sign-in at the consent page, PKCE, tokens,
tools, refresh, revocation — and MCP tokens refused by the REST API."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from tests.servers import LiveServer

pytestmark = pytest.mark.slow

REDIRECT = "http://127.0.0.1:1/callback"
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


class MemoryStorage:
    """The SDK's ``TokenStorage`` in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class Browser:
    """The user's browser: follows the authorization URL to the consent page, signs in with the
    user's todochat token and approves; keeps where the server sent it back."""

    def __init__(self, server: LiveServer, user: str) -> None:
        self.server, self.user = server, user
        self.pages: list[str] = []
        self.back: str | None = None

    async def open(self, authorization_url: str) -> None:
        async with httpx.AsyncClient() as http:
            to_consent = await http.get(authorization_url)
            assert to_consent.status_code == 302, to_consent.text
            consent_url = to_consent.headers["location"]
            assert consent_url.startswith(self.server.base_url + "/oauth/consent?request=")
            page = await http.get(consent_url)
            assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["content-security-policy"]
            self.pages.append(page.text)
            request_id = parse_qs(urlsplit(consent_url).query)["request"][0]
            answer = await http.post(
                self.server.base_url + "/oauth/consent",
                data={"request": request_id, "token": self.server.token(self.user), "decision": "approve"},
            )
        assert answer.status_code == 303
        self.back = answer.headers["location"]

    async def callback(self) -> AuthorizationCodeResult:
        assert self.back and self.back.startswith(REDIRECT + "?")
        query = parse_qs(urlsplit(self.back).query)
        return AuthorizationCodeResult(code=query["code"][0], state=query["state"][0], iss=query["iss"][0])


def oauth(server: LiveServer, browser: Browser, storage: MemoryStorage) -> OAuthClientProvider:
    return OAuthClientProvider(
        server_url=server.base_url + "/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="Flow <test> client",
            redirect_uris=[REDIRECT],
            grant_types=["authorization_code", "refresh_token"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )


async def mcp_post(server: LiveServer, token: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(server.base_url + "/mcp", json=LIST, headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
async def test_sdk_oauth_client_end_to_end(server_factory, database_url: str) -> None:
    server: LiveServer = server_factory(TODOCHAT_MCP_ACCEPT_API_TOKENS="false")
    storage, browser = MemoryStorage(), Browser(server, "carol")
    auth = oauth(server, browser, storage)
    async with (
        httpx.AsyncClient(base_url=server.base_url) as raw,
        create_mcp_http_client(auth=auth) as http,
        Client(streamable_http_client(server.base_url + "/mcp", http_client=http)) as client,
    ):
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert {"add_task", "delete_tasks"} <= names
        added = await client.call_tool("add_task", {"title": "Reached by OAuth"})
        assert added.structured_content["number"] == 1
        assert "Flow &lt;test&gt; client" in browser.pages[0]  # the client's name, escaped
        assert storage.client_info is not None and storage.client_info.client_secret is None
        first = storage.tokens
        assert first is not None and first.access_token.startswith("tdc_mcp_at_") and first.refresh_token
        assert first.expires_in == 3600 and first.scope == "tasks"

        # the task is carol's: the REST API shows it to carol's own token ...
        rest = await raw.get("/api/v1/tasks", headers=server.headers("carol"))
        assert [t["title"] for t in rest.json()["tasks"]] == ["Reached by OAuth"]
        # ... and refuses the MCP token, which only /mcp accepts
        refused = await raw.get("/api/v1/tasks", headers={"Authorization": f"Bearer {first.access_token}"})
        assert refused.status_code == 401
        assert (await raw.post(
            "/chatkit",
            json={"type": "threads.list", "params": {}},
            headers={"Authorization": f"Bearer {first.access_token}"},
        )).status_code == 401
        # with TODOCHAT_MCP_ACCEPT_API_TOKENS=false the REST token is refused at /mcp
        assert (await mcp_post(server, server.token("carol"))).status_code == 401
        assert (await mcp_post(server, first.access_token)).status_code == 200

        # refresh (the SDK refreshes once its token is past its expiry): a new pair; the old ones end
        auth.context.token_expiry_time = time.time() - 1
        listed = await client.call_tool("list_tasks", {})
        assert listed.structured_content["count"] == 1
        second = storage.tokens
        assert second is not None and second.access_token != first.access_token
        assert second.refresh_token != first.refresh_token
        assert (await mcp_post(server, first.access_token)).status_code == 401
        assert (await mcp_post(server, second.access_token)).status_code == 200
        # revoke (RFC 7009): the refresh token ends the whole authorization
        revoked = await raw.post(
            "/revoke",
            # the SDK's RevocationRequest requires the client_secret field; a public client sends it empty
            data={"token": second.refresh_token, "token_type_hint": "refresh_token", "client_id": storage.client_info.client_id, "client_secret": ""},
        )
        assert revoked.status_code == 200
        assert (await mcp_post(server, second.access_token)).status_code == 401
        for spent in (second.refresh_token, first.refresh_token):
            again = await raw.post(
                "/token",
                data={"grant_type": "refresh_token", "refresh_token": spent, "client_id": storage.client_info.client_id},
            )
            assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert len(browser.pages) == 1  # one sign-in for the whole session, refresh included
