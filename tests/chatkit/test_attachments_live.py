"""ChatKit attachments and chat import over a real ``todochat serve`` on SQLite and PostgreSQL:
the two-phase upload (``attachments.create``, then PUT with the descriptor's headers), the
preview widget, the Import button streaming ``progress_update`` events, one undo removing the
import, ``attachments.delete``, the type allow-list, the size limit and the per-user quota, and
files erased with the user."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from chatkit.types import WidgetItem
from tests.servers import JWT_SECRET, LiveServer, server_factory  # noqa: F401 (fixtures)

from todochat.client import ChatKitClient, ChatKitError
from todochat.config import Settings
from todochat.context import RequestContext
from todochat.conversations.attachments import user_key
from todochat.conversations.store import SQLStore
from todochat.db import make_engine, make_sessionmaker

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parents[1] / "tasks" / "imports" / "fixtures"


def message(text: str, attachments: list[str]) -> dict[str, Any]:
    return {"content": [{"type": "input_text", "text": text}] if text else [], "attachments": attachments, "inference_options": {}}


async def create(client: ChatKitClient, name: str, size: int, mime: str) -> dict[str, Any]:
    return await client.request({"type": "attachments.create", "params": {"name": name, "size": size, "mime_type": mime}})  # type: ignore[no-any-return]


async def upload(http: httpx.AsyncClient, attachment: dict[str, Any], data: bytes) -> httpx.Response:
    descriptor = attachment["upload_descriptor"]
    assert descriptor["method"] == "PUT"
    return await http.put(descriptor["url"], content=data, headers=descriptor["headers"])


async def restore_item(server: LiveServer, thread_id: str, item: dict[str, Any]) -> None:
    """Put a thread item back as it was, straight into the server's database."""
    settings = Settings(database_url=server.env["TODOCHAT_DATABASE_URL"], data_dir=Path(server.env["TODOCHAT_DATA_DIR"]), jwt_secret="x" * 40)
    engine = make_engine(settings)
    try:
        store = SQLStore(make_sessionmaker(engine))
        await store.save_item(thread_id, WidgetItem.model_validate(item), RequestContext(user_id="alice"))
    finally:
        await engine.dispose()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_attach_preview_import_undo(server_factory) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server: LiveServer = server_factory(TODOCHAT_TIMEZONE="Europe/Berlin")
    data_dir = Path(server.env["TODOCHAT_DATA_DIR"])
    alice_headers = server.headers("alice")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        alice = ChatKitClient(http, server.token("alice"), timezone="Europe/Berlin")
        bob = ChatKitClient(http, server.token("bob"))
        todoist = (FIXTURES / "todoist.csv").read_bytes()

        attachment = await create(alice, "todoist.csv", len(todoist), "text/csv")
        assert attachment["type"] == "file" and attachment["upload_descriptor"]["url"].startswith(server.base_url)
        # the upload endpoint is authenticated: no token, a forged one, another user's bearer
        url = attachment["upload_descriptor"]["url"]
        assert (await http.put(url, content=todoist)).status_code == 401
        assert (await http.put(url, content=todoist, headers={"X-Upload-Token": "x.y.z"})).status_code == 401
        assert (await http.put(url, content=todoist, headers=server.headers("bob"))).status_code == 404
        r = await upload(http, attachment, todoist)
        assert r.status_code == 200, r.text
        assert r.json()["upload_descriptor"] is None
        kept = data_dir / "attachments" / user_key("alice") / attachment["id"]
        assert kept.read_bytes() == todoist
        assert mode(kept) == 0o600 and mode(kept.parent) == 0o700

        # a message with the file: a preview widget, nothing added yet
        turn = await alice.stream({"type": "threads.create", "params": {"input": message("", [attachment["id"]])}})
        assert turn.error is None, turn.events
        assert "Import 5 tasks into 1 list? Nothing is added until you press Import." in turn.text
        card = turn.widgets[0]
        assert card["type"] == "Card" and card["confirm"]["action"]["type"] == "import.confirm"
        assert card["confirm"]["action"]["payload"] == {"attachment": attachment["id"], "format": "todoist"}
        assert (await http.get("/api/v1/tasks", headers=alice_headers)).json()["tasks"] == []
        widget_id = next(e["item"]["id"] for e in turn.events if e.get("type") == "thread.item.done" and e["item"]["type"] == "widget")

        # bob can neither use alice's attachment nor press her widget's button
        with pytest.raises(ChatKitError) as caught:
            await bob.stream({"type": "threads.create", "params": {"input": message("", [attachment["id"]])}})
        assert caught.value.status == 404

        confirm = {"type": "threads.custom_action", "params": {"thread_id": turn.thread_id, "item_id": widget_id, "action": card["confirm"]["action"]}}
        done = await alice.stream(confirm)
        assert done.error is None, done.events
        kinds = [e["type"] for e in done.events]
        assert "progress_update" in kinds and "thread.item.replaced" in kinds
        assert kinds.index("progress_update") < kinds.index("thread.item.replaced")
        assert 'Imported 5 tasks (tasks 1–5). Say "undo" to remove them all.' in done.text
        replaced = next(e["item"] for e in done.events if e["type"] == "thread.item.replaced")
        assert "confirm" not in replaced["widget"] and replaced["widget"]["status"]["text"] == "Imported 5 tasks"
        tasks = (await http.get("/api/v1/tasks", headers=alice_headers)).json()["tasks"]
        assert [t["title"] for t in tasks][:2] == ["Plan the trip", "Book flights"]

        again = await alice.stream(confirm)  # a replayed click changes nothing
        assert "already settled" in again.text
        assert len((await http.get("/api/v1/tasks", headers=alice_headers)).json()["tasks"]) == 5
        # the widget's new state lost (a crash between the import's commit and the turn's): the
        # open card is back in the store, and a confirm finds the import in the journal
        await restore_item(server, turn.thread_id, next(e["item"] for e in turn.events if e.get("type") == "thread.item.done" and e["item"]["id"] == widget_id))
        again = await alice.stream(confirm)
        assert "That file was imported already" in again.text, again.text
        assert len((await http.get("/api/v1/tasks", headers=alice_headers)).json()["tasks"]) == 5

        undo = await alice.send("undo", turn.thread_id)
        assert "imported 5 tasks" in undo.text.lower(), undo.text
        assert (await http.get("/api/v1/tasks", headers=alice_headers)).json()["tasks"] == []

        # a bad file: the reason, naming the line; nothing added
        bad = b"title,due\nok,2026-12-01\nnope,2026-02-30\n"
        second = await create(alice, "bad.csv", len(bad), "text/csv")
        assert (await upload(http, second, bad)).status_code == 200
        turn = await alice.stream({"type": "threads.add_user_message", "params": {"thread_id": turn.thread_id, "input": message("import this", [second["id"]])}})
        assert "I can't import bad.csv: Line 3:" in turn.text and not turn.widgets

        # attachments.delete: the file goes; another user's or a missing id is not found
        with pytest.raises(ChatKitError) as caught:
            await bob.request({"type": "attachments.delete", "params": {"attachment_id": second["id"]}})
        assert caught.value.status == 404
        await alice.request({"type": "attachments.delete", "params": {"attachment_id": second["id"]}})
        assert not (kept.parent / second["id"]).exists() and kept.exists()
        with pytest.raises(ChatKitError) as caught:
            await alice.request({"type": "attachments.delete", "params": {"attachment_id": second["id"]}})
        assert caught.value.status == 404

        # erasing the user removes their files
        r = await http.delete("/api/v1/me", params={"confirm": "true"}, headers=alice_headers)
        assert r.status_code == 200, r.text
        assert not kept.parent.exists()


async def test_attachment_limits(server_factory) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server: LiveServer = server_factory(TODOCHAT_ATTACHMENT_MAX_BYTES="2000", TODOCHAT_QUOTA_ATTACHMENT_BYTES="3000")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        alice = ChatKitClient(http, server.token("alice"))
        refused = [
            ({"name": "photo.png", "size": 10, "mime_type": "image/png"}, 422, "attachment_refused"),
            ({"name": "tasks.exe", "size": 10, "mime_type": "text/csv"}, 422, "attachment_refused"),
            ({"name": "big.csv", "size": 5000, "mime_type": "text/csv"}, 413, "payload_too_large"),
        ]
        for params, status, code in refused:
            with pytest.raises(ChatKitError) as caught:
                await alice.request({"type": "attachments.create", "params": params})
            assert (caught.value.status, caught.value.body["error"]) == (status, code), caught.value.body
        first = await create(alice, "a.txt", 1500, "text/plain")
        assert (await upload(http, first, b"x\n" * 750)).status_code == 200
        second = await create(alice, "b.txt", 1500, "text/plain")
        r = await upload(http, second, b"y\n" * 751)  # declared 1500, sends 1502: 3002 > 3000
        assert r.status_code == 409 and r.json()["limit"] == "attachment_bytes", r.text
        assert "TODOCHAT_QUOTA_ATTACHMENT_BYTES" in r.json()["setting"]
        r = await upload(http, second, b"z" * 2001)
        assert r.status_code == 413
        with pytest.raises(ChatKitError) as caught:
            await create(alice, "c.txt", 1600, "text/plain")  # 1500 kept + 1600 > 3000
        assert caught.value.status == 409
        # a message naming an attachment not uploaded yet
        with pytest.raises(ChatKitError) as caught:
            await alice.stream({"type": "threads.create", "params": {"input": message("", [second["id"]])}})
        assert caught.value.status == 422 and caught.value.body["field"] == "attachments"
        # bob's quota is his own
        bob = ChatKitClient(http, server.token("bob"))
        assert (await upload(http, await create(bob, "b.txt", 1500, "text/plain"), b"b" * 1500)).status_code == 200


async def test_upload_token_is_refused_after_sign_out(server_factory) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """An upload token carries its user's token version: once the user signs out everywhere it is
    refused like their bearer tokens (401, nothing stored); one minted after the sign-out works."""
    from todochat.api.auth import issue_token

    server: LiveServer = server_factory()
    data_dir = Path(server.env["TODOCHAT_DATA_DIR"])
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        alice = ChatKitClient(http, server.token("alice"), timezone="UTC")
        data = b"Buy milk\nCall mom\n"
        before = await create(alice, "todo.txt", len(data), "text/plain")
        other = await create(alice, "other.txt", len(data), "text/plain")
        assert (await upload(http, other, data)).status_code == 200  # the token works until the sign-out

        out = await http.post("/api/v1/me/sign-out-everywhere", headers=server.headers("alice"))
        assert out.status_code == 200 and out.json()["token_version"] == 1, out.text
        refused = await upload(http, before, data)
        assert refused.status_code == 401 and "signed out" in refused.json()["message"], refused.text
        assert not (data_dir / "attachments" / user_key("alice") / before["id"]).exists()

        fresh = issue_token("alice", Settings(jwt_secret=JWT_SECRET, data_dir=data_dir), version=1)
        after = await create(ChatKitClient(http, fresh, timezone="UTC"), "todo.txt", len(data), "text/plain")
        done = await upload(http, after, data)
        assert done.status_code == 200, done.text
        assert (data_dir / "attachments" / user_key("alice") / after["id"]).read_bytes() == data
