"""Importing a task file attached to a chat message: the message gets a preview widget ("Import
42 tasks into 3 lists?" with Import and Cancel), and the Import button (widget action
``import.confirm``) runs the import, streaming ``progress_update`` events, then replaces the
widget with what was done. The rules are the import service's (tasks/importing.py); this module
only translates."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from chatkit.actions import ActionConfig
from chatkit.store import NotFoundError
from chatkit.types import (
    Action,
    Attachment,
    ProgressUpdateEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
)
from chatkit.widgets import Caption, Card, Col, Text, WidgetComponentBase

from todochat.context import RequestContext
from todochat.conversations.attachments import AttachmentFiles
from todochat.errors import TodoError, ValidationError
from todochat.presentation import import_done
from todochat.tasks.importing import ImportPreview
from todochat.tasks.imports import FORMATS, MIME_TYPES
from todochat.tasks.service import TaskService

IMPORT_ACTIONS = ("import.confirm", "import.cancel")
"""The actions of an import preview widget; payload ``{"attachment": id, "format": name}``."""
_ATTACHMENT_ID = re.compile(r"^att_[0-9a-f]{32}$")
PREVIEW_KEY = "import-preview"


def check_import_action(action: Action[str, Any]) -> tuple[str, str | None]:
    """The attachment id and format an import action names.

    Raises:
        ValidationError: not an import action, or its payload has no valid attachment id or format
            (field ``action``).
    """
    payload = action.payload if isinstance(action.payload, dict) else {}
    attachment = payload.get("attachment")
    fmt = payload.get("format")
    if action.type not in IMPORT_ACTIONS or not isinstance(attachment, str) or not _ATTACHMENT_ID.match(attachment):
        raise ValidationError("The import action names no attachment.", field="action")
    if fmt is not None and fmt not in FORMATS:
        raise ValidationError("The import action names an unknown format.", field="action")
    return attachment, fmt


def _format_hint(attachment: Attachment) -> str | None:
    """The format an attachment's content type suggests when its content cannot tell (None: detect)."""
    hint = MIME_TYPES.get(attachment.mime_type.split(";")[0].strip().lower())
    return hint if hint in ("ics", "taskwarrior") else None


def preview_widget(preview: ImportPreview, attachment: Attachment) -> Card:
    """The preview card: the question, tasks per list, the first tasks, the warnings, and the
    Import / Cancel buttons (``import.confirm`` / ``import.cancel``)."""
    children: list[WidgetComponentBase] = [Text(value=preview.question, weight="semibold")]
    lists = [f"{name or 'no list'}: {count}" for name, count in preview.lists.items()]
    counts = f"{preview.tasks} tasks" + (f", {preview.completed} already done" if preview.completed else "")
    children.append(Caption(value=counts + (" · " + ", ".join(lists) if any(preview.lists) else ""), color="secondary"))
    rows: list[WidgetComponentBase] = [Text(value=("✓ " if r.completed else "○ ") + r.title + (f" · due {r.due}" if r.due else ""), size="sm") for r in preview.first]
    if preview.tasks > len(preview.first):
        rows.append(Caption(value=f"and {preview.tasks - len(preview.first)} more", color="secondary"))
    children.append(Col(gap=1, children=rows))  # type: ignore[arg-type]
    children.extend(Caption(value="⚠ " + w, color="warning") for w in preview.warnings)
    payload = {"attachment": attachment.id, "format": preview.format}
    return Card(
        key=PREVIEW_KEY,
        status={"text": f"Import {attachment.name}"},
        children=children,  # type: ignore[arg-type]
        confirm={"label": "Import", "action": ActionConfig(type="import.confirm", payload=payload)},
        cancel={"label": "Cancel", "action": ActionConfig(type="import.cancel", payload=payload)},
    )


def settled_widget(sender: WidgetItem, text: str) -> WidgetItem:
    """The preview item after its buttons were used: the same card, collapsed, without buttons,
    with ``text`` as its status (a replayed action finds no buttons and changes nothing)."""
    card = sender.widget
    update: dict[str, Any] = {"confirm": None, "cancel": None, "collapsed": True, "status": {"text": text}}
    return sender.model_copy(update={"widget": card.model_copy(update=update), "copy_text": text})


def is_open(sender: WidgetItem | None) -> bool:
    """True while a preview widget still offers its Import button."""
    return sender is not None and getattr(sender.widget, "confirm", None) is not None


class ChatImports:
    """The chat side of imports for one ChatKit server.

    Args:
        service: the task service. files: the attachment files. max_bytes: the import size limit.
    """

    def __init__(self, service: TaskService, files: AttachmentFiles, *, max_bytes: int) -> None:
        self.service = service
        self.files = files
        self.max_bytes = max_bytes

    async def preview_turn(
        self, thread: ThreadMetadata, attachments: list[Attachment], context: RequestContext, new_id: Any
    ) -> AsyncIterator[ThreadStreamEvent | str]:
        """For each attached file: a preview widget (a dry run), or the reason it cannot be
        imported. Yields widget events, and the text of the assistant's reply (a ``str``) last."""
        notes: list[str] = []
        for attachment in attachments:
            try:
                stored, data = await self.files.read(attachment.id, context)
                preview = await self.service.import_file(
                    context, data, _format_hint(stored), name=stored.name, dry_run=True, max_bytes=self.max_bytes
                )
            except NotFoundError:
                notes.append(f"{attachment.name} was not uploaded; attach it again.")
                continue
            except TodoError as exc:
                notes.append(f"I can't import {attachment.name}: {exc.message}")
                continue
            yield ThreadItemDoneEvent(item=WidgetItem(
                id=new_id(),
                thread_id=thread.id,
                created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
                widget=preview_widget(preview, stored),
                copy_text=f"{preview.question} ({stored.name})",
            ))
            notes.append(f"{preview.question} Nothing is added until you press Import.")
        yield " ".join(notes) or "There was no file to import."

    async def act(
        self, action: Action[str, Any], sender: WidgetItem | None, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent | str]:
        """``import.confirm``: import the attachment (progress events, then the widget replaced
        and the reply text); ``import.cancel``: the widget replaced, nothing imported. A preview
        already settled (a second click, a replayed action) changes nothing.

        Raises:
            ValidationError: a malformed action payload.
        """
        attachment_id, fmt = check_import_action(action)
        if not is_open(sender):
            yield "That import was already settled; nothing changed."
            return
        assert sender is not None
        if action.type == "import.cancel":
            yield ThreadItemReplacedEvent(item=settled_widget(sender, "Import cancelled"))
            yield "Cancelled: nothing was imported."
            return
        # the journal records the import under this key: a confirm replayed after a crash that
        # lost the widget's new state finds the import done and does not add the tasks again
        context = dataclasses.replace(context, turn=f"import:{attachment_id}")
        earlier = [e for e in await self.service.turn_changes(context, context.turn or "") if e.action == "import"]
        if earlier:
            yield ThreadItemReplacedEvent(item=settled_widget(sender, "Imported"))
            yield f"That file was imported already (change {earlier[-1].id}); nothing changed."
            return
        try:
            stored, data = await self.files.read(attachment_id, context)
        except NotFoundError:
            yield "That file is no longer attached; nothing was imported."
            return
        progress: asyncio.Queue[tuple[int, int]] = asyncio.Queue()

        async def report(done: int, total: int) -> None:
            progress.put_nowait((done, total))

        yield ProgressUpdateEvent(icon="document", text=f"Importing {stored.name}…")
        job = asyncio.ensure_future(
            self.service.import_file(context, data, fmt, name=stored.name, max_bytes=self.max_bytes, progress=report)
        )
        try:
            while not job.done() or not progress.empty():
                getter = asyncio.ensure_future(progress.get())
                await asyncio.wait({job, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    done, total = getter.result()
                    yield ProgressUpdateEvent(icon="document", text=f"Adding tasks: {done} of {total}")
                else:
                    getter.cancel()
            result = job.result()
        except TodoError as exc:
            yield ThreadItemReplacedEvent(item=settled_widget(sender, "Import failed"))
            yield f"Nothing was imported: {exc.message}"
            return
        finally:
            if not job.done():
                job.cancel()
        text = import_done(result.tasks, result.numbers[0] if result.numbers else None, result.numbers[-1] if result.numbers else None)
        yield ThreadItemReplacedEvent(item=settled_widget(sender, f"Imported {result.tasks} tasks"))
        yield text
