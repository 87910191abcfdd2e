"""The reports page: choose a period, read its headline figures, download the annual report,
the press brief or the statistics workbook; the dashboard: the period's figures as charts,
each with its table and its Excel download; a unit's report card (Word). For congress staff
of the congress and its leaders (a supervisor role: read only, as everything here is); thin:
the figures, the panels and the documents are `figures.py`, `dashboard.py` and
`documents.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minsheng.lib.letters import docx_response, to_bytes
from minsheng.lib.spreadsheets import write_table, xlsx_response
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, User
from minsheng.reports import cards, documents, figures
from minsheng.reports import dashboard as panels

MAX_PERIOD_DAYS = 3 * 366
FILES = ("annual", "brief", "workbook")


def staff_jurisdictions(user: User) -> list[Jurisdiction]:
    """The congresses whose reports and dashboards this person may read: those they are staff
    of, and those they lead (a supervisor role: the congress's and government's leaders)."""
    ids = {
        j
        for j in people.jurisdiction_ids(user)
        if people.is_staff_of(user, j) or people.has_role(user, "supervisor", j)
    }
    if getattr(user, "is_superuser", False):
        ids |= set(Jurisdiction.objects.values_list("pk", flat=True))
    return list(Jurisdiction.objects.filter(pk__in=ids).order_by("level", "name"))


class JurisdictionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PeriodForm(forms.Form):
    """A calendar year, or a period from one day to another (at most three years)."""

    jurisdiction = JurisdictionChoice(
        label=gettext_lazy("Congress"), queryset=Jurisdiction.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1949, max_value=2100
    )
    start = forms.DateField(
        label=gettext_lazy("Registered from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("Registered until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, jurisdictions: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        field.queryset = Jurisdiction.objects.filter(  # type: ignore[attr-defined]
            pk__in=[j.pk for j in jurisdictions]
        ).order_by("level", "name")
        field.initial = jurisdictions[0].pk
        if len(jurisdictions) == 1:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            self.add_error("end" if start else "start", _("Give both dates, or only the year."))
        elif start and end:
            if start > end:
                self.add_error("end", _("The end of the period comes before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most three years."))
        elif not data.get("year") and "year" not in self.errors:
            data["year"] = timezone.localdate().year
        return data

    def period(self) -> figures.Period:
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return figures.Period(data["jurisdiction"], data["start"], data["end"])
        return figures.Period.year(data["jurisdiction"], int(data["year"]))


def _form(request: HttpRequest) -> PeriodForm:
    """The period asked for, bound; by default the current year of the person's congress."""
    user: User = request.user  # type: ignore[assignment]
    jurisdictions = staff_jurisdictions(user)
    if not jurisdictions:
        raise PermissionDenied(_("Reports are for congress staff and leaders."))
    data = request.GET.copy()
    data.setdefault("jurisdiction", str(jurisdictions[0].pk))
    if not (data.get("start") or data.get("end")):
        data.setdefault("year", str(timezone.localdate().year))
    return PeriodForm(data, jurisdictions=jurisdictions)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    today = timezone.localdate()
    query = form.data.urlencode()  # type: ignore[attr-defined]  # the QueryDict _form bound
    context: dict[str, Any] = {"form": form, "today": today, "query": query}
    if form.is_valid():
        period = form.period()
        context |= {"period": period, "totals": figures.totals(period, today)}
    return render(request, "reports/index.html", context, status=200 if form.is_valid() else 400)


@login_required
@require_GET
def download(request: HttpRequest, kind: str) -> HttpResponseBase:
    form = _form(request)
    if not form.is_valid():
        context = {"form": form, "today": timezone.localdate(), "query": ""}
        return render(request, "reports/index.html", context, status=400)
    found = figures.compute(form.period())
    if kind == "workbook":
        wb = documents.workbook(found)
        return xlsx_response(wb.save, documents.workbook_filename(found))
    if kind == "brief":
        return docx_response(
            to_bytes(documents.press_brief(found)), documents.brief_filename(found)
        )
    return docx_response(to_bytes(documents.annual_report(found)), documents.annual_filename(found))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The period's figures as charts (SVG from the figures, `charts`, kept as files by
    `chart_cache`), each with its data table and its Excel download; the panels are built
    once per data version (`dashboard.cached`)."""
    form = _form(request)
    today = timezone.localdate()
    query = form.data.urlencode()  # type: ignore[attr-defined]
    context: dict[str, Any] = {"form": form, "today": today, "query": query}
    if form.is_valid():
        period = form.period()
        found = panels.cached(period, today)
        context |= {
            "period": period,
            "totals": found["totals"].extra["totals"],
            "headline": found["totals"],
            "panels": [p for key, p in found.items() if key != "totals"],
        }
    status = 200 if form.is_valid() else 400
    return render(request, "reports/dashboard.html", context, status=status)


@login_required
@require_GET
def dashboard_table(request: HttpRequest, key: str) -> HttpResponseBase:
    """One figure's table of the dashboard (or the reports page) as Excel: the page's rows."""
    form = _form(request)  # the access check first: no hint to others which tables exist
    if key not in panels.KEYS:
        raise Http404("No such table.")
    if not form.is_valid():
        context = {"form": form, "today": timezone.localdate(), "query": ""}
        return render(request, "reports/dashboard.html", context, status=400)
    period = form.period()
    panel = panels.table(key, period, timezone.localdate())
    title = f"{panel.title}"
    filename = f"{period.jurisdiction.name}{period.describe()}-{panel.title}.xlsx"
    return xlsx_response(
        lambda out: write_table(
            out, title=title, columns=panel.table.columns(), rows=panel.table.rows
        ),
        filename,
    )


@login_required
@require_GET
def unit_card(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A unit's report card (Word) for a year: for those who may see the unit's evaluation
    card (staff, leaders, the counterpart committee, and the unit's own clerks and heads:
    another unit is a 404, as on the evaluation pages)."""
    from minsheng.evaluation import periods
    from minsheng.evaluation.permissions import get_unit_for_user

    user: User = request.user  # type: ignore[assignment]
    unit = get_unit_for_user(user, pk)
    try:
        asked = periods.period(None, request.GET.get("year") or str(periods.this_year()))
    except periods.BadRequest as error:
        context = {"error": str(error), "months": periods.last_months()}
        return render(request, "evaluation/bad_request.html", context, status=400)
    card = cards.collect(unit, asked.year)
    return docx_response(to_bytes(cards.unit_card(card)), cards.card_filename(card))
