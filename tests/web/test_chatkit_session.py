"""Managed ChatKit sessions against a local fake of OpenAI's ``/v1/chatkit/sessions`` (real HTTP)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.servers import free_port
from tests.web.conftest import NOW, FakeOpenAI, auth

from todochat.config import Settings


@pytest.fixture
def managed(settings: Settings, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings configured for managed sessions against the fake."""
    settings.chatkit_workflow_id = "wf_test_123"
    settings.openai_api_base = fake_openai.base_url
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    return settings


async def test_session_is_created_for_the_token_user_in_openai_wire_format(
    managed: Settings, fake_openai: FakeOpenAI, http: httpx.AsyncClient
) -> None:
    response = await http.post("/api/chatkit/session", headers=auth(managed, "alice"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "client_secret": "ek_test_secret_1",
        "expires_after": 600,
        "expires_at": int(NOW.timestamp()) + 600,
    }
    [sent] = fake_openai.requests
    assert sent["path"] == "/v1/chatkit/sessions"
    assert sent["headers"]["Authorization"] == "Bearer sk-test-key"
    assert sent["headers"]["OpenAI-Beta"] == "chatkit_beta=v1"
    assert sent["body"] == {"workflow": {"id": "wf_test_123"}, "user": "alice"}


async def test_refresh_mints_a_new_secret_for_the_same_token_user(
    managed: Settings, fake_openai: FakeOpenAI, http: httpx.AsyncClient
) -> None:
    fake_openai.lifetime = 90
    first = (await http.post("/api/chatkit/session", headers=auth(managed, "bob"))).json()
    chosen = await http.post(
        "/api/chatkit/refresh",
        headers=auth(managed, "bob"),
        json={"current_client_secret": first["client_secret"], "user": "mallory"},
    )
    assert chosen.status_code == 422 and chosen.json()["field"] == "user"  # the user comes from the token only
    refreshed = await http.post(
        "/api/chatkit/refresh",
        headers=auth(managed, "bob"),
        json={"current_client_secret": first["client_secret"]},
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["client_secret"] != first["client_secret"]
    assert refreshed.json()["expires_after"] == 90
    assert [r["body"]["user"] for r in fake_openai.requests] == ["bob", "bob"]


@pytest.mark.parametrize("path", ["/api/chatkit/session", "/api/chatkit/refresh"])
async def test_without_configuration_answers_501_naming_what_to_set(
    settings: Settings, http: httpx.AsyncClient, path: str
) -> None:
    response = await http.post(path, headers=auth(settings))
    assert response.status_code == 501
    body = response.json()
    assert body["error"] == "configuration"
    assert "TODOCHAT_CHATKIT_WORKFLOW_ID" in body["message"] and "OPENAI_API_KEY" in body["message"]


async def test_workflow_without_api_key_names_only_the_key(
    settings: Settings, http: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    settings.chatkit_workflow_id = "wf_test_123"
    settings.openai_api_base = fake_openai.base_url
    response = await http.post("/api/chatkit/session", headers=auth(settings))
    assert response.status_code == 501
    assert response.json()["missing"] == ["OPENAI_API_KEY"]
    assert fake_openai.requests == []


async def test_needs_a_valid_token(managed: Settings, fake_openai: FakeOpenAI, http: httpx.AsyncClient, tmp_path: Path) -> None:
    forged = Settings(data_dir=tmp_path / "other", jwt_secret="another-secret-" + "z" * 32)
    for headers in ({}, {"Authorization": "Bearer nonsense"}, auth(forged, "alice")):
        response = await http.post("/api/chatkit/session", headers=headers)
        assert response.status_code == 401
    assert fake_openai.requests == []


async def test_openai_refusal_is_a_502_with_its_message(
    managed: Settings, fake_openai: FakeOpenAI, http: httpx.AsyncClient
) -> None:
    fake_openai.status = 401
    response = await http.post("/api/chatkit/session", headers=auth(managed))
    assert response.status_code == 502
    body = response.json()
    assert body["error"] == "upstream_error"
    assert body["upstream_status"] == 401
    assert "Incorrect API key provided" in body["message"]


async def test_unreachable_openai_is_a_502(managed: Settings, http: httpx.AsyncClient) -> None:
    managed.openai_api_base = f"http://127.0.0.1:{free_port()}/v1"
    response = await http.post("/api/chatkit/session", headers=auth(managed))
    assert response.status_code == 502
    assert "Could not reach" in response.json()["message"]
