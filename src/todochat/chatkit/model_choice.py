"""The model a message is answered by (ChatKit ``inference_options.model``; the pages' model picker).

The deployment offers models (``TODOCHAT_MODELS``, :meth:`todochat.config.Settings.offered_models`);
each message may name one of them, and only that message's turn runs on it — the next message without
a choice gets the default (``TODOCHAT_MODEL``). The choice picks a model and nothing else: identity
and everything the tools may touch still come from the request context. A message naming a model that
is not offered is refused with a ChatKit error event before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agents import Model
from chatkit.types import ThreadItem, UserMessageInput, UserMessageItem

from todochat.config import ModelChoice
from todochat.errors import ValidationError

FIELD = "inference_options.model"


def chosen_model(message: UserMessageInput | UserMessageItem) -> str | None:
    """The model id a message names in ``inference_options.model``, or None."""
    options = message.inference_options
    return options.model if options is not None and options.model else None


@dataclass(frozen=True)
class ModelChoices:
    """The offered models and the Agents SDK model behind each.

    Attributes:
        offered: the picker's options, in order (exactly one is the default).
        models: ``{id: model}`` for every offered id.
    """

    offered: tuple[ModelChoice, ...]
    models: dict[str, Model]

    @classmethod
    def single(cls, model: Model, model_id: str = "builtin") -> ModelChoices:
        """Only ``model`` offered (as ``model_id``): a server built without a model list."""
        return cls((ModelChoice(id=model_id, default=True),), {model_id: model})

    @property
    def default_id(self) -> str:
        """The id of the default model."""
        return next(choice.id for choice in self.offered if choice.default)

    def check(self, model_id: str | None) -> None:
        """Refuse a model id that is not offered (None: the default, always fine).

        Raises:
            ValidationError: ``model_id`` is not offered (field ``inference_options.model``); the
                message names the offered ids.
        """
        if model_id is not None and model_id not in self.models:
            names = ", ".join(choice.id for choice in self.offered)
            raise ValidationError(
                f"This server does not offer the model {model_id[:100]!r}; choose one of: {names}. Nothing was sent.",
                field=FIELD,
            )

    def for_turn(self, items: Sequence[ThreadItem]) -> Model:
        """The model of a turn whose history is ``items``: the one its last user message chose
        (a typed or clicked answer to a question runs on the model of the message that asked), else
        the default.

        Raises:
            ValidationError: that message named a model no longer offered (a retry after the
                operator changed ``TODOCHAT_MODELS``).
        """
        message = next((item for item in reversed(items) if isinstance(item, UserMessageItem)), None)
        model_id = chosen_model(message) if message is not None else None
        self.check(model_id)
        return self.models[model_id or self.default_id]


__all__ = ["FIELD", "ModelChoices", "chosen_model"]
