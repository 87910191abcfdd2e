"""Pages of the handling units: the inbox of a unit's assignments and signing for from it.

Views stay thin: they check access, read through `visible_to` / `get_suggestion_for_user`, call
the workflow and answer. Workflow errors become messages, never a 500.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.lib.paging import CountedPaginator
from minsheng.people import permissions as people
from minsheng.suggestions import filters, workflow
from minsheng.suggestions.actions import replies_problems
from minsheng.suggestions.forms_office import InboxFilterForm
from minsheng.suggestions.models import (
    Assignment,
    Reply,
    Suggestion,
    WarningColour,
    in_handling_q,
    overdue_q,
    warning_q,
)
from minsheng.suggestions.permissions import get_suggestion_for_user
from minsheng.suggestions.views.office import PER_PAGE, _actor, _int_or_none, _safe_next

if TYPE_CHECKING:
    from minsheng.people.permissions import Person

S = Suggestion.State
A = Assignment.State


# --- the unit inbox -----------------------------------------------------------------------------


def _inbox_due(qs: Any, due: str, today: datetime.date) -> Any:
    """Overdue or due soon by the clock that matters for the assignment's state: signing for,
    the joint opinion, or the reply."""
    if due not in ("overdue", "soon"):
        return qs
    qs = qs.filter(in_handling_q("suggestion__"))
    soon = today + datetime.timedelta(days=3)
    joint_soon = today + datetime.timedelta(days=7)
    answering = ~Q(mode=Assignment.Mode.JOINT)
    joint = Q(mode=Assignment.Mode.JOINT, state=A.SIGNED)
    if due == "overdue":
        return qs.filter(
            Q(state=A.AWAITING_SIGNATURE, sign_due__lt=today)
            | (Q(answering, state=A.SIGNED) & overdue_q(today, "suggestion__"))
            | Q(joint, joint_opinion_due__lt=today)
        )
    return qs.filter(
        Q(state=A.AWAITING_SIGNATURE, sign_due__gte=today, sign_due__lte=soon)
        | (Q(answering, state=A.SIGNED) & warning_q(WarningColour.YELLOW, today, "suggestion__"))
        | Q(joint, joint_opinion_due__gte=today, joint_opinion_due__lte=joint_soon)
    )


# What needs the unit first; finished suggestions (answered, closed, withdrawn…) sink to the end.
URGENCY = Case(
    When(~in_handling_q("suggestion__"), then=Value(4)),
    When(state=A.AWAITING_SIGNATURE, then=Value(0)),
    When(state=A.ADJUSTMENT_REQUESTED, then=Value(1)),
    When(state=A.SIGNED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """A unit's assignments; never another unit's, whatever the filter says."""
    units = people.unit_ids(request.user)
    if not units:
        raise PermissionDenied(_("Only clerks and heads of handling units have an inbox."))
    today = timezone.localdate()
    form = filters.SuggestionFilterForm(request.GET or None, user=request.user)
    criteria = form.criteria()
    extra = InboxFilterForm(request.GET or None)
    values = extra.values()
    # An active assignment of one of the person's units is exactly what makes its suggestion
    # visible to them (permissions.visible_filter's unit term, same unit_ids), so the rows need
    # no visibility subquery; the list filter, when one is set, is a look-up per row.
    qs = Assignment.objects.filter(unit_id__in=units).exclude(state=A.CANCELLED)
    if criteria != filters.Criteria(sort=criteria.sort):
        matching = filters.apply(Suggestion.objects.all(), criteria, today).order_by()
        qs = qs.filter(Exists(matching.filter(pk=OuterRef("suggestion_id"))))
    if values.get("astate"):
        qs = qs.filter(state=values["astate"])
    qs = _inbox_due(qs, values.get("due") or "", today)
    counted = qs  # the rows to count, without the joins and the sort the page adds
    qs = qs.select_related(
        "unit",
        "suggestion__lead_deputy__user",
        "suggestion__category__parent",
        "suggestion__session",
    ).defer("suggestion__body", "suggestion__state_note")
    qs = qs.annotate(urgency=URGENCY).order_by(
        "urgency", F("suggestion__reply_due").asc(nulls_last=True), "sign_due", "pk"
    )
    page = CountedPaginator(qs, PER_PAGE, count=counted.count).get_page(request.GET.get("page"))
    lights = {c.value: str(c.label) for c in WarningColour}
    astates = {value: str(label) for value, label in A.choices}
    modes = {value: str(label) for value, label in Assignment.Mode.choices}
    detail = reverse("suggestions:detail", args=[0]).removesuffix("0/")
    sign = reverse("suggestions:inbox_sign", args=[0]).removesuffix("0/sign/")
    rows = [
        {
            "a": a,
            "s": a.suggestion,
            "url": f"{detail}{a.suggestion_id}/",
            "sign_url": f"{sign}{a.pk}/sign/",
            "deputy": a.suggestion.lead_deputy.user.display_name,
            "category": str(a.suggestion.category) if a.suggestion.category_id else "",
            "astate": astates.get(a.state, a.state),
            "mode": modes.get(a.mode, a.mode),
            "warning": (light := a.suggestion.warning(today)),
            "warning_label": lights[light],
            "can_sign": a.state == A.AWAITING_SIGNATURE
            and a.suggestion.state in Suggestion.IN_HANDLING,
            "sign_late": a.state == A.AWAITING_SIGNATURE and today > a.sign_due,
            "adjustable": a.state in (A.AWAITING_SIGNATURE, A.SIGNED)
            and today <= a.adjustment_until,
        }
        for a in page.object_list
    ]
    return render(
        request,
        "suggestions/unit/inbox.html",
        {
            "form": form,
            "extra": extra,
            "page": page,
            "rows": rows,
            "to_sign": _replies_to_sign(request.user, today),
            "is_head": bool(people.unit_ids(request.user, ("head",))),
            "multi_unit": len(units) > 1,
            "today": today,
        },
    )


def _replies_to_sign(user: Person, today: datetime.date) -> list[dict[str, Any]]:
    """Draft replies of the head's units in the current round, with what still stops them."""
    head_units = people.unit_ids(user, ("head",))
    if not head_units:
        return []
    query = (
        Reply.objects.filter(
            assignment__unit_id__in=head_units,
            assignment__state=A.SIGNED,
            state=Reply.State.DRAFT,
            round=F("suggestion__round"),
            suggestion__state__in=[S.HANDLING, S.REHANDLING],
        )
        .filter(Exists(Suggestion.objects.visible_to(user).filter(pk=OuterRef("suggestion_id"))))
        .select_related("suggestion", "assignment__unit", "drafted_by")
        .defer("suggestion__body", "suggestion__state_note")
        .order_by(F("suggestion__reply_due").asc(nulls_last=True), "pk")[:PER_PAGE]
    )
    drafts = list(query)
    lights = {c.value: str(c.label) for c in WarningColour}
    detail = reverse("suggestions:detail", args=[0]).removesuffix("0/")
    # What stops each draft, for all of them at once (not three queries per draft).
    problems = replies_problems([(r.suggestion, r.assignment) for r in drafts])
    return [
        {
            "reply": r,
            "s": r.suggestion,
            "url": f"{detail}{r.suggestion_id}/",
            "problems": found,
            "warning": (light := r.suggestion.warning(today)),
            "warning_label": lights[light],
        }
        for r, found in zip(drafts, problems, strict=True)
    ]


@login_required
@require_POST
def inbox_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign for one assignment straight from the inbox."""
    back = _safe_next(request, reverse("suggestions:inbox"))
    units = people.unit_ids(request.user)
    assignment = (
        Assignment.objects.filter(pk=pk, unit_id__in=units).exclude(state=A.CANCELLED).first()
    )
    if assignment is None:
        raise PermissionDenied(_("This assignment is not your unit's."))
    s = get_suggestion_for_user(request.user, assignment.suggestion_id)
    try:
        workflow.sign(
            s,
            by=_actor(request),
            assignment_id=assignment.pk,
            expected_version=_int_or_none(request.POST.get("version")),
        )
    except workflow.WorkflowError as error:
        messages.error(
            request,
            _("“%(title)s” was not signed for: %(reason)s")
            % {"title": s.title, "reason": error.message},
        )
        return redirect(back)
    messages.success(
        request,
        _("Signed for %(number)s “%(title)s” on behalf of %(unit)s.")
        % {"number": s.display_number, "title": s.title, "unit": assignment.unit},
    )
    return redirect(back)
