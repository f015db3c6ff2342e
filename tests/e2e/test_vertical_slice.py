"""The vertical slice over real HTTP against real ``todochat serve`` processes (issue 3 'Done when')."""

from __future__ import annotations

import httpx
import pytest

from todochat.client import ChatKitClient, ChatKitError

pytestmark = pytest.mark.slow


async def test_conversation_survives_restart_and_is_private(live_server):
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        alice = ChatKitClient(http, live_server.token("alice"), "UTC")
        first = await alice.send("add buy milk")
        assert first.error is None, first.events
        assert first.thread_id
        second = await alice.send("show my tasks", first.thread_id)
        assert second.widgets, second.events
        assert "Buy milk" in second.shown
        before = await alice.items(first.thread_id)

    live_server.stop()
    live_server.start()

    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        alice = ChatKitClient(http, live_server.token("alice"), "UTC")
        after = await alice.items(first.thread_id)
        assert [i["id"] for i in after] == [i["id"] for i in before]
        assert [i["type"] for i in after][:2] == ["user_message", "widget"]
        tasks = (await http.get("/api/v1/tasks", headers=live_server.headers("alice"))).json()["tasks"]
        assert [t["title"] for t in tasks] == ["Buy milk"]

        bob = ChatKitClient(http, live_server.token("bob"), "UTC")
        with pytest.raises(ChatKitError) as denied:
            await bob.items(first.thread_id)
        assert denied.value.status == 404
        with pytest.raises(ChatKitError):
            await bob.send("show my tasks", first.thread_id)
        assert (await http.get("/api/v1/tasks", headers=live_server.headers("bob"))).json()["tasks"] == []
        bob_turn = await bob.send("show my tasks")
        assert "Buy milk" not in bob_turn.shown

        listing = {"type": "threads.list", "params": {}}
        for headers in ({}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Bearer " + _forged(live_server.token("alice"))}):
            response = await http.post("/chatkit", json=listing, headers=headers)
            assert response.status_code == 401
            assert response.json()["error"] == "unauthorized"


async def test_bad_input_changes_nothing(live_server):
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=60) as http:
        headers = live_server.headers("alice")
        alice = ChatKitClient(http, live_server.token("alice"), "UTC")
        turn = await alice.send("add pay rent")
        for body in (b"{not json", b'{"type": "threads.explode", "params": {}}'):
            response = await http.post("/chatkit", content=body, headers=headers)
            assert response.status_code in (400, 422)
            assert "message" in response.json()
        for text in ("   ", "x" * 10_001):
            with pytest.raises(ChatKitError) as refused:
                await alice.send(text, turn.thread_id)
            assert refused.value.status == 422
        long_title = await alice.send("add " + "a" * 250, turn.thread_id)
        assert "200" in long_title.text
        missing = await alice.send("complete task 42", turn.thread_id)
        assert "42" in missing.text
        tasks = (await http.get("/api/v1/tasks", headers=headers)).json()["tasks"]
        assert [(t["title"], t["completed"]) for t in tasks] == [("Pay rent", False)]
        items = await alice.items(turn.thread_id)
        assert sum(i["type"] == "user_message" for i in items) == 3


def _forged(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload}.{signature[:-4]}AAAA"
