"""A real ``todochat serve`` at INFO writes no user text (titles, messages, search queries) and no
token to its log, and no oversized client request id (issue 17's security probe)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.slow

SECRET_WORD = "xyzzyplugh"


def test_info_logs_hold_no_user_text_tokens_or_long_request_ids(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(TODOCHAT_LOG_LEVEL="INFO")
    token = server.token("alice")
    auth = {"Authorization": f"Bearer {token}"}
    long_id = "r" * 8000
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        added = http.post("/api/v1/tasks", json={"title": f"see doctor about {SECRET_WORD}"}, headers=auth)
        assert added.status_code == 201, added.text
        listed = http.get("/api/v1/tasks", params={"q": SECRET_WORD}, headers=auth)
        assert listed.status_code == 200 and len(listed.json()["tasks"]) == 1
        chatted = http.post("/api/alice/chat", json={"message": f"add call {SECRET_WORD} tomorrow"}, headers=auth)
        assert chatted.status_code == 200, chatted.text
        assert http.get("/api/v1/tasks", headers={**auth, "X-Request-ID": long_id}).status_code == 200
        assert http.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
        bad = http.post("/api/v1/tasks", json={"title": f"{SECRET_WORD} " * 100}, headers=auth)
        assert bad.status_code == 422
    server.stop()
    log = server.log()
    assert "GET /api/v1/tasks?… HTTP/1.1" in log, log[-2000:]  # INFO access lines were written
    assert SECRET_WORD not in log.lower(), [line for line in log.splitlines() if SECRET_WORD in line.lower()]
    assert token.split(".")[1] not in log and token.split(".")[2] not in log  # alice's token
    assert long_id[:65] not in log
