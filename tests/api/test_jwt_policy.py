"""JWT policy (api/auth.py): required and bounded ``exp``, ``iat``/``nbf`` with leeway, ``iss``/``aud``,
the subject claim and its normalisation, algorithms, and revocation (sign out everywhere) over REST
and the CLI on SQLite and PostgreSQL (issue 17: ``exp`` of 10^30 accepted, ``" alice"`` and NFD
forms were other users, Sign out left the token alive for 30 days)."""

from __future__ import annotations

import os
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.servers import in_process
from typer.testing import CliRunner

from todochat.api.auth import decode_claims, decode_token, issue_token, normalize_subject
from todochat.cli import app as cli_app
from todochat.config import Settings, get_settings
from todochat.errors import AuthError

SECRET = "policy-secret-" + "z" * 32


def policy_settings(**overrides: Any) -> Settings:
    return Settings(jwt_secret=SECRET, **overrides)


def signed(claims: dict[str, Any], *, secret: str = SECRET, algorithm: str = "HS256", **headers: Any) -> str:
    return jwt.encode(claims, secret, algorithm=algorithm, headers=headers or None)


def now() -> int:
    return int(time.time())


def test_exp_is_required_and_bounded_by_the_maximum_lifetime() -> None:
    settings = policy_settings(jwt_max_ttl_minutes=60)
    t = now()
    assert decode_token(signed({"sub": "ann", "iat": t, "exp": t + 3600}), settings) == "ann"
    for claims in (
        {"sub": "ann", "iat": t},  # no exp
        {"sub": "ann", "exp": t + 60},  # no iat
        {"sub": "ann", "iat": t, "exp": 10**30},  # the probe's token
        {"sub": "ann", "iat": t, "exp": t + 3601},  # one second too long
        {"sub": "ann", "iat": t - 10**9, "exp": t + 60},  # iat far back: exp − iat too long
        {"sub": "ann", "iat": t, "exp": "soon"},
    ):
        with pytest.raises(AuthError):
            decode_token(signed(claims), settings)


def test_iat_nbf_and_exp_are_honoured_with_a_small_leeway() -> None:
    settings = policy_settings(jwt_leeway_seconds=30)
    t = now()
    ok = [
        {"sub": "ann", "iat": t + 10, "exp": t + 600},  # clock skew within leeway
        {"sub": "ann", "iat": t, "nbf": t + 10, "exp": t + 600},
        {"sub": "ann", "iat": t - 600, "exp": t - 10},  # expired 10 s ago: within leeway
    ]
    for claims in ok:
        assert decode_token(signed(claims), settings) == "ann", claims
    refused = [
        {"sub": "ann", "iat": t + 120, "exp": t + 600},  # issued in the future
        {"sub": "ann", "iat": t, "nbf": t + 120, "exp": t + 600},  # not yet valid
        {"sub": "ann", "iat": t - 600, "exp": t - 60},  # expired
    ]
    for claims in refused:
        with pytest.raises(AuthError):
            decode_token(signed(claims), settings)


def test_issuer_and_audience_are_required_when_configured_and_minted_tokens_carry_them() -> None:
    settings = policy_settings(jwt_issuer="https://id.example", jwt_audience="todochat")
    token = issue_token("ann", settings)
    payload = jwt.decode(token, SECRET, algorithms=["HS256"], audience="todochat")
    assert payload["iss"] == "https://id.example" and payload["aud"] == "todochat"
    assert decode_token(token, settings) == "ann"
    t = now()
    base = {"sub": "ann", "iat": t, "exp": t + 60}
    for claims in (
        base,
        {**base, "iss": "https://id.example"},  # no aud
        {**base, "aud": "todochat"},  # no iss
        {**base, "iss": "https://evil.example", "aud": "todochat"},
        {**base, "iss": "https://id.example", "aud": "another-app"},
    ):
        with pytest.raises(AuthError):
            decode_token(signed(claims), settings)
    assert decode_token(signed({**base, "iss": "https://id.example", "aud": ["x", "todochat"]}), settings) == "ann"


def test_subject_is_normalised_and_refused_when_ambiguous() -> None:
    settings = policy_settings()
    t = now()
    nfd = unicodedata.normalize("NFD", "Zoë")
    assert nfd != "Zoë"
    assert decode_token(signed({"sub": nfd, "iat": t, "exp": t + 60}), settings) == "Zoë"
    assert normalize_subject("Ann Lee") == "Ann Lee"
    for subject in (" alice", "alice ", "", "al\x1bice", "a\u200bb", "a\u202eb", "a\tb", "a\u00a0b", "x" * 256, 7):
        with pytest.raises(AuthError):
            decode_token(signed({"sub": subject, "iat": t, "exp": t + 60}), settings)
        if isinstance(subject, str):
            with pytest.raises(ValueError):
                issue_token(subject, settings)


def test_the_subject_claim_is_configurable() -> None:
    settings = policy_settings(jwt_subject_claim="email")
    t = now()
    assert decode_token(signed({"sub": "auth0|123", "email": "ann@example.com", "iat": t, "exp": t + 60}), settings) == "ann@example.com"
    with pytest.raises(AuthError):
        decode_token(signed({"sub": "auth0|123", "iat": t, "exp": t + 60}), settings)
    assert decode_token(issue_token("bob@example.com", settings), settings) == "bob@example.com"


def test_only_hs256_with_the_local_secret_without_a_jwks() -> None:
    settings = policy_settings()
    t = now()
    claims = {"sub": "ann", "iat": t, "exp": t + 60}
    unsigned = jwt.encode(claims, None, algorithm="none")
    for token in (unsigned, signed(claims, secret="k" * 64, algorithm="HS512"), signed(claims, secret="other-secret-" + "q" * 32), "not.a.token"):
        with pytest.raises(AuthError):
            decode_token(token, settings)
    assert decode_claims(signed(claims), settings).version is None


def test_settings_refuse_short_production_secrets_and_a_jwks_without_issuer_and_audience() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(environment="production", jwt_secret="short-but-not-a-placeholder")
    with pytest.raises(ValidationError, match="TODOCHAT_JWT_SECRET"):
        Settings(environment="production")  # would be generated: refused
    assert Settings(environment="production", jwt_secret="p" * 32).jwt_secret == "p" * 32
    with pytest.raises(ValidationError, match="TODOCHAT_JWT_ISSUER and TODOCHAT_JWT_AUDIENCE"):
        Settings(jwt_secret=SECRET, jwks_url="https://id.example/jwks", jwt_issuer="https://id.example")
    with pytest.raises(ValidationError, match="TTL"):
        Settings(jwt_secret=SECRET, jwt_ttl_minutes=100, jwt_max_ttl_minutes=10)


async def test_sign_out_everywhere_revokes_every_token_of_that_user_only(settings: Settings) -> None:
    async with in_process(settings) as (_app, http):
        first, second = issue_token("ann", settings), issue_token("ann", settings)
        bob = issue_token("bob", settings)
        for token in (first, second, bob):
            assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        out = await http.post("/api/v1/me/sign-out-everywhere", headers={"Authorization": f"Bearer {first}"})
        assert out.status_code == 200 and out.json() == {"user_id": "ann", "token_version": 1}
        for token in (first, second):
            refused = await http.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
            assert refused.status_code == 401 and "signed out" in refused.json()["message"]
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {bob}"})).status_code == 200
        fresh = issue_token("ann", settings, version=1)
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200
        # a provider's token (no 'ver') issued before the revocation is refused too; one issued after is not
        t = int(time.time())
        before = signed({"sub": "ann", "iat": t - 5, "exp": t + 60}, secret=settings.resolved_jwt_secret())
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {before}"})).status_code == 401
        after = signed({"sub": "ann", "iat": t + 2, "exp": t + 60}, secret=settings.resolved_jwt_secret())
        assert (await http.get("/api/v1/me", headers={"Authorization": f"Bearer {after}"})).status_code == 200
        again = await http.post("/api/v1/me/sign-out-everywhere", headers={"Authorization": f"Bearer {fresh}"})
        assert again.json()["token_version"] == 2


async def test_nfd_and_nfc_tokens_are_one_user(settings: Settings) -> None:
    async with in_process(settings) as (_app, http):
        nfc = {"Authorization": f"Bearer {issue_token('Zoë', settings)}"}
        t = int(time.time())
        nfd_token = signed({"sub": unicodedata.normalize("NFD", "Zoë"), "iat": t, "exp": t + 60}, secret=settings.resolved_jwt_secret())
        added = await http.post("/api/v1/tasks", json={"title": "water the plants"}, headers=nfc)
        assert added.status_code == 201, added.text
        seen = await http.get("/api/v1/tasks", headers={"Authorization": f"Bearer {nfd_token}"})
        assert [task["title"] for task in seen.json()["tasks"]] == ["water the plants"]


def test_cli_token_revoke_signs_the_user_out(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODOCHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TODOCHAT_JWT_SECRET", settings.jwt_secret)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        old = runner.invoke(cli_app, ["token", "ann"])
        assert old.exit_code == 0, old.output
        assert decode_claims(old.stdout.strip(), settings).version == 0
        revoked = runner.invoke(cli_app, ["token", "revoke", "ann"])
        assert revoked.exit_code == 0, revoked.output
        assert "token version 1" in revoked.output
        new = runner.invoke(cli_app, ["token", "ann"])
        assert decode_claims(new.stdout.strip(), settings).version == 1
        assert runner.invoke(cli_app, ["token", " ann"]).exit_code == 2
        assert runner.invoke(cli_app, ["token", "ann", "bob"]).exit_code == 2
        too_long = runner.invoke(cli_app, ["token", "ann", "--ttl-minutes", str(60 * 24 * 31)])
        assert too_long.exit_code == 2 and "at most" in too_long.output
    finally:
        get_settings.cache_clear()


async def test_a_sign_out_on_one_replica_reaches_the_others_within_the_cache_time(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps on one database (replicas). B reuses a user's token version for
    TODOCHAT_REVOCATION_CACHE_SECONDS; with 0 it reads it on every request."""
    from todochat import revocation

    clock = [1000.0]
    monkeypatch.setattr(revocation, "_monotonic", lambda: clock[0])
    cached = settings.model_copy(update={"revocation_cache_seconds": 5.0})
    uncached = settings.model_copy(update={"revocation_cache_seconds": 0.0})
    token = {"Authorization": f"Bearer {issue_token('ann', settings)}"}
    async with in_process(cached) as (_a, replica_a), in_process(cached) as (_b, replica_b), in_process(uncached) as (_c, replica_c):
        for replica in (replica_a, replica_b, replica_c):
            assert (await replica.get("/api/v1/me", headers=token)).status_code == 200
        assert (await replica_a.post("/api/v1/me/sign-out-everywhere", headers=token)).status_code == 200
        assert (await replica_a.get("/api/v1/me", headers=token)).status_code == 401  # its own: at once
        assert (await replica_c.get("/api/v1/me", headers=token)).status_code == 401  # no cache: at once
        assert (await replica_b.get("/api/v1/me", headers=token)).status_code == 200  # within 5 s: stale
        clock[0] += 5.0
        assert (await replica_b.get("/api/v1/me", headers=token)).status_code == 401  # after: refused


@given(st.text(max_size=40))
@hyp_settings(max_examples=300, deadline=None)
def test_normalisation_makes_spellings_of_one_name_one_user(text: str) -> None:
    """Any string: accepted iff its NFD/NFC spellings are, always as the same NFC user id, which is
    itself accepted unchanged (idempotent) and has no control character or edge white space."""

    def outcome(value: str) -> str | None:
        try:
            return normalize_subject(value)
        except ValueError:
            return None

    results = {outcome(text), outcome(unicodedata.normalize("NFD", text)), outcome(unicodedata.normalize("NFC", text))}
    assert len(results) == 1
    (user,) = results
    if user is not None:
        assert user == unicodedata.normalize("NFC", user) == outcome(user)
        assert user == user.strip() and all(not unicodedata.category(c).startswith("C") for c in user)


@pytest.mark.parametrize("secret", [None, "changeme", "only-31-bytes-long-secret-value"])
def test_serve_refuses_to_start_in_production_without_a_real_secret(monkeypatch: pytest.MonkeyPatch, secret: str | None) -> None:
    monkeypatch.setenv("TODOCHAT_ENVIRONMENT", "production")
    if secret is not None:
        monkeypatch.setenv("TODOCHAT_JWT_SECRET", secret)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TODOCHAT_JWT_SECRET" in result.output
    assert not (Path(os.environ["TODOCHAT_DATA_DIR"]) / "jwt_secret").exists()  # nothing generated


async def test_sign_out_everywhere_ends_the_users_mcp_authorizations_too(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Revoking a user's tokens deletes the MCP OAuth grants they approved, and no one else's."""
    from todochat.oauth_models import OAuthGrant
    from todochat.revocation import revoke_all

    now = datetime.now(UTC)
    async with sessionmaker.begin() as session:
        for user in ("alice", "bob"):
            session.add(OAuthGrant(token_hash=f"{user:0>64}", kind="access", grant_id=f"g-{user}",
                                   client_id="c1", user_id=user, expires_at=now, created_at=now))
    assert await revoke_all(sessionmaker, "alice", now) == 1
    async with sessionmaker() as session:
        left = (await session.execute(select(OAuthGrant.user_id))).scalars().all()
    assert left == ["bob"]
