"""What MCP's authorization server refuses, over the ASGI app: a wrong PKCE verifier, an unregistered
or unsafe redirect URI, another resource, a spent code, a bad sign-in token, expired tokens; and
that only hashes of its secrets are stored."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine
from sqlalchemy import select
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.mcp.oauth import delete_user_grants
from todochat.oauth_models import OAuthClient, OAuthGrant

REDIRECT = "https://client.example/callback"
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25", "Host": "127.0.0.1:8000"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def conf(settings: Settings) -> Settings:
    """The test settings (a migrated database) with /mcp taking OAuth tokens only."""
    return settings.model_copy(update={"mcp_accept_api_tokens": False})


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


async def register(http: httpx.AsyncClient, *redirects: str) -> str:
    made = await http.post(
        "/register",
        json={"redirect_uris": list(redirects or [REDIRECT]), "token_endpoint_auth_method": "none", "client_name": "t",
              "grant_types": ["authorization_code", "refresh_token"]},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["client_id"])


async def authorize(http: httpx.AsyncClient, client_id: str, challenge: str, **extra: str) -> httpx.Response:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "code_challenge": challenge,
              "code_challenge_method": "S256", "state": "st-1", **extra}
    return await http.get("/authorize", params=params)


async def sign_in(http: httpx.AsyncClient, conf: Settings, client_id: str, challenge: str, user: str = "dana") -> str:
    to_consent = await authorize(http, client_id, challenge)
    assert to_consent.status_code == 302, to_consent.text
    request_id = parse_qs(urlsplit(to_consent.headers["location"]).query)["request"][0]
    answer = await http.post("/oauth/consent", data={"request": request_id, "token": issue_token(user, conf), "decision": "approve"})
    assert answer.status_code == 303
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["st-1"] and query["iss"] == ["http://127.0.0.1:8000"]
    return query["code"][0]


async def token(http: httpx.AsyncClient, client_id: str, code: str, verifier: str) -> httpx.Response:
    return await http.post("/token", data={"grant_type": "authorization_code", "code": code, "client_id": client_id,
                                           "redirect_uri": REDIRECT, "code_verifier": verifier})


async def test_wrong_pkce_verifier_and_spent_code_are_refused(conf: Settings) -> None:
    async with in_process(conf) as (_app, http):
        client_id = await register(http)
        verifier, challenge = pkce()
        code = await sign_in(http, conf, client_id, challenge)
        wrong = await token(http, client_id, code, pkce()[0])
        assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant", "error_description": "incorrect code_verifier"}
        plain = await authorize(http, client_id, challenge, code_challenge_method="plain")  # S256 only
        assert plain.status_code == 302 and "error=invalid_request" in plain.headers["location"]
        issued = await token(http, client_id, code, verifier)
        assert issued.status_code == 200 and issued.json()["token_type"] == "Bearer"
        spent = await token(http, client_id, code, verifier)
        assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"
        other_client = await register(http)
        stolen = await token(http, other_client, (await sign_in(http, conf, client_id, challenge)), verifier)
        assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"


async def test_unregistered_or_unsafe_redirect_uris_are_refused(conf: Settings) -> None:
    async with in_process(conf) as (_app, http):
        client_id = await register(http, REDIRECT, "http://127.0.0.1:4711/cb", "cursor://anysphere.cursor-retrieval/oauth")
        elsewhere = await authorize(http, client_id, pkce()[1], redirect_uri="https://attacker.example/cb")
        assert elsewhere.status_code == 400 and "location" not in elsewhere.headers  # never sent there
        assert elsewhere.json()["error"] == "invalid_request" and "not registered" in elsewhere.json()["error_description"]
        for bad in ("http://client.example/cb", "javascript:alert(1)", "https://client.example/cb#frag"):
            refused = await http.post("/register", json={"redirect_uris": [bad], "token_endpoint_auth_method": "none"})
            assert refused.status_code == 400, bad
            assert refused.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata"), bad


async def test_another_resource_is_refused(conf: Settings) -> None:
    async with in_process(conf) as (_app, http):
        client_id = await register(http)
        other = await authorize(http, client_id, pkce()[1], resource="https://other.example/mcp")
        assert other.status_code == 302
        query = parse_qs(urlsplit(other.headers["location"]).query)
        assert query["error"] == ["invalid_target"] and query["state"] == ["st-1"]
        ours = await authorize(http, client_id, pkce()[1], resource="http://127.0.0.1:8000/mcp")
        assert ours.headers["location"].startswith("http://127.0.0.1:8000/oauth/consent?request=")


async def test_consent_needs_a_valid_token_and_answers_once(conf: Settings) -> None:
    async with in_process(conf) as (_app, http):
        client_id = await register(http)
        to_consent = await authorize(http, client_id, pkce()[1])
        request_id = parse_qs(urlsplit(to_consent.headers["location"]).query)["request"][0]
        forged = issue_token("dana", conf.model_copy(update={"jwt_secret": "another-secret-" + "o" * 32}))
        bad = await http.post("/oauth/consent", data={"request": request_id, "token": forged, "decision": "approve"})
        assert bad.status_code == 401 and "The token is invalid." in bad.text
        denied = await http.post("/oauth/consent", data={"request": request_id, "decision": "deny"})
        assert denied.status_code == 303
        query = parse_qs(urlsplit(denied.headers["location"]).query)
        assert query["error"] == ["access_denied"] and query["state"] == ["st-1"] and "code" not in query
        again = await http.post("/oauth/consent", data={"request": request_id, "token": issue_token("dana", conf), "decision": "approve"})
        assert again.status_code == 400 and "location" not in again.headers
        assert (await http.get("/oauth/consent", params={"request": "unknown"})).status_code == 400


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
async def test_tokens_expire_and_only_hashes_are_stored(conf: Settings) -> None:
    async with in_process(conf) as (app, http):
        client_id = await register(http)
        verifier, challenge = pkce()
        code = await sign_in(http, conf, client_id, challenge)
        tokens = (await token(http, client_id, code, verifier)).json()
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        bearer = {**MCP_HEADERS, "Authorization": f"Bearer {access}"}
        assert (await http.post("/mcp", json=LIST, headers=bearer)).status_code == 200
        # REST refuses it; /mcp (TODOCHAT_MCP_ACCEPT_API_TOKENS=false) refuses the REST token
        assert (await http.get("/api/v1/tasks", headers={"Authorization": f"Bearer {access}"})).status_code == 401
        rest = {**MCP_HEADERS, "Authorization": f"Bearer {issue_token('dana', conf)}"}
        assert (await http.post("/mcp", json=LIST, headers=rest)).status_code == 401

        async with app.state.sessionmaker() as session:
            grants = (await session.execute(select(OAuthGrant))).scalars().all()
            clients = (await session.execute(select(OAuthClient))).scalars().all()
        stored = " ".join(f"{g.token_hash} {g.data} {g.grant_id}" for g in grants)
        assert access not in stored and refresh not in stored and code not in stored
        assert {g.token_hash for g in grants} >= {hashlib.sha256(access.encode()).hexdigest(), hashlib.sha256(refresh.encode()).hexdigest()}
        assert {g.user_id for g in grants if g.kind in ("access", "refresh")} == {"dana"}
        assert [c.client_id for c in clients] == [client_id]

        with time_machine.travel(timedelta(minutes=61)):
            assert (await http.post("/mcp", json=LIST, headers=bearer)).status_code == 401  # access: 60 minutes
            renewed = await http.post("/token", data={"grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id})
            assert renewed.status_code == 200
            fresh = {**MCP_HEADERS, "Authorization": f"Bearer {renewed.json()['access_token']}"}
            assert (await http.post("/mcp", json=LIST, headers=fresh)).status_code == 200
        code = await sign_in(http, conf, client_id, challenge)
        with time_machine.travel(timedelta(minutes=6)):
            late = await token(http, client_id, code, verifier)  # codes live 5 minutes
        assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


async def test_a_replayed_code_or_refresh_token_ends_the_authorization(conf: Settings) -> None:
    """RFC 6749 §4.1.2 (a code used twice) and RFC 9700 §4.14.2 (refresh token rotation): a copy in
    other hands is noticed, and every token of that authorization stops working."""
    async with in_process(conf) as (_app, http):
        client_id = await register(http)

        async def works(access: str) -> bool:
            headers = {**MCP_HEADERS, "Authorization": f"Bearer {access}"}
            return (await http.post("/mcp", json=LIST, headers=headers)).status_code == 200

        async def refresh(token: str) -> httpx.Response:
            return await http.post("/token", data={"grant_type": "refresh_token", "refresh_token": token, "client_id": client_id})

        verifier, challenge = pkce()
        first = (await token(http, client_id, await sign_in(http, conf, client_id, challenge), verifier)).json()
        second = (await refresh(first["refresh_token"])).json()
        assert not await works(first["access_token"]) and await works(second["access_token"])
        replay = await refresh(first["refresh_token"])
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
        assert not await works(second["access_token"])
        assert (await refresh(second["refresh_token"])).json()["error"] == "invalid_grant"

        code = await sign_in(http, conf, client_id, challenge)
        third = (await token(http, client_id, code, verifier)).json()
        assert await works(third["access_token"])
        assert (await token(http, client_id, code, verifier)).json()["error"] == "invalid_grant"
        assert not await works(third["access_token"])
        other = (await token(http, client_id, await sign_in(http, conf, client_id, challenge), verifier)).json()
        assert await works(other["access_token"])  # another authorization of the same client is untouched


async def test_erasing_a_user_ends_their_mcp_authorizations(conf: Settings) -> None:
    async with in_process(conf) as (app, http):
        client_id = await register(http)
        verifier, challenge = pkce()
        dana = (await token(http, client_id, await sign_in(http, conf, client_id, challenge, user="dana"), verifier)).json()
        eve = (await token(http, client_id, await sign_in(http, conf, client_id, challenge, user="eve"), verifier)).json()
        async with app.state.sessionmaker.begin() as session:
            assert await delete_user_grants(session, "dana") == 3  # access, refresh, spent code
        for access, status in ((dana["access_token"], 401), (eve["access_token"], 200)):
            headers = {**MCP_HEADERS, "Authorization": f"Bearer {access}"}
            assert (await http.post("/mcp", json=LIST, headers=headers)).status_code == status
