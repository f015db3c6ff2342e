"""MCP by URL with the sign-in delegated to the identity provider: the SDK's own OAuth client against a
running ``todochat serve`` configured with OIDC (the local fake provider of tests/api/test_oidc.py) —
/authorize → consent page → "Sign in with your identity provider" → provider → callback → Allow →
token → tools as the provider's user; a forged state, a tampered state cookie, a request that is not
pending and a ticket for another request are refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata
from tests.api.test_oidc import CLIENT_ID, FakeProvider, provider  # noqa: F401  (the fixture)
from tests.mcp.test_oauth_flow import REDIRECT, MemoryStorage
from tests.servers import LiveServer

pytestmark = pytest.mark.slow

TICKET = re.compile(r'name="ticket" value="([^"]+)"')


def oidc_server(server_factory, provider: FakeProvider) -> LiveServer:  # type: ignore[no-untyped-def]  # noqa: F811
    return server_factory(  # type: ignore[no-any-return]
        TODOCHAT_MCP_ACCEPT_API_TOKENS="false", TODOCHAT_OIDC_ISSUER=provider.issuer, TODOCHAT_OIDC_CLIENT_ID=CLIENT_ID
    )


async def through_provider(http: httpx.AsyncClient, server: LiveServer, request_id: str) -> httpx.Response:
    """From the consent page's provider link to the provider and back; the callback's answer."""
    start = await http.get(f"{server.base_url}/oauth/consent/provider?request={request_id}")
    assert start.status_code in (302, 303), start.text
    at_provider = await http.get(start.headers["location"])
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["location"]
    assert back.startswith(server.base_url + "/auth/oidc/callback?")
    return await http.get(back)


class ProviderBrowser:
    """The user's browser: consent page → provider sign-in → consent page signed in → Allow."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.pages: list[str] = []
        self.back: str | None = None

    async def open(self, authorization_url: str) -> None:
        async with httpx.AsyncClient() as http:
            to_consent = await http.get(authorization_url)
            consent_url = to_consent.headers["location"]
            request_id = parse_qs(urlsplit(consent_url).query)["request"][0]
            page = await http.get(consent_url)
            assert f'href="/oauth/consent/provider?request={request_id}"' in page.text
            signed_in = await through_provider(http, self.server, request_id)
            assert signed_in.status_code == 200, (signed_in.headers, http.cookies)
            assert "frame-ancestors 'none'" in signed_in.headers["content-security-policy"]
            assert signed_in.headers["cache-control"] == "no-store"
            self.pages.append(signed_in.text)
            ticket = TICKET.search(signed_in.text)
            assert ticket and 'name="token"' not in signed_in.text
            answer = await http.post(
                self.server.base_url + "/oauth/consent",
                data={"request": request_id, "ticket": ticket.group(1), "decision": "approve"},
            )
        assert answer.status_code == 303, answer.text
        self.back = answer.headers["location"]

    async def callback(self) -> AuthorizationCodeResult:
        assert self.back and self.back.startswith(REDIRECT + "?")
        query = parse_qs(urlsplit(self.back).query)
        return AuthorizationCodeResult(code=query["code"][0], state=query["state"][0], iss=query["iss"][0])


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
async def test_sdk_oauth_client_signs_in_through_the_provider(server_factory, provider: FakeProvider, database_url: str) -> None:  # noqa: F811
    provider.subject = "Zoe\u0308"  # normalised: NFC
    server = oidc_server(server_factory, provider)
    storage, browser = MemoryStorage(), ProviderBrowser(server)
    auth = OAuthClientProvider(
        server_url=server.base_url + "/mcp",
        client_metadata=OAuthClientMetadata(
            client_name="IdP client", redirect_uris=[REDIRECT], grant_types=["authorization_code", "refresh_token"],
            token_endpoint_auth_method="none",
        ),
        storage=storage, redirect_handler=browser.open, callback_handler=browser.callback,
    )  # fmt: skip
    async with (
        create_mcp_http_client(auth=auth) as http,
        Client(streamable_http_client(server.base_url + "/mcp", http_client=http)) as client,
    ):
        assert {"add_task", "list_tasks"} <= {tool.name for tool in (await client.list_tools()).tools}
        added = await client.call_tool("add_task", {"title": "Via the provider"})
        assert added.structured_content["number"] == 1
    assert "Signed in as <strong>Zoë</strong>" in browser.pages[0] and "IdP client" in browser.pages[0]
    assert provider.verified_pkce == 1
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        tasks = (await raw.get("/api/v1/tasks", headers=server.headers("Zoë"))).json()["tasks"]
        others = (await raw.get("/api/v1/tasks", headers=server.headers("ann"))).json()["tasks"]
    assert [t["title"] for t in tasks] == ["Via the provider"] and others == []


async def pending_request(http: httpx.AsyncClient, server: LiveServer) -> str:
    """Register a public client and start /authorize; the pending request id."""
    client = (await http.post(server.base_url + "/register", json={
        "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code"], "response_types": ["code"], "client_name": "probe",
    })).json()  # fmt: skip
    query = urlencode({
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": REDIRECT, "state": "s",
        "code_challenge": "x" * 43, "code_challenge_method": "S256",
    })  # fmt: skip
    to_consent = await http.get(f"{server.base_url}/authorize?{query}")
    assert to_consent.status_code == 302, to_consent.text
    return parse_qs(urlsplit(to_consent.headers["location"]).query)["request"][0]


async def test_forged_state_tampered_cookie_stale_request_and_foreign_ticket_are_refused(server_factory, provider: FakeProvider) -> None:  # noqa: F811
    server = oidc_server(server_factory, provider)
    async with httpx.AsyncClient() as http:
        # a request id that is not pending: no sign-in starts
        assert (await http.get(f"{server.base_url}/oauth/consent/provider?request=nope")).status_code == 400
        assert provider.codes == {}

        request_id = await pending_request(http, server)
        start = await http.get(f"{server.base_url}/oauth/consent/provider?request={request_id}")
        back = urlsplit((await http.get(start.headers["location"])).headers["location"])
        code = parse_qs(back.query)["code"][0]
        # a forged state in the right browser
        forged = await http.get(f"{server.base_url}{back.path}?{urlencode({'code': code, 'state': 'forged'})}")
        assert forged.status_code == 303 and forged.headers["location"].startswith("/#signin_error=")
        # the right state with a tampered state cookie (another browser)
        cookie = http.cookies["todochat_oidc"]
        tampered = cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB")
        async with httpx.AsyncClient(headers={"Cookie": f"todochat_oidc={tampered}"}) as stranger:
            refused = await stranger.get(f"{server.base_url}{back.path}?{back.query}")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/#signin_error=")
        assert "ticket" not in refused.text
        # the request is still waiting; the genuine callback signs in for it (and it only)
        signed_in = await http.get(f"{server.base_url}{back.path}?{back.query}")
        assert signed_in.status_code == 200 and f'name="request" value="{request_id}"' in signed_in.text
        ticket = TICKET.search(signed_in.text)
        assert ticket
        # the ticket does not approve another pending request
        other = await pending_request(http, server)
        foreign = await http.post(server.base_url + "/oauth/consent", data={"request": other, "ticket": ticket.group(1), "decision": "approve"})
        assert foreign.status_code == 401
        forged_ticket = await http.post(server.base_url + "/oauth/consent", data={"request": request_id, "ticket": ticket.group(1)[:-3] + "abc", "decision": "approve"})
        assert forged_ticket.status_code == 401

        # the request answered (denied) while the user was at the provider: the callback finds it gone
        start = await http.get(f"{server.base_url}/oauth/consent/provider?request={other}")
        back_other = (await http.get(start.headers["location"])).headers["location"]
        denied = await http.post(server.base_url + "/oauth/consent", data={"request": other, "decision": "deny"})
        assert denied.status_code == 303 and "error=access_denied" in denied.headers["location"]
        assert (await http.get(back_other)).status_code == 400

        # the genuine ticket approves its own request once
        approved = await http.post(server.base_url + "/oauth/consent", data={"request": request_id, "ticket": ticket.group(1), "decision": "approve"})
        assert approved.status_code == 303 and approved.headers["location"].startswith(REDIRECT + "?code=")
        again = await http.post(server.base_url + "/oauth/consent", data={"request": request_id, "ticket": ticket.group(1), "decision": "approve"})
        assert again.status_code == 400


async def test_without_oidc_the_consent_page_offers_no_provider(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory()
    async with httpx.AsyncClient() as http:
        request_id = await pending_request(http, server)
        page = await http.get(f"{server.base_url}/oauth/consent?request={request_id}")
        assert page.status_code == 200 and 'name="token"' in page.text and "identity provider" not in page.text
        start = await http.get(f"{server.base_url}/oauth/consent/provider?request={request_id}")
        assert start.status_code == 502 and "not configured" in start.text


async def test_an_id_token_issued_before_sign_out_everywhere_is_refused(server_factory, provider: FakeProvider) -> None:  # noqa: F811
    provider.extra_claims = {"iat": 1_000_000_000}  # issued in 2001
    server = oidc_server(server_factory, provider)
    async with httpx.AsyncClient() as http:
        accepted = await through_provider(http, server, await pending_request(http, server))
        assert accepted.status_code == 200 and TICKET.search(accepted.text)
        signed_out = await http.post(server.base_url + "/api/v1/me/sign-out-everywhere", headers=server.headers("ann"))
        assert signed_out.status_code == 200
        refused = await through_provider(http, server, await pending_request(http, server))
        assert refused.status_code == 401 and "signed out" in refused.text and not TICKET.search(refused.text)
