"""B commitment pages: the list, one commitment with its actions and letters, the resolution
rate, the yearly look-back, and the commitment section of a suggestion page.

Thin views (CONVENTIONS habit 4): every read goes through the ledger's access pair
(`LedgerItem.objects.visible_to` / `get_item_for_user`, narrowed to commitments), every change
through a typed function (`commitments.ACTIONS`, and the ledger's own `report`)."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minsheng.engine import pages
from minsheng.engine.actions import Registry
from minsheng.engine.forms import ActionForm
from minsheng.engine.pages import ActionView
from minsheng.ledger import commitment_letters, commitments, excel
from minsheng.ledger import workflow as ledger_workflow
from minsheng.ledger.actions import ITEMS
from minsheng.ledger.commitments import COMMITMENTS
from minsheng.ledger.models import FollowUpReply, LedgerItem, ProgressUpdate, Status
from minsheng.lib.letters import docx_response
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions.models import Category, Suggestion, WarningColour

PAGE_SIZE = 50
# The ledger's own actions a commitment page offers (the rest are on the ledger item page).
LEDGER_ACTIONS = ("report",)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- actions ------------------------------------------------------------------------------------


def _registry_of(action: str) -> tuple[Registry[Any], Any]:
    if action in COMMITMENTS.actions:
        return COMMITMENTS, commitments.ACTIONS[action]
    if action in LEDGER_ACTIONS:
        return ITEMS, ledger_workflow.ACTIONS[action]
    raise Http404("No such action.")


def _actions(item: LedgerItem, user: User, failed: ActionForm | None) -> list[ActionView]:
    """The ledger's own actions that apply to a commitment, then the commitment's."""
    ledger = [name for name in ITEMS.offered(user, item) if name in LEDGER_ACTIONS]
    return [
        *pages.action_views(ITEMS, item, user, "commitments:act", failed, names=ledger),
        *pages.action_views(COMMITMENTS, item, user, "commitments:act", failed),
    ]


# --- one commitment -----------------------------------------------------------------------------


def _ledger_link(item: LedgerItem) -> str:
    """The ledger item page, once the ledger's pages are mounted."""
    try:
        return reverse("ledger:detail", args=[item.pk])
    except NoReverseMatch:
        return ""


def _can_see_drafts(user: User, item: LedgerItem) -> bool:
    caps = commitments.capacities(user, item)
    return bool(caps & {commitments.STAFF, commitments.RESPONSIBLE})


def _render_detail(
    request: HttpRequest,
    item: LedgerItem,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    s = item.source_suggestion
    suggestion_visible = (
        s is not None and Suggestion.objects.visible_to(user).filter(pk=s.pk).exists()
    )
    follow_ups = list(item.follow_ups.select_related("signed_by").order_by("round"))
    if not _can_see_drafts(user, item):
        follow_ups = [f for f in follow_ups if f.state == FollowUpReply.State.SENT]
    updates = list(
        ProgressUpdate.objects.filter(item=item).select_related("by").order_by("-on", "-pk")
    )
    events = list(item.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = ITEMS.timeline_label(event.action, event.data)  # type: ignore[attr-defined]
    light = item.warning(today)
    return render(
        request,
        "ledger/commitments/detail.html",
        {
            "item": item,
            "s": s,
            "suggestion_visible": suggestion_visible,
            "reply": item.source_reply,
            "follow_ups": follow_ups,
            "updates": updates,
            "events": events,
            "status": item.status(today),
            "solved": commitments.is_solved(item),
            "light": light,
            "light_label": dict(WarningColour.choices).get(light, ""),
            "actions": _actions(item, user, failed),
            "page_error": error,
            "ledger_link": _ledger_link(item),
        },
        status=status,
    )


def _get(user: User, pk: int) -> LedgerItem:
    item = commitments.get_commitment_for_user(user, pk)
    return (
        LedgerItem.objects.select_related(
            "responsible_unit",
            "owner",
            "source_reply__assignment__unit",
            "source_suggestion__lead_deputy__user",
            "source_suggestion__category",
        )
        .filter(pk=item.pk)
        .get()
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get(_user(request), pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    item = _get(user, pk)
    registry, typed = _registry_of(action)
    done = pages.post_action(request, registry, item, action, typed)
    if not done.ok:
        return _render_detail(
            request, _get(user, pk), failed=done.form, error=done.error, status=done.status
        )
    uploads = done.data.get("evidence")
    if uploads and isinstance(done.result, ProgressUpdate):
        ledger_workflow.attach_evidence(done.result, uploads, by=user)
    return redirect("commitments:detail", item.pk)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int, round_: int) -> HttpResponse:
    user = _user(request)
    item = _get(user, pk)
    row = item.follow_ups.filter(round=round_).first()
    if row is None or (row.state != FollowUpReply.State.SENT and not _can_see_drafts(user, item)):
        raise Http404("No such second reply.")
    return docx_response(commitment_letters.follow_up_letter(row), commitment_letters.filename(row))


# --- the list -----------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filtered(user: User, params: Any, today: datetime.date) -> Any:
    from django.db.models import Q

    from minsheng.ledger.models import running_q, stopped_q

    qs = commitments.commitments_for(user)
    year, unit = _int(params.get("year")), _int(params.get("unit"))
    if year:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(responsible_unit_id=unit)
    if "category" in params:
        category = _int(params.get("category"))
        if category is None:
            qs = qs.filter(source_suggestion__category__isnull=True)
        else:
            qs = qs.filter(source_suggestion__category_id=category)
    state = params.get("status", "")
    if state == "solved":
        qs = qs.filter(commitments.solved_q())
    elif state == "open":
        qs = qs.filter(running_q())
    elif state == "overdue":
        qs = qs.filter(running_q() & Q(due__lt=today))
    elif state == "stopped":
        qs = qs.filter(stopped_q())
    return qs


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    qs = (
        _filtered(user, request.GET, today)
        .select_related("responsible_unit", "source_suggestion")
        .only(
            "pk",
            "title",
            "year",
            "state",
            "progress",
            "due",
            "warn_from",
            "reported_on",
            "all_stopped",
            "ends_on",
            "responsible_unit__name",
            "source_suggestion__series",
            "source_suggestion__number",
        )
        .order_by("-year", "due", "pk")
    )
    if request.GET.get("format") == "xlsx":
        return excel.commitments_response(qs, today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Status.choices)
    warnings = dict(WarningColour.choices)
    rows = []
    for item in page.object_list:
        light = item.warning(today)
        rows.append(
            {
                "item": item,
                "number": item.source_suggestion.display_number if item.source_suggestion else "",
                "status": labels[item.status(today)],
                "solved": commitments.is_solved(item),
                "light": light,
                "light_label": warnings.get(light, ""),
            }
        )
    return render(
        request,
        "ledger/commitments/list.html",
        {
            "page": page,
            "rows": rows,
            "query": _query(request, exclude=("page",)),
            "years": _years(user),
            "units": units_for_filter(user),
            "statuses": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("solved", _("Solved")),
                ("stopped", _("Stopped, not solved")),
            ],
            "chosen": {
                "year": _int(request.GET.get("year")),
                "unit": _int(request.GET.get("unit")),
                "status": request.GET.get("status", ""),
            },
        },
    )


def _query(request: HttpRequest, exclude: tuple[str, ...] = ()) -> str:
    params = request.GET.copy()
    for name in exclude:
        params.pop(name, None)
    return params.urlencode()


# --- the resolution rate ------------------------------------------------------------------------

GROUPS = {
    "unit": ("unit",),
    "category": ("category",),
    "unit_category": ("unit", "category"),
    "year": ("year",),
}


def _years(user: User) -> list[int]:
    return sorted(
        set(commitments.commitments_for(user).order_by().values_list("year", flat=True)),
        reverse=True,
    )


@login_required
@require_GET
def resolution(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    years = _years(user)
    year = _int(request.GET.get("year"))
    group = request.GET.get("by", "unit")
    if group not in GROUPS:
        group = "unit"
    qs = commitments.commitments_for(user)
    if year:
        qs = qs.filter(year=year)
    rows, total = commitments.resolution_rates(qs, by=GROUPS[group])
    dims = GROUPS[group]
    for row in rows:
        link: dict[str, Any] = {"year": year} if year else {}
        if "unit" in dims:
            link["unit"] = row.unit_id or ""
        if "category" in dims:
            link["category"] = row.category_id or ""
        if "year" in dims:
            link["year"] = row.year
        row.link = urlencode(link)  # type: ignore[attr-defined]
    return render(
        request,
        "ledger/commitments/resolution.html",
        {
            "rows": rows,
            "total": total,
            "years": years,
            "year": year,
            "group": group,
            "groups": [
                ("unit", _("By unit")),
                ("category", _("By category")),
                ("unit_category", _("By unit and category")),
                ("year", _("By year")),
            ],
        },
    )


# --- the look-back ------------------------------------------------------------------------------


def _staff_jurisdictions(user: User) -> list[int]:
    return [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]


@login_required
@require_GET
def look_back(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    staff_j = _staff_jurisdictions(user)
    if not staff_j:
        raise PermissionDenied(_("The look-back is the congress office's work."))
    today = timezone.localdate()
    year = _int(request.GET.get("year")) or today.year
    items = commitments.commitments_for(user).filter(jurisdiction_id__in=staff_j)
    unresolved = list(commitments.unresolved(items, year)[:200])
    labels = dict(Status.choices)
    for item in unresolved:
        item.status_label = labels[item.status(today)]  # type: ignore[attr-defined]
        item.reopenable = COMMITMENTS.refusal("reopen", user, item) is None  # type: ignore[attr-defined]
    suggestions = Suggestion.objects.visible_to(user).filter(jurisdiction_id__in=staff_j)
    repeats = commitments.repeated_topics(suggestions, year)
    categories = dict(
        Category.objects.filter(jurisdiction_id__in=staff_j).values_list("pk", "name")
    )
    for repeat in repeats:
        repeat.category_name = categories.get(repeat.suggestion.category_id or 0, "")  # type: ignore[attr-defined]
        repeat.rows = [  # type: ignore[attr-defined]
            (old, score, repeat.shared.get(old.pk, [])) for old, score in repeat.earlier
        ]
    method = repeats[0].method if repeats else commitments.repeat_method()
    return render(
        request,
        "ledger/commitments/look_back.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "unresolved": unresolved,
            "repeats": repeats,
            "method": method,
            "threshold": round(commitments.repeat_threshold(method) * 100),
        },
    )


# --- the section of the suggestion page ----------------------------------------------------------


def panel(request: HttpRequest, s: Suggestion) -> dict[str, Any] | None:
    """The suggestion's commitments this person may see; None when there is none."""
    user = request.user
    items = list(
        commitments.commitments_for(user)
        .filter(source_suggestion=s)
        .select_related("responsible_unit")
        .order_by("pk")
    )
    if not items:
        return None
    today = timezone.localdate()
    labels = dict(Status.choices)
    for item in items:
        item.status_label = labels[item.status(today)]  # type: ignore[attr-defined]
        item.solved = commitments.is_solved(item)  # type: ignore[attr-defined]
        item.sent = commitments.sent_follow_ups(item)  # type: ignore[attr-defined]
    unsolved = any(not item.solved for item in items)  # type: ignore[attr-defined]
    closed = s.state == Suggestion.State.CLOSED
    return {
        "items": items,
        "closed_not_solved": closed and unsolved,
        # Said before staff close it: closing the suggestion does not solve the promise.
        "closing_leaves_open": not closed and unsolved,
    }


# --- the home worklist rows ----------------------------------------------------------------------


def worklist_rows(user: Any, today: datetime.date) -> list[Any]:
    from minsheng.suggestions.worklist import Todo

    rows = []
    units = people.unit_ids(user)
    listing = reverse("commitments:list")
    if units:
        rows.append(
            Todo(
                _("Commitments to report on"),
                commitments.to_report(units, today).count(),
                f"{listing}?status=open",
            )
        )
    staff_j = [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]
    if staff_j:
        rows.append(
            Todo(
                _("Commitments overdue"),
                commitments.overdue(staff_j, today).count(),
                f"{listing}?status=overdue",
                "red",
            )
        )
    return rows


def units_for_filter(user: User) -> list[Organisation]:
    ids = commitments.commitments_for(user).values_list("responsible_unit_id", flat=True)
    return list(Organisation.objects.filter(pk__in=ids).order_by("sort_order", "name"))
