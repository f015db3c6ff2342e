"""The bell and next reminder time on a task row: the widget, its copy text, and the terminal
client's table (``todochat chat``) read the same TaskOut fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from rich.console import Console

from todochat.chat_cli import widget_table
from todochat.chatkit.widgets import copy_text, node_dump, task_list_widget, widget_text
from todochat.tasks.schemas import ReminderBrief, TaskOut

TODAY = date(2026, 11, 23)
BERLIN_WINTER = timezone(timedelta(hours=1))


def task(number: int, reminders: list[ReminderBrief]) -> TaskOut:
    fires = [r.fire_at for r in reminders if r.fire_at is not None]
    return TaskOut(
        number=number, title=f"Task {number}", due="2026-11-25T15:00", created_at=datetime(2026, 11, 1, tzinfo=UTC),
        updated_at=datetime(2026, 11, 1, tzinfo=UTC), reminders=reminders, next_reminder=min(fires) if fires else None,
    )


def test_rows_show_a_bell_and_the_next_reminder() -> None:
    tasks = [
        task(1, [ReminderBrief(id=1, before_minutes=30, fire_at=datetime(2026, 11, 25, 14, 30, tzinfo=BERLIN_WINTER))]),
        task(2, [ReminderBrief(id=2, at=datetime(2026, 11, 23, 17, tzinfo=BERLIN_WINTER), fire_at=datetime(2026, 11, 23, 17, tzinfo=BERLIN_WINTER)),
                 ReminderBrief(id=3, before_minutes=0, fire_at=datetime(2026, 11, 25, 15, tzinfo=BERLIN_WINTER))]),
        task(3, [ReminderBrief(id=4, before_minutes=10)]),  # waits for a due time: a bell alone
        task(4, []),
    ]
    widget = task_list_widget("Tasks", tasks, TODAY)
    text = widget_text(widget)
    assert "🔔 Wed 25 Nov 14:30" in text and "🔔 today 17:00 (+1)" in text
    copied = copy_text("Tasks", tasks, TODAY).splitlines()
    assert copied[1] == "[ ] 1. Task 1 (Wed 25 Nov at 15:00, 🔔 Wed 25 Nov 14:30)"
    assert copied[2] == "[ ] 2. Task 2 (Wed 25 Nov at 15:00, 🔔 today 17:00 (+1))"
    assert copied[3] == "[ ] 3. Task 3 (Wed 25 Nov at 15:00, 🔔)"
    assert copied[4] == "[ ] 4. Task 4 (Wed 25 Nov at 15:00)"
    console = Console(width=120, record=True)
    console.print(widget_table(node_dump(widget)))  # type: ignore[arg-type]
    table = console.export_text()
    assert "🔔 today 17:00 (+1)" in table and "🔔 Wed 25 Nov 14:30" in table


def test_rows_name_the_list_unless_it_is_the_inbox() -> None:
    """Issue 15: a task row says which list it is in; Inbox rows say nothing of it."""
    from datetime import UTC, date, datetime

    from todochat.chatkit.widgets import copy_text, task_list_widget, widget_text
    from todochat.tasks.schemas import TaskOut

    now = datetime(2026, 11, 18, 9, tzinfo=UTC)
    tasks = [TaskOut(number=1, title="Report", list="Work", created_at=now, updated_at=now),
             TaskOut(number=2, title="Milk", created_at=now, updated_at=now)]
    text = widget_text(task_list_widget("Your tasks", tasks, date(2026, 11, 18)))
    assert "in Work" in text and "Inbox" not in text
    copied = copy_text("Your tasks", tasks, date(2026, 11, 18))
    assert "1. Report (in Work)" in copied and "2. Milk\n" not in copied and copied.endswith("2. Milk")
