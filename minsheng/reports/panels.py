"""Home-page panel: this year's headline figures and the warning lights, with the way to the
dashboard, for congress staff and leaders (two aggregate queries, the dashboard's own)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.people.home import Panel, register
from minsheng.people.models import User
from minsheng.reports import figures


@register
def dashboard_panel(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not isinstance(user, User):
        return []
    from minsheng.reports.views import staff_jurisdictions

    jurisdictions = staff_jurisdictions(user)
    if not jurisdictions:
        return []
    today = timezone.localdate()
    period = figures.Period.year(jurisdictions[0], today.year)
    return [
        Panel(
            _("Handling dashboard"),
            "reports/panels/home.html",
            {
                "period": period,
                "totals": figures.totals(period, today),
                "lights": figures.warnings(period, today),
                "query": f"jurisdiction={period.jurisdiction.pk}&year={today.year}",
            },
            order=20,
            role="dashboard",
        )
    ]
