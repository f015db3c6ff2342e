"""Reminder delivery over REST: the page's notifications, the user's channels (``PATCH /api/v1/me``),
Web Push subscriptions, the calendar feed (and the feed itself at ``/feeds/<token>.ics``), and the
service worker at ``/sw.js``. Routes translate and call ``todochat.notify``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from todochat.api.deps import CurrentContext, ServiceDep, SettingsDep
from todochat.api.routes.tasks import ErrorOut
from todochat.api.routes.web import STATIC_DIR
from todochat.errors import TaskNotFound
from todochat.notify import feed, page, preferences, webpush
from todochat.notify.channels import Senders
from todochat.notify.models import UserChannel

router = APIRouter(tags=["reminders"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
    404: {"model": ErrorOut, "description": "No such notification (of this user)"},
    422: {"model": ErrorOut, "description": "A field breaks its rule; the body names it"},
}
Short = Annotated[str, StringConstraints(max_length=320)]


def _sessionmaker(request: Request) -> Any:
    return request.app.state.sessionmaker


# ------------------------------------------------------------------ channels
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field (a URL ...) is a 422 naming it


class SwitchIn(_Strict):
    enabled: bool | None = None


class NtfyIn(_Strict):
    enabled: bool | None = None
    topic: Short | None = Field(default=None, examples=["alice-reminders"])


class EmailIn(_Strict):
    enabled: bool | None = None
    address: Short | None = Field(default=None, examples=["alice@example.com"])


class ChannelsIn(_Strict):
    """Channels to change; absent ones are kept."""

    page: SwitchIn | None = None
    webpush: SwitchIn | None = None
    ntfy: NtfyIn | None = None
    email: EmailIn | None = None


class MePatch(_Strict):
    """``PATCH /api/v1/me``: ``{"reminder_channels": {"ntfy": {"topic": "…"}, "email": {"address": "…"}}}``."""

    reminder_channels: ChannelsIn


class ChannelsOut(BaseModel):
    """The user's channels and the ones this server offers."""

    user_id: str
    reminder_channels: dict[str, dict[str, Any]]
    available_channels: list[str]


async def channels_out(request: Request, user_id: str) -> ChannelsOut:
    """The user's channels (also shown by ``GET /api/v1/me``)."""
    chosen = await preferences.get_channels(_sessionmaker(request), user_id)
    return ChannelsOut(
        user_id=user_id,
        reminder_channels=chosen.as_dict(),
        available_channels=sorted(Senders(request.app.state.settings).available()),
    )


@router.get("/api/v1/me/reminder-channels", response_model=ChannelsOut, responses=ERRORS, summary="My reminder channels")
async def get_channels(request: Request, ctx: CurrentContext) -> ChannelsOut:
    """The user's reminder channels."""
    return await channels_out(request, ctx.user_id)


@router.patch("/api/v1/me", response_model=ChannelsOut, responses=ERRORS, summary="Change my reminder channels")
async def patch_me(request: Request, ctx: CurrentContext, body: MePatch) -> ChannelsOut:
    """Switch channels and set the ntfy topic / email address (never a URL: the servers are the
    operator's). All or nothing; a bad value is a 422 naming the field."""
    changes: dict[str, dict[str, object]] = {}
    for name in get_args(UserChannel):
        given = getattr(body.reminder_channels, name)
        if given is None:
            continue
        address = given.topic if isinstance(given, NtfyIn) else given.address if isinstance(given, EmailIn) else None
        changes[name] = {"enabled": given.enabled, "address": address}
    await preferences.update_channels(_sessionmaker(request), ctx.user_id, ctx.now(), changes)
    return await channels_out(request, ctx.user_id)


# ------------------------------------------------------------------ web push
class PushKeys(_Strict):
    p256dh: Annotated[str, StringConstraints(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_=-]+$")]
    auth: Annotated[str, StringConstraints(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_=-]+$")]


class PushSubscriptionIn(BaseModel):
    """A browser's ``PushSubscription.toJSON()``."""

    model_config = ConfigDict(extra="ignore")  # browsers add expirationTime

    endpoint: Annotated[str, StringConstraints(max_length=1000)]
    keys: PushKeys


class PushKeyOut(BaseModel):
    """The VAPID public key browsers subscribe with (``applicationServerKey``)."""

    public_key: str


@router.get("/api/v1/me/push-key", response_model=PushKeyOut, responses=ERRORS, summary="Web Push public key")
async def push_key(ctx: CurrentContext, settings: SettingsDep) -> PushKeyOut:
    """The server's VAPID public key (base64url)."""
    return PushKeyOut(public_key=webpush.application_server_key(settings))


@router.post("/api/v1/me/push-subscriptions", status_code=204, responses=ERRORS, summary="Add a Web Push subscription")
async def add_push_subscription(request: Request, ctx: CurrentContext, settings: SettingsDep, body: PushSubscriptionIn) -> Response:
    """Keep this browser's push subscription; its endpoint must be on an allowed push-service
    host (``TODOCHAT_WEBPUSH_ALLOWED_HOSTS``), else 422 (field ``endpoint``)."""
    await preferences.add_push_subscription(
        _sessionmaker(request), ctx.user_id, ctx.now(), endpoint=body.endpoint, p256dh=body.keys.p256dh,
        auth=body.keys.auth, allowed_hosts=settings.webpush_allowed_hosts,
    )
    return Response(status_code=204)


class EndpointIn(_Strict):
    endpoint: Annotated[str, StringConstraints(max_length=1000)]


@router.delete("/api/v1/me/push-subscriptions", status_code=204, responses=ERRORS, summary="Remove a Web Push subscription")
async def remove_push_subscription(request: Request, ctx: CurrentContext, body: EndpointIn) -> Response:
    """Forget this browser's subscription (204 whether or not it was known)."""
    await preferences.remove_push_subscription(_sessionmaker(request), ctx.user_id, body.endpoint)
    return Response(status_code=204)


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> FileResponse:
    """The page's service worker, served from the root so its scope is the whole site."""
    return FileResponse(
        STATIC_DIR / "sw.js",
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


# ------------------------------------------------------------------ notifications
@router.get("/api/v1/notifications", response_model=list[page.DeliveryView], responses=ERRORS, summary="My reminder notifications")
async def notifications(
    request: Request, ctx: CurrentContext, unseen: bool = False, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[page.DeliveryView]:
    """The page channel: fired reminders, newest first (``unseen=true``: only those not yet shown)."""
    views = await page.deliveries(_sessionmaker(request), ctx.user_id, channel="page", unseen_only=unseen, limit=limit)
    return views


@router.get("/api/v1/reminders/deliveries", response_model=list[page.DeliveryView], responses=ERRORS, summary="My reminder deliveries")
async def my_deliveries(request: Request, ctx: CurrentContext, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[page.DeliveryView]:
    """Every channel's deliveries, newest first, with status, attempts, ``late`` and the last error
    (a delivery that gave up is ``failed``)."""
    return await page.deliveries(_sessionmaker(request), ctx.user_id, limit=limit)


NotificationId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.post("/api/v1/notifications/{notification_id}/seen", status_code=204, responses=ERRORS, summary="Dismiss a notification")
async def seen(request: Request, ctx: CurrentContext, notification_id: NotificationId) -> Response:
    """The page showed (or the user dismissed) this notification."""
    await page.mark_seen(_sessionmaker(request), ctx.user_id, notification_id, ctx.now())
    return Response(status_code=204)


class SnoozeOut(BaseModel):
    """The new reminder a snooze made."""

    task_number: int
    at: datetime


@router.post("/api/v1/notifications/{notification_id}/snooze", response_model=SnoozeOut, responses=ERRORS, summary="Snooze 10 minutes")
async def snooze(
    request: Request, ctx: CurrentContext, service: ServiceDep, notification_id: NotificationId
) -> SnoozeOut:
    """Remind again in 10 minutes (a new reminder on the same task; undoable like any change)."""
    number, at = await page.snooze(_sessionmaker(request), service, ctx, notification_id)
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake.set()
    return SnoozeOut(task_number=number, at=at)


# ------------------------------------------------------------------ calendar feed
class FeedOut(BaseModel):
    """The secret feed URL (shown once: only a hash of its token is kept)."""

    url: str


def public_url(request: Request) -> str:
    """``TODOCHAT_PUBLIC_URL`` (set by ``todochat serve`` from its host and port when unset), never
    the request's Host header."""
    settings = request.app.state.settings
    return settings.public_url or "http://127.0.0.1:8000"


@router.post("/api/v1/me/calendar-feed", response_model=FeedOut, status_code=201, responses=ERRORS, summary="Create my calendar feed")
async def create_feed(request: Request, ctx: CurrentContext) -> FeedOut:
    """A new secret iCalendar feed URL of the user's open tasks with their reminders as alarms;
    it replaces (revokes) the previous one."""
    token = await feed.create_feed(_sessionmaker(request), ctx.user_id, ctx.now())
    return FeedOut(url=feed.feed_url(public_url(request), token))


@router.delete("/api/v1/me/calendar-feed", status_code=204, responses=ERRORS, summary="Revoke my calendar feed")
async def revoke_feed(request: Request, ctx: CurrentContext) -> Response:
    """Revoke the feed URL (its token then answers 404)."""
    await feed.revoke_feed(_sessionmaker(request), ctx.user_id)
    return Response(status_code=204)


@router.get("/feeds/{token}.ics", include_in_schema=False)
async def calendar_feed(request: Request, token: Annotated[str, Path(max_length=100)]) -> Response:
    """The feed: ``text/calendar``; unknown or revoked token → 404."""
    user_id = await feed.feed_user(_sessionmaker(request), token)
    if user_id is None:
        raise TaskNotFound("There is no such calendar feed.")
    settings = request.app.state.settings
    body = await feed.render_feed(_sessionmaker(request), user_id, request.app.state.clock.now(), settings.timezone)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )
