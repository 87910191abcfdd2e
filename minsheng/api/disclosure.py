"""/api/v1/publications: the staff's publication step (公开) through the API.

Thin handlers over `disclosure/workflow.py`, as the wishes' and the ledger's: the records are
read through the access pair (`Publication.objects.visible_to` / `get_publication_for_user`:
congress staff of the suggestion's congress only; anyone else gets an empty list or 404), and
each declared action (`disclosure/actions.py`) has its own endpoint and body, built by
`api/actions.py` from the declaration. The public site's read-only JSON (`/api/v1/public/`)
is not here yet (issue 10, point 4).
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from minsheng.api.actions import ActionRoutes
from minsheng.api.schemas import ERRORS, ActionsOut
from minsheng.api.suggestions import MAX_ID, Pages, _user
from minsheng.disclosure import permissions as perms
from minsheng.disclosure import workflow
from minsheng.disclosure.actions import PUBLICATIONS
from minsheng.disclosure.models import Publication
from minsheng.people.models import User

router = Router(tags=["publications"])


class PublicationItem(Schema):
    id: int
    suggestion: int
    number: str
    title: str = Field(description="The original title (staff only).")
    state: str
    state_label: str
    confidential: bool
    due: datetime.date | None = Field(description="Publish by (the rule set's working days).")
    due_uncertain: bool
    published_at: datetime.datetime | None
    masked: int = Field(description="How many spans are masked over all pieces.")


class PieceOut(Schema):
    key: str = Field(description="`title`, `body` or `reply:<id>`.")
    original: str
    public: str = Field(description="What the public sees (summary, or masked text).")
    spans: list[list[Any]] = Field(description="`[start, end, kind]` over the original.")
    summary: str
    changed: bool = Field(description="The text changed since it was prepared: not public.")


class PublicationOut(PublicationItem):
    version: int
    reason: str = Field(description="Why it was withheld or withdrawn (staff only).")
    public_url: str | None = Field(description="The permalink on the public site, once published.")
    pieces: list[PieceOut]


class PublicationFilters(Schema):
    state: Publication.State | None = Field(None, description="One publication state.")


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(min_length=1, max_length=200, description="Records to publish.")


class Refused(Schema):
    id: int
    reason: str


class BatchOut(Schema):
    published: list[int]
    refused: list[Refused]


def _get(user: User, pk: int) -> Publication:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return perms.get_publication_for_user(user, pk)


def _item(p: Publication) -> dict[str, Any]:
    s = p.suggestion
    return {
        "id": p.pk,
        "suggestion": s.pk,
        "number": s.display_number,
        "title": s.title,
        "state": p.state,
        "state_label": str(p.get_state_display()),
        "confidential": p.confidential or s.is_confidential,
        "due": p.due,
        "due_uncertain": p.due_uncertain,
        "published_at": p.published_at,
        "masked": sum(len(v) for v in p.spans.values()),
    }


def _detail_of(user: User, pk: int) -> dict[str, Any]:
    from minsheng.disclosure import redaction

    p = _get(user, pk)
    out = _item(p)
    pieces = []
    for key, text in workflow.pieces(p.suggestion).items():
        spans = p.spans.get(key, [])
        pieces.append(
            {
                "key": key,
                "original": text,
                "public": p.summaries.get(key) or redaction.apply(text, spans),
                "spans": spans,
                "summary": p.summaries.get(key, ""),
                "changed": p.fingerprints.get(key) not in (None, workflow.fingerprint(text)),
            }
        )
    out.update(
        version=p.version,
        reason=p.reason,
        public_url=f"/gongkai/{p.pk}/" if p.state == Publication.State.PUBLISHED else None,
        pieces=pieces,
    )
    return out


class Mapped:
    def __init__(self, rows: QuerySet[Publication]) -> None:
        self.rows = rows

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        return [_item(p) for p in self.rows[s]]


@router.get(
    "",
    response={200: list[PublicationItem], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the publication records you may review",
    description="Congress staff: the records of their congress, what is due first; anyone "
    'else gets an empty list. Paginated: `{"items": [...], "count": N}`.',
    operation_id="list_publications",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_publications(request: HttpRequest, filters: Query[PublicationFilters]) -> Any:
    rows = Publication.objects.visible_to(_user(request)).select_related("suggestion")
    if filters.state:
        rows = rows.filter(state=filters.state)
    return Mapped(rows.order_by("due", "pk"))


@router.get(
    "/{int:publication_id}",
    response={200: PublicationOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One publication record with its original texts, spans and summaries",
    operation_id="get_publication",
)
def get_publication(request: HttpRequest, publication_id: int) -> dict[str, Any]:
    return _detail_of(_user(request), publication_id)


@router.post(
    "/batch-publish",
    response={
        200: BatchOut,
        400: ERRORS[400],
        401: ERRORS[401],
        403: ERRORS[403],
        422: ERRORS[422],
    },
    summary="Publish several reviewed records at once",
    description="Each record is published by its own action (one event each); the ones that "
    "are refused (confidential, not waiting for review, not yours) are listed with the reason "
    "and do not stop the others. 403 for anyone who is not congress staff.",
    operation_id="batch_publish",
)
def batch_publish(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    user = _user(request)
    if not perms.is_staff_anywhere(user):
        from minsheng.engine.errors import NotAllowed

        raise NotAllowed(_("Only congress staff publish."))
    ids = [pk for pk in payload.ids if 0 < pk <= MAX_ID]
    done, refused = workflow.publish_batch(ids, by=user)
    for pk in payload.ids:
        if pk not in ids:
            refused[pk] = _("No such publication.")
    return {
        "published": [p.pk for p in done],
        "refused": [{"id": pk, "reason": str(reason)} for pk, reason in refused.items()],
    }


class PublicationBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the record changed since."
    )


def _describe(name: str) -> str:
    rule = PUBLICATIONS[name]
    who = ", ".join(sorted(rule.who - {perms.SYSTEM}))
    sources = ", ".join(sorted(rule.sources))
    return (
        f"`disclosure.workflow.{name}`. Who: {who}. From states: {sources}. New state: "
        f"{rule.target or 'unchanged'}. Answers the updated record. 403: your role may not do "
        "this; 404: no such record for you; 409: not now (state, confidential, or "
        "`expected_version` is stale); 422: the body is not valid."
    )


ROUTES = ActionRoutes(
    registry=PUBLICATIONS,
    typed=workflow.ACTIONS,
    get=_get,
    answer=_detail_of,
    answer_schema=PublicationOut,
    mount="/publications",
    param="publication_id",
    path="/{{int:publication_id}}/actions/{name}",
    operation_id="publication_action_{name}",
    tag="publications actions",
    refused=lambda: _("You may not do this on this publication."),
    describe=_describe,
    base=PublicationBody,
    body_prefix="Publication",
)


@router.get(
    "/{int:publication_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this publication record now",
    operation_id="publication_actions",
)
def publication_actions(request: HttpRequest, publication_id: int) -> dict[str, Any]:
    user = _user(request)
    p = _get(user, publication_id)
    return {"id": p.pk, "state": p.state, "version": p.version, "actions": ROUTES.offered(user, p)}


ROUTES.add_to(router)


@router.post(
    "/{int:publication_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_publication_action(request: HttpRequest, publication_id: int, action: str) -> Any:
    _get(_user(request), publication_id)
    raise ROUTES.unknown(action)
