"""Conversation evals (format: shared/eval/README.md): each case runs in a fresh database with a
fixed clock, through the real HTTP ChatKit endpoint (in-process ASGI), and is checked on the
resulting task list and on what the last turn showed."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from todochat import migrations
from todochat.api.app import attach_database, create_app
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient, ChatKitError, Turn
from todochat.config import Settings
from todochat.context import Clock, RequestContext, parse_zone
from todochat.tasks import dates
from todochat.tasks.lists import INBOX
from todochat.tasks.schemas import TaskCreate, TaskOut

DEFAULT_NOW = "2026-11-18T09:00:00"
EVAL_USER = "eval-user"
_IGNORED = {"a", "an", "the", "my"}


@dataclass
class CaseResult:
    """The outcome of one case: ``failures`` is empty when it passed."""

    id: str
    category: str
    failures: list[str]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    shown: str = ""

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures

    def report(self) -> dict[str, Any]:
        """The ``--report`` JSON object of this case."""
        return {"id": self.id, "tasks": self.tasks, "shown": self.shown}


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL case file (blank lines and ``//`` comment lines skipped).

    Raises:
        ValueError: a line that is not JSON or a case without ``id``/``turns`` (line number given).
    """
    cases = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            case = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
        if "id" not in case or not case.get("turns"):
            raise ValueError(f"{path}:{number}: a case needs an id and turns")
        cases.append(case)
    return cases


def category(case_id: str) -> str:
    """``p-add-01`` → ``add``; ``add-due-001`` → ``add``."""
    parts = case_id.split("-")
    return parts[1] if parts[0] == "p" and len(parts) > 1 else parts[0]


def case_category(case: dict[str, Any]) -> str:
    """A case's category for the per-category table: its ``category`` field when it has one (a
    non-empty string, our extension of the shared format, evals/README.md), else the prefix of
    its ``id`` (:func:`category`)."""
    said = case.get("category")
    if isinstance(said, str) and said.strip():
        return said.strip()
    return category(str(case["id"]))


def norm_title(text: str) -> str:
    """Title normalisation of the eval README: case, quotes, spaces, trailing .!?, a/an/the/my."""
    text = text.strip().strip("'\"“”‘’").strip().lower()
    text = re.sub(r"[.!?]+$", "", text).strip()
    return " ".join(w for w in text.split() if w not in _IGNORED)


def local_minute(value: datetime | str | None, tz: tzinfo | None) -> str | None:
    """An instant as local wall time to the minute (``YYYY-MM-DDTHH:MM``) in ``tz``; None stays None."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is not None and tz is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%dT%H:%M")


def report_reminders(task: TaskOut, tz: tzinfo | None = None) -> list[dict[str, Any]]:
    """The task's pending reminders in the report's shape: ``at`` is when it fires (local, to the
    minute; null while a relative reminder's task has no due) and ``before_minutes`` the offset of
    a relative reminder (null for one at an instant). Tasks without reminder support report []."""
    out = []
    for reminder in getattr(task, "reminders", None) or []:
        out.append({
            "at": local_minute(getattr(reminder, "fire_at", None), tz),
            "before_minutes": getattr(reminder, "before_minutes", None),
        })
    return out


def reminders_match(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> bool:
    """Whether the pending reminders ``actual`` are the multiset ``expected``: each expected entry
    matches a distinct reminder, and none is left over. ``{"at": "YYYY-MM-DDTHH:MM"}`` matches a
    reminder firing at that local minute (an instant, or a due time minus an offset);
    ``{"before_minutes": N}`` a relative reminder N minutes before the due time; an entry with both
    must match both."""

    def fits(want: dict[str, Any], got: dict[str, Any]) -> bool:
        if "at" in want and (got["at"] or "")[:16] != str(want["at"])[:16]:
            return False
        return not ("before_minutes" in want and got["before_minutes"] != want["before_minutes"])

    return _assign(expected, actual, fits)


def report_task(task: TaskOut, tz: tzinfo | None = None) -> dict[str, Any]:
    """A task in the report's shape (``repeat`` is the RRULE frequency, ``id`` the number,
    ``reminders`` its pending reminders, see :func:`report_reminders`; ``list`` the list's name, "Inbox" for none;
    ``parent`` the parent task's number or null)."""
    return {
        "id": task.number,
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
        "priority": task.priority,
        "tags": task.tags,
        "due": task.due,
        "repeat": dates.rrule_frequency(task.recurrence) if task.recurrence else None,
        "reminders": report_reminders(task, tz),
        "list": task.list,
        "parent": getattr(task, "parent", None),
    }


def task_matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Whether a reported task satisfies one ``expect.tasks`` entry (fields it leaves out are free)."""
    for key, want in expected.items():
        if key == "title":
            options = want if isinstance(want, list) else [want]
            if norm_title(actual["title"]) not in {norm_title(o) for o in options}:
                return False
        elif key == "description_contains":
            if want.lower() not in (actual["description"] or "").lower():
                return False
        elif key == "priority":
            options = want if isinstance(want, list) else [want]
            if actual["priority"] not in options:
                return False
        elif key == "tags":
            if set(want) != set(actual["tags"]):
                return False
        elif key == "due":
            got = actual["due"]
            if want is None or got is None:
                if want != got:
                    return False
            elif "T" in want:
                if got[:16] != want[:16]:
                    return False
            elif got[:10] != want[:10]:
                return False
        elif key == "repeat":
            wanted = dates.rrule_frequency(dates.normalize_rrule(want)) if want else None
            if actual["repeat"] != wanted:
                return False
        elif key == "reminders":
            if not reminders_match(want, actual.get("reminders") or []):
                return False
        elif key == "list":
            if list_key(want) != list_key(actual.get("list")):
                return False
        elif key in ("id", "completed", "parent") and actual.get(key) != want:
            return False
    return True


def list_key(name: str | None) -> str:
    """A list name as cases compare it: case-insensitive, ``null`` = the Inbox."""
    return (name or INBOX).strip().casefold()


def _assign(
    expected: list[dict[str, Any]],
    actual: list[dict[str, Any]],
    fits: Callable[[dict[str, Any], dict[str, Any]], bool] = task_matches,
) -> bool:
    """True when each expected entry ``fits`` a distinct actual one and none is left (backtracking)."""
    if len(expected) != len(actual):
        return False
    used = [False] * len(actual)

    def place(i: int) -> bool:
        if i == len(expected):
            return True
        for j, task in enumerate(actual):
            if not used[j] and fits(expected[i], task):
                used[j] = True
                if place(i + 1):
                    return True
                used[j] = False
        return False

    return place(0)


def check(case: dict[str, Any], tasks: list[dict[str, Any]], shown: str) -> list[str]:
    """The failed expectations of ``case`` given the final tasks and the last turn's text."""
    expect = case.get("expect", {})
    failures = []
    if "tasks" in expect and not _assign(expect["tasks"], tasks):
        failures.append(f"tasks: expected {json.dumps(expect['tasks'])}, got {json.dumps(tasks)}")
    low = shown.lower()
    for title in expect.get("shown", []):
        if title.lower() not in low:
            failures.append(f"shown: {title!r} not mentioned")
    for title in expect.get("hidden", []):
        if title.lower() in low:
            failures.append(f"hidden: {title!r} was mentioned")
    phrases = expect.get("reply_any", [])
    if phrases and not any(p.lower() in low for p in phrases):
        failures.append(f"reply_any: none of {phrases} in {shown!r}")
    return failures


def seed_parent(ref: Any, made: dict[str, int]) -> int:
    """A case's ``parent`` (the number of a task created earlier in the case, or its title) as a
    task number.

    Raises:
        ValueError: a title no earlier task of the case has.
    """
    if isinstance(ref, int):
        return ref
    number = made.get(norm_title(str(ref)))
    if number is None:
        raise ValueError(f"parent {ref!r} is no task created earlier in the case")
    return number


def seed_reminder(spec: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """A case's reminder (``{"at": local YYYY-MM-DDTHH:MM}`` or ``{"before_minutes": N}``) as the
    service takes it (``at`` an aware instant in the case's zone)."""
    if "at" in spec:
        return {"at": datetime.fromisoformat(spec["at"]).replace(tzinfo=tz)}
    return {"before_minutes": int(spec["before_minutes"])}


class Runner:
    """Runs cases, each in a copy of one freshly migrated SQLite database.

    Args:
        model: the ``TODOCHAT_MODEL`` to evaluate (default ``builtin``).
        workdir: where databases go (a temp dir by default).
    """

    def __init__(self, model: str = "builtin", workdir: Path | None = None) -> None:
        self.model = model
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="todochat-eval-"))
        self.template = self.workdir / "template.db"
        self.app: FastAPI | None = None
        migrations.upgrade(self._settings(self.template))

    def _settings(self, db: Path) -> Settings:
        return Settings(
            database_url=f"sqlite+aiosqlite:///{db}",
            data_dir=self.workdir / "data",
            jwt_secret="eval-secret-" + "x" * 32,
            model=self.model,
            rate_limit="off",  # every case is one user: hundreds of turns a minute
        )

    async def run_case(self, case: dict[str, Any]) -> CaseResult:
        """Run one case in its own fresh database and check it."""
        db = self.workdir / f"case-{re.sub(r'[^A-Za-z0-9_-]', '_', case['id'])}.db"
        shutil.copyfile(self.template, db)
        settings = self._settings(db)
        tz = parse_zone(case.get("timezone", "UTC"))
        now = datetime.fromisoformat(case.get("now", DEFAULT_NOW)).replace(tzinfo=tz)
        clock = Clock(fixed=now)
        app = self._app()
        app.state.clock = clock
        attach_database(app, settings)
        ctx = RequestContext(user_id=EVAL_USER, tz=tz, clock=clock)
        turn = Turn()
        try:
            service = app.state.service
            made_lists: set[str] = set()
            made: dict[str, int] = {}
            for seed in case.get("tasks", []):
                fields: dict[str, Any] = {
                    "title": seed["title"], "description": seed.get("description"), "due": seed.get("due"),
                    "priority": seed.get("priority"), "tags": seed.get("tags"), "recurrence": seed.get("repeat"),
                    "list": seed.get("list"),
                }
                if seed.get("reminders"):
                    fields["reminders"] = [seed_reminder(r, tz) for r in seed["reminders"]]
                try:
                    if seed.get("list") and list_key(seed["list"]) not in made_lists | {list_key(None)}:
                        await service.create_list(ctx, seed["list"])  # a list the case names is created first
                        made_lists.add(list_key(seed["list"]))
                    if seed.get("parent") is not None:
                        fields["parent"] = seed_parent(seed["parent"], made)
                    created = await service.add(ctx, TaskCreate(**fields))
                    made.setdefault(norm_title(created.title), created.number)
                except Exception as exc:  # a case this build cannot set up fails alone, the run goes on
                    return CaseResult(case["id"], case_category(case), [f"setup: task {seed['title']!r}: {exc}"])
                if seed.get("completed"):
                    await service.complete(ctx, created.number, advance_recurrence=False)
            await service.forget_changes(ctx)  # the case's starting list is not the user's doing: nothing to undo
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://eval") as http:
                client = ChatKitClient(http, issue_token(EVAL_USER, settings), timezone=tz.key)
                thread_id = None
                for text in case["turns"]:
                    try:
                        turn = await client.send(text, thread_id)
                    except ChatKitError as exc:
                        turn = Turn(thread_id=thread_id, text=str(exc), error=str(exc))
                    thread_id = turn.thread_id or thread_id
            tasks = [report_task(t, tz) for t in await service.list(ctx)]
        finally:
            await app.state.engine.dispose()
            db.unlink(missing_ok=True)
        shown = turn.shown + (f"\n{turn.error}" if turn.error else "")
        return CaseResult(case["id"], case_category(case), check(case, tasks, shown), tasks, shown)

    def _app(self) -> FastAPI:
        """One app for every case (building it costs ~0.7 s); each case attaches its own database."""
        if self.app is None:
            self.app = create_app(self._settings(self.template))
        return self.app

    async def run(
        self, cases: Iterable[dict[str, Any]], on_result: Callable[[CaseResult], None] | None = None
    ) -> list[CaseResult]:
        """Run every case in order; ``on_result`` is called after each."""
        results = []
        for case in cases:
            result = await self.run_case(case)
            results.append(result)
            if on_result:
                on_result(result)
        return results

    def close(self) -> None:
        """Remove the work directory."""
        shutil.rmtree(self.workdir, ignore_errors=True)
