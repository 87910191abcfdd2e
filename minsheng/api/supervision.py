"""/api/v1/key-items, /api/v1/instructions, /api/v1/supervision and the supervision of one
suggestion (/api/v1/suggestions/{id}/supervision): supervision (督办) through the API.

Thin handlers, as the suggestions API's: every read goes through the supervision app's access
pairs (`KeyItem.objects.visible_to` / `get_key_item_for_user`, `instructions_visible_to`,
`Suggestion.objects.visible_to`), every change through a typed function of
`supervision/workflow.py`, and each declared action of the three registries
(`supervision/actions.py`) has its own endpoint and body, built by `api/actions.py` from the
declaration. A key item's suggestions are listed through `Suggestion.objects.visible_to`, so a
confidential one never reaches a committee member; instructions and records about a suggestion
the caller may not see are left out too.
"""

import datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict

from minsheng.api.actions import IDEMPOTENCY_KEY_DOC, ActionRoutes, key_reused
from minsheng.api.schemas import ERRORS, ActionsOut, CleanStr, ErrorOut, Id, NamedRef, UnitBrief
from minsheng.api.suggestions import MAX_ID, Pages, _user
from minsheng.api.suggestions import _get as get_suggestion
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.people import permissions as people
from minsheng.people.models import Organisation, User
from minsheng.suggestions import idempotency
from minsheng.suggestions.models import Assignment, Suggestion
from minsheng.supervision import documents, lights, workflow
from minsheng.supervision import permissions as perms
from minsheng.supervision.actions import INSTRUCTIONS, KEY_ITEMS, ON_SUGGESTIONS
from minsheng.supervision.models import Document, Instruction, KeyItem, Record, Supervisor

key_items_router = Router(tags=["supervision"])
instructions_router = Router(tags=["supervision"])
board_router = Router(tags=["supervision"])
on_suggestions_router = Router(tags=["supervision"])

Colour = Literal["none", "green", "yellow", "red"]


# --- out ---------------------------------------------------------------------------------------


class SuggestionRef(Schema):
    id: int
    number: str = Field(description="The display number such as 第0123号.")
    title: str


class KeyItemItem(Schema):
    """One row of the key items list."""

    id: int
    kind: str
    kind_label: str
    title: str
    year: int
    state: str
    state_label: str
    version: int
    lead_unit: NamedRef | None
    owner_unit: NamedRef | None = Field(description="The unit of an internal key item (tier 7).")
    decided_on: datetime.date | None
    due: datetime.date | None = Field(description="Concluded by: the year's clearance day.")
    warning: Colour
    n_suggestions: int = Field(description="Its suggestions, also those you may not see.")
    n_red: int = Field(description="Its suggestions past their reply date.")
    n_yellow: int = Field(description="Its suggestions due soon.")
    n_open_instructions: int


class KeyItemSuggestionOut(Schema):
    id: int
    number: str
    title: str
    state: str
    state_label: str
    warning: Colour
    reply_due: datetime.date | None
    is_confidential: bool
    units: list[UnitBrief]


class SupervisorOut(Schema):
    id: int
    user_id: int
    name: str
    tier: int
    tier_name: str
    duty: str
    duty_label: str
    added_at: datetime.datetime


class InstructionOut(Schema):
    id: int
    key_item: NamedRef | None = Field(description="The key item it was given on, if any.")
    suggestion: SuggestionRef | None = Field(description="The suggestion it concerns, if any.")
    unit: NamedRef
    text: str
    issued_by: str
    issued_on: datetime.date
    is_complex: bool
    due: datetime.date = Field(description="Respond by (the 710 rule).")
    warn_from: datetime.date | None = Field(description="First day of the yellow warning.")
    due_uncertain: bool
    warning: Colour = Field(description="none once responded.")
    state: str
    state_label: str
    version: int = Field(description="Send it back as `expected_version` when responding.")
    response: str
    responded_by: str | None
    responded_at: datetime.datetime | None


class RecordOut(Schema):
    id: int
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    happened_on: datetime.date
    participants: str
    notes: str
    unit: NamedRef | None
    suggestion: SuggestionRef | None
    recorded_by: str
    recorded_at: datetime.datetime


class KeyItemEventOut(Schema):
    id: int
    at: datetime.datetime
    actor: str | None
    action: str
    label: str
    from_state: str
    to_state: str
    note: str


class KeyItemDetail(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    year: int
    state: str
    state_label: str
    version: int = Field(description="Send it back as `expected_version` when acting.")
    jurisdiction: NamedRef
    lead_unit: NamedRef | None
    owner_unit: NamedRef | None
    is_complex: bool
    proposed_by: str
    proposed_at: datetime.datetime
    decided_on: datetime.date | None
    decision_number: str
    due: datetime.date | None
    warn_from: datetime.date | None
    due_uncertain: bool
    warning: Colour
    summary: str = Field(description="The conclusion, once concluded.")
    concluded_at: datetime.datetime | None
    suggestions: list[KeyItemSuggestionOut] = Field(description="Those you may see.")
    hidden_suggestions: int = Field(description="How many of its suggestions you may not see.")
    supervisors: list[SupervisorOut] = Field(description="Ordered by tier.")
    instructions: list[InstructionOut]
    records: list[RecordOut]
    events: list[KeyItemEventOut]


class KeyItemBrief(Schema):
    id: int
    title: str
    state: str
    state_label: str


class SuggestionSupervisionOut(Schema):
    id: int = Field(description="The suggestion's id.")
    state: str
    key_items: list[KeyItemBrief] = Field(description="The key items holding it that you see.")
    instructions: list[InstructionOut]
    records: list[RecordOut]
    actions: list[Any] = Field(
        description="The supervision actions you may take on it now (as in "
        "`/suggestions/{id}/actions`)."
    )


class UnitWarnings(Schema):
    id: int
    name: str
    red: int = Field(description="Suggestions it answers (lead or separate) past their date.")
    yellow: int = Field(description="Suggestions it answers due soon.")
    instructions_red: int = Field(description="Its open instructions past their due date.")


class KeyItemWarnings(Schema):
    id: int
    title: str
    n_suggestions: int
    n_red: int
    n_yellow: int
    n_open_instructions: int


class WarningsOut(Schema):
    today: datetime.date
    units: list[UnitWarnings] = Field(description="Worst first; at most 200.")
    key_items: list[KeyItemWarnings] = Field(description="Worst first; at most 100.")
    overdue_instructions: list[InstructionOut] = Field(description="Oldest first; at most 50.")
    year_end_open: int = Field(
        description="This year's instructions still open (to clear by the clearance day)."
    )


# --- reading -----------------------------------------------------------------------------------


def _label(obj: Any, field: str) -> str:
    value = getattr(obj, field)
    return str(getattr(obj, f"get_{field}_display")()) if value else ""


def _unit(org: Organisation | None) -> dict[str, Any] | None:
    return {"id": org.pk, "name": str(org.name)} if org is not None else None


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def _get_item(user: User, pk: int) -> KeyItem:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return perms.get_key_item_for_user(user, pk)


def _get_instruction(user: User, pk: int) -> Instruction:
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = perms.instructions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _instruction_rows(qs: Any) -> Any:
    return qs.select_related("unit", "issued_by", "responded_by", "key_item", "suggestion")


class Seen:
    """Which of the key items and suggestions some rows name the caller may see (one query
    each, for all the rows)."""

    def __init__(self, user: User, rows: list[Any]) -> None:
        items = {r.key_item_id for r in rows if r.key_item_id}
        suggestions = {r.suggestion_id for r in rows if r.suggestion_id}
        self.items = (
            set(KeyItem.objects.visible_to(user).filter(pk__in=items).values_list("pk", flat=True))
            if items
            else set()
        )
        self.suggestions = (
            set(
                Suggestion.objects.visible_to(user)
                .filter(pk__in=suggestions)
                .values_list("pk", flat=True)
            )
            if suggestions
            else set()
        )

    def suggestion(self, row: Any) -> dict[str, Any] | None:
        s = row.suggestion
        if s is None or s.pk not in self.suggestions:
            return None
        return {"id": s.pk, "number": s.display_number, "title": s.title}

    def item(self, row: Any) -> dict[str, Any] | None:
        k = row.key_item
        if k is None or k.pk not in self.items:
            return None
        return {"id": k.pk, "name": k.title}


def instruction_out(row: Instruction, seen: Seen, today: datetime.date) -> dict[str, Any]:
    return {
        "id": row.pk,
        "key_item": seen.item(row),
        "suggestion": seen.suggestion(row),
        "unit": _unit(row.unit),
        "text": row.text,
        "issued_by": row.issued_by.display_name,
        "issued_on": row.issued_on,
        "is_complex": row.is_complex,
        "due": row.due,
        "warn_from": row.warn_from,
        "due_uncertain": row.due_uncertain,
        "warning": row.warning(today),
        "state": row.state,
        "state_label": _label(row, "state"),
        "version": row.version,
        "response": row.response,
        "responded_by": _name(row.responded_by),
        "responded_at": row.responded_at,
    }


def instructions_out(user: User, rows: list[Instruction]) -> list[dict[str, Any]]:
    seen, today = Seen(user, rows), timezone.localdate()
    return [instruction_out(row, seen, today) for row in rows]


def records_out(user: User, rows: list[Record]) -> list[dict[str, Any]]:
    seen = Seen(user, rows)
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "kind_label": _label(r, "kind"),
            "channel": r.channel,
            "channel_label": _label(r, "channel"),
            "happened_on": r.happened_on,
            "participants": r.participants,
            "notes": r.notes,
            "unit": _unit(r.unit),
            "suggestion": seen.suggestion(r),
            "recorded_by": r.recorded_by.display_name,
            "recorded_at": r.recorded_at,
        }
        for r in rows
    ]


_about_seen = perms.about_seen


def _members(user: User, item: KeyItem, today: datetime.date) -> list[dict[str, Any]]:
    active = Assignment.objects.exclude(state=Assignment.State.CANCELLED).select_related("unit")
    rows = (
        Suggestion.objects.visible_to(user)
        .filter(key_memberships__key_item=item)
        .defer("body", "state_note")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("series", "number", "pk")
    )
    return [
        {
            "id": s.pk,
            "number": s.display_number,
            "title": s.title,
            "state": s.state,
            "state_label": _label(s, "state"),
            "warning": s.warning(today),
            "reply_due": s.reply_due,
            "is_confidential": s.is_confidential,
            "units": [
                {"unit_id": a.unit_id, "unit": str(a.unit), "mode": a.mode, "state": a.state}
                for a in s.active_assignments  # type: ignore[attr-defined]
            ],
        }
        for s in rows
    ]


def _supervisors(item: KeyItem) -> list[dict[str, Any]]:
    rows: QuerySet[Supervisor] = item.supervisors.select_related("user", "tier")  # type: ignore[attr-defined]
    return [
        {
            "id": row.pk,
            "user_id": row.user_id,
            "name": row.user.display_name,
            "tier": row.tier.number,
            "tier_name": row.tier.name,
            "duty": row.duty,
            "duty_label": _label(row, "duty"),
            "added_at": row.added_at,
        }
        for row in rows.order_by("tier__number", "pk")
    ]


def _events(
    item: KeyItem, seen_suggestions: set[int], seen_parts: set[tuple[int, int]]
) -> list[dict[str, Any]]:
    """The timeline; the words of an event about what the caller may not see (adding a
    confidential suggestion, an instruction or record about one) are left out."""
    found = []
    for e in item.events.select_related("actor").order_by("at", "pk"):
        note = "" if perms.timeline_hides(e, seen_suggestions, seen_parts) else e.note
        found.append(
            {
                "id": e.pk,
                "at": e.at,
                "actor": _name(e.actor),
                "action": e.action,
                "label": KEY_ITEMS.timeline_label(e.action, e.data),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": note,
            }
        )
    return found


_parts = perms.seen_parts


def key_item_detail(user: User, item: KeyItem) -> dict[str, Any]:
    """Everything about one key item that this person may see."""
    today = timezone.localdate()
    members = _members(user, item, today)
    instructions = list(
        _instruction_rows(perms.instructions_visible_to(user).filter(key_item=item))
    )
    records = list(
        item.records.filter(_about_seen(user)).select_related(  # type: ignore[attr-defined]
            "unit", "recorded_by", "suggestion", "key_item"
        )
    )
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": _label(item, "kind"),
        "title": item.title,
        "description": item.description,
        "year": item.year,
        "state": item.state,
        "state_label": _label(item, "state"),
        "version": item.version,
        "jurisdiction": {"id": item.jurisdiction_id, "name": str(item.jurisdiction)},
        "lead_unit": _unit(item.lead_unit),
        "owner_unit": _unit(item.owner_unit),
        "is_complex": item.is_complex,
        "proposed_by": item.proposed_by.display_name,
        "proposed_at": item.proposed_at,
        "decided_on": item.decided_on,
        "decision_number": item.decision_number,
        "due": item.due,
        "warn_from": item.warn_from,
        "due_uncertain": item.due_uncertain,
        "warning": item.warning(today),
        "summary": item.summary,
        "concluded_at": item.concluded_at,
        "suggestions": members,
        "hidden_suggestions": item.members.count() - len(members),  # type: ignore[attr-defined]
        "supervisors": _supervisors(item),
        "instructions": instructions_out(user, instructions),
        "records": records_out(user, records),
        "events": _events(item, {m["id"] for m in members}, _parts(instructions, records)),
    }


def _detail_of(user: User, pk: int) -> dict[str, Any]:
    return key_item_detail(user, _get_item(user, pk))


# --- key items: the list and proposing ---------------------------------------------------------


class KeyItemFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="The year it is supervised in.")
    state: KeyItem.State | None = Field(None, description="proposed, supervising, concluded…")


def _item_row(item: KeyItem, today: datetime.date) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": _label(item, "kind"),
        "title": item.title,
        "year": item.year,
        "state": item.state,
        "state_label": _label(item, "state"),
        "version": item.version,
        "lead_unit": _unit(item.lead_unit),
        "owner_unit": _unit(item.owner_unit),
        "decided_on": item.decided_on,
        "due": item.due,
        "warning": item.warning(today),
        "n_suggestions": item.n_suggestions,  # type: ignore[attr-defined]
        "n_red": item.n_red,  # type: ignore[attr-defined]
        "n_yellow": item.n_yellow,  # type: ignore[attr-defined]
        "n_open_instructions": item.n_open,  # type: ignore[attr-defined]
    }


class Mapped:
    """A queryset for the paginator to count and slice; each page's rows are turned into the
    answer's dicts together (so related records are read once per page, not once per row)."""

    def __init__(self, rows: QuerySet[Any], turn: Any) -> None:
        self.rows, self.turn = rows, turn

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.turn(list(self.rows[index]))
        return result


@key_items_router.get(
    "",
    response={200: list[KeyItemItem], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the key items you may see",
    description="Key suggestions and topics (重点督办) with their suggestions' red and yellow "
    "counts and open instructions, newest year first; paginated like the suggestions list: "
    '`?page=1&page_size=50` (at most 200); the answer is `{"items": [...], "count": N}`.',
    operation_id="list_key_items",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_key_items(request: HttpRequest, filters: Query[KeyItemFilters]) -> Mapped:
    user = _user(request)
    rows = lights.key_items_with_counts(user, timezone.localdate())
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    today = timezone.localdate()
    return Mapped(rows.order_by("-year", "-pk"), lambda page: [_item_row(k, today) for k in page])


class KeyItemProposalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: KeyItem.Kind = Field(
        KeyItem.Kind.TOPIC,
        description="topic (several suggestions), suggestion (exactly one), or internal (a "
        "unit's own key item, supervised at once).",
    )
    title: CleanStr = Field(min_length=1, max_length=200)
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year.")
    description: CleanStr = Field("", max_length=20000)
    lead_unit: Id | None = Field(None, description="A handling unit of the congress.")
    owner_unit: Id | None = Field(None, description="internal: your unit (clerks and heads).")
    is_complex: bool = False
    suggestions: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Ids of registered suggestions of the congress that you may see.",
    )
    jurisdiction: Id | None = Field(
        None, description="Staff of several congresses: which one (default: the first)."
    )


def _proposing_where(user: User, payload: KeyItemProposalIn) -> tuple[int, Organisation | None]:
    """The congress the item belongs to, and the unit of an internal item."""
    if payload.kind == KeyItem.Kind.INTERNAL:
        mine = people.unit_ids(user)
        if not mine:
            raise NotAllowed(_("Only a unit's clerks and heads mark its internal key items."))
        if payload.owner_unit is None:
            raise Invalid(_("Name your unit in owner_unit."))
        owner = Organisation.objects.filter(pk=payload.owner_unit, pk__in=mine).first()
        if owner is None:
            raise Invalid(_("Unit %(id)s is not one of yours.") % {"id": payload.owner_unit})
        return owner.jurisdiction_id, owner
    staff_of = sorted(j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j))
    if not staff_of:
        raise NotAllowed(_("Only congress staff propose key items."))
    if payload.jurisdiction is None:
        return staff_of[0], None
    if payload.jurisdiction not in staff_of:
        raise Invalid(
            _("You are not on the staff of congress %(id)s.") % {"id": payload.jurisdiction}
        )
    return payload.jurisdiction, None


def _propose(user: User, payload: KeyItemProposalIn) -> KeyItem:
    jurisdiction_id, owner = _proposing_where(user, payload)
    lead = None
    if payload.lead_unit is not None:
        lead = (
            Organisation.objects.handling_units()
            .filter(jurisdiction_id=jurisdiction_id, pk=payload.lead_unit)
            .first()
        )
        if lead is None:
            raise Invalid(
                _("Unit %(id)s is not a handling unit of this congress.")
                % {"id": payload.lead_unit}
            )
    wanted = list(dict.fromkeys(payload.suggestions))
    found = {
        s.pk: s
        for s in Suggestion.objects.visible_to(user).filter(
            pk__in=wanted, jurisdiction_id=jurisdiction_id, registered_at__isnull=False
        )
    }
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise Invalid(
            _("No registered suggestion of this congress that you may see: %(ids)s.")
            % {"ids": ", ".join(missing)}
        )
    return workflow.propose(
        by=user,
        jurisdiction_id=jurisdiction_id,
        title=payload.title,
        year=payload.year or timezone.localdate().year,
        kind=payload.kind,
        description=payload.description,
        lead_unit=lead,
        owner_unit=owner,
        is_complex=payload.is_complex,
        suggestions=[found[pk] for pk in wanted],
    )


@key_items_router.post(
    "",
    response={201: KeyItemDetail, **{code: ERRORS[code] for code in (400, 401, 403, 422)}},
    summary="Propose a key item",
    description="Congress staff propose a key suggestion or topic for the chair's council to "
    "decide (`POST /key-items/{id}/actions/decide`); a unit's clerk or head marks an internal "
    "key item (`kind: internal`, `owner_unit`), supervised at once. 403: you may not propose; "
    "422: the body is not valid (a unit or suggestion id you may not name, a key suggestion "
    "that is not exactly one suggestion).",
    operation_id="propose_key_item",
)
def propose_key_item(
    request: HttpRequest,
    response: HttpResponse,
    payload: KeyItemProposalIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        pattern=idempotency.API_KEY_PATTERN,
        description=IDEMPOTENCY_KEY_DOC.format(what="key item"),
    ),
) -> Status:
    user = _user(request)
    if idempotency_key is None:
        return Status(201, _detail_of(user, _propose(user, payload).pk))
    try:
        item, replayed = idempotency.once(
            user,
            "key-items",
            idempotency_key,
            payload.model_dump(mode="json"),
            lambda: _propose(user, payload),
        )
    except idempotency.KeyReused:
        raise key_reused() from None
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _detail_of(user, item.pk))


@key_items_router.get(
    "/{int:key_item_id}",
    response={200: KeyItemDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One key item with its suggestions, supervisors, instructions and records",
    description="404 when the key item does not exist or you may not see it. Its suggestions "
    "are those you may see (`hidden_suggestions` counts the others).",
    operation_id="get_key_item",
)
def get_key_item(request: HttpRequest, key_item_id: int) -> dict[str, Any]:
    user = _user(request)
    return _detail_of(user, key_item_id)


# --- key items: actions ------------------------------------------------------------------------


def _describe_on(registry: Any, noun: str) -> Any:
    def describe(name: str) -> str:
        rule = registry[name]
        who = ", ".join(sorted(rule.who))
        sources = ", ".join(sorted(rule.sources))
        target = rule.target or "unchanged"
        version = (
            ", or `expected_version` is stale" if registry.versioned else ""
        )  # an unversioned registry's bodies have none
        return (
            f"`supervision.workflow.{name}`. Who: {who}. From states: {sources}. New state: "
            f"{target}. Answers the updated {noun}. 403: your role may not do this; 404: no "
            f"such {noun} for you; 409: not now (state or rule{version}); 422: the body is "
            "not valid."
        )

    return describe


class KeyItemBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the key item changed since."
    )


class InstructionBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the instruction changed since."
    )


KEY_ITEM_ROUTES = ActionRoutes(
    registry=KEY_ITEMS,
    typed=workflow.KEY_ITEM_ACTIONS,
    get=_get_item,
    answer=_detail_of,
    answer_schema=KeyItemDetail,
    mount="/key-items",
    param="key_item_id",
    path="/{{int:key_item_id}}/actions/{name}",
    operation_id="key_item_action_{name}",
    tag="supervision actions",
    refused=lambda: _("You may not do this on this key item."),
    describe=_describe_on(KEY_ITEMS, "key item"),
    base=KeyItemBody,
    body_prefix="KeyItem",
    idempotent={"supervise": "supervision record", "instruct": "instruction"},
)


@key_items_router.get(
    "/{int:key_item_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this key item now",
    description="The declared actions you may take now, each with its label, endpoint and "
    "body fields, and the key item's `version` to send back as `expected_version`; "
    "`problems` lists what still stops an offered action (conclude: suggestions still in "
    "handling, instructions still open).",
    operation_id="key_item_actions",
)
def key_item_actions(request: HttpRequest, key_item_id: int) -> dict[str, Any]:
    user = _user(request)
    item = _get_item(user, key_item_id)
    return {
        "id": item.pk,
        "state": item.state,
        "version": item.version,
        "actions": KEY_ITEM_ROUTES.offered(user, item),
    }


KEY_ITEM_ROUTES.add_to(key_items_router)


@key_items_router.post(
    "/{int:key_item_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_key_item_action(request: HttpRequest, key_item_id: int, action: str) -> Any:
    _get_item(_user(request), key_item_id)
    raise KEY_ITEM_ROUTES.unknown(action)


# --- instructions ------------------------------------------------------------------------------


class InstructionFilters(Schema):
    open: bool | None = Field(None, description="true: waiting for the unit; false: responded.")
    unit: Id | None = Field(None, description="The unit it is addressed to.")
    warning: Literal["green", "yellow", "red"] | None = Field(
        None, description="The light of open instructions."
    )
    key_item: Id | None = Field(None, description="Given on this key item.")


@instructions_router.get(
    "",
    response={200: list[InstructionOut], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the instructions you may see",
    description="Written instructions (批示) of the key items and suggestions you see and those "
    "addressed to your unit, soonest due first; paginated (`page`, `page_size`).",
    operation_id="list_instructions",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_instructions(request: HttpRequest, filters: Query[InstructionFilters]) -> Mapped:
    user = _user(request)
    rows = _instruction_rows(perms.instructions_visible_to(user))
    if filters.open is not None:
        state = Instruction.State.OPEN if filters.open else Instruction.State.RESPONDED
        rows = rows.filter(state=state)
    if filters.unit is not None:
        rows = rows.filter(unit_id=filters.unit)
    if filters.warning is not None:
        rows = rows.warning(filters.warning, timezone.localdate())
    if filters.key_item is not None:
        rows = rows.filter(key_item_id=filters.key_item)
    return Mapped(rows.order_by("due", "pk"), lambda page: instructions_out(user, page))


def _instruction_of(user: User, pk: int) -> dict[str, Any]:
    row = _get_instruction(user, pk)
    return instructions_out(user, [row])[0]


@instructions_router.get(
    "/{int:instruction_id}",
    response={200: InstructionOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One instruction",
    description="404 when it does not exist or you may not see it.",
    operation_id="get_instruction",
)
def get_instruction(request: HttpRequest, instruction_id: int) -> dict[str, Any]:
    return _instruction_of(_user(request), instruction_id)


INSTRUCTION_ROUTES = ActionRoutes(
    registry=INSTRUCTIONS,
    typed=workflow.INSTRUCTION_ACTIONS,
    get=_get_instruction,
    answer=_instruction_of,
    answer_schema=InstructionOut,
    mount="/instructions",
    param="instruction_id",
    path="/{{int:instruction_id}}/actions/{name}",
    operation_id="instruction_action_{name}",
    tag="supervision actions",
    refused=lambda: _("Only the clerks and heads of the unit it is addressed to respond."),
    describe=_describe_on(INSTRUCTIONS, "instruction"),
    base=InstructionBody,
    body_prefix="Instruction",
)
INSTRUCTION_ROUTES.add_to(instructions_router)


@instructions_router.post(
    "/{int:instruction_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_instruction_action(request: HttpRequest, instruction_id: int, action: str) -> Any:
    _get_instruction(_user(request), instruction_id)
    raise INSTRUCTION_ROUTES.unknown(action)


# --- the warning board -------------------------------------------------------------------------


@board_router.get(
    "/warnings",
    response={200: WarningsOut, 401: ERRORS[401]},
    summary="The warning board: red and yellow counts per unit and per key item",
    description="As the /supervision/warnings/ page (the same queries): the units you follow "
    "with suggestions overdue (red) or due soon (yellow) and open instructions past due; the "
    "supervised key items with warnings or open instructions; the instructions past due; and "
    "how many of this year's instructions are still open.",
    operation_id="supervision_warnings",
)
def supervision_warnings(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    found = lights.board(user, timezone.localdate())
    return {
        "today": found.today,
        "units": [
            {
                "id": u.pk,
                "name": str(u.name),
                "red": u.red,  # type: ignore[attr-defined]
                "yellow": u.yellow,  # type: ignore[attr-defined]
                "instructions_red": u.instructions_red,  # type: ignore[attr-defined]
            }
            for u in found.units
        ],
        "key_items": [
            {
                "id": k.pk,
                "title": k.title,
                "n_suggestions": k.n_suggestions,  # type: ignore[attr-defined]
                "n_red": k.n_red,  # type: ignore[attr-defined]
                "n_yellow": k.n_yellow,  # type: ignore[attr-defined]
                "n_open_instructions": k.n_open,  # type: ignore[attr-defined]
            }
            for k in found.items
        ],
        "overdue_instructions": instructions_out(user, found.overdue_instructions),
        "year_end_open": found.year_end_open,
    }


# --- supervision of one suggestion -------------------------------------------------------------


class SupervisionBody(Schema):
    """Supervision recorded on a suggestion does not change it (its version is not bumped), so
    its bodies take no `expected_version`."""

    model_config = ConfigDict(extra="forbid")


def suggestion_supervision(user: User, s: Suggestion) -> dict[str, Any]:
    items = list(KeyItem.objects.visible_to(user).filter(members__suggestion=s).order_by("-pk"))
    instructions = list(_instruction_rows(perms.instructions_visible_to(user).filter(suggestion=s)))
    records = list(
        Record.objects.filter(suggestion=s)
        .filter(Q(key_item__isnull=True) | Q(key_item__in=[i.pk for i in items]))
        .select_related("unit", "recorded_by", "suggestion", "key_item")
    )
    return {
        "id": s.pk,
        "state": s.state,
        "key_items": [
            {"id": i.pk, "title": i.title, "state": i.state, "state_label": _label(i, "state")}
            for i in items
        ],
        "instructions": instructions_out(user, instructions),
        "records": records_out(user, records),
        "actions": ON_SUGGESTION_ROUTES.offered(user, s),
    }


ON_SUGGESTION_ROUTES = ActionRoutes(
    registry=ON_SUGGESTIONS,
    typed=workflow.SUGGESTION_ACTIONS,
    get=get_suggestion,
    answer=lambda user, pk: suggestion_supervision(user, get_suggestion(user, pk)),
    answer_schema=SuggestionSupervisionOut,
    mount="/suggestions",
    param="suggestion_id",
    path="/{{int:suggestion_id}}/supervision/{name}",
    operation_id="suggestion_supervision_{name}",
    tag="supervision actions",
    refused=lambda: _("You may not supervise this suggestion."),
    describe=_describe_on(ON_SUGGESTIONS, "suggestion's supervision"),
    base=SupervisionBody,
    body_prefix="Suggestion",
    idempotent={"supervise": "supervision record", "instruct": "instruction"},
)


@on_suggestions_router.get(
    "/{int:suggestion_id}/supervision",
    response={200: SuggestionSupervisionOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="The supervision of one suggestion",
    description="The key items holding it that you see, its instructions and supervision "
    "records, and the supervision actions you may take on it now (the office, the congress's "
    "leaders, and the members of a special committee over a unit handling it; never on a "
    "confidential suggestion but by the office).",
    operation_id="get_suggestion_supervision",
)
def get_suggestion_supervision(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    user = _user(request)
    return suggestion_supervision(user, get_suggestion(user, suggestion_id))


ON_SUGGESTION_ROUTES.add_to(on_suggestions_router)


@on_suggestions_router.post(
    "/{int:suggestion_id}/supervision/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_supervision_action(request: HttpRequest, suggestion_id: int, action: str) -> Any:
    get_suggestion(_user(request), suggestion_id)
    raise ON_SUGGESTION_ROUTES.unknown(action)


# --- files: a key item's decision papers, a record's, an instruction response's ---------------


class DocumentOut(Schema):
    id: int
    name: str = Field(description="The file's name as uploaded.")
    content_type: str
    size: int
    url: str = Field(description="Download it here (the same access as the record it is on).")
    uploaded_at: datetime.datetime


FILES_DOC = (
    "multipart/form-data with one or more `files` (PDF, PNG, JPEG, GIF, Word or Excel, each "
    "at most FILE_UPLOAD_MAX_MB): checked by content as the page uploads are, and all stored "
    "or none. 413: a file is over the limit; 422: a file is empty, not an accepted type, or "
    "its name does not match its content (the detail names each file and why)."
)
FILES_PARAM = File(..., description="One or more files.")
FILE_ERRORS = {**{code: ERRORS[code] for code in (401, 403, 404, 409, 422)}, 413: ErrorOut}


def _accepted(files: list[UploadedFile]) -> list[Any]:
    """The page's own checks (`AttachmentsField`): every file or none."""
    from django.core.exceptions import ValidationError

    from minsheng.suggestions.attachments import AttachmentsField

    if not files:
        raise Invalid(_("Send at least one file in `files`."))
    try:
        accepted: list[Any] = AttachmentsField().clean(files)
    except ValidationError as error:
        codes = {e.code for e in error.error_list}
        raise HttpError(413 if codes == {"too_big"} else 422, " ".join(error.messages)) from None
    return accepted


def _documents_out(rows: list[Document]) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "name": d.original_name,
            "content_type": d.content_type,
            "size": d.size,
            "url": f"/api/v1/supervision/documents/{d.pk}",
            "uploaded_at": d.uploaded_at,
        }
        for d in rows
    ]


@key_items_router.post(
    "/{int:key_item_id}/documents",
    response={201: list[DocumentOut], **FILE_ERRORS},
    summary="Add papers to a key item (the council's decision)",
    description="Congress staff, and a unit's clerks and heads on their own internal item, "
    "while the item is proposed or under supervision (409 once concluded or dropped). " + FILES_DOC,
    operation_id="add_key_item_documents",
)
def add_key_item_documents(
    request: HttpRequest, key_item_id: int, files: list[UploadedFile] = FILES_PARAM
) -> Status:
    user = _user(request)
    item = _get_item(user, key_item_id)
    if not perms.capacities(user, item) & {perms.STAFF, perms.OWNER}:
        raise NotAllowed(_("Only congress staff add papers to a key item."))
    if item.state not in (KeyItem.State.PROPOSED, KeyItem.State.SUPERVISING):
        raise Conflict(_("This key item is closed: no more papers."))
    return Status(201, _documents_out(documents.attach(item, _accepted(files), by=user)))


@board_router.post(
    "/records/{int:record_id}/documents",
    response={201: list[DocumentOut], **FILE_ERRORS},
    summary="Add papers to a supervision record (minutes, photos)",
    description="The person who recorded it, or congress staff. 404 when you may not see the "
    "record (its key item or the suggestion it concerns). " + FILES_DOC,
    operation_id="add_record_documents",
)
def add_record_documents(
    request: HttpRequest, record_id: int, files: list[UploadedFile] = FILES_PARAM
) -> Status:
    user = _user(request)
    record = Record.objects.filter(pk=record_id).select_related("key_item").first()
    if record is None or not _sees_record(user, record):
        raise Http404("No such record.")
    if record.recorded_by_id != user.pk and not people.is_staff_of(user, record.jurisdiction_id):
        raise NotAllowed(_("Only the person who recorded it and congress staff add its papers."))
    return Status(201, _documents_out(documents.attach(record, _accepted(files), by=user)))


def _sees_record(user: User, record: Record) -> bool:
    if record.suggestion_id is not None and not (
        Suggestion.objects.visible_to(user).filter(pk=record.suggestion_id).exists()
    ):
        return False
    if record.key_item_id is not None:
        return KeyItem.objects.visible_to(user).filter(pk=record.key_item_id).exists()
    return record.suggestion_id is not None


@instructions_router.post(
    "/{int:instruction_id}/documents",
    response={201: list[DocumentOut], **FILE_ERRORS},
    summary="Add papers to your unit's response to an instruction",
    description="The clerks and heads of the unit it is addressed to, before or after they "
    "respond. " + FILES_DOC,
    operation_id="add_instruction_documents",
)
def add_instruction_documents(
    request: HttpRequest, instruction_id: int, files: list[UploadedFile] = FILES_PARAM
) -> Status:
    user = _user(request)
    row = _get_instruction(user, instruction_id)
    if not perms.instruction_capacities(user, row) & INSTRUCTIONS["respond"].who:
        raise NotAllowed(_("Only the clerks and heads of the unit it is addressed to respond."))
    return Status(201, _documents_out(documents.attach(row, _accepted(files), by=user)))


@board_router.get(
    "/documents/{int:document_id}",
    response={200: None, 401: ERRORS[401], 404: ERRORS[404]},
    summary="Download a supervision document",
    description="The file, to whoever may see the key item, record or instruction it is on "
    "(404 otherwise).",
    operation_id="get_supervision_document",
)
def get_supervision_document(request: HttpRequest, document_id: int) -> FileResponse:
    from minsheng.supervision.views import can_download

    user = _user(request)
    found = Document.objects.select_related("record").filter(pk=document_id).first()
    if found is None or not can_download(user, found):
        raise Http404("No such document.")
    try:
        handle = found.file.open("rb")
    except OSError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
