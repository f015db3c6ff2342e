"""Identity providers by JWKS URL (TODOCHAT_JWKS_URL): RS256/ES256/EdDSA tokens verified with the
provider's keys fetched from a local JWKS server speaking the real wire format (RFC 7517), key
rotation, unknown ``kid``, issuer/audience, expiry, and algorithm confusion."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from tests.servers import in_process

from todochat.api.auth import decode_token, issue_token
from todochat.config import Settings
from todochat.errors import AuthError

ISSUER = "https://id.example.test"
AUDIENCE = "todochat-api"


@dataclass
class Key:
    kid: str
    algorithm: str
    private: Any

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        to_jwk = {"RS256": RSAAlgorithm, "ES256": ECAlgorithm, "EdDSA": OKPAlgorithm}[self.algorithm].to_jwk
        return {**to_jwk(public, as_dict=True), "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, **header})

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def rsa_key(kid: str) -> Key:
    return Key(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


@dataclass
class JwksServer:
    """A provider's JWKS endpoint: serves ``keys`` (replace them to rotate) and counts fetches."""

    keys: list[Key] = field(default_factory=list)
    fetches: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"


@pytest.fixture
def provider() -> Iterator[JwksServer]:
    state = JwksServer(keys=[rsa_key("rsa-1")])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/.well-known/jwks.json":
                self.send_error(404)
                return
            state.fetches += 1
            body = json.dumps({"keys": [key.jwk() for key in state.keys]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    state.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=state.server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.server.shutdown()
    state.server.server_close()


def provider_settings(provider: JwksServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "jwt_secret": "local-secret-" + "l" * 32,
        "jwks_url": provider.url,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "jwks_refetch_cooldown_seconds": 0,
        **overrides,
    }
    return Settings(**values)


def claims(sub: str = "ann", **extra: Any) -> dict[str, Any]:
    t = int(time.time())
    return {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": t, "exp": t + 600, **extra}


def test_rs256_es256_and_eddsa_tokens_of_the_provider_are_accepted(provider: JwksServer) -> None:
    provider.keys = [
        rsa_key("rsa-1"),
        Key("ec-1", "ES256", ec.generate_private_key(ec.SECP256R1())),
        Key("ed-1", "EdDSA", ed25519.Ed25519PrivateKey.generate()),
    ]
    settings = provider_settings(provider)
    for key in provider.keys:
        assert decode_token(key.sign(claims(f"user-{key.kid}")), settings) == f"user-{key.kid}"
    assert provider.fetches == 1  # one fetch, then the cached set
    # the local secret's tokens still work next to the provider's
    assert decode_token(issue_token("local", settings), settings) == "local"


def test_rotation_fetches_the_new_key_and_forgets_the_old_one(provider: JwksServer) -> None:
    old = provider.keys[0]
    settings = provider_settings(provider)
    assert decode_token(old.sign(claims()), settings) == "ann"
    new = rsa_key("rsa-2")
    provider.keys = [new]  # the provider rotated: rsa-1 is gone
    assert decode_token(new.sign(claims()), settings) == "ann"  # unknown kid → refetched
    assert provider.fetches == 2
    with pytest.raises(AuthError, match="unknown key"):
        decode_token(old.sign(claims()), settings)


def test_unknown_kid_is_refused_and_refetches_are_rate_limited(provider: JwksServer) -> None:
    settings = provider_settings(provider, jwks_refetch_cooldown_seconds=300)
    key = provider.keys[0]
    assert decode_token(key.sign(claims()), settings) == "ann"
    stranger = rsa_key("not-published")
    for _ in range(20):
        with pytest.raises(AuthError, match="unknown key"):
            decode_token(stranger.sign(claims()), settings)
    assert provider.fetches == 1  # a flood of unknown kids does not hammer the provider


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iss": "https://evil.example"}, "another service"),
        ({"aud": "another-app"}, "another service"),
        ({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, "expired"),
    ],
)
def test_wrong_issuer_audience_or_expired_is_refused(provider: JwksServer, change: dict[str, Any], message: str) -> None:
    settings = provider_settings(provider)
    with pytest.raises(AuthError, match=message):
        decode_token(provider.keys[0].sign(claims(**change)), settings)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_alg_none_and_hs256_signed_with_the_public_key_are_refused(provider: JwksServer) -> None:
    settings = provider_settings(provider)
    key = provider.keys[0]
    payload = b64(json.dumps(claims()).encode())
    unsigned = f"{b64(json.dumps({'alg': 'none', 'kid': key.kid}).encode())}.{payload}."
    header = b64(json.dumps({"alg": "HS256", "kid": key.kid, "typ": "JWT"}).encode())
    mac = hmac.new(key.public_pem(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{payload}.{b64(mac)}"
    for token in (unsigned, confused):
        with pytest.raises(AuthError):
            decode_token(token, settings)
    # an RS256 token whose kid names an EdDSA key: the key decides the algorithm
    provider.keys.append(Key("ed-1", "EdDSA", ed25519.Ed25519PrivateKey.generate()))
    mismatched = jwt.encode(claims(), key.private, algorithm="RS256", headers={"kid": "ed-1"})
    with pytest.raises(AuthError):
        decode_token(mismatched, settings)


def test_provider_tokens_are_refused_without_a_jwks_url(provider: JwksServer) -> None:
    settings = Settings(jwt_secret="local-secret-" + "l" * 32, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    with pytest.raises(AuthError, match="algorithm is not accepted"):
        decode_token(provider.keys[0].sign(claims()), settings)
    assert provider.fetches == 0


def test_an_unreachable_provider_is_a_clear_401(provider: JwksServer) -> None:
    settings = provider_settings(provider, jwks_url="http://127.0.0.1:9/jwks.json")
    with pytest.raises(AuthError, match="cannot be fetched"):
        decode_token(provider.keys[0].sign(claims()), settings)


async def test_rest_accepts_provider_tokens_and_signs_them_out(provider: JwksServer, settings: Settings) -> None:
    settings.jwks_url = provider.url
    settings.jwt_issuer, settings.jwt_audience = ISSUER, AUDIENCE
    settings.jwks_refetch_cooldown_seconds = 0
    key = provider.keys[0]
    t = int(time.time())
    token = key.sign(claims("carol", iat=t - 5))
    async with in_process(settings) as (_app, http):
        auth = {"Authorization": f"Bearer {token}"}
        added = await http.post("/api/v1/tasks", json={"title": "from the provider"}, headers=auth)
        assert added.status_code == 201, added.text
        assert (await http.get("/api/v1/me", headers=auth)).json()["user_id"] == "carol"
        other = {"Authorization": f"Bearer {key.sign(claims('dave'))}"}
        assert (await http.get("/api/v1/tasks", headers=other)).json()["tasks"] == []
        assert (await http.post("/api/v1/me/sign-out-everywhere", headers=auth)).status_code == 200
        assert (await http.get("/api/v1/me", headers=auth)).status_code == 401
        later = key.sign(claims("carol", iat=t + 2))  # signed in again after the sign-out
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {later}"})).status_code == 200


def test_a_providers_own_ver_claim_is_not_a_token_version(provider: JwksServer) -> None:
    from todochat.api.auth import decode_claims

    settings = provider_settings(provider)
    key = provider.keys[0]
    assert decode_claims(key.sign(claims(ver="2.0")), settings).version is None  # Microsoft-style
    assert decode_claims(key.sign(claims(todochat_ver=99)), settings).version is None  # only local tokens carry one
    assert decode_claims(issue_token("ann", settings, version=3), settings).version == 3
