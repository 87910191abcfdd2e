"""The ledger's notifications, in one place: who hears of a change request and its decision
(events, from `ledger_changed`), and the reminders of items due soon and overdue (one query
each, as every reminder kind). A new ledger reminder is one more `@reminder` here."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minsheng.ledger.actions import ledger_changed
from minsheng.ledger.actions_teams import rectification_changed
from minsheng.ledger.models import ChangeRequest, LedgerItem, running_q
from minsheng.ledger.models_teams import Rectification, open_q
from minsheng.notifications import delivery
from minsheng.notifications.delivery import Draft
from minsheng.notifications.events import UNIT_PEOPLE, _quiet
from minsheng.notifications.kinds import Kind, declare
from minsheng.notifications.reminders import Window, reminder
from minsheng.people.models import Role

log = logging.getLogger(__name__)


def _link(item_id: int) -> str:
    return reverse("ledger:detail", args=[item_id])


def _subject(item_id: int) -> tuple[int, int]:
    return ContentType.objects.get_for_model(LedgerItem).pk, item_id


# --- events ------------------------------------------------------------------------------------

CHANGE_REQUESTED = declare(
    Kind(
        "ledger_change_requested",
        _("Ledger change to approve"),
        _("Change to approve: %(title)s"),
        _("%(by)s asks to change “%(title)s”: %(reason)s"),
        _("the item's owner at the congress"),
    )
)
CHANGE_DECIDED = declare(
    Kind(
        "ledger_change_decided",
        _("Ledger change decided"),
        _("Change approved: %(title)s"),
        _("Your change of “%(title)s” was approved and applied."),
        _("who asked for the change"),
        variants=(
            (
                "rejected",
                _("Change rejected: %(title)s"),
                _("Your change of “%(title)s” was rejected: %(note)s"),
            ),
        ),
    )
)


def _change_requested(item: LedgerItem, event: Any) -> list[Draft]:
    if item.owner_id == event.actor_id:
        return []
    return [
        Draft(
            recipient_id=item.owner_id,
            kind=CHANGE_REQUESTED.name,
            key=f"{CHANGE_REQUESTED.name}:e{event.pk}",
            params={
                "title": item.title,
                "by": event.actor.display_name if event.actor else "",
                "reason": event.note[:200],
            },
            link=_link(item.pk),
            subject=_subject(item.pk),
        )
    ]


def _change_decided(item: LedgerItem, event: Any) -> list[Draft]:
    row = ChangeRequest.objects.filter(pk=event.data.get("request")).first()
    if row is None or row.requested_by_id == event.actor_id:
        return []
    variant = "rejected" if event.action == "reject_change" else ""
    return [
        Draft(
            recipient_id=row.requested_by_id,
            kind=CHANGE_DECIDED.name,
            key=f"{CHANGE_DECIDED.name}:e{event.pk}",
            params={"title": item.title, "note": event.note[:200], "variant": variant},
            link=_link(item.pk),
            subject=_subject(item.pk),
        )
    ]


HANDLERS: dict[str, Callable[[LedgerItem, Any], list[Draft]]] = {
    "request_change": _change_requested,
    "approve_change": _change_decided,
    "reject_change": _change_decided,
}


@receiver(ledger_changed, dispatch_uid="notifications.on_ledger_changed")
def on_ledger_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    handler = HANDLERS.get(event.action)
    if _quiet.get() or handler is None or not isinstance(obj, LedgerItem):
        return
    try:
        delivery.record(handler(obj, event))
    except Exception:  # noqa: BLE001 - the action committed; a lost message must not undo it
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)


# --- reminders ---------------------------------------------------------------------------------


def _per_unit_person(qs: QuerySet[LedgerItem], *fields: str) -> list[dict[str, Any]]:
    """Each item of `qs` once per clerk/head of its responsible unit: one query with a join."""
    return list(
        qs.filter(
            responsible_unit__roles__kind__in=list(UNIT_PEOPLE),
            responsible_unit__roles__is_active=True,
        )
        .values(
            "pk",
            "title",
            "due",
            "responsible_unit__name",
            "responsible_unit__roles__user_id",
            *fields,
        )
        .order_by("due", "pk", "responsible_unit__roles__user_id")
    )


def _draft(kind: Kind, row: dict[str, Any], day: datetime.date, **more: Any) -> Draft:
    params = {
        "title": row["title"],
        "unit": row["responsible_unit__name"],
        "due_date": row["due"],
        **more,
    }
    return Draft(
        recipient_id=row["responsible_unit__roles__user_id"],
        kind=kind.name,
        key=f"{kind.name}:l{row['pk']}:{day.isoformat()}",
        params={
            k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()
        },
        link=_link(row["pk"]),
        subject=_subject(row["pk"]),
    )


@reminder(
    Kind(
        "ledger_due_soon",
        _("Ledger deadline soon"),
        _("Due %(due_date)s: %(title)s"),
        _("“%(title)s” of %(unit)s has its next deadline on %(due_date)s (yellow warning)."),
        _("clerks and heads of the item's responsible unit, when its warning turns yellow"),
        reminder=True,
    )
)
def ledger_due_soon(w: Window) -> list[Draft]:
    qs = LedgerItem.objects.filter(running_q(), warn_from__in=w.days, due__gte=w.today).exclude(
        kind=LedgerItem.Kind.COMMITMENT  # commitments have their own reminders
    )
    return [
        _draft(ledger_due_soon.kind, row, row["warn_from"])
        for row in _per_unit_person(qs, "warn_from")
    ]


@reminder(
    Kind(
        "ledger_lagging",
        _("Ledger item lagging"),
        _("Lagging: %(title)s"),
        _(
            "“%(title)s” of %(unit)s missed its deadline of %(due_date)s and is %(days)s days "
            "behind; report its progress or ask for a change."
        ),
        _("clerks and heads of the item's responsible unit, the day after and then weekly"),
        reminder=True,
    )
)
def ledger_lagging(w: Window) -> list[Draft]:
    qs = LedgerItem.objects.filter(running_q() & Q(due__in=w.weekly(1))).exclude(
        kind=LedgerItem.Kind.COMMITMENT  # commitments have their own reminders
    )
    drafts = []
    for row in _per_unit_person(qs):
        day = w.weekly_trigger(row["due"], 1)
        drafts.append(_draft(ledger_lagging.kind, row, day, days=(day - row["due"]).days))
    return drafts


# --- supervision teams' rectifications (整改) ---------------------------------------------------

RECTIFICATION_ASSIGNED = declare(
    Kind(
        "rectification_assigned",
        _("Rectification assigned"),
        _("To rectify by %(due_date)s: %(title)s"),
        _(
            "%(team)s found a problem in “%(title)s” for %(unit)s to fix by %(due_date)s: "
            "%(problem)s"
        ),
        _("clerks and heads of the rectification's owner unit"),
    )
)


def _rect_link(pk: int) -> str:
    return reverse("ledger:rectification", args=[pk])


def _rect_subject(pk: int) -> tuple[int, int]:
    return ContentType.objects.get_for_model(Rectification).pk, pk


@receiver(rectification_changed, dispatch_uid="notifications.on_rectification_changed")
def on_rectification_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or event.action != "create" or not isinstance(obj, Rectification):
        return
    try:
        people = Role.objects.filter(
            organisation_id=obj.owner_unit_id, kind__in=list(UNIT_PEOPLE), is_active=True
        ).values_list("user_id", flat=True)
        delivery.record(
            [
                Draft(
                    recipient_id=user_id,
                    kind=RECTIFICATION_ASSIGNED.name,
                    key=f"{RECTIFICATION_ASSIGNED.name}:e{event.pk}:u{user_id}",
                    params={
                        "title": obj.item.title,
                        "team": obj.team.name,
                        "unit": obj.owner_unit.name,
                        "due_date": obj.due.isoformat(),
                        "problem": obj.problem[:200],
                    },
                    link=_rect_link(obj.pk),
                    subject=_rect_subject(obj.pk),
                )
                for user_id in sorted(set(people))
                if user_id != event.actor_id
            ]
        )
    except Exception:  # noqa: BLE001 - the inspection committed; a lost message must not undo it
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)


def _per_owner_person(qs: QuerySet[Rectification], *fields: str) -> list[dict[str, Any]]:
    """Each rectification of `qs` once per clerk/head of its owner unit: one query."""
    return list(
        qs.filter(owner_unit__roles__kind__in=list(UNIT_PEOPLE), owner_unit__roles__is_active=True)
        .values(
            "pk", "item__title", "due", "owner_unit__name", "owner_unit__roles__user_id", *fields
        )
        .order_by("due", "pk", "owner_unit__roles__user_id")
    )


def _rect_draft(kind: Kind, row: dict[str, Any], day: datetime.date, **more: Any) -> Draft:
    params = {
        "title": row["item__title"],
        "unit": row["owner_unit__name"],
        "due_date": row["due"].isoformat(),
        **more,
    }
    return Draft(
        recipient_id=row["owner_unit__roles__user_id"],
        kind=kind.name,
        key=f"{kind.name}:r{row['pk']}:{day.isoformat()}",
        params=params,
        link=_rect_link(row["pk"]),
        subject=_rect_subject(row["pk"]),
    )


@reminder(
    Kind(
        "rectification_due_soon",
        _("Rectification due soon"),
        _("Rectify by %(due_date)s: %(title)s"),
        _("A rectification of %(unit)s on “%(title)s” is due on %(due_date)s (yellow warning)."),
        _("clerks and heads of the owner unit, when the rectification's warning turns yellow"),
        reminder=True,
    )
)
def rectification_due_soon(w: Window) -> list[Draft]:
    qs = Rectification.objects.filter(
        open_q(), ~Q(state=Rectification.State.REPORTED), warn_from__in=w.days, due__gte=w.today
    )
    return [
        _rect_draft(rectification_due_soon.kind, row, row["warn_from"])
        for row in _per_owner_person(qs, "warn_from")
    ]


@reminder(
    Kind(
        "rectification_overdue",
        _("Rectification overdue"),
        _("Rectification overdue: %(title)s"),
        _(
            "A rectification of %(unit)s on “%(title)s” was due on %(due_date)s and is "
            "%(days)s days overdue; report what was fixed."
        ),
        _("clerks and heads of the owner unit, the day after the due date and then weekly"),
        reminder=True,
    )
)
def rectification_overdue(w: Window) -> list[Draft]:
    qs = Rectification.objects.filter(
        open_q(), ~Q(state=Rectification.State.REPORTED), due__in=w.weekly(1)
    )
    drafts = []
    for row in _per_owner_person(qs):
        day = w.weekly_trigger(row["due"], 1)
        drafts.append(
            _rect_draft(rectification_overdue.kind, row, day, days=(day - row["due"]).days)
        )
    return drafts
