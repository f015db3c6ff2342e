"""The reminder tools' trust rules through the ChatKit server over HTTP (in-process ASGI) on SQLite
and PostgreSQL, with the built-in model: cancelling several reminders asks with the list and a "yes"
cancels exactly those (one undo brings them back), one is cancelled at once; "remind me in 1
minute" keeps the seconds it was asked at; "what reminders do I have tomorrow?" lists that day's.
The server clock is fixed (``Clock(fixed=…)``), never the real date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.agent.test_reminder_tools import ALICE, thread_state
from tests.clock import TEST_NOW
from tests.servers import in_process

from todochat.agent.tools import TOOLS
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.context import Clock, RequestContext
from todochat.tasks.schemas import ReminderSpec, TaskCreate
from todochat.tasks.service import TaskService

AT_TEST_NOW = RequestContext(user_id="alice", clock=Clock(fixed=TEST_NOW))


async def seed(service: TaskService) -> None:
    """Dentist (Wed 25 Nov 15:00; 30 and 10 min before), Gym (Tue 24 Nov 07:00; 15 min before)."""
    await service.add(AT_TEST_NOW, TaskCreate(title="Dentist", due="2026-11-25T15:00",
                                        reminders=[ReminderSpec(before_minutes=30), ReminderSpec(before_minutes=10)]))
    await service.add(AT_TEST_NOW, TaskCreate(title="Gym", due="2026-11-24T07:00", reminders=[ReminderSpec(before_minutes=15)]))


async def test_turning_off_all_reminders_asks_with_the_list_and_yes_cancels_those(settings) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        service: TaskService = app.state.service
        await seed(service)
        client = ChatKitClient(http, issue_token("alice", settings))
        asked = await client.send("turn off all my reminders")
        assert asked.error is None, asked.events
        assert "This would cancel 3 reminders" in asked.shown and "Gym" in asked.shown and "Dentist" in asked.shown
        assert len(await service.list_reminders(ALICE)) == 3  # nothing changed yet
        pending = (await thread_state(app, asked.thread_id))["pending"]
        ids = [r.id for r in await service.list_reminders(ALICE)]
        assert pending["yes"] == {"tool": "cancel_reminders", "arguments": {"reminders": ids, "confirm": True}}
        added = await service.add_reminder(AT_TEST_NOW, "gym", before_minutes=60)  # after the question: not in the yes
        yes = await client.send("yes", asked.thread_id)
        assert "Cancelled 3 reminders" in yes.shown
        assert [r.id for r in await service.list_reminders(ALICE)] == [added.id]
        await client.send("undo", asked.thread_id)  # one undo brings all three back
        assert len(await service.list_reminders(ALICE)) == 4
        one = await client.send("stop reminding me about the gym", asked.thread_id)
        assert "This would cancel 2 reminders" in one.shown  # the gym has two now
        no = await client.send("no", asked.thread_id)
        assert "won't change anything" in no.shown and len(await service.list_reminders(ALICE)) == 4


async def test_one_reminder_is_cancelled_without_a_question(settings) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        service: TaskService = app.state.service
        await seed(service)
        client = ChatKitClient(http, issue_token("alice", settings))
        done = await client.send("stop reminding me about the gym")
        assert "Cancelled the reminder on task 2: Gym" in done.shown
        assert (await thread_state(app, done.thread_id))["pending"] is None
        assert [r.task_title for r in await service.list_reminders(ALICE)] == ["Dentist", "Dentist"]


async def test_remind_me_in_a_minute_keeps_the_seconds(settings) -> None:
    asked_at = TEST_NOW + timedelta(seconds=40)  # 09:00:40
    async with in_process(settings, clock=Clock(fixed=asked_at)) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        reply = await client.send("remind me to stretch in 1 minute")
        assert "I'll remind you in a minute" in reply.shown
        [reminder] = await app.state.service.list_reminders(ALICE)
        assert reminder.fire_at == datetime(2026, 11, 23, 9, 1, 40, tzinfo=UTC)  # not 09:01:00
        await client.send("remind me about it in 10 minutes", reply.thread_id)
        fires = [r.fire_at for r in await app.state.service.list_reminders(ALICE)]
        assert fires[-1] == datetime(2026, 11, 23, 9, 10, 40, tzinfo=UTC)


async def test_what_reminders_do_i_have_tomorrow(settings) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        await seed(app.state.service)
        client = ChatKitClient(http, issue_token("alice", settings))
        tomorrow = await client.send("what reminders do I have tomorrow?")
        assert "You have 1 reminder tomorrow" in tomorrow.shown and "Gym" in tomorrow.shown
        assert "Dentist" not in tomorrow.shown
        today = await client.send("any reminders today?", tomorrow.thread_id)
        assert "You have no reminders today" in today.shown


def test_the_bulk_and_span_parameters() -> None:
    schema = {t.name: t.params_json_schema["properties"] for t in TOOLS}
    assert set(schema["cancel_reminders"]) == {"reminders", "task", "all", "when", "confirm"}
    assert {"when", "start", "end"} <= set(schema["list_reminders"])
