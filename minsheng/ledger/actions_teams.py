"""The rectifications' actions (整改), each declared once on the shared engine: the owner unit
reports what was fixed (with evidence), the team's leader or staff accept it (closed) or send
it back with a reason (reopened). The typed functions are in `workflow_teams.py`; recording an
inspection with its findings, which creates the rectifications, is
`workflow_teams.record_inspection` (there is no record to act on yet)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.audit import log as audit_log
from minsheng.engine.actions import Action, Attempt, Registry, Words
from minsheng.engine.inputs import Check, Day, Text
from minsheng.ledger import permissions_teams as perms
from minsheng.ledger.actions import EVIDENCE, ITEMS
from minsheng.ledger.models_teams import Rectification

S = Rectification.State
STAFF, LEADER, OWNER_UNIT = perms.STAFF, perms.LEADER, perms.OWNER_UNIT

Try = Attempt[Any]

# Sent after a rectification's event commits: receivers (notifications) get it and the event.
rectification_changed = Signal()


def today() -> datetime.date:
    return timezone.localdate()


def _notify(obj: Any, event: Any) -> None:
    rectification_changed.send(sender=type(obj), obj=obj, event=event)


def _lock(pk: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("team", "item", "owner_unit")
        .get(pk=pk)
    )


RECTIFICATIONS: Registry[Rectification] = Registry(
    model=Rectification,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock,
    other_events={"create": gettext_lazy("Found at an inspection: to rectify")},
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this rectification."),
        stale=gettext_lazy(
            "Someone else changed this rectification while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the rectification is “%(state)s”."),
    ),
)

# What the ledger item's own history says of its team's work (events logged on the item
# without bumping its version, as supervision does on a suggestion).
ITEMS.other_events.update(
    {
        "team_inspection": gettext_lazy("Inspected by a supervision team"),
        "rectification_closed": gettext_lazy("A rectification was accepted and closed"),
        "rectification_reopened": gettext_lazy("A rectification was sent back"),
    }
)


def _fixed_on(values: Mapping[str, Any], attempt: Try) -> str | None:
    day = values.get("on")
    if day is None:
        return None
    if day > today():
        return str(_("The date cannot be in the future."))
    if day < attempt.obj.inspection.on:
        return str(
            _("The inspection was on %(day)s; the fix cannot be dated before it.")
            % {"day": attempt.obj.inspection.on.isoformat()}
        )
    return None


ACCEPTS = frozenset({LEADER, STAFF})

RECTIFICATIONS.declare(
    Action(
        "report",
        sources=frozenset({S.OPEN, S.REOPENED}),
        target=S.REPORTED,
        who=frozenset({OWNER_UNIT}),
        label=gettext_lazy("Report the rectification"),
        done=gettext_lazy("Rectification reported"),
        summary="The owner unit reports what was fixed, with evidence",
        inputs=(
            Day("on", label=gettext_lazy("Fixed on"), initial=lambda t: today()),
            Text(
                "report",
                label=gettext_lazy("What was fixed"),
                rows=4,
                blank=gettext_lazy("Say what was done to fix the problem."),
            ),
            EVIDENCE,
        ),
        checks=(Check("on", _fixed_on),),
    ),
    Action(
        "close",
        sources=frozenset({S.REPORTED}),
        target=S.CLOSED,
        who=ACCEPTS,
        label=gettext_lazy("Accept and close"),
        done=gettext_lazy("Rectification accepted and closed"),
        summary="The team leader or staff accept the reported fix: closed",
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
    Action(
        "reopen",
        sources=frozenset({S.REPORTED, S.CLOSED}),
        target=S.REOPENED,
        who=ACCEPTS,
        label=gettext_lazy("Send back"),
        done=gettext_lazy("Rectification sent back"),
        summary="The team leader or staff send the rectification back, with a reason",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why it is sent back"),
                rows=2,
                blank=gettext_lazy("Say what is still not fixed."),
            ),
            Day(
                "due",
                label=gettext_lazy("New due date"),
                required=False,
                help=gettext_lazy("Leave empty to keep the due date."),
            ),
        ),
        checks=(
            Check(
                "due",
                lambda v, t: (
                    str(_("The new due date cannot be in the past."))
                    if v.get("due") is not None and v["due"] < today()
                    else None
                ),
            ),
        ),
        danger=True,
    ),
)
