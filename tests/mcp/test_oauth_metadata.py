"""The security probe's two findings, fixed: the MCP metadata names the configured public URL, never
the request's Host header; and a foreign Host gets the DNS-rebinding refusal before any 401."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from tests.servers import in_process

from todochat.config import Settings

PUBLIC = "https://todo.example.com"
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 't.db'}",
        data_dir=tmp_path / "data",
        jwt_secret="metadata-secret-" + "m" * 32,
        **extra,
    )


@pytest.mark.parametrize("host", ["todo.example.com", "attacker.example", "127.0.0.1:8000"])
async def test_metadata_names_the_public_url_whatever_the_host(tmp_path: Path, host: str) -> None:
    async with in_process(settings(tmp_path, public_url=PUBLIC + "/")) as (_app, http):
        resource = (await http.get("/.well-known/oauth-protected-resource/mcp", headers={"Host": host})).json()
        server = (await http.get("/.well-known/oauth-authorization-server", headers={"Host": host})).json()
    assert resource["resource"] == PUBLIC + "/mcp"
    assert resource["authorization_servers"] == [PUBLIC]
    assert resource["scopes_supported"] == ["tasks"]
    assert server["issuer"] == PUBLIC
    assert server["authorization_endpoint"] == PUBLIC + "/authorize"
    assert server["token_endpoint"] == PUBLIC + "/token"
    assert server["registration_endpoint"] == PUBLIC + "/register"
    assert server["revocation_endpoint"] == PUBLIC + "/revoke"
    assert server["code_challenge_methods_supported"] == ["S256"]
    assert "attacker" not in str(resource) + str(server)


async def test_without_a_public_url_the_default_not_the_host(tmp_path: Path) -> None:
    async with in_process(settings(tmp_path)) as (_app, http):
        resource = (await http.get("/.well-known/oauth-protected-resource/mcp", headers={"Host": "attacker.example"})).json()
    assert resource["resource"] == "http://127.0.0.1:8000/mcp"
    assert resource["authorization_servers"] == ["http://127.0.0.1:8000"]


async def test_foreign_host_is_refused_before_authentication(tmp_path: Path) -> None:
    async with in_process(settings(tmp_path, public_url=PUBLIC)) as (_app, http):
        evil_host = await http.post("/mcp", json=LIST, headers={**MCP_HEADERS, "Host": "attacker.example"})
        evil_origin = await http.post(
            "/mcp", json=LIST, headers={**MCP_HEADERS, "Host": "todo.example.com", "Origin": "https://attacker.example"}
        )
        good = await http.post("/mcp", json=LIST, headers={**MCP_HEADERS, "Host": "todo.example.com"})
    assert evil_host.status_code == 421 and "www-authenticate" not in evil_host.headers
    assert "oauth-protected-resource" not in evil_host.text
    assert evil_origin.status_code == 403 and "www-authenticate" not in evil_origin.headers
    # the public URL's host is allowed without listing it in TODOCHAT_MCP_ALLOWED_HOSTS; no token: 401
    assert good.status_code == 401
    assert f'resource_metadata="{PUBLIC}/.well-known/oauth-protected-resource/mcp"' in good.headers["www-authenticate"]


@pytest.mark.parametrize("bad", ["ftp://todo.example.com", "https://todo.example.com/app", "https://x.example?a=1", "todo.example.com"])
def test_public_url_must_be_an_http_origin(tmp_path: Path, bad: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="TODOCHAT_PUBLIC_URL"):
        settings(tmp_path, public_url=bad)


async def test_plain_http_public_url_turns_oauth_off_not_the_server(tmp_path: Path) -> None:
    """RFC 8414 needs an https issuer (loopback aside): the authorization server stays off, /mcp still serves."""
    async with in_process(settings(tmp_path, public_url="http://todo.example.com")) as (_app, http):
        assert (await http.get("/.well-known/oauth-authorization-server")).status_code == 404
        resource = (await http.get("/.well-known/oauth-protected-resource/mcp")).json()
    assert resource["resource"] == "http://todo.example.com/mcp"
