"""/api/v1/commitments: B commitments (文字答复 → 解决问题) through the API.

Thin handlers: every read goes through the ledger's access pair narrowed to commitments
(`commitments.commitments_for` / `get_commitment_for_user`), every change through a typed
function of `ledger/commitments.py`, each declared action of its registry (`COMMITMENTS`:
the second reply and reopening) with its own endpoint and body, built by `api/actions.py`.
Progress reports are the ledger's own `report` action (the ledger API)."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import ERRORS, ActionsOut, Id, NamedRef
from minsheng.api.suggestions import Pages, _user
from minsheng.api.supervision import Mapped
from minsheng.engine.errors import NotAllowed
from minsheng.ledger import commitments
from minsheng.ledger.commitments import COMMITMENTS
from minsheng.ledger.models import FollowUpReply, LedgerItem, running_q, stopped_q
from minsheng.people import permissions as people
from minsheng.people.models import User
from minsheng.suggestions.models import Suggestion

router = Router(tags=["commitments"])

Status = Literal["open", "overdue", "solved", "stopped"]


# --- out ----------------------------------------------------------------------------------------


class SuggestionBrief(Schema):
    id: int
    number: str
    title: str
    state: str


class FollowUpOut(Schema):
    round: int
    category: str = Field(description="A: solved; C: cannot be solved now.")
    state: str = Field(description="draft (seen by the unit and the office) or sent.")
    text: str
    contact_method: str
    contacted_on: datetime.date
    contact_leader: str
    case_officer: str
    document_number: str
    sent_at: datetime.datetime | None
    letter: str = Field(description="The Word letter's page address.")


class CommitmentItem(Schema):
    id: int
    title: str
    year: int = Field(description="The year the promise was made (the B reply was signed).")
    suggestion: SuggestionBrief | None = Field(
        description="Null when you may not see the suggestion itself."
    )
    unit: NamedRef | None
    target_date: datetime.date | None
    due: datetime.date | None
    progress: int
    state: str
    status: str = Field(description="not_started, in_progress, done, lagging or stopped.")
    solved: bool = Field(description="Its second reply said solved (a closed suggestion never).")
    version: int


class CommitmentDetail(CommitmentItem):
    plan: str
    owner: str
    reply_id: int | None
    promised_on: datetime.date | None
    second_replies: list[FollowUpOut]


class RateOut(Schema):
    unit: NamedRef | None = None
    year: int | None = None
    category: NamedRef | None = None
    promised: int
    solved: int
    open: int
    overdue: int
    stopped: int
    rate: float | None = Field(description="solved / promised in percent, one decimal.")


class RatesOut(Schema):
    by: list[str]
    year: int | None
    rows: list[RateOut]
    total: RateOut


class RepeatOut(Schema):
    suggestion: SuggestionBrief
    earlier: list[dict[str, Any]] = Field(
        description="Earlier years' suggestions on the same topic, most similar first: id, "
        "number, title, `similarity` (0–1) and `shared` (the words the two share). Found by "
        "the similar-suggestion index over title and body (similarity at least 0.3, any "
        "category); while that index is being built, by the titles' shared character pairs "
        "within a category (at least 0.4, `shared` empty)."
    )


class LookBackOut(Schema):
    year: int
    unresolved: list[CommitmentItem]
    repeated: list[RepeatOut]


# --- helpers ------------------------------------------------------------------------------------


def _brief(s: Suggestion) -> dict[str, Any]:
    return {"id": s.pk, "number": s.display_number, "title": s.title, "state": s.state}


def _rows(user: User, items: list[LedgerItem]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    ids = {i.source_suggestion_id for i in items if i.source_suggestion_id}
    seen = set(Suggestion.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    out = []
    for item in items:
        s = item.source_suggestion
        unit = item.responsible_unit
        out.append(
            {
                "id": item.pk,
                "title": item.title,
                "year": item.year,
                "suggestion": _brief(s) if s is not None and s.pk in seen else None,
                "unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
                "target_date": item.ends_on,
                "due": item.due,
                "progress": item.progress,
                "state": item.state,
                "status": str(item.status(today).value),
                "solved": commitments.is_solved(item),
                "version": item.version,
            }
        )
    return out


def _related(qs: Any) -> Any:
    return qs.select_related("responsible_unit", "source_suggestion", "owner", "source_reply")


def _get(user: User, pk: int) -> LedgerItem:
    item = commitments.get_commitment_for_user(user, pk)
    found: LedgerItem = _related(LedgerItem.objects.filter(pk=item.pk)).get()
    return found


def _detail(user: User, pk: int) -> dict[str, Any]:
    from django.urls import reverse

    item = _get(user, pk)
    out = _rows(user, [item])[0]
    caps = commitments.capacities(user, item)
    drafts = bool(caps & {commitments.STAFF, commitments.RESPONSIBLE})
    rows = item.follow_ups.order_by("round")
    if not drafts:
        rows = rows.filter(state=FollowUpReply.State.SENT)
    reply = item.source_reply
    out.update(
        plan=item.description,
        owner=item.owner.display_name,
        reply_id=reply.pk if reply else None,
        promised_on=timezone.localtime(reply.sent_at).date() if reply and reply.sent_at else None,
        second_replies=[
            {
                "round": f.round,
                "category": f.category,
                "state": f.state,
                "text": f.text,
                "contact_method": f.contact_method,
                "contacted_on": f.contacted_on,
                "contact_leader": f.contact_leader,
                "case_officer": f.case_officer,
                "document_number": f.document_number,
                "sent_at": f.sent_at,
                "letter": reverse("commitments:letter", args=[item.pk, f.round]),
            }
            for f in rows
        ],
    )
    return out


# --- the list and one -----------------------------------------------------------------------------


class CommitmentFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="The year promised.")
    unit: Id | None = Field(None, description="The responsible unit.")
    category: Id | None = Field(None, description="The suggestion's category.")
    status: Status | None = Field(
        None, description="open (running), overdue (running past the target), solved, stopped."
    )


@router.get(
    "",
    response={200: list[CommitmentItem], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the B commitments you may see",
    description="The ledger's visibility: staff and supervisors see their congress's, a unit "
    "its own, a deputy those of their suggestions. Paginated like the suggestions list: "
    '`?page=1&page_size=50`; the answer is `{"items": [...], "count": N}`.',
    operation_id="list_commitments",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilters]) -> Mapped:
    user = _user(request)
    qs = commitments.commitments_for(user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.unit is not None:
        qs = qs.filter(responsible_unit_id=filters.unit)
    if filters.category is not None:
        qs = qs.filter(source_suggestion__category_id=filters.category)
    today = timezone.localdate()
    if filters.status == "solved":
        qs = qs.filter(commitments.solved_q())
    elif filters.status == "open":
        qs = qs.filter(running_q())
    elif filters.status == "overdue":
        qs = qs.filter(running_q(), due__lt=today)
    elif filters.status == "stopped":
        qs = qs.filter(stopped_q())
    return Mapped(_related(qs).order_by("-year", "due", "pk"), lambda page: _rows(user, page))


class RateFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="The year promised.")
    by: str = Field(
        "unit,year,category",
        max_length=40,
        description="Comma-separated: any of unit, year, category.",
    )


class YearFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year.")


@router.get(
    "/resolution-rate",
    response={200: RatesOut, 401: ERRORS[401], 422: ERRORS[422]},
    summary="The resolution rate: written promises that became solved problems",
    description="Solved B commitments over all B commitments you may see, grouped by `by` "
    "(any of unit, year, category; comma-separated; default all three), for one `year` "
    "promised or all. A closed suggestion does not count as solved; a commitment stopped or "
    "answered “cannot be solved now” counts as promised, not solved.",
    operation_id="commitment_resolution_rate",
)
def resolution_rate(request: HttpRequest, filters: Query[RateFilters]) -> dict[str, Any]:
    from ninja.errors import HttpError

    user = _user(request)
    year, by = filters.year, filters.by
    dims = [d.strip() for d in by.split(",") if d.strip()]
    if set(dims) - set(commitments.DIMENSIONS):
        raise HttpError(422, _("Group by unit, year or category."))
    qs = commitments.commitments_for(user)
    if year is not None:
        qs = qs.filter(year=year)
    rows, total = commitments.resolution_rates(qs, by=dims)

    def out(rate: commitments.Rate) -> dict[str, Any]:
        return {
            "unit": {"id": rate.unit_id, "name": rate.unit}
            if "unit" in dims and rate.unit_id
            else None,
            "year": rate.year,
            "category": {"id": rate.category_id, "name": rate.category}
            if "category" in dims and rate.category_id
            else None,
            "promised": rate.promised,
            "solved": rate.solved,
            "open": rate.open,
            "overdue": rate.overdue,
            "stopped": rate.stopped,
            "rate": rate.rate,
        }

    return {"by": dims, "year": year, "rows": [out(r) for r in rows], "total": out(total)}


@router.get(
    "/look-back",
    response={200: LookBackOut, 401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
    summary="The yearly look-back (回头看): unresolved commitments and repeated topics",
    description="Congress staff only. Commitments promised up to `year` (default this year) "
    "and not solved, and this year's registered suggestions on a topic raised in an earlier "
    "year (see `repeated[].earlier`).",
    operation_id="commitment_look_back",
)
def look_back(request: HttpRequest, filters: Query[YearFilter]) -> dict[str, Any]:
    user = _user(request)
    year = filters.year
    staff_j = [j for j in people.jurisdiction_ids(user) if people.is_staff_of(user, j)]
    if not staff_j:
        raise NotAllowed(_("The look-back is the congress office's work."))
    year = year or timezone.localdate().year
    items = commitments.commitments_for(user).filter(jurisdiction_id__in=staff_j)
    unresolved = list(commitments.unresolved(items, year)[:500])
    suggestions = Suggestion.objects.visible_to(user).filter(jurisdiction_id__in=staff_j)
    repeats = commitments.repeated_topics(suggestions, year)
    return {
        "year": year,
        "unresolved": _rows(user, unresolved),
        "repeated": [
            {
                "suggestion": _brief(r.suggestion),
                "earlier": [
                    {**_brief(old), "similarity": score, "shared": r.shared.get(old.pk, [])}
                    for old, score in r.earlier
                ],
            }
            for r in repeats
        ],
    }


@router.get(
    "/{int:commitment_id}",
    response={200: CommitmentDetail, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One B commitment with its promise and second replies",
    description="404 when it does not exist or you may not see it. Draft second replies are "
    "listed for the responsible unit and the office only.",
    operation_id="get_commitment",
)
def get_commitment(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    return _detail(_user(request), commitment_id)


# --- actions ------------------------------------------------------------------------------------


class CommitmentBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the commitment changed since."
    )


def _describe(name: str) -> str:
    rule = COMMITMENTS[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    return (
        f"`ledger.commitments.{name}`. Who: {who}. From states: {sources}. New state: "
        f"{rule.target or 'unchanged'}. Answers the updated commitment. 403: your role may not "
        "do this; 404: no such commitment for you; 409: not now (state or rule, or "
        "`expected_version` is stale); 422: the body is not valid."
    )


ROUTES = ActionRoutes(
    registry=COMMITMENTS,
    typed=commitments.ACTIONS,
    get=_get,
    answer=_detail,
    answer_schema=CommitmentDetail,
    mount="/commitments",
    param="commitment_id",
    path="/{{int:commitment_id}}/actions/{name}",
    operation_id="commitment_action_{name}",
    tag="commitment actions",
    refused=lambda: _("You may not do this on this ledger item."),
    describe=_describe,
    base=CommitmentBody,
    body_prefix="Commitment",
)


@router.get(
    "/{int:commitment_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this commitment now",
    description="The declared commitment actions you may take now (second reply, reopening), "
    "each with its label, endpoint and body fields, and the `version` to send back.",
    operation_id="commitment_actions",
)
def commitment_actions(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    user = _user(request)
    item = _get(user, commitment_id)
    return {
        "id": item.pk,
        "state": item.state,
        "version": item.version,
        "actions": ROUTES.offered(user, item),
    }


ROUTES.add_to(router)


@router.post(
    "/{int:commitment_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_commitment_action(request: HttpRequest, commitment_id: int, action: str) -> Any:
    _get(_user(request), commitment_id)
    raise ROUTES.unknown(action)
