"""The agent's reminder-channel tool ("send my reminders to ntfy topic alice-phone"). It translates
and calls ``todochat.notify.preferences``; the user is the run context's, never an argument, and
no argument can be a URL (the ntfy server and SMTP relay are the operator's)."""

from __future__ import annotations

from typing import Any

from agents import FunctionTool, function_tool

from todochat.agent.tools import Ctx, _guard
from todochat.notify import preferences
from todochat.notify.models import UserChannel


@function_tool
async def set_reminder_channel(
    ctx: Ctx,
    channel: UserChannel,
    address: str | None = None,
    enabled: bool = True,
) -> str:
    """Choose where the user's reminders are sent (the chat page always shows them too).

    Args:
        channel: page (this page), webpush (browser push notifications), ntfy (the ntfy phone app) or email.
        address: For ntfy the topic name (letters, digits, - and _), for email the address; none for page/webpush. Never a URL.
        enabled: false turns the channel off.
    """
    arguments: dict[str, Any] = {"channel": channel, "enabled": enabled, **({"address": address} if address else {})}

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        chosen = await preferences.set_channel(
            ctx.context.service.sessionmaker, request.user_id, request.now(), channel, enabled=enabled, address=address
        )
        ctx.context.remember(pending=None)
        return {"reminder_channels": chosen.as_dict()}

    return await _guard(ctx, "set_reminder_channel", arguments, call)


NOTIFY_TOOLS: list[FunctionTool] = [set_reminder_channel]
