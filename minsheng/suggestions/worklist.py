"""The home page's worklist (待办): what each person must do now, counted, each row a link to
the items behind it. One count query per row; rows with nothing to do are left out."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.people import permissions as people
from minsheng.people.home import Panel, register
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    ContactLog,
    CoSigner,
    ExtensionRequest,
    JointOpinion,
    Reply,
    Suggestion,
    WarningColour,
    in_handling_q,
    warning_q,
)

S = Suggestion.State
A = Assignment.State
M = Assignment.Mode


@dataclass
class Todo:
    label: str
    count: int
    url: str
    tone: str = ""  # "red" or "yellow" for a light


def _deputy(user: Any, today: datetime.date) -> list[Todo]:
    pk = getattr(user, "pk", None) or 0
    mine = reverse("suggestions:mine")
    invited = CoSigner.objects.filter(
        deputy__user_id=pk,
        state=CoSigner.State.INVITED,
        suggestion__state__in=[S.DRAFT, S.RETURNED],
    ).count()
    waiting = CoSigner.objects.filter(suggestion=OuterRef("pk"), state=CoSigner.State.INVITED)
    ready = (
        Suggestion.objects.filter(lead_deputy__user_id=pk, state__in=[S.DRAFT, S.RETURNED])
        .exclude(Exists(waiting))
        .count()
    )
    rateable = Reply.objects.filter(
        suggestion=OuterRef("pk"),
        state=Reply.State.SENT,
        rating__isnull=True,
        rating_due__gte=today,
    )
    to_rate = Suggestion.objects.filter(
        Exists(rateable), lead_deputy__user_id=pk, state__in=[S.ANSWERED, S.REHANDLING]
    ).count()
    return [
        Todo(_("Invitations to co-sign"), invited, mine),
        Todo(_("Drafts ready to submit"), ready, mine),
        Todo(_("Replies to rate"), to_rate, mine),
    ]


def _unit(user: Any, today: datetime.date) -> list[Todo]:
    units = people.unit_ids(user)
    heads = people.unit_ids(user, ("head",))
    inbox = reverse("suggestions:inbox")
    mine = Assignment.objects.filter(unit_id__in=units).exclude(state=A.CANCELLED)
    answering = mine.filter(in_handling_q("suggestion__")).exclude(mode=M.JOINT)
    contact = ContactLog.objects.filter(
        assignment=OuterRef("pk"), round=OuterRef("suggestion__round")
    )
    rows = [
        Todo(
            _("To sign for"),
            mine.filter(state=A.AWAITING_SIGNATURE).count(),
            f"{inbox}?astate=awaiting_signature",
        ),
        Todo(
            _("No contact with the deputy logged yet"),
            answering.filter(state=A.SIGNED).exclude(Exists(contact)).count(),
            f"{inbox}?astate=signed",
        ),
        Todo(
            _("Replies overdue"),
            answering.filter(warning_q(WarningColour.RED, today, "suggestion__")).count(),
            f"{inbox}?due=overdue",
            "red",
        ),
        Todo(
            _("Replies due soon"),
            answering.filter(warning_q(WarningColour.YELLOW, today, "suggestion__")).count(),
            f"{inbox}?due=soon",
            "yellow",
        ),
        Todo(
            _("Re-handling"),
            answering.filter(suggestion__state=S.REHANDLING, state=A.SIGNED).count(),
            f"{inbox}?state=rehandling",
        ),
        Todo(
            _("Joint opinions to send"),
            mine.filter(mode=M.JOINT, state=A.SIGNED)
            .exclude(Exists(JointOpinion.objects.filter(assignment=OuterRef("pk"))))
            .count(),
            f"{inbox}?astate=signed",
        ),
    ]
    if heads:
        drafts = Reply.objects.filter(
            assignment__unit_id__in=heads,
            state=Reply.State.DRAFT,
            round=F("suggestion__round"),
            suggestion__state__in=[S.HANDLING, S.REHANDLING],
        ).count()
        rows.insert(0, Todo(_("Replies waiting for your signature"), drafts, inbox))
    return rows


def _staff(staff_j: list[int], today: datetime.date) -> list[Todo]:
    workbench = reverse("suggestions:workbench")
    here = Suggestion.objects.filter(jurisdiction_id__in=staff_j).order_by()
    counts = dict(
        here.filter(state__in=[S.SUBMITTED, S.REGISTERED])
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    rows = [
        Todo(
            _("To review and register"),
            counts.get(S.SUBMITTED, 0),
            f"{workbench}?state=submitted&sort=created",
        ),
        Todo(_("To assign"), counts.get(S.REGISTERED, 0), reverse("suggestions:assign_meeting")),
        Todo(
            _("Adjustment requests to decide"),
            AdjustmentRequest.objects.filter(
                decision="pending", assignment__suggestion__jurisdiction_id__in=staff_j
            ).count(),
            f"{workbench}?state=handling",
        ),
        Todo(
            _("Extension requests to decide"),
            ExtensionRequest.objects.filter(
                decision="pending", suggestion__jurisdiction_id__in=staff_j
            ).count(),
            f"{workbench}?state=handling",
        ),
    ]
    # Overdue by unit: the five units with most, each a link to its list.
    late = (
        Assignment.objects.filter(suggestion__jurisdiction_id__in=staff_j)
        .exclude(state=A.CANCELLED)
        .exclude(mode=M.JOINT)
        .filter(warning_q(WarningColour.RED, today, "suggestion__"))
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__name")[:5]
    )
    for row in late:
        rows.append(
            Todo(
                _("Overdue at %(unit)s") % {"unit": row["unit__name"]},
                row["n"],
                f"{workbench}?unit={row['unit_id']}&warning=red",
                "red",
            )
        )
    return rows


# Other apps add their rows (the ledger's B commitments): `provider(user, today)` returns Todo
# rows, registered with `register_rows` in their AppConfig.ready(); this app imports none.
ROW_PROVIDERS: list[Callable[[Any, datetime.date], list[Todo]]] = []


def register_rows(provider: Callable[[Any, datetime.date], list[Todo]]) -> None:
    if provider not in ROW_PROVIDERS:
        ROW_PROVIDERS.append(provider)


@register
def worklist_panel(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    kinds = people.role_kinds(user)
    rows: list[Todo] = []
    if "deputy" in kinds:
        rows += _deputy(user, today)
    if people.unit_ids(user):
        rows += _unit(user, today)
    staff_j = [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]
    if staff_j:
        rows += _staff(staff_j, today)
    for provider in ROW_PROVIDERS:
        rows += provider(user, today)
    if not kinds & {"deputy", "clerk", "head", "staff", "admin"}:
        return []
    return [
        Panel(
            _("To do now"),
            "suggestions/panels/worklist.html",
            {"rows": [r for r in rows if r.count], "asked": bool(rows)},
            order=1,
            role="worklist",
        )
    ]
