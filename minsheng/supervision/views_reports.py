"""Supervision's read-only pages: the meeting packs (交办会 / 推进会, Excel and Word) and the
leaders' one-screen overview. The rules of who gets what live in `packs.py` and `overview.py`."""

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
from minsheng.lib.spreadsheets import xlsx_response
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction, Organisation, Session, User
from minsheng.suggestions.filters import session_label
from minsheng.suggestions.models import WarningColour
from minsheng.supervision import overview as board
from minsheng.supervision import packs

WARNING_LABELS = dict(WarningColour.choices)
MAX_PERIOD_DAYS = 3 * 366


class SessionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return session_label(obj)


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PackForm(forms.Form):
    """What a pack covers: a session and/or assignment dates, all units or one. Bound to
    request.GET; the person's congresses and units bound the choices."""

    session = SessionChoice(
        label=gettext_lazy("Session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any session"),
    )
    start = forms.DateField(
        label=gettext_lazy("Assigned from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("Assigned until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit = UnitChoice(
        label=gettext_lazy("Unit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my units"),
    )

    def __init__(self, *args: Any, user: User, jurisdictions: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.jurisdictions = jurisdictions
        self.fields["session"].queryset = (  # type: ignore[attr-defined]
            Session.objects.filter(term__jurisdiction_id__in=jurisdictions)
            .select_related("term")
            .order_by("-term__number", "-number")
        )
        self.default_jurisdiction = self._default_jurisdiction()
        scope = packs.audience_for(user, self.default_jurisdiction)
        self.fields["unit"].queryset = (  # type: ignore[attr-defined]
            scope.units.order_by("sort_order", "name")
            if scope is not None
            else Organisation.objects.none()
        )
        self.audience: packs.Audience | None = None

    def _default_jurisdiction(self) -> int:
        home = getattr(self.user, "jurisdiction_id", None)
        if home in self.jurisdictions:
            return int(home)
        return min(self.jurisdictions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end of the period comes before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most three years."))
        session = data.get("session")
        jurisdiction_id = (
            session.term.jurisdiction_id if session is not None else self.default_jurisdiction
        )
        self.audience = packs.audience_for(self.user, jurisdiction_id)
        unit = data.get("unit")
        if self.audience is None:
            raise forms.ValidationError(_("You have no meeting pack for this congress."))
        if unit is not None and not self.audience.units.filter(pk=unit.pk).exists():
            self.add_error("unit", _("This unit is not one of the units your packs cover."))
        return data

    def period(self, kind: str) -> packs.Period:
        data = self.cleaned_data
        session, start, end = data.get("session"), data.get("start"), data.get("end")
        if kind == packs.ASSIGNMENT and session is None and start is None and end is None:
            # The assignment meeting follows a session: by default the congress's latest one.
            assert self.audience is not None
            session = self.audience.jurisdiction.current_session()
        return packs.Period(session=session, start=start, end=end)


def _jurisdictions(user: User) -> set[int]:
    found = packs.candidate_jurisdictions(user)
    if not found:
        raise PermissionDenied(
            _(
                "Meeting packs are for congress staff and leaders, special committees and "
                "handling units."
            )
        )
    return found


def _packs_page(request: HttpRequest, form: PackForm, status: int = 200) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    audience = form.audience or packs.audience_for(user, form.default_jurisdiction)
    return render(
        request,
        "supervision/reports/packs.html",
        {
            "form": form,
            "audience": audience,
            "units": list(audience.units.order_by("sort_order", "name")[:12]) if audience else [],
            "unit_count": audience.units.count() if audience else 0,
        },
        status=status,
    )


@login_required
@require_GET
def pack_choice(request: HttpRequest) -> HttpResponse:
    """Choose a pack, its session or period and its format."""
    user: User = request.user  # type: ignore[assignment]
    jurisdictions = _jurisdictions(user)
    form = PackForm(request.GET or None, user=user, jurisdictions=jurisdictions)
    if request.GET:
        form.is_valid()  # show what is wrong with the choice
    else:
        current = Jurisdiction.objects.get(pk=form.default_jurisdiction).current_session()
        if current is not None:
            form.initial["session"] = current.pk
    return _packs_page(request, form)


@login_required
@require_GET
def pack_file(request: HttpRequest, pack: str, fmt: str) -> HttpResponseBase:
    """One pack as Excel (streamed from a temporary file) or as a Word document."""
    if pack not in packs.KINDS:
        raise Http404("No such meeting pack.")
    user: User = request.user  # type: ignore[assignment]
    form = PackForm(request.GET, user=user, jurisdictions=_jurisdictions(user))
    if not form.is_valid():
        return _packs_page(request, form, status=400)
    assert form.audience is not None
    build = packs.assignment_pack if pack == packs.ASSIGNMENT else packs.progress_pack
    result = build(
        user,
        form.audience,
        form.period(pack),
        unit=form.cleaned_data.get("unit"),
        today=timezone.localdate(),
    )
    if fmt == "xlsx":
        return xlsx_response(
            lambda out: packs.write_xlsx(out, result), packs.pack_filename(result, "xlsx")
        )
    return docx_response(to_bytes(packs.write_docx(result)), packs.pack_filename(result, "docx"))


# --- the overview ------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not board.may_see_overview(user):
        raise PermissionDenied(
            _("The overview is for the congress office, its leaders and the special committees.")
        )
    today = timezone.localdate()
    sessions = list(
        Session.objects.filter(term__jurisdiction_id__in=people.jurisdiction_ids(user))
        .select_related("term")
        .order_by("-term__number", "-number")[:20]
    )
    chosen = request.GET.get("session", "")
    session_id = (
        int(chosen) if chosen.isdigit() and int(chosen) in {s.pk for s in sessions} else None
    )
    data = board.build(user, today, session_id)
    for event in data.activity:
        event.day = timezone.localtime(event.at).date()  # type: ignore[attr-defined]
    for s in data.overdue:
        s.unit_label = s.unit_short or s.unit_name or "—"  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/reports/overview.html",
        {
            "o": data,
            "sessions": [(s.pk, session_label(s)) for s in sessions],
            "session_id": session_id,
            "peak": data.max_unit_red,
            "light_labels": WARNING_LABELS,
            "may_download_packs": bool(packs.candidate_jurisdictions(user)),
        },
    )
