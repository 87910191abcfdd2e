"""The header's unread count: one indexed COUNT, only when a page shows it, once per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minsheng.notifications.models import Notification

_CACHE = "_minsheng_unread"


def unread_count(request: HttpRequest) -> int:
    cached = getattr(request, _CACHE, None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = Notification.objects.for_user(user).unread().count() if user is not None else 0
        setattr(request, _CACHE, cached)
    return cached


def forget(request: HttpRequest) -> None:
    if hasattr(request, _CACHE):
        delattr(request, _CACHE)


class _Lazy:
    """Counted when the template first reads it (pages without a header never ask)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __int__(self) -> int:
        return unread_count(self.request)

    def __str__(self) -> str:
        return str(int(self))

    def __bool__(self) -> bool:
        return int(self) > 0

    def __eq__(self, other: object) -> bool:
        return int(self) == other

    def __hash__(self) -> int:
        return hash(int(self))

    def __gt__(self, other: Any) -> bool:
        return int(self) > other


def unread(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": _Lazy(request)}
