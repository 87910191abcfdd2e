"""Home-page panels about the person themself: their roles, units, committee, deputy profile."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from minsheng.people import permissions
from minsheng.people.home import Panel, register
from minsheng.people.models import Deputy, Organisation, Role, User


@register
def profile_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels: list[Panel] = []
    roles = permissions.active_roles(user)
    kinds = permissions.role_kinds(user)

    deputies = Deputy.objects.filter(user_id=user.pk or 0, is_active=True).select_related(
        "term", "delegation"
    )
    if "deputy" in kinds and deputies:
        panels.append(
            Panel(
                _("My deputy profile"),
                "people/panels/deputy.html",
                {"deputies": deputies},
                order=900,
                role="deputy",
            )
        )
    unit_roles = [r for r in roles if r.kind in Role.UNIT_KINDS]
    if unit_roles:
        panels.append(
            Panel(
                _("My handling units"),
                "people/panels/units.html",
                {"unit_roles": unit_roles},
                order=910,
                role="unit",
            )
        )
    committee_roles = [r for r in roles if r.kind == "committee"]
    if committee_roles:
        counterparts = Organisation.objects.filter(
            counterpart_committee_id__in=[r.organisation_id for r in committee_roles]
        ).order_by("sort_order", "name")
        panels.append(
            Panel(
                _("My special committee"),
                "people/panels/committee.html",
                {"committee_roles": committee_roles, "counterparts": counterparts},
                order=920,
                role="committee",
            )
        )
    supervisor_roles = [r for r in roles if r.kind == "supervisor"]
    if supervisor_roles:
        panels.append(
            Panel(
                _("My supervision duties"),
                "people/panels/supervisor.html",
                {"supervisor_roles": supervisor_roles},
                order=930,
                role="supervisor",
            )
        )
    staff_jurisdictions = {r.jurisdiction for r in roles if r.kind in ("staff", "admin")}
    if staff_jurisdictions or user.is_superuser:
        overview = []
        for jurisdiction in sorted(staff_jurisdictions, key=lambda j: j.code):
            overview.append(
                {
                    "jurisdiction": jurisdiction,
                    "session": jurisdiction.current_session(),
                    "deputies": Deputy.objects.filter(
                        jurisdiction=jurisdiction, is_active=True
                    ).count(),
                    "units": Organisation.objects.filter(
                        jurisdiction=jurisdiction, is_handling_unit=True, is_active=True
                    ).count(),
                    "users": User.objects.filter(roles__jurisdiction=jurisdiction)
                    .distinct()
                    .count(),
                }
            )
        panels.append(
            Panel(
                _("My jurisdiction"),
                "people/panels/jurisdiction.html",
                {"overview": overview, "is_admin": "admin" in kinds},
                order=940,
                role="staff",
            )
        )
    return panels
