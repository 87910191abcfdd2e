"""Pages of supervision teams and rectification: the teams with their members, items,
inspections and open rectifications; entering and changing a team (staff); recording an
inspection with several findings (members); the rectification list with its filters and one
rectification with its declared actions; and the section on a ledger item's page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.engine import pages
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.ledger import excel_teams
from minsheng.ledger import permissions_teams as perms
from minsheng.ledger import workflow_teams as wt
from minsheng.ledger.actions_teams import RECTIFICATIONS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import Inspection, Rectification, Team, TeamEvidence, open_q
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions.models import WarningColour

PAGE_SIZE = 50
FINDING_ROWS = 5


def prepare(rects: list[Rectification], today: datetime.date) -> None:
    """What a rectification row shows, computed once in Python."""
    states = {value: str(label) for value, label in Rectification.State.choices}
    lights = {value: str(label) for value, label in WarningColour.choices}
    for r in rects:
        a: Any = r
        a.state_label = states[r.state]
        a.light = r.warning(today)
        a.light_label = "" if a.light == WarningColour.NONE else lights.get(a.light, "")
        a.url = reverse("ledger:rectification", args=[r.pk])


def _staff_of(user: User) -> int | None:
    for j in sorted(people.jurisdiction_ids(user)):
        if perms.can_manage(user, j):
            return j
    return None


# --- teams -------------------------------------------------------------------------------------


@login_required
@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    open_count = Count("rectifications", filter=open_q("rectifications__"), distinct=True)
    rows = (
        Team.objects.visible_to(user)
        .select_related("leader")
        .annotate(n_items=Count("items", distinct=True), n_open=open_count)
        .order_by("-year", "name", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/teams/list.html",
        {"page": page, "teams": list(page.object_list), "can_manage": _staff_of(user) is not None},
    )


def _people(jurisdiction_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, roles__jurisdiction_id=jurisdiction_id, roles__is_active=True
        )
        .distinct()
        .order_by("username")
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    leader = forms.ModelChoiceField(label=gettext_lazy("Team leader"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members"), queryset=User.objects.none(), required=False
    )
    items = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ledger items covered"),
        queryset=LedgerItem.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, jurisdiction_id: int, editing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        who = _people(jurisdiction_id)
        self.fields["leader"].queryset = who  # type: ignore[attr-defined]
        self.fields["members"].queryset = who  # type: ignore[attr-defined]
        self.fields["items"].queryset = LedgerItem.objects.filter(  # type: ignore[attr-defined]
            jurisdiction_id=jurisdiction_id
        ).order_by("-year", "title")
        for name in ("leader", "members", "items"):
            self.fields[name].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["leader"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
        if editing:
            self.fields["year"].disabled = True


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    j = _staff_of(user)
    if j is None:
        raise PermissionDenied(_("Only congress staff manage supervision teams."))
    form = TeamForm(
        request.POST or None, jurisdiction_id=j, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = wt.create_team(
                by=user,
                jurisdiction_id=j,
                name=data["name"],
                year=data["year"],
                leader=data["leader"],
                members=data["members"],
                items=data["items"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The team is entered."))
            return redirect("ledger:team", team.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/teams/form.html", {"form": form, "team": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    team = perms.get_team_for_user(user, pk)
    if not perms.can_manage(user, team.jurisdiction_id):
        raise PermissionDenied(_("Only congress staff manage supervision teams."))
    initial = {
        "name": team.name,
        "year": team.year,
        "leader": team.leader,
        "members": list(team.members.exclude(pk=team.leader_id)),
        "items": list(team.items.all()),
    }
    form = TeamForm(
        request.POST or None, jurisdiction_id=team.jurisdiction_id, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wt.change_team(
                team,
                by=user,
                name=data["name"],
                leader=data["leader"],
                members=data["members"],
                items=data["items"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The team is changed."))
            return redirect("ledger:team", team.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/teams/form.html", {"form": form, "team": team}, status=status)


@login_required
@require_GET
def team(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    found = perms.get_team_for_user(user, pk)
    rects = list(
        found.rectifications.filter(open_q())
        .select_related("item", "owner_unit")
        .order_by("due", "pk")
    )
    prepare(rects, today)
    return render(
        request,
        "ledger/teams/detail.html",
        {
            "team": found,
            "memberships": list(found.memberships.select_related("user")),
            "items": list(found.items.select_related("responsible_unit").order_by("title")),
            "inspections": list(
                found.inspections.select_related("item", "recorded_by")
                .annotate(n_findings=Count("rectifications"))
                .prefetch_related("evidence")
            ),
            "rectifications": rects,
            "can_manage": perms.can_manage(user, found.jurisdiction_id),
            "can_inspect": perms.can_inspect(user, found),
        },
    )


# --- recording an inspection -------------------------------------------------------------------


def _attachments() -> Any:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField(required=False)


class InspectionForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("Ledger item"), queryset=LedgerItem.objects.none()
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    participants = forms.CharField(
        label=gettext_lazy("Participants"), max_length=500, required=False
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, team: Team, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["item"].queryset = team.items.order_by("title")  # type: ignore[attr-defined]
        self.fields["evidence"] = _attachments()
        self.fields["evidence"].label = _("Evidence (photos, papers)")


class FindingForm(forms.Form):
    problem = forms.CharField(
        label=gettext_lazy("Problem found"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )
    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Owner unit"), queryset=Organisation.objects.none(), required=False
    )
    owner_person = forms.CharField(
        label=gettext_lazy("Person responsible"), max_length=60, required=False
    )
    due = forms.DateField(
        label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args: Any, units: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("problem", "").strip():
            if data.get("owner_unit") is None:
                self.add_error("owner_unit", _("Choose the unit that must fix it."))
            if data.get("due") is None:
                self.add_error("due", _("Give the date it must be fixed by."))
        return data


FindingFormSet = forms.formset_factory(FindingForm, extra=FINDING_ROWS, max_num=30)


@login_required
@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    found = perms.get_team_for_user(user, pk)
    if not perms.can_inspect(user, found):
        raise PermissionDenied(_("Only the team's members record its inspections."))
    units = Organisation.objects.handling_units().filter(jurisdiction_id=found.jurisdiction_id)
    post = request.POST if request.method == "POST" else None
    form = InspectionForm(
        post,
        request.FILES or None,
        team=found,
        initial={"on": timezone.localdate(), "item": request.GET.get("item")},
    )
    findings = FindingFormSet(post, prefix="f", form_kwargs={"units": units})
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        data = form.cleaned_data
        rows = [
            wt.Finding(f["problem"], f["owner_unit"], f["due"], f.get("owner_person") or "")
            for f in findings.cleaned_data
            if f and f.get("problem", "").strip()
        ]
        try:
            wt.record_inspection(
                found,
                by=user,
                item=data["item"],
                on=data["on"],
                place=data["place"],
                participants=data["participants"],
                notes=data["notes"],
                findings=rows,
                files=data.get("evidence") or (),
            )
        except WorkflowError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The inspection is recorded with %(n)s rectifications.") % {"n": len(rows)},
            )
            return redirect("ledger:team", found.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "ledger/teams/inspect.html",
        {"team": found, "form": form, "findings": findings},
        status=status,
    )


# --- rectifications ----------------------------------------------------------------------------


# The list's orders; each ends on the primary key so a page never repeats or skips a row.
RECT_SORTS: dict[str, tuple[str, ...]] = {
    "due": ("due", "pk"),
    "-due": ("-due", "-pk"),
    "found": ("-created_at", "-pk"),
    "unit": ("owner_unit__sort_order", "owner_unit__name", "due", "pk"),
}


def rect_sort_choices() -> list[tuple[str, str]]:
    return [
        ("due", _("Due date, soonest first")),
        ("-due", _("Due date, latest first")),
        ("found", _("Newest findings first")),
        ("unit", _("Owner unit")),
    ]


def _filters(get: Any) -> dict[str, Any]:
    state = get.get("state", "")
    sort = get.get("sort", "")
    unit = get.get("unit", "")
    warning = get.get("warning", "")
    team_id = get.get("team", "")
    return {
        "state": state if state in Rectification.State.values else "",
        "unit": int(unit) if unit.isdigit() and len(unit) < 12 else None,
        "warning": warning if warning in ("red", "yellow", "green") else "",
        "team": int(team_id) if team_id.isdigit() and len(team_id) < 12 else None,
        "sort": sort if sort in RECT_SORTS and sort != "due" else "",
    }


def rectification_rows(user: User, f: dict[str, Any], today: datetime.date) -> Any:
    rows = Rectification.objects.visible_to(user).select_related("item", "owner_unit", "team")
    if f["state"]:
        rows = rows.filter(state=f["state"])
    if f["unit"]:
        rows = rows.filter(owner_unit_id=f["unit"])
    if f["team"]:
        rows = rows.filter(team_id=f["team"])
    if f["warning"]:
        rows = rows.warning(f["warning"], today)
    return rows.order_by(*RECT_SORTS[f.get("sort") or "due"])


@login_required
@require_GET
def rectifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    f = _filters(request.GET)
    if request.GET.get("format") == "xlsx":
        return excel_teams.rectifications_response(rectification_rows(user, f, today), today)
    page = Paginator(rectification_rows(user, f, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    prepare(shown, today)
    units = Organisation.objects.handling_units().filter(
        jurisdiction_id__in=people.jurisdiction_ids(user)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ledger/teams/rectifications.html",
        {
            "page": page,
            "rects": shown,
            "filters": f,
            "active": any(v for k, v in f.items() if k != "sort"),
            "sorts": rect_sort_choices(),
            "states": Rectification.State.choices,
            "warnings": [(c, dict(WarningColour.choices)[c]) for c in ("red", "yellow", "green")],
            "units": units.only("pk", "name"),
            "query": query.urlencode(),
        },
    )


def _actions(rect: Rectification, user: User, failed: ActionForm | None) -> list[Any]:
    return pages.action_views(RECTIFICATIONS, rect, user, "ledger:rectification_act", failed)


def _rect_page(
    request: HttpRequest,
    rect: Rectification,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    prepare([rect], timezone.localdate())
    events = list(rect.events.select_related("actor").order_by("at", "pk"))
    for e in events:
        e.label = RECTIFICATIONS.timeline_label(e.action, e.data)  # type: ignore[attr-defined]
    return render(
        request,
        "ledger/teams/rectification.html",
        {
            "rect": rect,
            "item_visible": LedgerItem.objects.visible_to(user).filter(pk=rect.item_id).exists(),
            "evidence": list(rect.evidence.order_by("pk")),
            "events": events,
            "actions": _actions(rect, user, failed),
            "page_error": error,
        },
        status=status,
    )


@login_required
@require_GET
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    return _rect_page(request, perms.get_rectification_for_user(request.user, pk))


@login_required
@require_POST
def rectification_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rect = perms.get_rectification_for_user(user, pk)
    done = pages.post_action(request, RECTIFICATIONS, rect, action, wt.ACTIONS.get(action))
    if not done.ok:
        rect = perms.get_rectification_for_user(user, pk)
        return _rect_page(request, rect, failed=done.form, error=done.error, status=done.status)
    uploads = done.data.get("evidence")
    if uploads:
        wt.attach_evidence(uploads, by=user, rectification=done.result)
    return redirect("ledger:rectification", rect.pk)


def can_download(user: User, evidence: TeamEvidence) -> bool:
    if evidence.rectification_id is not None:
        return Rectification.objects.visible_to(user).filter(pk=evidence.rectification_id).exists()
    inspections = Inspection.objects.filter(perms.inspection_filter(user))
    return inspections.filter(pk=evidence.inspection_id or 0).exists()


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    found = TeamEvidence.objects.filter(pk=pk).first()
    if found is None or not can_download(user, found):
        raise Http404("No such file.")
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the section on a ledger item's page -------------------------------------------------------


def item_section(user: User, item: LedgerItem) -> dict[str, Any]:
    """The item's inspections and rectifications for its page (`ledger/views._detail`)."""
    today = timezone.localdate()
    rects = list(
        Rectification.objects.visible_to(user)
        .filter(item=item)
        .select_related("owner_unit", "team")
        .order_by("due", "pk")
    )
    prepare(rects, today)
    inspections = list(
        Inspection.objects.filter(perms.inspection_filter(user), item=item)
        .select_related("team")
        .prefetch_related(Prefetch("evidence", queryset=TeamEvidence.objects.order_by("pk")))
        .annotate(n_findings=Count("rectifications"))
        .order_by("-on", "-pk")
    )
    teams = [
        t
        for t in Team.objects.filter(items=item)
        .filter(Q(memberships__user=user) | Q(leader=user))
        .distinct()
        if perms.can_inspect(user, t)
    ]
    if not teams and people.is_staff_of(user, item.jurisdiction_id):
        teams = list(Team.objects.filter(items=item))
    return {
        "team_inspections": inspections,
        "team_rectifications": rects,
        "team_inspect": teams[:3],
    }
