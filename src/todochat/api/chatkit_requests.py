"""Checks of a parsed ChatKit request at the HTTP boundary, before anything is stored or streamed.

Every request type chatkit 1.6.5 defines is either checked here and left to the ChatKit server,
or refused with a 4xx JSON error: the SDK raises ``ValueError``/``NotImplementedError`` (HTTP
500) for several of them, and some of those (an ``input_tag`` part) are stored first and then
break every later turn of the thread.
"""

from __future__ import annotations

from typing import Any

from chatkit.store import NotFoundError, Store
from chatkit.types import (
    AttachmentsCreateReq,
    AttachmentsDeleteReq,
    ChatKitReq,
    ClientToolCallItem,
    InputTranscribeReq,
    ItemsFeedbackReq,
    ItemsListReq,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadsUpdateReq,
    UserMessageInput,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
)

from todochat.chatkit.composer_tools import check_tool_choice
from todochat.chatkit.entities import tag_number
from todochat.chatkit.imports import IMPORT_ACTIONS, check_import_action
from todochat.chatkit.questions import check_request as check_answer
from todochat.chatkit.server import check_action
from todochat.context import RequestContext
from todochat.errors import Conflict, Unsupported, ValidationError
from todochat.tasks.mentions import check_tags
from todochat.tasks.models import TITLE_MAX
from todochat.tasks.rules import check_number, check_text
from todochat.tasks.service import TaskService

THREAD_TITLE_MAX = 200
CONTENT_PARTS_MAX = 50
FEEDBACK_ITEMS_MAX = 100
PAGE_LIMIT_MAX = 1000
CHECKED = (
    ThreadsCreateReq, ThreadsAddUserMessageReq, ThreadsAddClientToolOutputReq, ThreadsAddStructuredInputReq,
    ThreadsRetryAfterItemReq, ThreadsCustomActionReq, ThreadsGetByIdReq, ThreadsListReq, ItemsListReq,
    ItemsFeedbackReq, ThreadsUpdateReq, ThreadsDeleteReq, AttachmentsCreateReq, AttachmentsDeleteReq,
    ThreadsSyncCustomActionReq,
    InputTranscribeReq,  # when voice is configured; checked by api/voice.py check_voice
)
"""Request types the server answers (after the checks below)."""
ATTACHMENTS_MAX = 5
"""Attachments one message may carry."""
REFUSED: dict[type[Any], str] = {
}
"""Request types refused with 400 ``unsupported``."""


async def check_request(
    request: ChatKitReq,
    store: Store[RequestContext],
    context: RequestContext,
    *,
    max_message_chars: int,
    service: TaskService | None = None,
) -> None:
    """Refuse a request the server cannot answer, before anything is stored.

    Args:
        request: the parsed request (any of chatkit 1.6.5's 16 types).
        store: the user's ChatKit store (for the items a request names).
        context: the request context (user from the token).
        max_message_chars: the message limit (``TODOCHAT_MAX_MESSAGE_CHARS``), also for ``quoted_text``.
        service: the task service, to check a message's task tags (``input_tag``); None: tags are refused.

    Raises:
        Unsupported: an import action sent as a sync action (400); transcription when voice is off
            (api/voice.py).
        ValidationError: a message, title, action or page limit out of its rules, or a task tag
            that names no live task of the user (422, field ``input``).
        Conflict: a client tool output with no tool call pending (409).
        chatkit.store.NotFoundError: a thread or item the request names is not the user's (404).
    """
    refused = REFUSED.get(type(request))
    if refused:
        raise Unsupported(refused, type=request.type)
    if isinstance(request, (ThreadsCreateReq, ThreadsAddUserMessageReq)):
        check_input(request.params.input, max_message_chars)
        await check_message_tags(request.params.input, service, context)
    elif isinstance(request, ThreadsUpdateReq):
        title = " ".join(check_text(request.params.title, "title").split())
        if not 1 <= len(title) <= THREAD_TITLE_MAX:
            raise ValidationError(f"A thread title is 1 to {THREAD_TITLE_MAX} characters.", field="title")
    elif isinstance(request, (ThreadsListReq, ItemsListReq)):
        limit = request.params.limit
        if limit is not None and not 1 <= limit <= PAGE_LIMIT_MAX:
            raise ValidationError(f"limit is 1 to {PAGE_LIMIT_MAX}.", field="limit")
    elif isinstance(request, ItemsFeedbackReq):
        if not 1 <= len(request.params.item_ids) <= FEEDBACK_ITEMS_MAX:
            raise ValidationError(f"Give feedback on 1 to {FEEDBACK_ITEMS_MAX} items.", field="item_ids")
    elif isinstance(request, ThreadsCustomActionReq):
        if request.params.action.type in IMPORT_ACTIONS:
            check_import_action(request.params.action)
        else:
            check_action(request.params.action)
    elif isinstance(request, ThreadsSyncCustomActionReq):
        check_sync_action(request)
    elif isinstance(request, AttachmentsDeleteReq) and len(request.params.attachment_id) > 64:
        raise NotFoundError("Attachment not found")
    if isinstance(request, (ThreadsCreateReq, ThreadsAddUserMessageReq)):
        await check_attachments(request.params.input, store, context)
    await check_items(request, store, context)


def check_sync_action(request: ThreadsSyncCustomActionReq) -> None:
    """A ``threads.sync_custom_action`` (a widget button answered as one item update, no stream):
    a task row's button or the list toggle (``check_action``) from a widget item (``item_id``).

    Raises:
        Unsupported: an import action (those answer with messages: ``threads.custom_action``).
        ValidationError: no ``item_id``, an unknown action or a malformed payload.
    """
    action = request.params.action
    if action.type in IMPORT_ACTIONS:
        raise Unsupported("Import actions run as threads.custom_action on this server.", type=request.type)
    if not request.params.item_id:
        raise ValidationError("A widget action names its widget item (item_id).", field="item_id")
    check_action(action)


async def check_attachments(message: UserMessageInput, store: Store[RequestContext], context: RequestContext) -> None:
    """A message's attachments: at most :data:`ATTACHMENTS_MAX`, each the user's and uploaded.

    Raises:
        chatkit.store.NotFoundError: an attachment that is not the user's (404).
        ValidationError: too many, or one not uploaded yet (field ``attachments``).
    """
    if len(message.attachments) > ATTACHMENTS_MAX:
        raise ValidationError(f"A message has at most {ATTACHMENTS_MAX} attachments.", field="attachments")
    for attachment_id in message.attachments:
        if len(attachment_id) > 64:
            raise NotFoundError("Attachment not found")
        attachment = await store.load_attachment(attachment_id, context)
        if attachment.upload_descriptor is not None:
            raise ValidationError(f"{attachment.name} has not been uploaded yet.", field="attachments")


def check_input(message: UserMessageInput, max_message_chars: int) -> None:
    """A user message: text parts and task tags (``input_tag`` with ``data: {"number": N}``, see
    :func:`check_tag`), 1 to ``max_message_chars`` characters of text without control characters
    (empty text is fine with an attachment), and a ``quoted_text`` within the same limit.

    Raises:
        Unsupported: a content part of another type (400).
        ValidationError: empty, too long, too many parts, a control character, or a malformed
            tag (field ``input``).
    """
    if len(message.content) > CONTENT_PARTS_MAX:
        raise ValidationError(f"A message has at most {CONTENT_PARTS_MAX} parts.", field="input")
    check_tool_choice(message)  # composer tools (chatkit/composer_tools.py)
    for part in message.content:
        if isinstance(part, UserMessageTagContent):
            check_tag(part)
        elif not isinstance(part, UserMessageTextContent):
            raise Unsupported(
                f"Message parts of type {part.type!r} are not supported; send text.", field="input"
            )
        check_text(part.text, "input")
    text = "".join(part.text for part in message.content).strip()
    if not text and not message.attachments:
        raise ValidationError("The message is empty.", field="input")
    if len(text) > max_message_chars:
        raise ValidationError(
            f"The message is {len(text)} characters long; the limit is {max_message_chars}.", field="input"
        )
    quoted = message.quoted_text or ""
    check_text(quoted, "quoted_text")
    if len(quoted) > max_message_chars:
        raise ValidationError(
            f"The quoted text is {len(quoted)} characters long; the limit is {max_message_chars}.",
            field="quoted_text",
        )


def check_tag(tag: UserMessageTagContent) -> int:
    """A task tag's shape: ``data.number`` a task number, ``text`` (the title it was picked by)
    1 to ``TITLE_MAX + 1`` characters, an ``id`` of at most 200 characters; returns the number.

    Raises:
        ValidationError: no number in range, an empty or over-long text or id (field ``input``).
    """
    number = tag_number(tag)
    if number is None:
        raise ValidationError("A task tag carries its task number (data.number); pick the task again.", field="input")
    check_number(number, "input")
    if not 1 <= len(tag.text.strip()) <= TITLE_MAX + 1 or len(tag.id) > 200:
        raise ValidationError("A task tag has the task's title as its text.", field="input")
    check_text(tag.id, "input")
    return number


async def check_message_tags(message: UserMessageInput, service: TaskService | None, context: RequestContext) -> None:
    """Every task tag of ``message`` names a live task of the user (:func:`todochat.tasks.mentions.check_tags`).

    Raises:
        Unsupported: a tag while no task service is given (400).
        ValidationError: a tag naming a deleted task, another user's, or a title it does not have (422).
    """
    tags = [(check_tag(p), p.text) for p in message.content if isinstance(p, UserMessageTagContent)]
    if not tags:
        return
    if service is None:
        raise Unsupported("Task tags are not supported here; send text.", field="input")
    await check_tags(service, context, tags)


async def check_items(request: ChatKitReq, store: Store[RequestContext], context: RequestContext) -> None:
    """The thread and item a request names are the user's and of the kind it needs.

    Raises:
        chatkit.store.NotFoundError: not the user's (404).
        ValidationError: retry names a non-user-message item, structured input a non-question item
            or an answer that is not one of the question's options.
        Conflict: a client tool output while no client tool call is pending; an answer to a
            question already answered or no longer open.
    """
    thread_id = getattr(request.params, "thread_id", None)
    if not thread_id:
        return
    await store.load_thread(thread_id, context=context)
    if isinstance(request, ThreadsRetryAfterItemReq):
        item = await store.load_item(thread_id, request.params.item_id, context=context)
        if not isinstance(item, UserMessageItem):
            raise ValidationError("Retry names a user message of the thread.", field="item_id")
    elif isinstance(request, ThreadsAddStructuredInputReq):
        await check_answer(store, request.params, context)  # chatkit/questions.py
    elif isinstance(request, ThreadsAddClientToolOutputReq):
        page = await store.load_thread_items(thread_id, None, 1, "desc", context)
        last = page.data[0] if page.data else None
        if not (isinstance(last, ClientToolCallItem) and last.status == "pending"):
            raise Conflict("No client tool call is waiting for output in this thread.")
    elif isinstance(request, ThreadsCustomActionReq) and request.params.item_id:
        await store.load_item(thread_id, request.params.item_id, context=context)
    elif isinstance(request, ThreadsSyncCustomActionReq) and request.params.item_id:
        item = await store.load_item(thread_id, request.params.item_id, context=context)
        if not isinstance(item, WidgetItem):
            raise ValidationError("A widget action names a widget item.", field="item_id")


__all__ = ["CHECKED", "REFUSED", "NotFoundError", "check_input", "check_request"]
