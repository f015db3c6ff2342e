"""Browser sign-in through the identity provider (api/oidc.py): the OpenID Connect authorization
code flow with PKCE against a local fake provider speaking the real wire format (discovery, the
authorization redirect, the token endpoint with a form body, RS256 ID tokens from its JWKS)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from tests.servers import in_process

from todochat.config import Settings

CLIENT_ID = "todochat-web"


@dataclass
class FakeProvider:
    """An OpenID provider: auto-approves the authorization request as ``subject``."""

    subject: str = "ann"
    extra_claims: dict[str, Any] = field(default_factory=dict)
    tamper: str | None = None  # "nonce", "aud", "issuer", "no_id_token"
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    verified_pkce: int = 0
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    state = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status: int, body: dict[str, Any] | None = None, location: str | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                issuer = state.issuer + ("/other" if state.tamper == "issuer" else "")
                self.reply(200, {
                    "issuer": issuer, "authorization_endpoint": state.issuer + "/authorize",
                    "token_endpoint": state.issuer + "/token", "jwks_uri": state.issuer + "/jwks",
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                })  # fmt: skip
            elif url.path == "/jwks":
                jwk = {**RSAAlgorithm.to_jwk(state.key.public_key(), as_dict=True), "kid": "op-1", "use": "sig", "alg": "RS256"}
                self.reply(200, {"keys": [jwk]})
            elif url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256" \
                        or not query.get("code_challenge") or query.get("response_type") != "code":
                    self.reply(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                state.codes[code] = {**query}
                back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                self.reply(302, location=back)
            else:
                self.reply(404)

        def do_POST(self) -> None:
            if self.path != "/token":
                self.reply(404)
                return
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
            grant = state.codes.pop(form.get("code", ""), None)  # a code is used once
            if grant is None or form.get("grant_type") != "authorization_code" \
                    or form.get("redirect_uri") != grant["redirect_uri"] or form.get("client_id") != CLIENT_ID:
                self.reply(400, {"error": "invalid_grant"})
                return
            if s256(form.get("code_verifier", "")) != grant["code_challenge"]:
                self.reply(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                return
            state.verified_pkce += 1
            now = int(time.time())
            claims = {
                "iss": state.issuer, "sub": state.subject, "aud": "someone-else" if state.tamper == "aud" else CLIENT_ID,
                "iat": now, "exp": now + 300, "nonce": "wrong" if state.tamper == "nonce" else grant.get("nonce"),
                **state.extra_claims,
            }  # fmt: skip
            body: dict[str, Any] = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300}
            if state.tamper != "no_id_token":
                body["id_token"] = jwt.encode(claims, state.key, algorithm="RS256", headers={"kid": "op-1"})
            self.reply(200, body)

        def log_message(self, *_args: Any) -> None:
            pass

    state.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=state.server.serve_forever, daemon=True).start()
    yield state
    state.server.shutdown()
    state.server.server_close()


def configure(settings: Settings, provider: FakeProvider, **extra: Any) -> Settings:
    return settings.model_copy(update={"oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID, **extra})


async def sign_in(http: httpx.AsyncClient) -> str:
    """Walk the browser's redirects; return where the page ends up (``/#token=…`` or ``/#signin_error=…``)."""
    start = await http.get("/auth/oidc/login")
    assert start.status_code in (302, 303), start.text
    location = start.headers["location"]
    if location.startswith("/#"):
        return location
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(location)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/auth/oidc/callback"
    done = await http.get(f"{back.path}?{back.query}")
    assert done.status_code == 303
    return str(done.headers["location"])


async def test_the_page_signs_in_through_the_provider_with_pkce(provider: FakeProvider, settings: Settings) -> None:
    async with in_process(configure(settings, provider)) as (_app, http):
        assert (await http.get("/auth/providers")).json() == {"oidc": True, "login_url": "/auth/oidc/login"}
        start = await http.get("/auth/oidc/login")
        query = parse_qs(urlsplit(start.headers["location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
        cookie = start.headers["set-cookie"].lower()
        assert "httponly" in cookie and "path=/auth" in cookie and "samesite=lax" in cookie
        landing = await sign_in(http)
        assert landing.startswith("/#token="), landing
        token = landing.removeprefix("/#token=")
        me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["user_id"] == "ann"
        assert provider.verified_pkce == 1  # the code was redeemed with the right verifier
        # signing out everywhere, then in again through the provider, gives a working token
        assert (await http.post("/api/v1/me/sign-out-everywhere", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
        again = (await sign_in(http)).removeprefix("/#token=")
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {again}"})).status_code == 200
        assert provider.verified_pkce == 2


async def test_a_callback_without_the_matching_state_cookie_is_refused(provider: FakeProvider, settings: Settings) -> None:
    async with in_process(configure(settings, provider)) as (app, http):
        start = await http.get("/auth/oidc/login")
        async with httpx.AsyncClient() as browser:
            back = urlsplit((await browser.get(start.headers["location"])).headers["location"])
        # another browser (no state cookie) brings the code: login CSRF / code injection
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as stranger:
            refused = await stranger.get(f"{back.path}?{back.query}")
        assert refused.headers["location"].startswith("/#signin_error=")
        # a forged state in the right browser
        code = parse_qs(back.query)["code"][0]
        forged = await http.get(f"{back.path}?{urlencode({'code': code, 'state': 'forged'})}")
        assert forged.headers["location"].startswith("/#signin_error=")
        # the real callback once; replaying it fails (state and code are single-use)
        assert (await http.get(f"{back.path}?{back.query}")).headers["location"].startswith("/#token=")
        assert (await http.get(f"{back.path}?{back.query}")).headers["location"].startswith("/#signin_error=")


@pytest.mark.parametrize("tamper", ["nonce", "aud", "issuer", "no_id_token"])
async def test_an_id_token_that_fails_a_check_signs_nobody_in(provider: FakeProvider, settings: Settings, tamper: str) -> None:
    provider.tamper = tamper
    async with in_process(configure(settings, provider)) as (_app, http):
        landing = await sign_in(http)
    assert landing.startswith("/#signin_error="), landing
    assert "token" not in unquote(landing).split("=", 1)[0]


async def test_the_subject_claim_setting_picks_the_user_id(provider: FakeProvider, settings: Settings) -> None:
    provider.extra_claims = {"email": "Zoe\u0308@example.com"}
    async with in_process(configure(settings, provider, jwt_subject_claim="email")) as (_app, http):
        token = (await sign_in(http)).removeprefix("/#token=")
        me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user_id"] == "Zoë@example.com"  # NFC


async def test_without_an_issuer_there_is_no_provider_sign_in(settings: Settings) -> None:
    async with in_process(settings) as (_app, http):
        page = (await http.get("/")).text
        assert '<a id="oidc-sign-in" class="btn btn-secondary btn-block" href="/auth/oidc/login" hidden>' in page
        auth_js = (await http.get("/static/auth.js")).text
        assert "export async function providerSignInOffered" in auth_js and "signin_error" in auth_js
        assert (await http.get("/auth/providers")).json() == {"oidc": False, "login_url": None}
        assert (await http.get("/auth/oidc/login")).headers["location"].startswith("/#signin_error=")


async def test_an_unreachable_provider_is_a_clear_message(settings: Settings) -> None:
    unreachable = settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:9", "oidc_client_id": CLIENT_ID})
    async with in_process(unreachable) as (_app, http):
        landing = (await http.get("/auth/oidc/login")).headers["location"]
    assert "cannot%20be%20reached" in landing
