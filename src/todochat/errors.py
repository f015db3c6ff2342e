"""The one error hierarchy of todochat; each front (REST, ChatKit, MCP, CLI) translates it once."""

from __future__ import annotations

from typing import Any


class TodoError(Exception):
    """Base class of every error todochat raises on purpose.

    Attributes:
        code: a short machine-readable name (``not_found``, ``validation`` ...).
        message: a sentence a person can read, safe to show to the user.
        status: the HTTP status a REST front should answer with.
    """

    code = "error"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"error": code, "message": message, **details}`` for JSON bodies and tool results."""
        return {"error": self.code, "message": self.message, **self.details}


class ValidationError(TodoError):
    """Input breaks a rule (title length, unknown priority, impossible date ...). Nothing changed."""

    code = "validation"
    status = 422

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message, field=field, **details)
        self.field = field


class Unsupported(TodoError):
    """A request this server does not offer (e.g. ChatKit attachments or transcription). Nothing changed."""

    code = "unsupported"
    status = 400


class Conflict(TodoError):
    """The request does not fit the current state (e.g. a client tool output with no tool call
    pending). Nothing changed."""

    code = "conflict"
    status = 409


class TaskNotFound(TodoError):
    """No task of this user matches the number or words given. Nothing changed."""

    code = "not_found"
    status = 404


class AmbiguousReference(TodoError):
    """Several tasks match the words given; ``candidates`` lists them. Nothing changed."""

    code = "ambiguous"
    status = 409

    def __init__(self, message: str, *, candidates: list[dict[str, Any]]) -> None:
        super().__init__(message, candidates=candidates)
        self.candidates = candidates


class ConfirmationRequired(TodoError):
    """A change of several tasks needs an explicit confirmation. Nothing changed.

    ``would_change`` lists the tasks (``{"number", "title"}``) the confirmed call would change and
    ``action`` says how (``delete``, ``complete``); a delete also carries them as ``would_delete``
    (the field the REST and MCP fronts have always answered with).
    """

    code = "confirmation_required"
    status = 409

    def __init__(
        self,
        message: str,
        *,
        would_change: list[dict[str, Any]] | None = None,
        action: str = "delete",
        would_delete: list[dict[str, Any]] | None = None,
    ) -> None:
        tasks = would_change if would_change is not None else (would_delete or [])
        details: dict[str, Any] = {"action": action, "would_change": tasks}
        if action == "delete":
            details["would_delete"] = tasks
        super().__init__(message, **details)
        self.would_change = tasks
        self.action = action

    @property
    def would_delete(self) -> list[dict[str, Any]]:
        """The tasks a confirmed delete would remove (``would_change`` of a delete; else empty)."""
        return self.would_change if self.action == "delete" else []


class NothingToUndo(TodoError):
    """There is no change left to undo (within the undo window). Nothing changed."""

    code = "nothing_to_undo"
    status = 409


class TurnInProgress(TodoError):
    """Another turn of the same ChatKit thread is still running (turns of a thread run one at a
    time, ``todochat.conversations.turns``) and did not end in time. Nothing was stored."""

    code = "turn_in_progress"
    status = 409


class NothingToRedo(TodoError):
    """There is no undone change to redo (a new change after an undo clears the redo stack).
    Nothing changed."""

    code = "nothing_to_redo"
    status = 409


class EarlierThanDue(TodoError):
    """A postpone ("push back", "delay", "snooze") would move a task earlier than its current due
    date (``current_due``, ``requested_due``). Nothing changed: ask before moving it earlier."""

    code = "earlier_than_due"
    status = 409


class AuthError(TodoError):
    """The bearer token is missing, malformed, forged or expired."""

    code = "unauthorized"
    status = 401


class Forbidden(TodoError):
    """The authenticated user may not act on this resource."""

    code = "forbidden"
    status = 403


class ConfigurationError(TodoError):
    """A setting is missing or malformed; the message names the setting."""

    code = "configuration"
    status = 501


class ReminderInPast(ValidationError):
    """A reminder's time has already passed (``fire_at``, ISO, before ``now``). Nothing changed.

    A front may ask "That time has passed — remind you now?" and on yes add a reminder one
    minute from now (tasks/reminders.py ``soon``); REST answers 422 naming the field
    (``at`` or ``before_minutes``).
    """

    code = "reminder_in_past"


class ReminderNotFound(TodoError):
    """No reminder of this user has this id (another user's reminder is not found too), or the
    task has no pending reminder. Nothing changed."""

    code = "not_found"
    status = 404


class AmbiguousReminder(AmbiguousReference):
    """The task has several pending reminders and none was named; ``candidates`` lists them as
    ``{"reminder": id, "number", "title", "fire_at"}``. Nothing changed."""

    code = "ambiguous_reminder"


class QuotaExceeded(TodoError):
    """A per-user limit is reached (``limit``: ``tasks``, ``lists``, ``threads`` or ``items_per_thread``;
    ``max``: its value; ``setting``: the environment variable that sets it). Nothing changed."""

    code = "quota_exceeded"
    status = 409

    def __init__(self, message: str, *, limit: str, max: int, setting: str) -> None:
        super().__init__(message, limit=limit, max=max, setting=setting)
        self.limit = limit


class DeletionUnconfirmed(TodoError):
    """Erasing a user's data was asked without ``confirm=true``; ``would_delete`` counts the rows
    per kind (tasks, threads, ...) a confirmed call would remove. Nothing changed."""

    code = "confirmation_required"
    status = 400

    def __init__(self, message: str, *, would_delete: dict[str, int]) -> None:
        super().__init__(message, would_delete=would_delete)
        self.would_delete = would_delete


class ListNotFound(TodoError):
    """The user has no (live) list of this name (another user's list is not found too);
    ``list`` is the name, ``field`` the request field that named it. Nothing changed."""

    code = "not_found"
    status = 404


class ImportFileError(ValidationError):
    """An import file cannot be read: not text, not UTF-8, malformed for its format, a field that
    breaks a task rule, a spreadsheet formula cell. ``line`` (when known) is the line or record
    the message names; ``field`` is ``file``. A file above the size limit has ``status`` 413
    (code ``payload_too_large``). Nothing was imported."""

    code = "import_file"

    def __init__(self, message: str, *, line: int | None = None, too_large: bool = False, **details: Any) -> None:
        super().__init__(message, field="file", line=line, **details)
        self.line = line
        if too_large:
            self.code = "payload_too_large"
            self.status = 413


class AttachmentRefused(TodoError):
    """An attachment this server does not keep: a type outside the allow-list, or larger than the
    size limit (``status`` 413). Nothing was stored."""

    code = "attachment_refused"
    status = 422


class AudioRefused(TodoError):
    """A recording this server does not send for transcription: a type outside the transcription
    API's list, empty, not base64, or larger than ``TODOCHAT_TRANSCRIBE_MAX_BYTES`` (``status`` 413).
    Nothing was sent or stored."""

    code = "audio_refused"
    status = 422


class TranscriptionFailed(TodoError):
    """The transcription API did not transcribe: unreachable, timed out (``status`` 504), refused
    the key, or failed (5xx). Nothing was stored; the person may try again."""

    code = "transcription_failed"
    status = 502


class TooManyStreams(TodoError):
    """The user already holds as many open event streams as one replica allows
    (``TODOCHAT_EVENTS_MAX_STREAMS``); ``max`` says how many. Nothing opened."""

    code = "too_many_streams"
    status = 429
