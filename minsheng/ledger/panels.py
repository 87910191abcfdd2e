"""The ledger on the home page: the changes waiting for this person's approval, the items their
unit must report on (lagging first, then due soon), and for staff and supervisors the lagging
items of the congress."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.ledger.models import ChangeRequest, LedgerItem, Status, running_q, status_q
from minsheng.ledger.views import prepare
from minsheng.people import permissions as people
from minsheng.people.home import Panel, register
from minsheng.suggestions.models import WarningColour
from minsheng.supervision.models import clock_q


@register
def ledger_panels(request: HttpRequest) -> list[Panel]:
    user = people.signed_in(request.user)
    if user is None:
        return []
    kinds = people.role_kinds(user)
    if not kinds & {"staff", "admin", "supervisor", "committee", "clerk", "head"}:
        return []
    today = timezone.localdate()
    visible = LedgerItem.objects.visible_to(user)
    to_approve = list(
        ChangeRequest.objects.filter(state=ChangeRequest.State.PENDING, item__owner=user)
        .select_related("item", "requested_by")
        .order_by("requested_at")[:8]
    )
    units = people.unit_ids(user)
    to_report = []
    if units:
        mine = visible.filter(responsible_unit_id__in=units, children__isnull=True)
        late_or_soon = status_q(Status.LAGGING, today) | clock_q(
            WarningColour.YELLOW, today, running_q()
        )
        to_report = list(
            mine.filter(late_or_soon)
            .select_related("responsible_unit", "parent")
            .order_by(F("due").asc(nulls_last=True), "pk")[:8]
        )
    lagging_count = 0
    if kinds & {"staff", "admin", "supervisor", "committee"}:
        lagging_count = visible.status(Status.LAGGING, today).count()
    if not to_approve and not to_report and not lagging_count:
        return []
    prepare(to_report, today)
    return [
        Panel(
            _("Ledgers"),
            "ledger/panels/home.html",
            {"to_approve": to_approve, "to_report": to_report, "lagging": lagging_count},
            order=35,
            role="ledger",
        )
    ]
