"""Home-page panels: the key items and instructions a person follows (supervisors, committee
members, staff, units)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.people import permissions as people
from minsheng.people.home import Panel, register
from minsheng.suggestions.models import WarningColour
from minsheng.supervision import permissions as perms
from minsheng.supervision.models import Instruction, KeyItem


@register
def supervision_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    kinds = people.role_kinds(user)
    if not kinds & {"staff", "admin", "supervisor", "committee", "clerk", "head"}:
        return []
    from minsheng.supervision.views import key_items_with_counts

    today = timezone.localdate()
    items = list(
        key_items_with_counts(user, today)  # type: ignore[arg-type]
        .filter(state=KeyItem.State.SUPERVISING)
        .order_by("-n_red", "-n_yellow", "-pk")[:6]
    )
    for item in items:
        item.light = item.warning(today)  # type: ignore[attr-defined]
    units = people.unit_ids(user)
    to_answer = list(
        Instruction.objects.open()
        .filter(unit_id__in=units)
        .select_related("unit", "key_item", "suggestion")
        .order_by("due", "pk")[:8]
        if units
        else []
    )
    for row in to_answer:
        row.light = row.warning(today)  # type: ignore[attr-defined]
    overdue = (
        perms.instructions_visible_to(user)  # type: ignore[arg-type]
        .warning(WarningColour.RED, today)
        .count()
    )
    units_lit: list[Any] = []
    activity: list[Any] = []
    if kinds & {"supervisor", "committee"}:
        from minsheng.suggestions.models import Suggestion
        from minsheng.supervision import lights
        from minsheng.supervision.overview import latest_activity

        # Their counterpart units (committee) or every unit (leaders) with lights, and the
        # latest supervision they may see.
        units_lit = lights.units_with_warnings(user, today, limit=5)  # type: ignore[arg-type]
        activity = latest_activity(user, Suggestion.objects.visible_to(user), limit=4)  # type: ignore[arg-type]
    if not items and not to_answer and not overdue and not units_lit and not activity:
        return []
    return [
        Panel(
            _("Supervision"),
            "supervision/panels/home.html",
            {
                "items": items,
                "to_answer": to_answer,
                "overdue": overdue,
                "units": units_lit,
                "activity": activity,
            },
            order=30,
            role="supervision",
        )
    ]
