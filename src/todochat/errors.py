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
    """A bulk delete needs an explicit confirmation; ``would_delete`` lists what it would remove."""

    code = "confirmation_required"
    status = 409

    def __init__(self, message: str, *, would_delete: list[dict[str, Any]]) -> None:
        super().__init__(message, would_delete=would_delete)
        self.would_delete = would_delete


class NothingToUndo(TodoError):
    """There is no change left to undo (within the undo window). Nothing changed."""

    code = "nothing_to_undo"
    status = 409


class NothingToRedo(TodoError):
    """There is no undone change to redo (a new change after an undo clears the redo stack).
    Nothing changed."""

    code = "nothing_to_redo"
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
