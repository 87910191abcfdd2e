"""/api/v1/ledger/teams and /api/v1/ledger/rectifications: supervision teams (督查督导组),
their inspections and the rectifications (整改) their findings became.

Thin handlers: reads through the access pairs of `ledger/permissions_teams.py`, changes
through `ledger/workflow_teams.py`; each declared rectification action
(`ledger/actions_teams.py`) has its own endpoint and body, built by `api/actions.py` from the
declaration, as the ledger items' are."""

import datetime
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
from minsheng.ledger import permissions_teams as perms
from minsheng.ledger import workflow_teams as wt
from minsheng.ledger.actions_teams import RECTIFICATIONS
from minsheng.ledger.models import LedgerItem
from minsheng.ledger.models_teams import Inspection, Rectification, Team
from minsheng.ledger.views_teams import rectification_rows
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User

router = Router(tags=["ledger teams"])

Colour = Literal["none", "green", "yellow", "red"]


# --- out ---------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    role: str = Field(description="leader or member.")


class RectificationRow(Schema):
    id: int
    item: NamedRef
    team: NamedRef
    inspection: int
    problem: str
    owner_unit: NamedRef
    owner_person: str
    due: datetime.date
    warn_from: datetime.date | None
    warning: Colour
    state: str = Field(description="open, reported, closed or reopened.")
    state_label: str
    version: int


class InspectionOut(Schema):
    id: int
    team: NamedRef
    item: NamedRef
    on: datetime.date
    place: str
    participants: str
    notes: str
    recorded_by: str
    evidence: list[str] = Field(description="The evidence files' names.")
    rectifications: list[int]


class TeamRow(Schema):
    id: int
    name: str
    year: int
    leader: NamedRef


class TeamDetail(TeamRow):
    members: list[MemberOut]
    items: list[NamedRef] = Field(description="The ledger items the team covers.")
    inspections: list[InspectionOut]
    open_rectifications: list[RectificationRow]


class RectificationEventOut(Schema):
    id: int
    at: datetime.datetime
    actor: str | None
    action: str
    label: str
    note: str


class RectificationDetail(RectificationRow):
    report: str
    reported_on: datetime.date | None
    closed_on: datetime.date | None
    reopen_reason: str
    evidence: list[str]
    events: list[RectificationEventOut]


def _ref(obj: Any, name: str = "name") -> dict[str, Any]:
    return {"id": obj.pk, "name": str(getattr(obj, name))}


def _rect_row(r: Rectification, today: datetime.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "item": _ref(r.item, "title"),
        "team": _ref(r.team),
        "inspection": r.inspection_id,
        "problem": r.problem,
        "owner_unit": _ref(r.owner_unit),
        "owner_person": r.owner_person,
        "due": r.due,
        "warn_from": r.warn_from,
        "warning": r.warning(today),
        "state": r.state,
        "state_label": r.get_state_display(),
        "version": r.version,
    }


def _inspection(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "team": _ref(i.team),
        "item": _ref(i.item, "title"),
        "on": i.on,
        "place": i.place,
        "participants": i.participants,
        "notes": i.notes,
        "recorded_by": i.recorded_by.display_name,
        "evidence": [e.original_name for e in i.evidence.all()],
        "rectifications": [r.pk for r in i.rectifications.all()],
    }


def _team_row(t: Team) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "year": t.year,
        "leader": {"id": t.leader_id, "name": t.leader.display_name},
    }


def _get_team(user: User, pk: int) -> Team:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return perms.get_team_for_user(user, pk)


def _team_detail(user: User, pk: int) -> dict[str, Any]:
    team = _get_team(user, pk)
    today = timezone.localdate()
    inspections = team.inspections.select_related("team", "item", "recorded_by").prefetch_related(
        "evidence", "rectifications"
    )
    rects = team.rectifications.exclude(state=Rectification.State.CLOSED).select_related(
        "item", "team", "owner_unit"
    )
    return {
        **_team_row(team),
        "members": [
            {"id": m.user_id, "name": m.user.display_name, "role": m.role}
            for m in team.memberships.select_related("user")
        ],
        "items": [_ref(i, "title") for i in team.items.order_by("title")],
        "inspections": [_inspection(i) for i in inspections],
        "open_rectifications": [_rect_row(r, today) for r in rects.order_by("due", "pk")],
    }


def _get_rect(user: User, pk: int) -> Rectification:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return perms.get_rectification_for_user(user, pk)


def _rect_detail(user: User, pk: int) -> dict[str, Any]:
    r = _get_rect(user, pk)
    events = r.events.select_related("actor").order_by("at", "pk")
    return {
        **_rect_row(r, timezone.localdate()),
        "report": r.report,
        "reported_on": r.reported_on,
        "closed_on": r.closed_on,
        "reopen_reason": r.reopen_reason,
        "evidence": [e.original_name for e in r.evidence.order_by("pk")],
        "events": [
            {
                "id": e.pk,
                "at": e.at,
                "actor": e.actor.display_name if e.actor else None,
                "action": e.action,
                "label": RECTIFICATIONS.timeline_label(e.action, e.data),
                "note": e.note,
            }
            for e in events
        ],
    }


# --- teams -------------------------------------------------------------------------------------


@router.get(
    "/teams",
    response={200: list[TeamRow], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the supervision teams you may see",
    operation_id="list_ledger_teams",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_teams(request: HttpRequest) -> Any:
    rows = Team.objects.visible_to(_user(request)).select_related("leader")
    return Mapped(rows.order_by("-year", "name", "pk"), lambda page: [_team_row(t) for t in page])


@router.get(
    "/teams/{int:team_id}",
    response={200: TeamDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One team with its members, items, inspections and open rectifications",
    operation_id="get_ledger_team",
)
def get_team(request: HttpRequest, team_id: int) -> dict[str, Any]:
    return _team_detail(_user(request), team_id)


class TeamIn(Schema):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: Id | None = Field(None, description="Your congress when left out.")
    name: CleanStr = Field(max_length=120)
    year: int = Field(ge=2000, le=2100)
    leader: Id
    members: list[Id] = Field(default_factory=list)
    items: list[Id] = Field(default_factory=list, description="Ledger items the team covers.")


def _person(jurisdiction_id: int, pk: int) -> User:
    found = User.objects.filter(
        pk=pk, is_active=True, roles__jurisdiction_id=jurisdiction_id, roles__is_active=True
    ).first()
    if found is None:
        raise Invalid(_("Person %(id)s is not an active person of this congress.") % {"id": pk})
    return found


def _item(jurisdiction_id: int, pk: int) -> LedgerItem:
    found = LedgerItem.objects.filter(pk=pk, jurisdiction_id=jurisdiction_id).first()
    if found is None:
        raise Invalid(_("Ledger item %(id)s is not an item of this congress.") % {"id": pk})
    return found


@router.post(
    "/teams",
    response={201: TeamDetail, **{c: ERRORS[c] for c in (400, 401, 403, 422)}},
    summary="Enter a supervision team",
    description="Congress staff enter a team with its leader, members and the items it "
    "covers. 403: you may not; 422: the body is not valid (unknown person or item, a name "
    "already used that year).",
    operation_id="create_ledger_team",
)
def create_team(request: HttpRequest, payload: TeamIn) -> Status:
    user = _user(request)
    staff_of = sorted(j for j in people.jurisdiction_ids(user) if perms.can_manage(user, j))
    if not staff_of:
        raise NotAllowed(_("Only congress staff manage supervision teams."))
    j = payload.jurisdiction or staff_of[0]
    if j not in staff_of:
        raise Invalid(_("You are not on the staff of congress %(id)s.") % {"id": j})
    team = wt.create_team(
        by=user,
        jurisdiction_id=j,
        name=payload.name,
        year=payload.year,
        leader=_person(j, payload.leader),
        members=[_person(j, pk) for pk in dict.fromkeys(payload.members)],
        items=[_item(j, pk) for pk in dict.fromkeys(payload.items)],
    )
    return Status(201, _team_detail(user, team.pk))


class FindingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    problem: CleanStr = Field(min_length=1, max_length=5000)
    owner_unit: Id
    owner_person: CleanStr = Field("", max_length=60)
    due: datetime.date


class InspectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item: Id = Field(description="A ledger item the team covers.")
    on: datetime.date
    place: CleanStr = Field("", max_length=200)
    participants: CleanStr = Field("", max_length=500)
    notes: CleanStr = Field("", max_length=20000)
    findings: list[FindingIn] = Field(
        default_factory=list, max_length=30, description="Each becomes a rectification."
    )


@router.post(
    "/teams/{int:team_id}/inspections",
    response={201: InspectionOut, **{c: ERRORS[c] for c in (400, 401, 403, 404, 422)}},
    summary="Record an inspection with its findings",
    description="A team member (or staff) records an inspection of one of the team's items; "
    "each finding becomes a rectification of its owner unit. 403: you are not on the team; "
    "404: no such team for you; 422: the body is not valid (an item the team does not cover, "
    "a date in the future, a due date before the inspection, an unknown unit).",
    operation_id="create_ledger_inspection",
)
def create_inspection(request: HttpRequest, team_id: int, payload: InspectionIn) -> Status:
    user = _user(request)
    team = _get_team(user, team_id)
    if not perms.can_inspect(user, team):
        raise NotAllowed(_("Only the team's members record its inspections."))
    item = team.items.filter(pk=payload.item).first()
    if item is None:
        raise Invalid(_("This team does not cover that ledger item."))
    units = Organisation.objects.handling_units().filter(jurisdiction_id=team.jurisdiction_id)
    findings = []
    for f in payload.findings:
        unit = units.filter(pk=f.owner_unit).first()
        if unit is None:
            raise Invalid(
                _("Unit %(id)s is not a handling unit of this congress.") % {"id": f.owner_unit}
            )
        findings.append(wt.Finding(f.problem, unit, f.due, f.owner_person))
    inspection = wt.record_inspection(
        team,
        by=user,
        item=item,
        on=payload.on,
        place=payload.place,
        participants=payload.participants,
        notes=payload.notes,
        findings=findings,
    )
    return Status(201, _inspection(inspection))


# --- rectifications ----------------------------------------------------------------------------


class RectFilters(Schema):
    state: Rectification.State | None = None
    unit: Id | None = Field(None, description="The owner unit.")
    team: Id | None = None
    warning: Literal["green", "yellow", "red"] | None = None


@router.get(
    "/rectifications",
    response={200: list[RectificationRow], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the rectifications you may see",
    description="Filtered as the page is (state, owner unit, team, warning), by due date.",
    operation_id="list_ledger_rectifications",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_rectifications(request: HttpRequest, filters: Query[RectFilters]) -> Any:
    today = timezone.localdate()
    chosen = {
        "state": filters.state or "",
        "unit": filters.unit,
        "team": filters.team,
        "warning": filters.warning or "",
    }
    rows = rectification_rows(_user(request), chosen, today)
    return Mapped(rows, lambda page: [_rect_row(r, today) for r in page])


@router.get(
    "/rectifications/{int:rectification_id}",
    response={200: RectificationDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One rectification with its report and history",
    operation_id="get_ledger_rectification",
)
def get_rectification(request: HttpRequest, rectification_id: int) -> dict[str, Any]:
    return _rect_detail(_user(request), rectification_id)


def _describe(name: str) -> str:
    rule = RECTIFICATIONS[name]
    return (
        f"`ledger.workflow_teams.{name}`. Who: {', '.join(sorted(rule.who))}. From states: "
        f"{', '.join(sorted(rule.sources))}. New state: {rule.target or 'unchanged'}. Answers "
        "the updated rectification. 403: you may not; 404: no such rectification for you; "
        "409: not now (state, or `expected_version` is stale); 422: the body is not valid."
    )


class RectBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when it changed since."
    )


ROUTES = ActionRoutes(
    registry=RECTIFICATIONS,
    typed=wt.ACTIONS,
    get=_get_rect,
    answer=_rect_detail,
    answer_schema=RectificationDetail,
    mount="/ledger",
    param="rectification_id",
    path="/rectifications/{{int:rectification_id}}/actions/{name}",
    operation_id="ledger_rectification_action_{name}",
    tag="ledger teams",
    refused=lambda: _("You may not do this on this rectification."),
    describe=_describe,
    base=RectBody,
    body_prefix="Rectification",
)


@router.get(
    "/rectifications/{int:rectification_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this rectification now",
    operation_id="ledger_rectification_actions",
)
def rectification_actions(request: HttpRequest, rectification_id: int) -> dict[str, Any]:
    user = _user(request)
    r = _get_rect(user, rectification_id)
    return {"id": r.pk, "state": r.state, "version": r.version, "actions": ROUTES.offered(user, r)}


ROUTES.add_to(router)


@router.post(
    "/rectifications/{int:rectification_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, rectification_id: int, action: str) -> Any:
    _get_rect(_user(request), rectification_id)
    raise ROUTES.unknown(action)
