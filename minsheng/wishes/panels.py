"""Home-page panel: the wishes waiting for the person (staff: to verify; claimants: their
claims to fulfil; community workers: fulfilled wishes to confirm)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from minsheng.people.home import Panel, register
from minsheng.wishes import permissions as perms
from minsheng.wishes.models import Wish

SHOWN = 6


@register
def wish_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    rows = Wish.objects.select_related("community").in_default_order()
    staff_j = perms.staff_jurisdictions(user)
    communities = perms.community_ids(user)
    to_verify = rows.filter(state=Wish.State.POSTED, jurisdiction_id__in=staff_j)
    to_fulfil = rows.filter(state=Wish.State.CLAIMED, claimed_by_id=user.pk)
    to_confirm = rows.filter(state=Wish.State.FULFILLED, community_id__in=communities)
    context = {
        "to_verify": list(to_verify[:SHOWN]) if staff_j else [],
        "n_verify": to_verify.count() if staff_j else 0,
        "to_fulfil": list(to_fulfil[:SHOWN]),
        "to_confirm": list(to_confirm[:SHOWN]) if communities else [],
    }
    if not (context["to_verify"] or context["to_fulfil"] or context["to_confirm"]):
        return []
    return [Panel(_("Micro-wishes"), "wishes/panels/home.html", context, order=40, role="wishes")]
