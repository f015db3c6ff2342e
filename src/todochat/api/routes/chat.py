"""The stateless chat API of the seed system: ``POST /api/{user_id}/chat`` and the history route.

A conversation here is a ChatKit thread of the same Store: it is readable and continuable
through ``/chatkit`` too, and the reverse.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.chatkit_requests import check_request
from todochat.api.deps import CurrentUser, resolve_zone
from todochat.api.routes.tasks import ErrorOut
from todochat.chatkit.server import TodoChatKitServer
from todochat.chatkit.widgets import widget_text
from todochat.client import Turn, _apply
from todochat.errors import Forbidden, ValidationError

router = APIRouter(prefix="/api", tags=["chat"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or bad token"},
    403: {"model": ErrorOut, "description": "The path's user_id is not the token's user"},
    409: {"model": ErrorOut, "description": "A quota is reached (quota_exceeded: limit, max, setting); nothing stored"},
    404: {"model": ErrorOut, "description": "No such conversation for this user"},
    422: {"model": ErrorOut, "description": "Empty or over-long message, or an unknown X-Timezone; the body names the field"},
}


class ChatRequest(BaseModel):
    """A message, in a new conversation (``conversation_id`` null) or an existing one."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it

    message: str = Field(examples=["remind me to pay rent on friday"])
    conversation_id: str | None = Field(default=None, examples=[None])


class ToolCall(BaseModel):
    """One tool the assistant called this turn."""

    tool: str
    arguments: dict[str, Any]
    result: str = Field(description="A one-line summary of the tool's result")


class ChatResponse(BaseModel):
    """The assistant's answer to one message."""

    conversation_id: str
    response: str
    tool_calls: list[ToolCall]


class Message(BaseModel):
    """One message of a conversation; widgets appear as ``role: "widget"`` with their text."""

    id: str
    role: str
    content: str
    created_at: str


def _same_user(path_user: str, token_user: str) -> None:
    if path_user != token_user:
        raise Forbidden("This token belongs to another user.")


@router.post("/{user_id}/chat", response_model=ChatResponse, responses=ERRORS, summary="Send a chat message (stateless)")
async def chat(request: Request, user_id: str, body: ChatRequest, token_user: CurrentUser) -> ChatResponse:
    """Run one turn of the same agent over the same Store as ``/chatkit``."""
    _same_user(user_id, token_user)
    server: TodoChatKitServer = request.app.state.chatkit
    context = await resolve_zone(request, token_user, language=True)
    message = {"content": [{"type": "input_text", "text": body.message}], "attachments": [], "inference_options": {}}
    if body.conversation_id:
        payload: dict[str, Any] = {"type": "threads.add_user_message", "params": {"thread_id": body.conversation_id, "input": message}}
    else:
        payload = {"type": "threads.create", "params": {"input": message}}
    parsed = server.parse(json.dumps(payload))
    await check_request(parsed, server.store, context, max_message_chars=server.max_message_chars)
    await server.check_quota(parsed, context)  # a 409 naming the limit, before anything is stored
    result = await server.process_request(parsed, context)
    turn = Turn(thread_id=body.conversation_id)
    async for chunk in result:  # type: ignore[union-attr]
        for line in chunk.decode().split("\n"):
            if line.startswith("data: "):
                _apply(turn, json.loads(line[6:]), None)
    if turn.thread_id is None:
        raise ValidationError("The conversation could not be started.")
    if turn.error and not turn.text:
        turn.text = turn.error
    recorded = context.metadata.get("tool_calls", [])
    calls = [ToolCall(**c) for c in recorded] if isinstance(recorded, list) else []
    return ChatResponse(conversation_id=turn.thread_id, response=turn.text, tool_calls=calls)


@router.get(
    "/{user_id}/conversations/{conversation_id}/messages",
    response_model=list[Message],
    responses=ERRORS,
    summary="A conversation's messages, oldest first",
)
async def messages(request: Request, user_id: str, conversation_id: str, token_user: CurrentUser) -> list[Message]:
    """Every message of the conversation (user, assistant, and widgets as text, drawn from the
    tasks as they are now: chatkit/live.py)."""
    _same_user(user_id, token_user)
    context = await resolve_zone(request, token_user)
    store = request.app.state.store
    await store.load_thread(conversation_id, context=context)
    out: list[Message] = []
    after = None
    while True:
        page = await store.load_thread_items(conversation_id, after, 100, "asc", context)
        for item in await request.app.state.chatkit.live.refresh_all(page.data, context):  # widgets as the tasks are now
            role, text = _role_text(item)
            if role:
                out.append(Message(id=item.id, role=role, content=text, created_at=item.created_at.isoformat()))
        if not page.has_more:
            return out
        after = page.after


def _role_text(item: Any) -> tuple[str | None, str]:
    kind = getattr(item, "type", None)
    if kind == "user_message":
        return "user", "".join(getattr(p, "text", "") for p in item.content)
    if kind == "assistant_message":
        return "assistant", "".join(p.text for p in item.content)
    if kind == "widget":
        return "widget", item.copy_text or widget_text(item.widget)
    return None, ""
