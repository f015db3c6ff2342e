"""REST of reminder delivery over the real app (SQLite and PostgreSQL): channels on /api/v1/me with
strict validation and no user-chosen URL, the page's notifications with snooze, Web Push
subscriptions limited to allowed hosts and a push really encrypted and signed."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta

import http_ece
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.notify.receivers import HttpReceiver
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock
from todochat.notify.dispatcher import Dispatcher
from todochat.tasks.models import Reminder


def auth(settings: Settings, user: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, settings)}"}


def quiet(settings: Settings, **changes: object) -> Settings:
    """The test's settings with the background dispatcher off: the test ticks it itself."""
    return settings.model_copy(update={"reminders_dispatch": False, **changes})


async def test_channels_on_me_and_strict_validation(settings: Settings) -> None:
    s = quiet(settings, ntfy_url="https://ntfy.example.org")
    async with in_process(s) as (_app, http):
        me = (await http.get("/api/v1/me", headers=auth(s))).json()
        assert me["reminder_channels"]["page"] == {"enabled": True}
        assert me["reminder_channels"]["ntfy"] == {"enabled": False, "topic": None}

        ok = await http.patch("/api/v1/me", headers=auth(s), json={
            "reminder_channels": {"ntfy": {"topic": "alice-phone"}, "email": {"address": "Alice@Example.com"}}})
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert body["reminder_channels"]["ntfy"] == {"enabled": True, "topic": "alice-phone"}
        assert body["reminder_channels"]["email"] == {"enabled": True, "address": "Alice@example.com"}
        assert "ntfy" in body["available_channels"] and "email" not in body["available_channels"]

        cases = [
            ({"ntfy": {"topic": "https://evil.example/x"}}, "ntfy.topic"),
            ({"ntfy": {"topic": ""}}, "ntfy.topic"),
            ({"email": {"address": "not an address"}}, "email.address"),
            ({"ntfy": {"server": "http://169.254.169.254/"}}, "server"),  # a user never names a server
            ({"webhook": {"url": "http://127.0.0.1:1/"}}, "webhook"),  # the webhook is the operator's
            ({"page": {"enabled": "sometimes"}}, "enabled"),
        ]
        for channels, field in cases:
            bad = await http.patch("/api/v1/me", headers=auth(s), json={"reminder_channels": channels})
            assert bad.status_code == 422, (channels, bad.text)
            assert bad.json()["field"] == field, bad.json()
        after = (await http.get("/api/v1/me", headers=auth(s))).json()["reminder_channels"]
        assert after["ntfy"]["topic"] == "alice-phone"  # nothing changed by the refused requests
        bob = (await http.get("/api/v1/me", headers=auth(s, "bob"))).json()["reminder_channels"]
        assert bob["ntfy"]["topic"] is None


async def test_page_notifications_seen_and_snooze(settings: Settings) -> None:
    s = quiet(settings)
    async with in_process(s) as (app, http):
        task = (await http.post("/api/v1/tasks", headers=auth(s), json={"title": "Call mom"})).json()
        await add_reminder(app.state.sessionmaker, "alice", task["number"], TEST_NOW)
        dispatcher = Dispatcher(lambda: app.state.sessionmaker, s, lambda: app.state.clock)
        assert (await dispatcher.tick()).sent == 1

        [note] = (await http.get("/api/v1/notifications", headers=auth(s))).json()
        assert (note["task_title"], note["channel"], note["status"], note["seen"]) == ("Call mom", "page", "sent", False)
        assert (await http.get("/api/v1/notifications", headers=auth(s, "bob"))).json() == []
        other = await http.post(f"/api/v1/notifications/{note['id']}/seen", headers=auth(s, "bob"))
        assert other.status_code == 404

        snoozed = await http.post(f"/api/v1/notifications/{note['id']}/snooze", headers=auth(s))
        assert snoozed.status_code == 200, snoozed.text
        assert snoozed.json()["task_number"] == task["number"]
        assert (await http.get("/api/v1/notifications?unseen=true", headers=auth(s))).json() == []
        async with app.state.sessionmaker() as session:
            pending = list((await session.execute(select(Reminder).where(Reminder.status == "pending"))).scalars())
        assert [r.fire_at for r in pending] == [TEST_NOW + timedelta(minutes=10)]
        activity = (await http.get("/api/v1/activity", headers=auth(s))).json()
        assert activity["entries"][0]["action"] == "remind"  # a snooze is a change like any other: undoable

        assert (await dispatcher.tick(TEST_NOW + timedelta(minutes=10))).fired == 1
        notes = (await http.get("/api/v1/notifications?unseen=true", headers=auth(s))).json()
        assert len(notes) == 1
        assert (await http.post(f"/api/v1/notifications/{notes[0]['id']}/seen", headers=auth(s))).status_code == 204
        history = (await http.get("/api/v1/reminders/deliveries", headers=auth(s))).json()
        assert [(d["channel"], d["status"], d["attempts"]) for d in history] == [("page", "sent", 1)] * 2


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_web_push_to_an_allowed_push_service(settings: Settings, webhook: HttpReceiver) -> None:
    """A browser's subscription is kept only for an allowed push-service host; the push arrives
    encrypted to the browser's key (RFC 8291) with a VAPID signature (RFC 8292)."""
    s = quiet(settings, webpush_allowed_hosts=["127.0.0.1"])
    browser_key = ec.generate_private_key(ec.SECP256R1())
    secret = os.urandom(16)
    keys = {
        "p256dh": _b64(browser_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)),
        "auth": _b64(secret),
    }
    async with in_process(s) as (app, http):
        for endpoint in ["https://evil.example.com/push", "https://fcm.googleapis.com/fcm/send/x",
                         "http://10.0.0.1/push", "ftp://127.0.0.1/x"]:
            refused = await http.post("/api/v1/me/push-subscriptions", headers=auth(s),
                                      json={"endpoint": endpoint, "keys": keys})
            assert refused.status_code == 422 and refused.json()["field"] == "endpoint", endpoint
        endpoint = webhook.url + "/push/abc"
        added = await http.post("/api/v1/me/push-subscriptions", headers=auth(s),
                                json={"endpoint": endpoint, "keys": keys, "expirationTime": None})
        assert added.status_code == 204, added.text
        public_key = (await http.get("/api/v1/me/push-key", headers=auth(s))).json()["public_key"]
        assert (s.data_dir / "vapid_private.pem").stat().st_mode & 0o777 == 0o600

        task = (await http.post("/api/v1/tasks", headers=auth(s), json={"title": "Stretch"})).json()
        await add_reminder(app.state.sessionmaker, "alice", task["number"], TEST_NOW)
        result = await Dispatcher(lambda: app.state.sessionmaker, s, lambda: Clock(fixed=TEST_NOW)).tick()
        assert (result.sent, result.retried) == (2, 0)  # page + webpush

    [push] = webhook.requests
    assert push.path == "/push/abc"
    assert push.headers["content-encoding"] == "aes128gcm"
    payload = json.loads(http_ece.decrypt(push.body, private_key=browser_key, auth_secret=secret, version="aes128gcm"))
    assert payload["title"] == "Reminder: Stretch" and payload["task"] == task["number"]
    scheme, _, params = push.headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid" and fields["k"] == public_key
    raw = base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4))
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    claims = jwt.decode(fields["t"], verifier, algorithms=["ES256"], audience=webhook.url)
    assert claims["sub"] == s.webpush_contact


@pytest.mark.parametrize("path", ["/sw.js"])
async def test_service_worker_served_from_root(settings: Settings, path: str) -> None:
    async with in_process(quiet(settings)) as (_app, http):
        response = await http.get(path)
    assert response.status_code == 200
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["content-type"].startswith("text/javascript")
    assert "showNotification" in response.text


async def test_feed_token_is_not_an_api_token(settings: Settings) -> None:
    s = quiet(settings, public_url="https://todo.example.com")
    async with in_process(s) as (_app, http):
        url = (await http.post("/api/v1/me/calendar-feed", headers=auth(s))).json()["url"]
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        for path in ["/api/v1/tasks", "/api/v1/me"]:
            refused = await http.get(path, headers={"Authorization": f"Bearer {token}"})
            assert refused.status_code == 401, path
        assert isinstance(httpx.URL(url).host, str) and url.startswith("https://todo.example.com/feeds/")
