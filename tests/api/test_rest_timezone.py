"""The user's time zone over HTTP: X-Timezone header > ChatKit metadata > stored setting
(PUT /api/v1/me/timezone) > server default; an unknown zone is a 422 JSON error and changes nothing."""

from __future__ import annotations

from tests.api.test_rest_tasks import running

from todochat.config import Settings

BAD_ZONES = ["Mars/Olympus", "Europe", "../../etc/passwd", "europe/berlin"]


async def test_zone_precedence_and_effect_on_dates(settings: Settings) -> None:
    async with running(settings.model_copy(update={"timezone": "Asia/Tokyo"})) as api:
        # server default: Tokyo (UTC+9); now is 2026-11-18 09:00Z = 18:00 in Tokyo
        me = (await api.http.get("/api/v1/me", headers=api.auth())).json()
        assert {k: me[k] for k in ("user_id", "timezone")} == {"user_id": "alice", "timezone": "Asia/Tokyo"}  # + reminder_channels
        task = await api.add(title="Call", due="2026-11-18T20:00")
        assert task["due"] == "2026-11-18T20:00"

        r = await api.http.put("/api/v1/me/timezone", json={"timezone": "America/New_York"}, headers=api.auth())
        assert r.status_code == 200 and r.json() == {"user_id": "alice", "timezone": "America/New_York"}
        assert (await api.http.get("/api/v1/me", headers=api.auth())).json()["timezone"] == "America/New_York"
        # the same instant, now shown in New York (stored setting)
        assert (await api.call("GET", "/1")).json()["due"] == "2026-11-18T06:00"
        # bob keeps the server default
        assert (await api.http.get("/api/v1/me", headers=api.auth("bob"))).json()["timezone"] == "Asia/Tokyo"
        # the header wins over the stored setting, for reading and for writing
        berlin = {"X-Timezone": "Europe/Berlin"}
        assert (await api.call("GET", "/1", headers=berlin)).json()["due"] == "2026-11-18T12:00"
        r = await api.call("POST", "", json={"title": "Lunch", "due": "2026-11-19T12:30"}, headers=berlin)
        assert (await api.call("GET", f"/{r.json()['number']}")).json()["due"] == "2026-11-19T06:30"
        # "today" follows the zone: 09:00Z is 04:00 on the 18th in New York, 18:00 in Tokyo
        await api.add(title="Whole day", due="2026-11-18")
        assert await api.titles(due="today") == ["Call", "Whole day"]
        assert await api.titles(due="2026-11-18") == ["Call", "Whole day"]


async def test_unknown_zone_is_422_and_changes_nothing(settings: Settings) -> None:
    async with running(settings) as api:
        await api.http.put("/api/v1/me/timezone", json={"timezone": "Europe/Berlin"}, headers=api.auth())
        for zone in BAD_ZONES:
            r = await api.http.put("/api/v1/me/timezone", json={"timezone": zone}, headers=api.auth())
            assert r.status_code == 422, (zone, r.text)
            assert r.json()["error"] == "validation" and r.json()["field"] == "timezone"
            r = await api.call("POST", "", json={"title": "x"}, headers={"X-Timezone": zone})
            assert r.status_code == 422 and r.json()["field"] == "timezone", (zone, r.text)
            r = await api.call("GET", "", headers={"X-Timezone": zone})
            assert r.status_code == 422 and zone in r.json()["message"]
        assert (await api.http.get("/api/v1/me", headers=api.auth())).json()["timezone"] == "Europe/Berlin"
        assert await api.titles() == []
        r = await api.http.put("/api/v1/me/timezone", json={}, headers=api.auth())
        assert r.status_code == 422 and r.json()["field"] == "timezone"


async def test_chatkit_metadata_zone_below_the_header(settings: Settings) -> None:
    async with running(settings) as api:
        def body(zone: str) -> dict[str, object]:
            return {"type": "threads.list", "params": {"limit": 5}, "metadata": {"timezone": zone}}

        r = await api.http.post("/chatkit", json=body("Mars/Olympus"), headers=api.auth())
        assert r.status_code == 422 and r.json()["field"] == "timezone"
        r = await api.http.post("/chatkit", json=body("Mars/Olympus"), headers=api.auth(**{"X-Timezone": "UTC"}))
        assert r.status_code == 200
        r = await api.http.post("/chatkit", json=body("Europe/Berlin"), headers=api.auth())
        assert r.status_code == 200 and r.json()["data"] == []
