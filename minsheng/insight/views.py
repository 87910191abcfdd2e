"""The recommender's staff page: which model is in use and how often staff kept its proposal."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minsheng.insight import adapter, feedback
from minsheng.people.models import Jurisdiction
from minsheng.suggestions.views.office import _int_or_none, _require_staff


@login_required
def routing_accuracy(request: HttpRequest) -> HttpResponse:
    staff_ids = _require_staff(request.user)
    wanted = _int_or_none(request.GET.get("jurisdiction"))
    home = getattr(request.user, "jurisdiction_id", None)
    pk = wanted if wanted in staff_ids else (home if home in staff_ids else staff_ids[0])
    jurisdiction = Jurisdiction.objects.get(pk=pk)
    model = adapter.load_model(jurisdiction.pk)
    rows = feedback.accuracy(jurisdiction.pk)
    trained = ""
    if model is not None:
        when = timezone.localtime(datetime.datetime.fromisoformat(model.trained_at))
        trained = f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    total = sum(r.total for r in rows)
    return render(
        request,
        "insight/routing_accuracy.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": Jurisdiction.objects.filter(pk__in=staff_ids),
            "model": model,
            "trained": trained,
            "rows": [
                {
                    "label": r.label,
                    "source": r.source,
                    "total": r.total,
                    "accepted": round(r.accepted_rate * 100, 1),
                    "top3": round(r.top3_rate * 100, 1),
                }
                for r in rows
            ],
            "total": total,
        },
    )
