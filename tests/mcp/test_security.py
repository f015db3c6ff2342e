"""The HTTP side's pieces without a server: token verification and the DNS-rebinding settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.mcp.http import JWTVerifier, transport_security
from todochat.revocation import revoke_all


@pytest.fixture
def conf(tmp_path: Path) -> Settings:
    return Settings(jwt_secret="verifier-secret-" + "v" * 32, data_dir=tmp_path / "data")


async def test_verifier_accepts_the_apis_tokens_only(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    verifier = JWTVerifier(settings, lambda: sessionmaker)
    minted = issue_token("alice", settings)
    token = await verifier.verify_token(minted)
    assert token is not None and (token.subject, token.client_id) == ("alice", "alice")
    other = Settings(jwt_secret="another-secret-" + "o" * 32, data_dir=tmp_path / "other")
    assert await verifier.verify_token(issue_token("alice", other)) is None
    assert await verifier.verify_token("not.a.token") is None
    await revoke_all(sessionmaker, "alice", datetime.now(UTC))  # signed out everywhere: refused at /mcp too
    assert await verifier.verify_token(minted) is None


def test_local_hosts_by_default_and_configured_ones(conf: Settings) -> None:
    default = transport_security(conf)
    assert default.enable_dns_rebinding_protection
    assert {"localhost", "localhost:*", "127.0.0.1:*", "[::1]:*"} <= set(default.allowed_hosts)
    assert not [h for h in default.allowed_hosts if "example" in h]
    extra = transport_security(
        conf.model_copy(
            update={
                "mcp_allowed_hosts": ["todo.example.com", "10.0.0.5:8443"],
                "cors_origins": ["https://app.example.com"],
            }
        )
    )
    assert {"todo.example.com", "todo.example.com:*", "10.0.0.5:8443"} <= set(extra.allowed_hosts)
    assert "10.0.0.5:8443:*" not in extra.allowed_hosts
    assert {"https://todo.example.com", "https://app.example.com"} <= set(extra.allowed_origins)
    assert not transport_security(
        conf.model_copy(update={"mcp_allowed_hosts": ["*"]})
    ).enable_dns_rebinding_protection
