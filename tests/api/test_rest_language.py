"""The user's reply language over HTTP (GET/PUT /api/v1/me/language) on SQLite and PostgreSQL:
stored per user, ``auto`` by default, a bad value is a 422 naming the field and changes nothing,
and a chat turn answers in the stored language (built-in model, end to end)."""

from __future__ import annotations

from tests.api.test_rest_tasks import NOW, app_settings, running
from tests.servers import in_process

from todochat.agent.models.builtin import BuiltinModel
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.context import Clock


async def test_language_is_stored_per_user_and_bad_values_change_nothing(settings: Settings) -> None:
    async with running(settings) as api:
        url = "/api/v1/me/language"
        assert (await api.http.get(url, headers=api.auth())).json() == {"language": "auto"}
        r = await api.http.put(url, json={"language": "de"}, headers=api.auth())
        assert r.status_code == 200 and r.json() == {"language": "de"}
        assert (await api.http.get(url, headers=api.auth())).json() == {"language": "de"}
        assert (await api.http.get(url, headers=api.auth("bob"))).json() == {"language": "auto"}
        for bad in ("fr", "DE", "", "german"):
            r = await api.http.put(url, json={"language": bad}, headers=api.auth())
            assert r.status_code == 422, (bad, r.text)
            assert r.json()["error"] == "validation" and r.json()["field"] == "language"
            assert "auto, en, de" in r.json()["message"]
        r = await api.http.put(url, json={"language": "de", "extra": 1}, headers=api.auth())
        assert r.status_code == 422
        assert (await api.http.get(url, headers=api.auth())).json() == {"language": "de"}
        # the time zone setting lives in the same row and is untouched
        await api.http.put("/api/v1/me/timezone", json={"timezone": "Europe/Berlin"}, headers=api.auth())
        assert (await api.http.get(url, headers=api.auth())).json() == {"language": "de"}
        r = await api.http.put(url, json={"language": "auto"}, headers=api.auth())
        assert r.json() == {"language": "auto"}
        assert (await api.http.get("/api/v1/me", headers=api.auth())).json()["timezone"] == "Europe/Berlin"
        assert (await api.http.get(url)).status_code == 401


async def test_a_chat_turn_answers_in_the_stored_language(settings: Settings) -> None:
    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        auth = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        r = await http.post("/api/alice/chat", json={"message": "add pay rent"}, headers=auth)
        assert r.json()["response"] == "Added task 1: Pay rent."
        await http.put("/api/v1/me/language", json={"language": "de"}, headers=auth)
        r = await http.post("/api/alice/chat", json={"message": "add buy milk"}, headers=auth)
        assert r.json()["response"] == "Hinzugefügt: Aufgabe 2: Buy milk."
        r = await http.post("/api/alice/chat", json={"message": "show my tasks"}, headers=auth)
        assert r.json()["response"] == "Hier sind deine 2 offenen Aufgaben."
        bob = {"Authorization": f"Bearer {issue_token('bob', s)}"}
        r = await http.post("/api/bob/chat", json={"message": "add call mom"}, headers=bob)
        assert r.json()["response"] == "Added task 1: Call mom."


async def test_a_chatkit_turn_answers_in_the_stored_language(settings: Settings) -> None:
    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        client = ChatKitClient(http, issue_token("alice", s))
        first = await client.send("add pay rent")
        assert first.error is None and first.text == "Added task 1: Pay rent."
        await http.put("/api/v1/me/language", json={"language": "de"}, headers={"Authorization": f"Bearer {issue_token('alice', s)}"})
        turn = await client.send("show my tasks", first.thread_id)
        assert turn.error is None and turn.text == "Hier ist deine 1 offene Aufgabe."
