"""/api/v1/notifications: the caller's own inbox and notification preferences.

Every handler reads `Notification.objects.for_user(caller)`: another person's notification is
a 404, never a 403, so ids reveal nothing. Preferences go through the same rules as the page
(`minsheng.notifications.preferences`).
"""

import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import model_validator
from pydantic_core import PydanticCustomError

from minsheng.api.schemas import ERRORS, CleanStr, Id
from minsheng.api.suggestions import MAX_ID, Pages, _user
from minsheng.notifications import channels as ch
from minsheng.notifications import preferences
from minsheng.notifications.kinds import choosable
from minsheng.notifications.kinds import render as render_kind
from minsheng.notifications.models import Notification, NotificationQuerySet

router = Router(tags=["notifications"])

# Known when the URLconf loads (the apps have declared their kinds by then).
KindName = Literal[tuple(k.name for k in choosable())]  # type: ignore[valid-type]
ChannelName = Literal[tuple(ch.EXTERNAL)]  # type: ignore[valid-type]
Webhook = Annotated[CleanStr, Field(max_length=300)]


class NotificationItem(Schema):
    id: int
    kind: str
    title: str = Field(description="In the caller's language.")
    body: str
    link: str = Field(description="The page on the site it is about (a path).")
    suggestion_id: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    is_read: bool

    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return render_kind(obj.kind, obj.params, (obj.title, obj.body))[0]

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return render_kind(obj.kind, obj.params, (obj.title, obj.body))[1]

    @staticmethod
    def resolve_is_read(obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only the unread ones.")


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")


class KindOut(Schema):
    name: str
    label: str
    audience: str
    reminder: bool


class PreferencesOut(Schema):
    muted_kinds: list[str] = Field(description="Kinds the caller does not want at all.")
    channels: list[str] = Field(
        description="Channels besides the inbox: email, sms, wecom, dingtalk."
    )
    digest: bool = Field(
        description="One daily digest on those channels instead of single messages."
    )
    wecom_webhook: str
    dingtalk_webhook: str
    kinds: list[KindOut] = Field(description="Every kind there is, for choosing.")


class PreferencesIn(Schema):
    muted_kinds: list[KindName] = Field(default_factory=list, max_length=100)  # type: ignore[valid-type]
    channels: list[ChannelName] = Field(default_factory=list, max_length=10)  # type: ignore[valid-type]
    digest: bool = False
    wecom_webhook: Webhook = ""
    dingtalk_webhook: Webhook = ""

    @model_validator(mode="after")
    def _rules(self) -> "PreferencesIn":
        found = preferences.problems(self.choices())
        if found:
            raise PydanticCustomError(
                "preferences", "; ".join(f"{name}: {text}" for name, text in found.items())
            )
        return self

    def choices(self) -> preferences.Choices:
        return preferences.Choices(
            muted_kinds=list(self.muted_kinds),
            channels=list(self.channels),
            digest=self.digest,
            wecom_webhook=self.wecom_webhook.strip(),
            dingtalk_webhook=self.dingtalk_webhook.strip(),
        )


def _mine(request: HttpRequest) -> NotificationQuerySet:
    return Notification.objects.for_user(_user(request))


def _preferences_out(user: Any) -> dict[str, Any]:
    current = preferences.current(user)
    return {
        "muted_kinds": current.muted_kinds,
        "channels": current.channels,
        "digest": current.digest,
        "wecom_webhook": current.wecom_webhook,
        "dingtalk_webhook": current.dingtalk_webhook,
        "kinds": [
            {
                "name": k.name,
                "label": str(k.label),
                "audience": str(k.audience),
                "reminder": k.reminder,
            }
            for k in choosable()
        ],
    }


@router.get(
    "",
    response={200: list[NotificationItem], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List your notifications, newest first",
    description="Only the caller's own. `?unread=true` for the unread ones. Paginated: "
    "`?page=2&page_size=50` (default 50, at most 200); the answer is "
    '`{"items": [...], "count": N}`.',
    operation_id="list_notifications",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilters]
) -> QuerySet[Notification]:
    qs = _mine(request)
    if filters.unread:
        qs = qs.unread()
    elif filters.unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


@router.get(
    "/unread-count",
    response={200: UnreadOut, 401: ERRORS[401]},
    summary="How many of your notifications are unread",
    operation_id="unread_notifications_count",
)
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": _mine(request).unread().count()}


@router.post(
    "/read-all",
    response={200: MarkedOut, 401: ERRORS[401], 403: ERRORS[403]},
    summary="Mark all your notifications as read",
    operation_id="mark_all_notifications_read",
)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": _mine(request).unread().update(read_at=timezone.now())}


@router.post(
    "/{notification_id}/read",
    response={
        200: NotificationItem,
        401: ERRORS[401],
        403: ERRORS[403],
        404: ERRORS[404],
        422: ERRORS[422],
    },
    summary="Mark one of your notifications as read",
    description="Another person's notification is not found (404).",
    operation_id="mark_notification_read",
)
def mark_read(request: HttpRequest, notification_id: Id) -> Notification:
    if not 0 < notification_id <= MAX_ID:
        raise Http404
    qs = _mine(request)
    qs.filter(pk=notification_id, read_at__isnull=True).update(read_at=timezone.now())
    found = qs.filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/preferences",
    response={200: PreferencesOut, 401: ERRORS[401]},
    summary="Your notification preferences",
    operation_id="get_notification_preferences",
)
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    return _preferences_out(_user(request))


@router.put(
    "/preferences",
    response={
        200: PreferencesOut,
        400: ERRORS[400],
        401: ERRORS[401],
        403: ERRORS[403],
        422: ERRORS[422],
    },
    summary="Replace your notification preferences",
    description="Fields left out take their defaults (nothing muted, no channel but the inbox, "
    "no digest). A WeCom or DingTalk channel needs its robot address, which must be that "
    "messenger's robot endpoint.",
    operation_id="update_notification_preferences",
)
def update_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    user = _user(request)
    preferences.save(user, payload.choices())
    return _preferences_out(user)
