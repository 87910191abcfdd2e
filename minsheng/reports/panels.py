"""Home-page panel: this year's headline figures and the warning lights, with the way to the
dashboard, for congress staff and leaders (two aggregate queries, the dashboard's own, kept in
the cache under the event log's head: a home page shown again between two changes reads one
row, not every suggestion of the year; what changes without an event shows within the
dashboard's `CACHE_SECONDS`)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.disclosure.caching import kept, version
from minsheng.people.home import Panel, register
from minsheng.people.models import User
from minsheng.reports import figures
from minsheng.reports.dashboard import CACHE_SECONDS


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
    totals, lights = kept(
        "home-dashboard",
        version()[0],
        (period.jurisdiction.pk, period.start, period.end, today),
        lambda: (figures.totals(period, today), figures.warnings(period, today)),
        seconds=CACHE_SECONDS,
    )
    return [
        Panel(
            _("Handling dashboard"),
            "reports/panels/home.html",
            {
                "period": period,
                "totals": totals,
                "lights": lights,
                "query": f"jurisdiction={period.jurisdiction.pk}&year={today.year}",
            },
            order=20,
            role="dashboard",
        )
    ]
