"""A list view names the list as stored, whatever the user typed: "show my work list" answers
"… in Work" (the built-in model over the chat API, on SQLite and PostgreSQL; the list_tasks tool
result carries the stored name, which the reply and the widget heading use)."""

from __future__ import annotations

from tests.api.test_rest_tasks import NOW, app_settings
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock


async def test_list_views_name_the_list_as_stored(settings: Settings) -> None:
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        auth = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        for name in ("Work", "Home Office"):
            assert (await http.post("/api/v1/lists", json={"name": name}, headers=auth)).status_code == 201
        for title in ("Send the report", "Plan sprint"):
            r = await http.post("/api/v1/tasks", json={"title": title, "list": "Work"}, headers=auth)
            assert r.status_code == 201, r.text

        async def say(message: str) -> dict:
            r = await http.post("/api/alice/chat", json={"message": message}, headers=auth)
            assert r.status_code == 200, r.text
            return r.json()

        for message in ("show my work list", "show my WORK list"):
            reply = await say(message)
            assert [c["tool"] for c in reply["tool_calls"]] == ["list_tasks"], reply
            assert "in Work" in reply["response"], reply["response"]
            assert " in work" not in reply["response"] and "in WORK" not in reply["response"]
        empty = await say("show my home office list")
        assert "in Home Office" in empty["response"], empty["response"]
