"""Ledger pages: the list with its filters and export, one item with its milestones, progress
chart, reports, change requests and history, entering an item, and the item's actions."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minsheng.engine import pages
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm
from minsheng.engine.pages import ActionView
from minsheng.ledger import excel, views_teams, workflow
from minsheng.ledger import permissions as perms
from minsheng.ledger.actions import ITEMS, LABELS
from minsheng.ledger.forms import ItemForm
from minsheng.ledger.models import (
    ChangeRequest,
    Evidence,
    LedgerItem,
    LedgerItemQuerySet,
    ProgressUpdate,
    Status,
)
from minsheng.ledger.models_vote import Candidate
from minsheng.ledger.permissions_vote import rounds_visible_to
from minsheng.ledger.progress import status_of
from minsheng.lib.paging import CountedPaginator
from minsheng.lib.rowmarkup import RowMarkup
from minsheng.people import permissions as people
from minsheng.people.choices import handling_unit_choices
from minsheng.people.models import User
from minsheng.suggestions.models import WarningColour
from minsheng.supervision.models import warning_of

PAGE_SIZE = 50
WARNING_LABELS = dict(WarningColour.choices)
SORTS: dict[str, tuple[Any, ...]] = {
    # Items with no deadline left (done, stopped) come last.
    "due": (F("due").asc(nulls_last=True), "pk"),
    "-progress": ("-progress", "pk"),
    "progress": ("progress", "pk"),
    "title": ("title", "pk"),
    "new": ("-pk",),
}

# What a list row shows and derives its status and warning from (`_display`), read as plain
# values (no model instances); the export reads every column.
ROW_FIELDS = (
    "pk",
    "title",
    "year",
    "kind",
    "state",
    "all_stopped",
    "progress",
    "due",
    "warn_from",
    "reported_on",
    "responsible_unit__name",
    "parent__title",
)
# One list row (lib/rowmarkup.py): every value escaped; `light` is a badge built by
# `format_html` or empty.
ROW = RowMarkup(
    '<tr data-testid="item-{pk}">'
    '<td class="title" data-label="{l_title}"><a href="{url}">{title}</a>'
    '<span class="sub">{sub}</span></td>'
    '<td data-label="{l_status}"><span class="state lstate-{shown_status}">{status_label}</span>'
    "{light}</td>"
    '<td class="nowrap" data-label="{l_progress}"><progress max="100" value="{progress}"'
    ' aria-hidden="true"></progress> {progress}%</td>'
    '<td data-label="{l_unit}">{unit_name}</td>'
    '<td class="nowrap" data-label="{l_due}">{due_text}</td></tr>',
    data=("title", "sub", "unit_name"),
)


@dataclass
class Filters:
    kind: str = ""
    year: int | None = None
    unit: int | None = None
    status: str = ""
    warning: str = ""
    pace: str = ""
    q: str = ""
    top: bool = False
    sort: str = "due"

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the filter bar opens on phones then)."""
        return bool(
            self.kind or self.year or self.unit or self.status or self.warning or self.pace
        ) or bool(self.q or self.top)

    @classmethod
    def from_query(cls, get: Any) -> Filters:
        found = cls()
        kind = get.get("kind", "")
        found.kind = kind if kind in LedgerItem.Kind.values else ""
        year = get.get("year", "")
        found.year = int(year) if year.isdigit() and len(year) == 4 else None
        unit = get.get("unit", "")
        found.unit = int(unit) if unit.isdigit() and len(unit) < 12 else None
        status = get.get("status", "")
        found.status = status if status in Status.values else ""
        warning = get.get("warning", "")
        found.warning = warning if warning in ("red", "yellow", "green") else ""
        pace = get.get("pace", "")
        found.pace = pace if pace in LedgerItem.Pace.values else ""
        found.q = get.get("q", "").strip()[:100]
        found.top = get.get("top") == "1"
        sort = get.get("sort", "due")
        found.sort = sort if sort in SORTS else "due"
        return found

    def apply(self, rows: LedgerItemQuerySet, today: datetime.date) -> QuerySet[LedgerItem]:
        if self.kind:
            rows = rows.filter(kind=self.kind)
        if self.year:
            rows = rows.filter(year=self.year)
        if self.unit:
            rows = rows.filter(responsible_unit_id=self.unit)
        if self.status:
            rows = rows.status(self.status, today)
        if self.warning:
            rows = rows.warning(self.warning, today)
        if self.pace:
            rows = rows.filter(pace=self.pace)
        if self.q:
            rows = rows.filter(title__icontains=self.q)
        if self.top:
            rows = rows.filter(parent__isnull=True)
        return rows.order_by(*SORTS[self.sort])


def _rows(user: User, filters: Filters, today: datetime.date) -> QuerySet[LedgerItem]:
    return filters.apply(
        LedgerItem.objects.visible_to(user).select_related("responsible_unit", "parent"), today
    )


@functools.lru_cache(maxsize=4096)
def _date_text(day: datetime.date, language: str) -> str:
    """`date_format` of a deadline, kept per language (the same items' dates, page after
    page); `language` is the active one, so the format is that language's."""
    return date_format(day, "DATE_FORMAT")


class _Labels:
    """The translated labels a row shows, taken once per request."""

    def __init__(self) -> None:
        self.kinds = {value: str(label) for value, label in LedgerItem.Kind.choices}
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.lights = {value: str(label) for value, label in WarningColour.choices}
        self.base = reverse("ledger:items")
        self.language = get_language() or settings.LANGUAGE_CODE
        self._badges: dict[str, str] = {}

    def date(self, day: datetime.date) -> str:
        """A date as the page writes it in this request's language."""
        return _date_text(day, self.language)

    def badge(self, light: str) -> str:
        """A running clock's light as a list row shows it (built once per colour)."""
        markup = self._badges.get(light)
        if markup is None:
            label = "" if light == WarningColour.NONE else self.lights.get(light, "")
            markup = self._badges[light] = (
                format_html('<br><span class="warn warn-{}">● {}</span>', light, label)
                if label
                else ""
            )
        return markup


def _display(
    labels: _Labels,
    today: datetime.date,
    *,
    pk: int,
    year: int,
    kind: str,
    stopped: bool,
    progress: int,
    due: datetime.date | None,
    warn_from: datetime.date | None,
    reported_on: datetime.date | None,
    unit: str | None,
    parent: str | None,
) -> dict[str, Any]:
    """What a row shows of an item, from its stored values: the list's rows, the item page
    and the panels all derive status, warning and labels here."""
    status = status_of(
        stopped=stopped, progress=progress, due=due, reported_on=reported_on, today=today
    )
    light = warning_of(due, warn_from, today, running=not stopped and progress < 100)
    kind_label = labels.kinds[kind]
    shown_due = None if stopped else due
    return {
        "shown_status": status,
        "status_label": labels.statuses[status],
        "light": light,
        "light_label": "" if light == WarningColour.NONE else labels.lights.get(light, ""),
        "kind_label": kind_label,
        "unit_name": unit or "—",
        "parent_title": parent or "",
        "sub": f"{year} · {kind_label} · {parent}" if parent else f"{year} · {kind_label}",
        "shown_due": shown_due,
        "due_text": labels.date(shown_due) if shown_due else "—",
        "url": f"{labels.base}{pk}/",
    }


def prepare(items: list[LedgerItem], today: datetime.date) -> None:
    """What each item shows, set on the instances (item page, children, panels); the
    related unit and parent are expected loaded (`select_related`)."""
    labels = _Labels()
    for item in items:
        shown = _display(
            labels,
            today,
            pk=item.pk,
            year=item.year,
            kind=item.kind,
            stopped=item.is_stopped,
            progress=item.progress,
            due=item.due,
            warn_from=item.warn_from,
            reported_on=item.reported_on,
            unit=item.responsible_unit.name if item.responsible_unit else None,
            parent=item.parent.title if item.parent else None,
        )
        for key, value in shown.items():
            setattr(item, key, value)


def list_rows(values: list[dict[str, Any]], today: datetime.date) -> list[dict[str, Any]]:
    """The list's rows from `ROW_FIELDS` values, ready for `ROW`."""
    labels = _Labels()
    rows = []
    for v in values:
        shown = _display(
            labels,
            today,
            pk=v["pk"],
            year=v["year"],
            kind=v["kind"],
            stopped=v["state"] == LedgerItem.State.STOPPED or v["all_stopped"],
            progress=v["progress"],
            due=v["due"],
            warn_from=v["warn_from"],
            reported_on=v["reported_on"],
            unit=v["responsible_unit__name"],
            parent=v["parent__title"],
        )
        rows.append(
            {
                "pk": v["pk"],
                "url": shown["url"],
                "title": v["title"],
                "sub": shown["sub"],
                "shown_status": shown["shown_status"],
                "status_label": shown["status_label"],
                "light": labels.badge(shown["light"]),
                "progress": v["progress"],
                "unit_name": shown["unit_name"],
                "due_text": shown["due_text"],
            }
        )
    return rows


def _can_enter(user: User) -> int | None:
    """The congress this person enters items for (staff), or None."""
    for j in sorted(people.jurisdiction_ids(user)):
        if perms.can_create(user, j):
            return j
    return None


@login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    filters = Filters.from_query(request.GET)
    rows = _rows(user, filters, today)
    if request.GET.get("format") == "xlsx":
        return excel.export_response(rows, today)
    # The count needs none of the joins the shown fields bring (the unit, the parent).
    page = CountedPaginator(rows.values(*ROW_FIELDS), PAGE_SIZE, count=rows.count).get_page(
        request.GET.get("page")
    )
    shown = list_rows(list(page.object_list), today)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "ledger/items.html",
        {
            "page": page,
            "rows": ROW.render(
                shown,
                l_title=_("Title"),
                l_status=_("Status"),
                l_progress=_("Progress"),
                l_unit=_("Responsible unit"),
                l_due=_("Next deadline"),
            ),
            "filters": filters,
            "kinds": LedgerItem.Kind.choices,
            "statuses": Status.choices,
            "paces": LedgerItem.Pace.choices,
            "warnings": [(c, WARNING_LABELS[c]) for c in ("red", "yellow", "green")],
            "units": handling_unit_choices(people.jurisdiction_ids(user)),
            "sorts": [
                ("due", _("Next deadline")),
                ("-progress", _("Most progress")),
                ("progress", _("Least progress")),
                ("title", _("Title")),
                ("new", _("Newest")),
            ],
            "query": query.urlencode(),
            "can_enter": _can_enter(user) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    parent = None
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if parent_id:
        parent = perms.get_item_for_user(user, parent_id)
    jurisdiction_id = parent.jurisdiction_id if parent else _can_enter(user)
    if jurisdiction_id is None or not perms.can_create(user, jurisdiction_id):
        raise PermissionDenied(_("Only congress staff enter items in the ledger."))
    form = ItemForm(request.POST or None, jurisdiction_id=jurisdiction_id, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = workflow.create_item(
                by=user,
                jurisdiction_id=jurisdiction_id,
                parent=parent,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                year=data["year"],
                source=data["source"],
                source_note=data["source_note"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                pace=data["pace"],
                responsible_unit=data["responsible_unit"],
                responsible_person=data["responsible_person"],
                lead_leader=data["lead_leader"],
                leader_in_charge=data["leader_in_charge"],
                co_units=data["co_units"],
                owner=data["owner"],
                budget=data["budget"],
                location=data["location"],
                weight=data.get("weight") or 1,
                milestones=data["milestones"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The item is entered in the ledger."))
            return redirect("ledger:detail", item.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "ledger/new.html", {"form": form, "parent": parent}, status=status)


def _actions(item: LedgerItem, user: User, failed: ActionForm | None) -> list[ActionView]:
    return pages.action_views(ITEMS, item, user, "ledger:act", failed)


def chart(updates: list[ProgressUpdate], item: LedgerItem) -> dict[str, Any] | None:
    """The progress chart as SVG coordinates (drawn by the template, no script): the reported
    percent over time, from the start to the planned end or the last report."""
    if not updates:
        return None
    start = item.starts_on
    end = max([item.ends_on or start, updates[-1].on, start + datetime.timedelta(days=1)])
    span = (end - start).days or 1
    width, height = 600, 200

    def x(day: datetime.date) -> float:
        return round(40 + (day - start).days / span * (width - 60), 1)

    def y(percent: int) -> float:
        return round(height - 30 - percent / 100 * (height - 50), 1)

    points = [(x(start), y(0))] + [(x(u.on), y(u.percent)) for u in updates]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{px},{py}" for px, py in points),
        "dots": [
            {"x": x(u.on), "y": y(u.percent), "label": f"{u.on.isoformat()} {u.percent}%"}
            for u in updates
        ],
        "grid": [{"y": y(p), "label": f"{p}%"} for p in (0, 50, 100)],
        "start": start,
        "end": end,
        "end_x": x(end),
        "milestones": [
            {"x": x(m.due), "label": f"{m.due.isoformat()} {m.title}"}
            for m in item.milestones.all()
            if start <= m.due <= end
        ],
    }


def _history(item: LedgerItem) -> list[Any]:
    events = list(item.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = ITEMS.timeline_label(event.action, event.data)
        changes = (event.data or {}).get("changes") or {}
        event.changes = [  # type: ignore[attr-defined]
            {"field": str(LABELS.get(name, name)), "before": c["before"], "after": c["after"]}
            for name, c in changes.items()
            if isinstance(c, dict) and "before" in c
        ]
    return events


def _detail(
    request: HttpRequest,
    item: LedgerItem,
    *,
    failed: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    milestones = list(item.milestones.all())
    updates = list(
        item.updates.select_related("by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        )
    )
    children = list(
        LedgerItem.objects.visible_to(user)
        .filter(parent=item)
        .select_related("responsible_unit", "parent")
        .order_by("pk")
    )
    prepare(children, today)
    hidden_children = item.children.count() - len(children)
    prepare([item], today)
    requests = list(
        item.change_requests.select_related("requested_by", "decided_by").order_by(
            "-requested_at", "-pk"
        )
    )
    for row in requests:
        row.rows = [  # type: ignore[attr-defined]
            {"field": str(LABELS.get(name, name)), "before": c["before"], "after": c["after"]}
            for name, c in row.changes.items()
        ]
    for m in milestones:
        m.late = m.done_on is None and m.due < today  # type: ignore[attr-defined]
    return render(
        request,
        "ledger/detail.html",
        {
            "item": item,
            "milestones": milestones,
            "updates": list(reversed(updates)),
            "chart": chart(updates, item),
            "children": children,
            "hidden_children": hidden_children,
            "requests": requests,
            "pending": next((r for r in requests if r.state == ChangeRequest.State.PENDING), None),
            "co_units": list(item.co_units.order_by("sort_order", "name")),
            "events": _history(item),
            "actions": _actions(item, user, failed),
            "can_add_child": perms.can_create(user, item.jurisdiction_id)
            and not item.updates.exists(),
            "page_error": error,
            "candidate": _vote_candidate(user, item),
            **views_teams.item_section(user, item),
        },
        status=status,
    )


def _vote_candidate(user: User, item: LedgerItem) -> Candidate | None:
    """The vote candidate this item was adopted from, when the person may see its round."""
    if item.source != LedgerItem.Source.VOTE:
        return None
    return (
        Candidate.objects.filter(ledger_item=item, round__in=rounds_visible_to(user))
        .select_related("round")
        .first()
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, perms.get_item_for_user(request.user, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = perms.get_item_for_user(user, pk)
    done = pages.post_action(request, ITEMS, item, action, workflow.ACTIONS.get(action))
    if not done.ok:
        item = perms.get_item_for_user(user, pk)
        return _detail(request, item, failed=done.form, error=done.error, status=done.status)
    uploads = done.data.get("evidence")
    if uploads and isinstance(done.result, ProgressUpdate):
        workflow.attach_evidence(done.result, uploads, by=user)
    return redirect("ledger:detail", item.pk)


def can_download(user: User, evidence: Evidence) -> bool:
    return LedgerItem.objects.visible_to(user).filter(pk=evidence.item_id).exists()


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    found = Evidence.objects.filter(pk=pk).first()
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
