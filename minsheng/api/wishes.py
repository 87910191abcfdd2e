"""/api/v1/wishes: micro-wishes (微心愿) through the API.

Thin handlers, as the supervision API's: the public wall (`/wishes/wall`, `/wishes/totals`)
needs no token and reads only the wall's public fields (`wishes.wall.WALL_FIELDS`); everything
else reads through the access pair (`Wish.objects.visible_to` / `get_wish_for_user`), gives the
wisher's name, phone and address (`private`) only to who may see them
(`wishes.permissions.can_see_private`), and changes a wish only through a typed function of
`wishes/workflow.py`. Each declared action (`wishes/actions.py`) has its own endpoint and body,
built by `api/actions.py` from the declaration; the fulfilment's evidence travels as base64.
"""

import datetime
from collections.abc import Callable
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from minsheng.api.actions import IDEMPOTENCY_KEY_DOC, ActionRoutes, key_reused
from minsheng.api.schemas import ERRORS, ActionsOut, CleanStr, Id, NamedRef
from minsheng.api.suggestions import Pages, _user
from minsheng.disclosure import caching
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.people.models import User
from minsheng.suggestions import idempotency
from minsheng.suggestions.idempotency import API_KEY_PATTERN
from minsheng.wishes import permissions as perms
from minsheng.wishes import wall, workflow
from minsheng.wishes.actions import WISHES
from minsheng.wishes.models import Wish

router = Router(tags=["wishes"])

Show = Literal["open", "claimed", "fulfilled"]


# --- the public wall --------------------------------------------------------------------------


class WallItem(Schema):
    """A wish as the public wish wall shows it: never the wisher's name, phone or address."""

    id: int
    title: str
    description: str
    category: str
    category_label: str
    group: str
    group_label: str
    vulnerable: bool = Field(
        description="Elderly living alone, left-behind child, disabled, low income."
    )
    state: str
    state_label: str
    community: str
    claimant_name: str = Field(description="Who claimed it (a deputy, a unit, a committee).")
    verified_at: datetime.datetime | None
    claimed_at: datetime.datetime | None
    fulfilled_at: datetime.datetime | None


class WallFilters(Schema):
    show: Show | None = Field(None, description="open, claimed or fulfilled (with confirmed).")
    area: Id | None = Field(None, description="A community's id.")
    group: Literal[tuple(Wish.Group.values)] | None = None  # type: ignore[valid-type]


class PublicMapped:
    """The wall's rows for the paginator: labels added per page; `count`, when given, is the
    number of rows kept elsewhere (the wall's, under the event log's head: `wall.kept_count`)."""

    def __init__(self, rows: QuerySet[Any], count: Callable[[], int] | None = None) -> None:
        self.rows = rows
        self._count = count or rows.count

    def all(self) -> "PublicMapped":
        return self

    def count(self) -> int:
        return self._count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return wall.labelled(list(self.rows[index]))


@router.get(
    "/wall",
    auth=None,
    response={200: list[WallItem], 422: ERRORS[422]},
    summary="The public wish wall (no token needed)",
    description="Verified wishes and later, vulnerable groups first, newest first; public "
    "fields only. Paginated: `?page=1&page_size=50` (at most 200).",
    operation_id="wish_wall",
)
@paginate(Pages, page_size=50, max_page_size=200)
def wish_wall(request: HttpRequest, filters: Query[WallFilters]) -> PublicMapped:
    criteria = wall.Criteria(show=filters.show or "", area=filters.area, group=filters.group or "")
    version = caching.data_version(request)
    return PublicMapped(wall.public_rows(criteria), lambda: wall.kept_count(criteria, version))


class AreaTotal(Schema):
    community_id: int
    community: str
    total: int
    open: int
    fulfilled: int


class ClaimantTotal(Schema):
    claimant_name: str
    total: int
    fulfilled: int


class TotalsOut(Schema):
    per_area: list[AreaTotal]
    per_claimant: list[ClaimantTotal]


@router.get(
    "/totals",
    auth=None,
    response={200: TotalsOut},
    summary="The wall's totals per area and per claimant (no token needed)",
    operation_id="wish_totals",
)
def wish_totals(request: HttpRequest) -> dict[str, Any]:
    per_area, per_claimant = wall.kept_totals(caching.data_version(request))
    return {
        "per_area": [{**row, "community": row["community__name"]} for row in per_area],
        "per_claimant": per_claimant,
    }


# --- signed in ----------------------------------------------------------------------------------


class PrivateOut(Schema):
    """Seen by congress staff, the community's workers and the claimant while claimed."""

    wisher_name: str
    wisher_phone: str
    wisher_address: str


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    url: str


class WishOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_label: str
    group: str
    group_label: str
    vulnerable: bool
    state: str
    state_label: str
    version: int
    community: NamedRef
    claimant_name: str
    posted_at: datetime.datetime
    verified_at: datetime.datetime | None
    claimed_at: datetime.datetime | None
    fulfilled_at: datetime.datetime | None
    confirmed_at: datetime.datetime | None
    private: PrivateOut | None = Field(
        description="The wisher's name, phone and address; null when you may not see them."
    )
    fulfilment_note: str | None = Field(description="Null when you may not see the private part.")
    evidence: list[EvidenceOut] = Field(description="Empty when you may not see the private part.")


def _row(wish: Wish, private: bool, evidence: list[Any] | None = None) -> dict[str, Any]:
    return {
        "id": wish.pk,
        "title": wish.title,
        "description": wish.description,
        "category": wish.category,
        "category_label": wish.get_category_display(),
        "group": wish.group,
        "group_label": wish.get_group_display(),
        "vulnerable": wish.is_vulnerable,
        "state": wish.state,
        "state_label": wish.get_state_display(),
        "version": wish.version,
        "community": {"id": wish.community_id, "name": wish.community.name},
        "claimant_name": wish.claimant_name,
        "posted_at": wish.posted_at,
        "verified_at": wish.verified_at,
        "claimed_at": wish.claimed_at,
        "fulfilled_at": wish.fulfilled_at,
        "confirmed_at": wish.confirmed_at,
        "private": {
            "wisher_name": wish.wisher_name,
            "wisher_phone": wish.wisher_phone,
            "wisher_address": wish.wisher_address,
        }
        if private
        else None,
        "fulfilment_note": wish.fulfilment_note if private else None,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "size": e.size,
                "url": reverse("wishes:evidence", args=[e.pk]),
            }
            for e in (evidence or [])
        ]
        if private
        else [],
    }


class WishFilters(Schema):
    state: Literal[tuple(Wish.State.values)] | None = None  # type: ignore[valid-type]
    community: Id | None = Field(None, description="A community's id.")
    claimed_by_me: bool | None = Field(None, description="Only the wishes you claimed.")


class SignedInMapped(PublicMapped):
    def __init__(self, rows: QuerySet[Any], user: User) -> None:
        super().__init__(rows)
        self.sees = perms.PrivateSight(user)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:  # type: ignore[override]
        return [_row(w, self.sees(w)) for w in self.rows[index]]


@router.get(
    "",
    response={200: list[WishOut], 401: ERRORS[401], 422: ERRORS[422]},
    summary="List the wishes you may see",
    description="Staff see their congress's wishes, community workers their community's, "
    "claimants their claims, everyone else of the congress the public ones. `private` is "
    "filled only where you may see it. Vulnerable groups first. Paginated: "
    '`?page=1&page_size=50` (at most 200); the answer is `{"items": [...], "count": N}`.',
    operation_id="list_wishes",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_wishes(request: HttpRequest, filters: Query[WishFilters]) -> SignedInMapped:
    user = _user(request)
    rows = Wish.objects.visible_to(user).select_related("community")
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    if filters.community is not None:
        rows = rows.filter(community_id=filters.community)
    if filters.claimed_by_me:
        rows = rows.filter(claimed_by=user)
    return SignedInMapped(rows.in_default_order(), user)


def _detail_of(user: User, pk: int) -> dict[str, Any]:
    wish = perms.get_wish_for_user(user, pk)
    private = perms.can_see_private(user, wish)
    return _row(wish, private, list(wish.evidence.all()) if private else None)


@router.get(
    "/{int:wish_id}",
    response={200: WishOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="One wish",
    description="404 when the wish does not exist or you may not see it.",
    operation_id="get_wish",
)
def get_wish(request: HttpRequest, wish_id: int) -> dict[str, Any]:
    return _detail_of(_user(request), wish_id)


class WishIn(Schema):
    model_config = ConfigDict(extra="forbid")

    community: Id = Field(description="The community's id (one you post for).")
    title: CleanStr = Field(max_length=100, description="Public: what is needed.")
    description: CleanStr = Field("", max_length=2000, description="Public details.")
    category: Literal[tuple(Wish.Category.values)]  # type: ignore[valid-type]
    group: Literal[tuple(Wish.Group.values)]  # type: ignore[valid-type]
    wisher_name: CleanStr = Field(max_length=50, description="Private.")
    wisher_phone: CleanStr = Field("", max_length=30, description="Private.")
    wisher_address: CleanStr = Field("", max_length=200, description="Private.")


@router.post(
    "",
    response={201: WishOut, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
    summary="Post a wish (community workers; congress staff for any community of theirs)",
    description="The wish waits for congress staff to verify it. 403 when you post for no "
    "community; 422 for a community you may not post for, a blank title or name, or a phone "
    "number in the public text.",
    operation_id="post_wish",
)
def post_wish(
    request: HttpRequest,
    response: HttpResponse,
    payload: WishIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        pattern=API_KEY_PATTERN,
        description=IDEMPOTENCY_KEY_DOC.format(what="the wish"),
    ),
) -> Any:
    user = _user(request)
    if idempotency_key is None:
        return Status(201, _detail_of(user, _post(user, payload).pk))
    try:
        wish, replayed = idempotency.once(
            user,
            "wishes.post",
            idempotency_key,
            payload.model_dump(mode="json"),
            lambda: _post(user, payload),
        )
    except idempotency.KeyReused:
        raise key_reused() from None
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _detail_of(user, wish.pk))


def _post(user: User, payload: WishIn) -> Wish:
    communities = perms.postable_communities(user)
    if not communities:
        raise NotAllowed(_("Only community workers and congress staff post wishes."))
    community = next((c for c in communities if c.pk == payload.community), None)
    if community is None:
        raise Invalid(
            _("You may not post wishes for community %(id)s.") % {"id": payload.community}
        )
    wish = workflow.post(
        by=user,
        community=community,
        title=payload.title,
        description=payload.description,
        category=payload.category,
        group=payload.group,
        wisher_name=payload.wisher_name,
        wisher_phone=payload.wisher_phone,
        wisher_address=payload.wisher_address,
    )
    return wish


class WishBody(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        None, description="The `version` you last saw; 409 when the wish changed since."
    )


def _describe(name: str) -> str:
    rule = WISHES[name]
    who = ", ".join(sorted(rule.who))
    sources = ", ".join(sorted(rule.sources))
    return (
        f"`wishes.workflow.{name}`. Who: {who}. From states: {sources}. New state: "
        f"{rule.target or 'unchanged'}. Answers the updated wish. 403: your role may not do "
        "this; 404: no such wish for you; 409: not now (state, already claimed, or "
        "`expected_version` is stale); 422: the body is not valid."
    )


WISH_ROUTES = ActionRoutes(
    registry=WISHES,
    typed=workflow.ACTIONS,
    get=perms.get_wish_for_user,
    answer=_detail_of,
    answer_schema=WishOut,
    mount="/wishes",
    param="wish_id",
    path="/{{int:wish_id}}/actions/{name}",
    operation_id="wish_action_{name}",
    tag="wishes actions",
    refused=lambda: _("You may not do this on this wish."),
    describe=_describe,
    base=WishBody,
    body_prefix="Wish",
)


@router.get(
    "/{int:wish_id}/actions",
    response={200: ActionsOut, 401: ERRORS[401], 404: ERRORS[404]},
    summary="What you may do on this wish now",
    description="The declared actions you may take now, each with its endpoint and body "
    "fields, and the wish's `version` to send back as `expected_version`.",
    operation_id="wish_actions",
)
def wish_actions(request: HttpRequest, wish_id: int) -> dict[str, Any]:
    user = _user(request)
    wish = perms.get_wish_for_user(user, wish_id)
    return {
        "id": wish.pk,
        "state": wish.state,
        "version": wish.version,
        "actions": WISH_ROUTES.offered(user, wish),
    }


WISH_ROUTES.add_to(router)


@router.post(
    "/{int:wish_id}/actions/{action}",
    response={404: ERRORS[404]},
    include_in_schema=False,
)
def unknown_wish_action(request: HttpRequest, wish_id: int, action: str) -> Any:
    perms.get_wish_for_user(_user(request), wish_id)
    raise WISH_ROUTES.unknown(action)
