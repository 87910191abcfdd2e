"""Rectification on the home page: a unit's clerks and heads see what their unit must rectify
(open or sent back, earliest due first), a team's leader (and staff) the reported ones waiting
to be accepted."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.ledger.models_teams import Rectification, TeamMember
from minsheng.ledger.views_teams import prepare
from minsheng.people import permissions as people
from minsheng.people.home import Panel, register

S = Rectification.State


@register
def rectification_panels(request: HttpRequest) -> list[Panel]:
    user = people.signed_in(request.user)
    if user is None:
        return []
    today = timezone.localdate()
    to_fix: list[Rectification] = []
    units = people.unit_ids(user)
    if units:
        to_fix = list(
            Rectification.objects.filter(owner_unit_id__in=units, state__in=[S.OPEN, S.REOPENED])
            .select_related("item", "owner_unit")
            .order_by("due", "pk")[:8]
        )
    led = TeamMember.objects.filter(user=user, role=TeamMember.Role.LEADER).values("team_id")
    staff_of = [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]
    mine = Q(team_id__in=led) | Q(team__leader=user)
    if staff_of:
        mine |= Q(team__jurisdiction_id__in=staff_of)
    to_accept = list(
        Rectification.objects.filter(mine, state=S.REPORTED)
        .select_related("item", "owner_unit")
        .order_by("reported_on", "pk")[:8]
    )
    if not to_fix and not to_accept:
        return []
    prepare(to_fix, today)
    prepare(to_accept, today)
    return [
        Panel(
            _("Rectification"),
            "ledger/panels/rectifications.html",
            {"to_fix": to_fix, "to_accept": to_accept},
            order=36,
            role="rectification",
        )
    ]
