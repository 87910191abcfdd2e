"""/api/v1/ledger/items: the ledger (清单台账) through the API.
Thin handlers: every read goes through the ledger's access pair
(`LedgerItem.objects.visible_to` / `get_item_for_user`), every change through a typed function
of `ledger/workflow.py`, and each declared action (`ledger/actions.py`) has its own endpoint
and body, built by `api/actions.py` from the declaration, as the suggestions' and
supervision's are. The list takes the page's filters (kind, year, unit, status, warning, 710
class, search, top-level only) and the same sorts.
"""

import datetime
import decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import ERRORS, ActionsOut, CleanStr, Id, NamedRef
from minsheng.api.suggestions import MAX_ID, Pages, _user
from minsheng.api.supervision import Mapped
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.ledger import permissions as perms
from minsheng.ledger import workflow
from minsheng.ledger.actions import ITEMS, LABELS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models import Status as LedgerStatus
from minsheng.ledger.views import SORTS, Filters
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User

router = Router(tags=["ledger"])

Colour = Literal["none", "green", "yellow", "red"]


# --- out ---------------------------------------------------------------------------------------


class LedgerItemRow(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    year: int
    parent: NamedRef | None
    responsible_unit: NamedRef | None
    state: str = Field(description="The life state: active or stopped.")
    status: str = Field(description="Derived: not_started, in_progress, done, lagging, stopped.")
    status_label: str
    progress: int = Field(description="Percent, 0–100 (a parent's is rolled up by weight).")
    due: datetime.date | None = Field(description="The next deadline it must meet.")
    warning: Colour
    pace: str = Field(description="The 710 class: ordinary, complex or year.")
    version: int


class MilestoneOut(Schema):
    id: int
    title: str
    due: datetime.date
    weight: int
    done_on: datetime.date | None


class UpdateOut(Schema):
    id: int
    on: datetime.date
    percent: int
    narrative: str
    by: str
    milestones_done: list[str]
    evidence: list[str] = Field(description="The evidence files' names.")


class ChangeOut(Schema):
    field: str
    label: str
    before: Any
    after: Any


class ChangeRequestOut(Schema):
    id: int
    state: str
    state_label: str
    reason: str
    requested_by: str
    requested_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_note: str
    changes: list[ChangeOut]


class LedgerEventOut(Schema):
    id: int
    at: datetime.datetime
    actor: str | None
    action: str
    label: str
    note: str
    changes: list[ChangeOut] = Field(description="For an approved change: before and after.")


class LedgerItemDetail(LedgerItemRow):
    description: str
    jurisdiction: NamedRef
    source: str
    source_suggestion: int | None
    source_note: str
    lead_leader: str
    leader_in_charge: str
    responsible_person: str
    co_units: list[NamedRef]
    owner: str
    budget: decimal.Decimal | None = Field(description="In 10,000 yuan.")
    location: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    pace_due: datetime.date = Field(description="The 710 due date.")
    warn_from: datetime.date | None
    due_uncertain: bool
    reported_on: datetime.date | None
    done_on: datetime.date | None
    weight: int = Field(description="Its weight in its parent's progress.")
    children: list[LedgerItemRow] = Field(description="The sub-items you may see.")
    milestones: list[MilestoneOut]
    updates: list[UpdateOut] = Field(description="Newest first.")
    change_requests: list[ChangeRequestOut] = Field(description="Newest first.")
    events: list[LedgerEventOut]


def _ref(obj: Any, name: str = "name") -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(getattr(obj, name))} if obj is not None else None


def _row(item: LedgerItem, today: datetime.date) -> dict[str, Any]:
    status = item.status(today)
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "title": item.title,
        "year": item.year,
        "parent": _ref(item.parent, "title"),
        "responsible_unit": _ref(item.responsible_unit),
        "state": item.state,
        "status": status,
        "status_label": str(dict(LedgerStatus.choices)[status]),
        "progress": item.progress,
        "due": item.due,
        "warning": item.warning(today),
        "pace": item.pace,
        "version": item.version,
    }


def _changes(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "field": name,
            "label": str(LABELS.get(name, name)),
            **{k: c[k] for k in ("before", "after")},
        }
        for name, c in (found or {}).items()
        if isinstance(c, dict) and "before" in c
    ]


def _detail_of(user: User, pk: int) -> dict[str, Any]:
    item = _get(user, pk)
    today = timezone.localdate()
    children = (
        LedgerItem.objects.visible_to(user)
        .filter(parent=item)
        .select_related("responsible_unit", "parent")
        .order_by("pk")
    )
    updates = item.updates.select_related("by").prefetch_related("evidence", "milestones_done")
    requests = item.change_requests.select_related("requested_by", "decided_by")
    events = item.events.select_related("actor").order_by("at", "pk")
    return {
        **_row(item, today),
        "description": item.description,
        "jurisdiction": _ref(item.jurisdiction),
        "source": item.source,
        "source_suggestion": item.source_suggestion_id,
        "source_note": item.source_note,
        "lead_leader": item.lead_leader,
        "leader_in_charge": item.leader_in_charge,
        "responsible_person": item.responsible_person,
        "co_units": [_ref(u) for u in item.co_units.order_by("sort_order", "name")],
        "owner": item.owner.display_name,
        "budget": item.budget,
        "location": item.location,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "pace_due": item.pace_due,
        "warn_from": item.warn_from,
        "due_uncertain": item.due_uncertain,
        "reported_on": item.reported_on,
        "done_on": item.done_on,
        "weight": item.weight,
        "children": [_row(c, today) for c in children],
        "milestones": [
            {"id": m.pk, "title": m.title, "due": m.due, "weight": m.weight, "done_on": m.done_on}
            for m in item.milestones.all()
        ],
        "updates": [
            {
                "id": u.pk,
                "on": u.on,
                "percent": u.percent,
                "narrative": u.narrative,
                "by": u.by.display_name,
                "milestones_done": [m.title for m in u.milestones_done.all()],
                "evidence": [e.original_name for e in u.evidence.all()],
            }
            for u in reversed(list(updates))
        ],
        "change_requests": [
            {
                "id": r.pk,
                "state": r.state,
                "state_label": r.get_state_display(),
                "reason": r.reason,
                "requested_by": r.requested_by.display_name,
                "requested_at": r.requested_at,
                "decided_by": r.decided_by.display_name if r.decided_by else None,
                "decided_at": r.decided_at,
                "decision_note": r.decision_note,
                "changes": _changes(r.changes),
            }
            for r in requests.order_by("-requested_at", "-pk")
        ],
        "events": [
            {
                "id": e.pk,
                "at": e.at,
                "actor": e.actor.display_name if e.actor else None,
                "action": e.action,
                "label": ITEMS.timeline_label(e.action, e.data),
                "note": e.note,
                "changes": _changes((e.data or {}).get("changes") or {}),
            }
            for e in events
        ],
    }


def _get(user: User, pk: int) -> LedgerItem:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return perms.get_item_for_user(user, pk)


# --- the list ----------------------------------------------------------------------------------


class LedgerFilters(Schema):
    kind: LedgerItem.Kind | None = Field(None, description="practical, legislation, inspection…")
    year: int | None = Field(None, ge=2000, le=2100)
    unit: Id | None = Field(None, description="The responsible unit.")
    status: LedgerStatus | None = Field(None, description="The derived status.")
    warning: Literal["green", "yellow", "red"] | None = None
    pace: LedgerItem.Pace | None = Field(None, description="The 710 class.")
    q: str | None = Field(None, max_length=100, description="Words in the title.")
    top: bool = Field(False, description="Only items without a parent.")
    sort: Literal[tuple(SORTS)] = Field("due", description="due, -progress, progress, title, new.")  # type: ignore[valid-type]


@router.get(
    "/items",
    response={200: list[LedgerItemRow], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the ledger items you may see",
    description="Filtered as the ledger page is; paginated like the suggestions list "
    "(`page`, `page_size` up to 200).",
    operation_id="list_ledger_items",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_items(request: HttpRequest, filters: Query[LedgerFilters]) -> Any:
    user = _user(request)
    today = timezone.localdate()
    chosen = Filters(
        kind=filters.kind or "",
        year=filters.year,
        unit=filters.unit,
        status=filters.status or "",
        warning=filters.warning or "",
        pace=filters.pace or "",
        q=(filters.q or "").strip(),
        top=filters.top,
        sort=filters.sort,
    )
    rows = chosen.apply(
        LedgerItem.objects.visible_to(user).select_related("responsible_unit", "parent"), today
    )
    return Mapped(rows, lambda page: [_row(item, today) for item in page])


@router.get(
    "/items/{int:item_id}",
    response={200: LedgerItemDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One ledger item with its milestones, reports, change requests and history",
    description="404 when it does not exist or you may not see it.",
    operation_id="get_ledger_item",
)
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _detail_of(_user(request), item_id)


# --- entering an item --------------------------------------------------------------------------


class LedgerItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: Id | None = Field(None, description="Your congress when left out.")
    parent: Id | None = Field(None, description="The parent item: its progress rolls up.")
    kind: LedgerItem.Kind
    title: CleanStr = Field(max_length=200)
    description: CleanStr = Field("", max_length=20000)
    year: int = Field(ge=2000, le=2100)
    source: LedgerItem.Source = LedgerItem.Source.PLAN
    source_note: CleanStr = Field("", max_length=200)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    pace: LedgerItem.Pace = LedgerItem.Pace.YEAR
    responsible_unit: Id | None = None
    responsible_person: CleanStr = Field("", max_length=60)
    lead_leader: CleanStr = Field("", max_length=60)
    leader_in_charge: CleanStr = Field("", max_length=60)
    co_units: list[Id] = Field(default_factory=list)
    owner: Id | None = Field(None, description="A staff member who approves its changes; you.")
    budget: decimal.Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    location: CleanStr = Field("", max_length=200)
    weight: int = Field(1, ge=0, le=1000, description="Its weight in the parent's progress.")
    milestones: CleanStr = Field(
        "",
        max_length=5000,
        description="One per line: `YYYY-MM-DD | title | weight`; weights add up to 100.",
    )


def _entering_where(user: User, payload: LedgerItemIn) -> int:
    staff_of = sorted(j for j in people.jurisdiction_ids(user) if perms.can_create(user, j))
    if not staff_of:
        raise NotAllowed(_("Only congress staff enter items in the ledger."))
    if payload.jurisdiction is None:
        return staff_of[0]
    if payload.jurisdiction not in staff_of:
        raise Invalid(
            _("You are not on the staff of congress %(id)s.") % {"id": payload.jurisdiction}
        )
    return payload.jurisdiction


def _unit(jurisdiction_id: int, pk: int) -> Organisation:
    found = (
        Organisation.objects.handling_units().filter(jurisdiction_id=jurisdiction_id, pk=pk).first()
    )
    if found is None:
        raise Invalid(_("Unit %(id)s is not a handling unit of this congress.") % {"id": pk})
    return found


@router.post(
    "/items",
    response={
        201: LedgerItemDetail,
        **{code: ERRORS[code] for code in (400, 401, 403, 404, 409, 422)},
    },
    summary="Enter an item in the ledger",
    description="Congress staff enter an item with its responsibility chain and milestones, "
    "under a parent if given. 403: you may not; 404: no such parent for you; 409: the parent "
    "already has progress reports of its own; 422: the body is not valid (dates, milestones "
    "whose weights do not add up to 100, a unit of another congress).",
    operation_id="create_ledger_item",
)
def create_item(request: HttpRequest, payload: LedgerItemIn) -> Status:
    user = _user(request)
    jurisdiction_id = _entering_where(user, payload)
    parent = _get(user, payload.parent) if payload.parent is not None else None
    owner = None
    if payload.owner is not None:
        owner = User.objects.filter(pk=payload.owner, is_active=True).first()
        if owner is None or not perms.can_create(owner, jurisdiction_id):
            raise Invalid(
                _("Person %(id)s is not on this congress's staff.") % {"id": payload.owner}
            )
    item = workflow.create_item(
        by=user,
        jurisdiction_id=jurisdiction_id,
        parent=parent,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        year=payload.year,
        source=payload.source,
        source_note=payload.source_note,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        pace=payload.pace,
        responsible_unit=(
            _unit(jurisdiction_id, payload.responsible_unit) if payload.responsible_unit else None
        ),
        responsible_person=payload.responsible_person,
        lead_leader=payload.lead_leader,
        leader_in_charge=payload.leader_in_charge,
        co_units=[_unit(jurisdiction_id, pk) for pk in dict.fromkeys(payload.co_units)],
        owner=owner,
        budget=payload.budget,
        location=payload.location,
        weight=payload.weight,
        milestones=payload.milestones,
    )
    return Status(201, _detail_of(user, item.pk))


# --- actions -----------------------------------------------------------------------------------


def _describe(name: str) -> str:
    rule = ITEMS[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    target = rule.target or "unchanged"
    extra = " Fields left out (or null) keep today's value." if name == "request_change" else ""
    return (
        f"`ledger.workflow.{name}`. Who: {who}. From states: {sources}. New state: {target}. "
        "Answers the updated item. 403: your role may not do this; 404: no such item for you; "
        "409: not now (state or rule, or `expected_version` is stale); 422: the body is not "
        f"valid.{extra}"
    )


class ItemBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the item changed since."
    )


ROUTES = ActionRoutes(
    registry=ITEMS,
    typed=workflow.ACTIONS,
    get=_get,
    answer=_detail_of,
    answer_schema=LedgerItemDetail,
    mount="/ledger",
    param="item_id",
    path="/items/{{int:item_id}}/actions/{name}",
    operation_id="ledger_item_action_{name}",
    tag="ledger actions",
    refused=lambda: _("You may not do this on this ledger item."),
    describe=_describe,
    base=ItemBody,
    body_prefix="LedgerItem",
)


@router.get(
    "/items/{int:item_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this ledger item now",
    description="The declared actions you may take now, each with its endpoint and body "
    "fields, and the item's `version` to send back as `expected_version`.",
    operation_id="ledger_item_actions",
)
def item_actions(request: HttpRequest, item_id: int) -> dict[str, Any]:
    user = _user(request)
    item = _get(user, item_id)
    return {
        "id": item.pk,
        "state": item.state,
        "version": item.version,
        "actions": ROUTES.offered(user, item),
    }


ROUTES.add_to(router)


@router.post(
    "/items/{int:item_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, item_id: int, action: str) -> Any:
    _get(_user(request), item_id)
    raise ROUTES.unknown(action)
