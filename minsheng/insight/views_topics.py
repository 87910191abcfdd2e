"""The hot-topics page (/insight/topics/?from=…&to=…): a period's suggestions clustered into
topics with key terms, size, growth against the period before and representative items.

Who: congress staff (and administrators) and supervisors (leaders overseeing the handling) of
the congress. Units, deputies and committee members get 403: a topic spans every unit's
suggestions, and its representatives name suggestions they may not see. Confidential
suggestions are never clustered (topics_adapter), so what a supervisor reads here is what the
suggestion pages let them read; each representative links to the suggestion page, which checks
again."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minsheng.insight import topics_adapter
from minsheng.insight.topics import previous_period
from minsheng.people import permissions as people
from minsheng.people.models import Jurisdiction

MAX_PERIOD_DAYS = 3 * 366
DEFAULT_DAYS = 182


def topic_jurisdictions(user: Any) -> list[Jurisdiction]:
    """The congresses whose topics this person may read: staff's and supervisors'."""
    if getattr(user, "is_superuser", False):
        ids = set(Jurisdiction.objects.values_list("pk", flat=True))
    else:
        ids = {
            j
            for j in people.jurisdiction_ids(user)
            if people.is_staff_of(user, j) or people.has_role(user, "supervisor", j)
        }
    return list(Jurisdiction.objects.filter(pk__in=ids).order_by("level", "name"))


class JurisdictionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TopicsForm(forms.Form):
    """The congress and the period (at most three years); k when staff want to fix it."""

    jurisdiction = JurisdictionChoice(
        label=gettext_lazy("Congress"), queryset=Jurisdiction.objects.none(), empty_label=None
    )
    k = forms.IntegerField(
        label=gettext_lazy("Number of topics (empty: from the data)"),
        required=False,
        min_value=1,
        max_value=40,
    )

    def __init__(self, *args: Any, jurisdictions: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" and "to" are the URL's names (a Python keyword cannot be a class attribute).
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("Submitted from"), widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("Submitted until"), widget=forms.DateInput(attrs={"type": "date"})
        )
        self.order_fields(["jurisdiction", "from", "to", "k"])
        field = self.fields["jurisdiction"]
        field.queryset = Jurisdiction.objects.filter(  # type: ignore[attr-defined]
            pk__in=[j.pk for j in jurisdictions]
        ).order_by("level", "name")
        if len(jurisdictions) == 1:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end:
            if start > end:
                self.add_error("to", _("The end of the period comes before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("to", _("Choose a period of at most three years."))
        return data


def _growth(topic: Any) -> dict[str, Any]:
    """How the page shows a topic's growth: an arrow, a percentage, and words for a reader."""
    if topic.previous is None:
        return {"arrow": "", "text": "—", "kind": "none"}
    if topic.new:
        return {"arrow": "↑", "text": _("new"), "kind": "up"}
    growth = topic.growth
    if growth is None:
        return {"arrow": "", "text": "—", "kind": "none"}
    percent = round(growth * 100)
    if percent > 0:
        return {"arrow": "↑", "text": f"+{percent}%", "kind": "up"}
    if percent < 0:
        return {"arrow": "↓", "text": f"{percent}%", "kind": "down"}
    return {"arrow": "→", "text": "0%", "kind": "flat"}


@login_required
@require_GET
def topics(request: HttpRequest) -> HttpResponse:
    jurisdictions = topic_jurisdictions(request.user)
    if not jurisdictions:
        raise PermissionDenied(_("Hot topics are for congress staff and supervisors."))
    today = timezone.localdate()
    data = request.GET.copy()
    home = getattr(request.user, "jurisdiction_id", None)
    default = home if home in {j.pk for j in jurisdictions} else jurisdictions[0].pk
    data.setdefault("jurisdiction", str(default))
    data.setdefault("to", today.isoformat())
    data.setdefault("from", (today - datetime.timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    form = TopicsForm(data, jurisdictions=jurisdictions)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "insight/topics.html", context, status=400)
    start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    jurisdiction = form.cleaned_data["jurisdiction"]
    result, cached = topics_adapter.period_topics(
        jurisdiction.pk, start, end, k=form.cleaned_data.get("k")
    )
    largest = max((t.size for t in result.topics), default=0)
    p_start, p_end = previous_period(start, end)
    context |= {
        "jurisdiction": jurisdiction,
        "start": start,
        "end": end,
        "previous_start": p_start,
        "previous_end": p_end,
        "result": result,
        "cached": cached,
        "largest": largest,
        # "Other" with nothing in it this period is no card (its previous count is in the
        # summary line's total).
        "rows": [
            {"topic": t, "growth": _growth(t)} for t in result.topics if t.size or not t.other
        ],
    }
    return render(request, "insight/topics.html", context)
