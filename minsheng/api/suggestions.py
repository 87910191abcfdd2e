"""/api/v1/suggestions: list, create, read, and act on suggestions.

Thin handlers: every read goes through `Suggestion.objects.visible_to()` /
`get_suggestion_for_user()` and every change through a `workflow` function, so the API obeys
exactly the rules the pages obey. Each workflow action has its own endpoint
`POST /suggestions/{id}/actions/{action}` with its own documented body; an unknown action name is
a 404 with a reason.
"""

from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import (
    ERRORS,
    ActionBody,
    ActionsOut,
    CleanStr,
    DraftIn,
    Id,
    SuggestionDetail,
    SuggestionItem,
)
from minsheng.audit.models import Event
from minsheng.people import permissions as people
from minsheng.people.models import Deputy, User
from minsheng.suggestions import filters as list_filter
from minsheng.suggestions import idempotency, workflow
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Category,
    ContactLog,
    ExtensionRequest,
    Reply,
    Suggestion,
)

router = Router(tags=["suggestions"])

S = Suggestion.State
MAX_ID = 2**63 - 1


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # both authenticators only let real users in
    return user


def _get(user: User, pk: int) -> Suggestion:
    if not 0 < pk <= MAX_ID:  # the URL converter accepts any digits; the database does not
        raise Http404
    return perms.get_suggestion_for_user(user, pk)


# --- the list ----------------------------------------------------------------------------------


class SuggestionFilters(Schema):
    """The staff workbench's filters; all optional and combined with AND."""

    state: list[Suggestion.State] = Field(
        default_factory=list, description="One or more states: ?state=handling&state=rehandling"
    )
    session: Id | None = Field(None, description="Session id.")
    category: Id | None = Field(None, description="Category id; includes its sub-categories.")
    unit: Id | None = Field(None, description="Handling unit id with an active assignment.")
    deputy: Id | None = Field(None, description="Deputy id, as lead deputy or co-signer.")
    overdue: bool | None = Field(
        None, description="true: in handling and past the reply due date; false: not overdue."
    )
    warning: Literal["green", "yellow", "red"] | None = Field(
        None, description="Warning colour of suggestions in handling."
    )
    key: bool | None = Field(None, description="Key suggestions (重点督办) only, or none of them.")
    confidential: bool | None = Field(
        None, description="Confidential (涉密) suggestions only, or none of them."
    )
    q: CleanStr | None = Field(
        None,
        max_length=100,
        description="Words in the title or content (the search index: any two Chinese "
        "characters match, punctuation is ignored), part of the lead deputy's name, or a number "
        "of either series (12, 第0012号, 闭会期间第0003号 or 闭第3号).",
    )
    sort: Literal[
        "-created_at",
        "created_at",
        "number",
        "-number",
        "reply_due",
        "-reply_due",
        "state",
        "relevance",
    ] = Field(
        "-created_at",
        description="Sort order; ties are broken by id. relevance (with q): the title holding "
        "the words as typed first, then the title holding them all, then the rest; newest first "
        "within each.",
    )

    def criteria(self) -> list_filter.Criteria:
        """The same criteria the workbench builds from its form (suggestions/filters.py)."""
        return list_filter.Criteria(
            q=(self.q or "").strip(),
            states=tuple(self.state),
            session=self.session,
            category=self.category,
            unit=self.unit,
            deputy=self.deputy,
            overdue=self.overdue,
            warning=self.warning or "",
            key=self.key,
            confidential=self.confidential,
            sort=self.sort.replace("created_at", "created"),
        )


class Pages(PageNumberPagination):
    """?page=1&page_size=50 (at most 200); the answer is {"items": [...], "count": N}."""

    class Input(PageNumberPagination.Input):
        # Bounded: a page beyond the database's integers would crash the query, not just miss.
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200, description="Default 50.")


@router.get(
    "",
    response={200: list[SuggestionItem], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the suggestions you may see",
    description="Filtered like the staff workbench and paginated by page number: "
    "`?page=2&page_size=50` (default 50, at most 200). The answer is "
    '`{"items": [...], "count": <total>}`.',
    operation_id="list_suggestions",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_suggestions(
    request: HttpRequest, filters: Query[SuggestionFilters]
) -> QuerySet[Suggestion]:
    user = _user(request)
    return list_filter.apply(list_queryset(user), filters.criteria(), timezone.localdate())


def list_queryset(user: User) -> QuerySet[Suggestion]:
    """Exactly what a list item shows: the row without its body, and its active units."""
    active = Assignment.objects.exclude(state=Assignment.State.CANCELLED).select_related("unit")
    return (
        Suggestion.objects.visible_to(user)
        .defer("body", "state_note")
        .select_related("session", "category__parent", "lead_deputy__user")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
    )


# --- one suggestion ----------------------------------------------------------------------------


def _label(obj: Any, field: str) -> str:
    value = getattr(obj, field)
    return str(getattr(obj, f"get_{field}_display")()) if value else ""


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def suggestion_detail(user: User, s: Suggestion) -> dict[str, Any]:
    """Everything about one suggestion that this person may see."""
    return {**_summary(user, s), **_handling(user, s)}


def _summary(user: User, s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.display_number,
        "series": s.series,
        "title": s.title,
        "body": s.body,
        "state": s.state,
        "state_label": _label(s, "state"),
        "state_note": s.state_note,
        "round": s.round,
        "version": s.version,
        "source": s.source,
        "source_label": _label(s, "source"),
        "jurisdiction": _ref(s.jurisdiction),
        "session": _ref(s.session),
        "category": _ref(s.category),
        "is_complex": s.is_complex,
        "is_key": s.is_key,
        "is_confidential": s.is_confidential,
        "merged_into": s.merged_into_id,
        "decline_reason": s.decline_reason,
        "decline_reason_label": _label(s, "decline_reason"),
        "lead_deputy": _deputy(s.lead_deputy, perms.can_see_contact_details(user, s)),
        "cosigners": [
            {
                "deputy_id": c.deputy_id,
                "name": str(c.deputy),
                "state": c.state,
                "state_label": _label(c, "state"),
                "answered_at": c.answered_at,
            }
            for c in s.cosigners.select_related("deputy__user").order_by("id")
        ],
        "created_at": s.created_at,
        "submitted_at": s.submitted_at,
        "registered_at": s.registered_at,
        "assigned_on": s.assigned_on,
        "answered_at": s.answered_at,
        "closed_at": s.closed_at,
    }


def _handling(user: User, s: Suggestion) -> dict[str, Any]:
    caps = perms.capacities(user, s)
    my_units = people.unit_ids(user)
    # The lead unit first: it is the one that answers.
    rank: dict[str, int] = {
        Assignment.Mode.LEAD: 0,
        Assignment.Mode.SEPARATE: 1,
        Assignment.Mode.JOINT: 2,
    }
    assignments = sorted(
        s.assignments.select_related("unit", "joint_opinion"),
        key=lambda a: (rank.get(a.mode, 3), a.pk),
    )
    units = {a.pk: str(a.unit) for a in assignments}
    unit_ids = {a.pk: a.unit_id for a in assignments}
    replies = [
        r
        for r in s.replies.order_by("round", "id")
        # A draft is the unit's working paper until its head signs it.
        if r.state == Reply.State.SENT
        or perms.STAFF in caps
        or unit_ids.get(r.assignment_id) in my_units
    ]
    return {
        "due": _due(s),
        "warning": s.warning(timezone.localdate()),
        "assignments": [_assignment(a) for a in assignments],
        "replies": [_reply(r, units) for r in replies],
        "ratings": [_rating(r) for r in s.ratings.order_by("round", "id")],
        "contacts": [_contact(c, units) for c in s.contacts.order_by("contacted_on", "id")],
        "joint_opinions": [
            {
                "id": j.pk,
                "assignment_id": j.assignment_id,
                "unit": units[j.assignment_id],
                "text": j.text,
                "submitted_at": j.submitted_at,
            }
            for a in assignments
            if (j := getattr(a, "joint_opinion", None)) is not None
        ],
        "extension_requests": [
            _extension(e, units) for e in s.extension_requests.order_by("requested_at", "id")
        ],
        "adjustment_requests": [
            _adjustment(r, units)
            for r in AdjustmentRequest.objects.filter(assignment__suggestion=s)
            .select_related("proposed_unit")
            .order_by("requested_at", "id")
        ],
        "events": [_event(e, units) for e in s.events.select_related("actor").order_by("at", "id")],
    }


def _deputy(deputy: Deputy, with_contact: bool) -> dict[str, Any]:
    return {
        "id": deputy.pk,
        "name": str(deputy),
        "delegation": str(deputy.delegation),
        "contact_phone": deputy.contact_phone if with_contact else None,
    }


def _due(s: Suggestion) -> dict[str, Any]:
    notice = None
    if s.reply_due_uncertain:
        notice = _(
            "This due date is near a festival of a year whose official holidays have not been "
            "entered yet; it may move once they are."
        )
    return {
        "assign_due": s.assign_due,
        "reply_due": s.reply_due,
        "extended_to": s.extended_to,
        "warn_from": s.warn_from,
        "reply_due_uncertain": s.reply_due_uncertain,
        "notice": notice,
    }


def _assignment(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "unit": str(a.unit),
        "mode": a.mode,
        "mode_label": _label(a, "mode"),
        "state": a.state,
        "state_label": _label(a, "state"),
        "assigned_on": a.assigned_on,
        "sign_due": a.sign_due,
        "sign_due_uncertain": a.sign_due_uncertain,
        "joint_opinion_due_uncertain": a.joint_opinion_due_uncertain,
        "signed_at": a.signed_at,
        "adjustment_until": a.adjustment_until,
        "adjustment_until_uncertain": a.adjustment_until_uncertain,
        "joint_opinion_due": a.joint_opinion_due,
        "replied_at": a.replied_at,
        "replaced_by_id": a.replaced_by_id,
    }


def _reply(r: Reply, units: dict[int, str]) -> dict[str, Any]:
    return {
        "id": r.pk,
        "round": r.round,
        "assignment_id": r.assignment_id,
        "unit": units.get(r.assignment_id, ""),
        "state": r.state,
        "category": r.category,
        "category_label": _label(r, "category"),
        "text": r.text,
        "plan": r.plan,
        "target_date": r.target_date,
        "contact_leader": r.contact_leader,
        "contact_leader_phone": r.contact_leader_phone,
        "case_officer": r.case_officer,
        "case_officer_phone": r.case_officer_phone,
        "document_number": r.document_number,
        "drafted_at": r.drafted_at,
        "sent_at": r.sent_at,
        "rating_due": r.rating_due,
        "publication_due": r.publication_due,
    }


def _rating(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reply_id": r.reply_id,
        "round": r.round,
        "overall": r.overall,
        "overall_label": _label(r, "overall"),
        "process": r.process,
        "result": r.result,
        "reasons": r.reasons,
        "rated_at": r.rated_at,
    }


def _contact(c: ContactLog, units: dict[int, str]) -> dict[str, Any]:
    return {
        "id": c.pk,
        "assignment_id": c.assignment_id,
        "unit": units.get(c.assignment_id, ""),
        "round": c.round,
        "method": c.method,
        "method_label": _label(c, "method"),
        "stage": c.stage,
        "stage_label": _label(c, "stage"),
        "contacted_on": c.contacted_on,
        "people": c.people,
        "summary": c.summary,
        "logged_at": c.logged_at,
    }


def _extension(e: ExtensionRequest, units: dict[int, str]) -> dict[str, Any]:
    return {
        "id": e.pk,
        "assignment_id": e.assignment_id,
        "unit": units.get(e.assignment_id, ""),
        "requested_until": e.requested_until,
        "reason": e.reason,
        "deputy_told": e.deputy_told,
        "decision": e.decision,
        "decision_label": _label(e, "decision"),
        "requested_at": e.requested_at,
        "decided_at": e.decided_at,
        "decision_note": e.decision_note,
    }


def _adjustment(r: AdjustmentRequest, units: dict[int, str]) -> dict[str, Any]:
    return {
        "id": r.pk,
        "assignment_id": r.assignment_id,
        "unit": units.get(r.assignment_id, ""),
        "reason": r.reason,
        "proposed_unit_id": r.proposed_unit_id,
        "proposed_unit": str(r.proposed_unit) if r.proposed_unit_id else None,
        "decision": r.decision,
        "decision_label": _label(r, "decision"),
        "requested_at": r.requested_at,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
    }


def _event(e: Event, units: dict[int, str]) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "actor": e.actor.display_name if e.actor else None,
        "action": e.action,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "unit": (
            units.get(e.part_id or 0)
            if e.part_type_id == ContentType.objects.get_for_model(Assignment).pk
            else None
        ),
        "note": e.note,
    }


DETAIL = {200: SuggestionDetail, **{code: ERRORS[code] for code in (401, 404)}}


@router.get(
    "/{int:suggestion_id}",
    response=DETAIL,
    summary="One suggestion with its assignments, replies, ratings and timeline",
    description="404 when the suggestion does not exist or you may not see it.",
    operation_id="get_suggestion",
)
def get_suggestion(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    user = _user(request)
    return suggestion_detail(user, _get(user, suggestion_id))


# --- creating a draft --------------------------------------------------------------------------


def _lead_deputy(user: User, payload: DraftIn) -> Deputy:
    if payload.lead_deputy is not None:
        found = Deputy.objects.visible_to(user).filter(pk=payload.lead_deputy).first()
        if found is None:
            raise workflow.Invalid(_("No such deputy."))
        return found
    mine = list(
        Deputy.objects.filter(user=user, is_active=True).select_related("jurisdiction", "term")
    )
    # A deputy re-elected or serving at two levels has several profiles: the current term wins.
    mine = [d for d in mine if d.term.is_current] or mine
    if len(mine) == 1:
        return mine[0]
    if len(mine) > 1:
        raise workflow.Invalid(
            _("You are a deputy of several congresses: say which one in lead_deputy.")
        )
    if any(people.is_staff_of(user, j) for j in people.jurisdiction_ids(user)):
        raise workflow.Invalid(_("Name the deputy you write for in lead_deputy."))
    raise workflow.NotAllowed(_("Only deputies and congress staff can write suggestions."))


@router.post(
    "",
    response={
        201: SuggestionDetail,
        **{code: ERRORS[code] for code in (400, 401, 403, 409, 422)},
    },
    summary="Write a new draft",
    description="A deputy writes for themself in the current session of their congress; "
    "congress staff may write on a deputy's behalf by giving `lead_deputy`. Co-signers are "
    "invited and must confirm before the draft can be submitted.",
    operation_id="create_suggestion",
)
def create_suggestion(
    request: HttpRequest,
    response: HttpResponse,
    payload: DraftIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        pattern=idempotency.API_KEY_PATTERN,
        description="Optional, 1-64 visible ASCII characters (a UUID will do). A retry with "
        "the same key answers with the suggestion the first request created, never a second "
        "one; the same key with a different body is refused (422).",
    ),
) -> Status:
    user = _user(request)
    if idempotency_key is None:
        return Status(201, suggestion_detail(user, _get(user, _create(user, payload).pk)))
    sent = idempotency.fingerprint(payload.model_dump(mode="json"))
    try:
        with transaction.atomic():
            claimed = idempotency.claim(user, idempotency.API_PREFIX + idempotency_key, sent)
            s = _create(user, payload)
            idempotency.record(claimed, s)
    except idempotency.Replayed as replay:
        if replay.earlier.fingerprint != sent or replay.earlier.suggestion_id is None:
            raise workflow.Invalid(
                _("This Idempotency-Key was already used for a different request.")
            ) from None
        response["Idempotent-Replayed"] = "true"
        return Status(201, suggestion_detail(user, _get(user, replay.earlier.suggestion_id)))
    return Status(201, suggestion_detail(user, _get(user, s.pk)))


def _create(user: User, payload: DraftIn) -> Suggestion:
    lead = _lead_deputy(user, payload)
    session = lead.jurisdiction.current_session()
    # A deputy of an earlier term no longer serves: nothing to write into.
    if session is None or session.term_id != lead.term_id:
        raise workflow.Conflict(_("There is no current session of this deputy's term."))
    category = None
    if payload.category is not None:
        category = Category.objects.filter(
            pk=payload.category, jurisdiction_id=lead.jurisdiction_id, is_active=True
        ).first()
        if category is None:
            raise workflow.Invalid(_("No such category."))
    wanted = set(payload.cosigners)
    cosigners = list(Deputy.objects.visible_to(user).filter(pk__in=wanted))
    if len(cosigners) != len(wanted):
        raise workflow.Invalid(_("One of the co-signers is not a deputy you can invite."))
    s = workflow.create_draft(
        by=user,
        lead_deputy=lead,
        title=payload.title,
        body=payload.body,
        session=session,
        category=category,
        source=payload.source,
        cosigners=cosigners,
        is_complex=payload.is_complex,
        is_confidential=payload.is_confidential,
        cosigned_on_paper=payload.cosigned_on_paper,
    )
    return s


# --- actions -----------------------------------------------------------------------------------

# Each declared action's body (`<Action>In`) is built from its declaration's inputs; ids of
# related objects are resolved through the same options the page offers
# (`minsheng.engine.inputs`). The summary and the rest of the description come from the
# declaration too (suggestions/actions.py). The endpoints are built by `api/actions.py`, as the
# supervision API's are.


def _describe(name: str) -> str:
    rule = REGISTRY[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    target = rule.target or "unchanged (or decided by the action)"
    return (
        f"`workflow.{name}`. Who: {who}. From states: {sources}. New state: {target}. "
        "Answers the updated suggestion. 403: your role may not do this; 404: no such "
        "suggestion for you; 409: not now (state, window, or `expected_version` is stale); "
        "422: the body is not valid."
    )


ROUTES = ActionRoutes(
    registry=REGISTRY,
    typed=workflow.ACTIONS,
    get=_get,
    answer=lambda user, pk: suggestion_detail(user, _get(user, pk)),
    answer_schema=SuggestionDetail,
    mount="/suggestions",
    param="suggestion_id",
    path="/{{int:suggestion_id}}/actions/{name}",
    operation_id="suggestion_action_{name}",
    tag="suggestion actions",
    refused=lambda: _("You may not do this on this suggestion."),
    describe=_describe,
    base=ActionBody,
)
ACTION_BODIES: dict[str, type[ActionBody]] = ROUTES.bodies


def run_action(user: User, suggestion_id: int, name: str, payload: ActionBody) -> dict[str, Any]:
    result: dict[str, Any] = ROUTES.run(user, suggestion_id, name, payload)
    return result


# --- what the caller may do now ----------------------------------------------------------------


def action_fields(name: str) -> list[dict[str, Any]]:
    """The body an action expects, as a flat list of fields (from its JSON schema)."""
    return ROUTES.fields(name)


@router.get(
    "/{int:suggestion_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this suggestion now",
    description="The actions the transition table allows you now, each with its label, its "
    "endpoint and the fields of the JSON body it expects, and the suggestion's current "
    "`version` to send back as `expected_version`. Finer rules (windows, a logged contact…) "
    "are checked when the action runs; `problems` lists the ones already known.",
    operation_id="suggestion_actions",
)
def suggestion_actions(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    user = _user(request)
    s = _get(user, suggestion_id)
    return {
        "id": s.pk,
        "state": s.state,
        "version": s.version,
        "actions": ROUTES.offered(user, s, workflow.allowed_actions(user, s)),
    }


ROUTES.add_to(router)


@router.post(
    "/{int:suggestion_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, suggestion_id: int, action: str) -> Any:
    _get(_user(request), suggestion_id)
    raise ROUTES.unknown(action)
