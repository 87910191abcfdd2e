"""Demo messages: the demo replays a year of work with event notifications held off (a year of
messages to 400 generated people would bury the cast's inbox); this step then gives each demo
persona the messages of their latest events, the newest unread, and a few channel choices."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils import timezone

from minsheng.audit.models import Event
from minsheng.notifications import delivery, events
from minsheng.notifications import preferences as prefs
from minsheng.notifications.models import Notification
from minsheng.suggestions.models import Suggestion

PER_PERSON = 6
UNREAD = 3
DEMO_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-unit-group"


def during_build() -> contextlib.AbstractContextManager[None]:
    return events.quiet()


def build(ctx: Any) -> None:
    cast = {user.pk: user for user in ctx.cast.values()}
    if Notification.objects.filter(recipient_id__in=cast).exists():
        ctx.log.append("notifications: demo messages already present, none added")
        return
    wanted: dict[int, list[tuple[Any, delivery.Draft]]] = {pk: [] for pk in cast}
    recent = (
        Event.objects.filter(
            action__in=list(events.HANDLERS), suggestion__jurisdiction=ctx.province
        )
        .select_related("actor")
        .order_by("-id")[:1500]
    )
    suggestions: dict[int, Suggestion] = {}
    for event in recent:
        s = suggestions.get(event.subject_id)
        if s is None:
            s = suggestions[event.subject_id] = Suggestion.objects.select_related(
                "lead_deputy"
            ).get(pk=event.subject_id)
        for draft in events.drafts_for(s, event):
            mine = wanted.get(draft.recipient_id)
            if mine is not None and len(mine) < PER_PERSON:
                mine.append((event, draft))
        if all(len(v) >= PER_PERSON for v in wanted.values() if v is not None):
            break
    count = 0
    for items in wanted.values():
        for event, draft in reversed(items):
            count += len(delivery.record([draft], now=event.at).created)
    # The older ones have been read.
    for pk in cast:
        old = Notification.objects.filter(recipient_id=pk).order_by("-created_at", "-id")[UNREAD:]
        Notification.objects.filter(pk__in=list(old.values_list("pk", flat=True))).update(
            read_at=timezone.now()
        )
    _choices(ctx)
    ctx.log.append(f"notifications: {count} messages for the demo cast")


def _choices(ctx: Any) -> None:
    """The clerk's unit group follows its work through a WeCom robot (recorded in the demo);
    the head reads one digest a day."""
    clerk, head = ctx.cast.get("clerk"), ctx.cast.get("head")
    if clerk is not None:
        prefs.save(clerk, prefs.Choices([], ["email", "wecom"], False, DEMO_ROBOT, ""))
    if head is not None:
        prefs.save(head, prefs.Choices([], ["email", "wecom"], True, DEMO_ROBOT, ""))
