"""/api/v1 reference data: deputies, organisations, categories, terms and sessions.

Read-only lists (searchable, paginated like the suggestions list) and one-record reads, so an
integrator can find the ids the other endpoints take without guessing. Visibility is the pages':
every read goes through the model's `visible_to()` (a person sees the records of the
jurisdictions their roles cover; an administrator sees all). A deputy's contact details are
never part of these answers: they belong to the suggestion a person handles, not to a directory.
"""

import datetime
from typing import Any, TypeVar

from django.db.models import Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from minsheng.api.schemas import ERRORS, Id, NamedRef
from minsheng.api.suggestions import MAX_ID, Pages, _user
from minsheng.people.models import Deputy, Organisation, Session, Term
from minsheng.suggestions.models import Category

router = Router(tags=["reference data"])
M = TypeVar("M", bound=Model)

LIST_ERRORS = {401: ERRORS[401], 422: ERRORS[422]}
ONE_ERRORS = {401: ERRORS[401], 404: ERRORS[404]}
PAGED = (
    "Paginated like the suggestions list: `?page=2&page_size=50` (default 50, at most 200); "
    'the answer is `{"items": [...], "count": <total>}`.'
)
Search = Field(None, max_length=100, description="Text in the name (case-insensitive).")


def _one(qs: QuerySet[M], pk: int) -> M:
    """One visible record, or 404 (also for ids the database could not even store)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


# --- deputies ----------------------------------------------------------------------------------


class DeputyItem(Schema):
    """A deputy's public profile for one term. No contact details, ever."""

    id: int
    name: str
    user_id: int
    delegation: NamedRef
    term: NamedRef
    jurisdiction: NamedRef
    is_active: bool = Field(description="Serving now (false: left office during the term).")

    @staticmethod
    def resolve_name(obj: Deputy) -> str:
        return str(obj)

    @staticmethod
    def resolve_delegation(obj: Deputy) -> dict[str, Any] | None:
        return _ref(obj.delegation)

    @staticmethod
    def resolve_term(obj: Deputy) -> dict[str, Any] | None:
        return _ref(obj.term)

    @staticmethod
    def resolve_jurisdiction(obj: Deputy) -> dict[str, Any] | None:
        return _ref(obj.jurisdiction)


class DeputyFilters(Schema):
    q: str | None = Search
    delegation: Id | None = Field(None, description="Delegation (代表团) organisation id.")
    term: Id | None = Field(None, description="Term id (see /terms).")
    jurisdiction: Id | None = Field(None, description="Jurisdiction id.")
    is_active: bool | None = Field(None, description="true: serving deputies only.")


def _deputies(request: HttpRequest) -> QuerySet[Deputy]:
    return Deputy.objects.visible_to(_user(request)).select_related(
        "user", "delegation", "term", "jurisdiction"
    )


@router.get(
    "/deputies",
    response={200: list[DeputyItem], **LIST_ERRORS},
    summary="List and search deputies",
    description="Deputies of the congresses you may see, with their delegation and term; "
    "search by name. " + PAGED,
    operation_id="list_deputies",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_deputies(request: HttpRequest, filters: Query[DeputyFilters]) -> QuerySet[Deputy]:
    qs = _deputies(request)
    text = (filters.q or "").strip()
    if text:
        qs = qs.filter(Q(user__real_name__icontains=text))
    if filters.delegation is not None:
        qs = qs.filter(delegation_id=filters.delegation)
    if filters.term is not None:
        qs = qs.filter(term_id=filters.term)
    if filters.jurisdiction is not None:
        qs = qs.filter(jurisdiction_id=filters.jurisdiction)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return qs.order_by(
        "jurisdiction_id", "-term__number", "delegation__name", "user__real_name", "id"
    )


@router.get(
    "/deputies/{int:deputy_id}",
    response={200: DeputyItem, **ONE_ERRORS},
    summary="One deputy",
    description="404 when the deputy does not exist or belongs to a congress you may not see.",
    operation_id="get_deputy",
)
def get_deputy(request: HttpRequest, deputy_id: int) -> Deputy:
    return _one(_deputies(request), deputy_id)


# --- organisations -----------------------------------------------------------------------------


class OrganisationItem(Schema):
    id: int
    name: str
    short_name: str
    kind: Organisation.Kind
    kind_label: str
    parent: NamedRef | None
    counterpart_committee: NamedRef | None = Field(
        description="The special committee that supervises this unit (对口督办)."
    )
    jurisdiction: NamedRef
    is_handling_unit: bool
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj: Organisation) -> dict[str, Any] | None:
        return _ref(obj.parent)

    @staticmethod
    def resolve_counterpart_committee(obj: Organisation) -> dict[str, Any] | None:
        return _ref(obj.counterpart_committee)

    @staticmethod
    def resolve_jurisdiction(obj: Organisation) -> dict[str, Any] | None:
        return _ref(obj.jurisdiction)


class OrganisationFilters(Schema):
    q: str | None = Field(
        None, max_length=100, description="Text in the name or short name (case-insensitive)."
    )
    kind: list[Organisation.Kind] = Field(
        default_factory=list, description="One or more kinds: ?kind=department&kind=court"
    )
    handling_units: bool | None = Field(
        None,
        description="true: active handling units only (the ids `assign` and adjustments take); "
        "false: everything else.",
    )
    parent: Id | None = Field(None, description="Children of this organisation.")
    jurisdiction: Id | None = Field(None, description="Jurisdiction id.")
    is_active: bool | None = Field(None, description="true: active organisations only.")


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(_user(request)).select_related(
        "parent", "counterpart_committee", "jurisdiction"
    )


@router.get(
    "/organisations",
    response={200: list[OrganisationItem], **LIST_ERRORS},
    summary="List and search organisations (handling units, committees, delegations…)",
    description="The organisation tree of the congresses you may see. `handling_units=true` "
    "gives the units suggestions can be assigned to. " + PAGED,
    operation_id="list_organisations",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> QuerySet[Organisation]:
    qs = _organisations(request)
    text = (filters.q or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
    if filters.kind:
        qs = qs.filter(kind__in=filters.kind)
    if filters.handling_units is not None:
        units = Q(is_handling_unit=True, is_active=True)
        qs = qs.filter(units) if filters.handling_units else qs.exclude(units)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.jurisdiction is not None:
        qs = qs.filter(jurisdiction_id=filters.jurisdiction)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return qs.order_by("jurisdiction_id", "sort_order", "name", "id")


@router.get(
    "/organisations/{int:organisation_id}",
    response={200: OrganisationItem, **ONE_ERRORS},
    summary="One organisation",
    description="404 when it does not exist or belongs to a congress you may not see.",
    operation_id="get_organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return _one(_organisations(request), organisation_id)


# --- categories --------------------------------------------------------------------------------


class CategoryItem(Schema):
    """One node of a congress's category tree, with its parent and children ids."""

    id: int
    name: str
    path: str = Field(description="The name with its parent's: 交通运输 › 农村公路.")
    parent: NamedRef | None
    children: list[int] = Field(description="Ids of the sub-categories, in display order.")
    jurisdiction: NamedRef
    is_active: bool

    @staticmethod
    def resolve_path(obj: Category) -> str:
        return str(obj)

    @staticmethod
    def resolve_parent(obj: Category) -> dict[str, Any] | None:
        return {"id": obj.parent.pk, "name": obj.parent.name} if obj.parent else None

    @staticmethod
    def resolve_children(obj: Category) -> list[int]:
        return [child.pk for child in obj.children.all()]

    @staticmethod
    def resolve_jurisdiction(obj: Category) -> dict[str, Any] | None:
        return _ref(obj.jurisdiction)


class CategoryFilters(Schema):
    q: str | None = Search
    parent: Id | None = Field(None, description="Sub-categories of this category.")
    top: bool | None = Field(None, description="true: top-level categories only.")
    jurisdiction: Id | None = Field(None, description="Jurisdiction id.")
    is_active: bool | None = Field(
        None, description="true: the categories a new suggestion may take."
    )


def _categories(request: HttpRequest) -> QuerySet[Category]:
    ordered = Category.objects.order_by("sort_order", "name", "id").only("id", "parent_id")
    return (
        Category.objects.visible_to(_user(request))
        .select_related("parent", "jurisdiction")
        .prefetch_related(Prefetch("children", queryset=ordered))
    )


@router.get(
    "/categories",
    response={200: list[CategoryItem], **LIST_ERRORS},
    summary="The category tree, as a flat list with parent and children ids",
    description="Each category comes after its parent (top-level ones in display order, each "
    "followed by its children). `top=true` gives the first level, `parent=ID` one node's "
    "children. " + PAGED,
    operation_id="list_categories",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_categories(request: HttpRequest, filters: Query[CategoryFilters]) -> QuerySet[Category]:
    qs = _categories(request)
    text = (filters.q or "").strip()
    if text:
        qs = qs.filter(name__icontains=text)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.top is not None:
        qs = qs.filter(parent__isnull=filters.top)
    if filters.jurisdiction is not None:
        qs = qs.filter(jurisdiction_id=filters.jurisdiction)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    # The tree in reading order: a parent, then its children (the tree is two levels deep).
    return qs.order_by(
        "jurisdiction_id",
        _tree_key("sort_order"),
        _tree_key("name"),
        _tree_key("id"),
        # The parent itself first: SQLite sorts NULL first, PostgreSQL last unless told.
        F("parent_id").asc(nulls_first=True),
        "sort_order",
        "name",
        "id",
    )


def _tree_key(field: str) -> Any:
    """The top-level ancestor's field: a node sorts with its parent's branch."""
    return Coalesce(F(f"parent__{field}"), F(field)).asc()


@router.get(
    "/categories/{int:category_id}",
    response={200: CategoryItem, **ONE_ERRORS},
    summary="One category",
    description="404 when it does not exist or belongs to a congress you may not see.",
    operation_id="get_category",
)
def get_category(request: HttpRequest, category_id: int) -> Category:
    return _one(_categories(request), category_id)


# --- terms and sessions ------------------------------------------------------------------------


class TermItem(Schema):
    id: int
    number: int
    name: str
    jurisdiction: NamedRef
    start_date: datetime.date
    end_date: datetime.date | None
    is_current: bool

    @staticmethod
    def resolve_jurisdiction(obj: Term) -> dict[str, Any] | None:
        return _ref(obj.jurisdiction)


class TermFilters(Schema):
    jurisdiction: Id | None = Field(None, description="Jurisdiction id.")
    is_current: bool | None = Field(None, description="true: each congress's current term.")


@router.get(
    "/terms",
    response={200: list[TermItem], **LIST_ERRORS},
    summary="List terms (届)",
    description="The terms of the congresses you may see, newest first. " + PAGED,
    operation_id="list_terms",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_terms(request: HttpRequest, filters: Query[TermFilters]) -> QuerySet[Term]:
    qs = Term.objects.visible_to(_user(request)).select_related("jurisdiction")
    if filters.jurisdiction is not None:
        qs = qs.filter(jurisdiction_id=filters.jurisdiction)
    if filters.is_current is not None:
        qs = qs.filter(is_current=filters.is_current)
    return qs.order_by("jurisdiction_id", "-number", "id")


@router.get(
    "/terms/{int:term_id}",
    response={200: TermItem, **ONE_ERRORS},
    summary="One term",
    description="404 when it does not exist or belongs to a congress you may not see.",
    operation_id="get_term",
)
def get_term(request: HttpRequest, term_id: int) -> Term:
    return _one(Term.objects.visible_to(_user(request)).select_related("jurisdiction"), term_id)


class SessionItem(Schema):
    id: int
    number: int
    name: str
    term: NamedRef
    jurisdiction: NamedRef
    start_date: datetime.date = Field(description="Opening date.")
    end_date: datetime.date = Field(description="Closing date.")
    is_current: bool = Field(
        description="The session new suggestions go into: the latest of the current term."
    )

    @staticmethod
    def resolve_term(obj: Session) -> dict[str, Any] | None:
        return _ref(obj.term)

    @staticmethod
    def resolve_jurisdiction(obj: Session) -> dict[str, Any] | None:
        return _ref(obj.term.jurisdiction)


class SessionFilters(Schema):
    term: Id | None = Field(None, description="Term id.")
    jurisdiction: Id | None = Field(None, description="Jurisdiction id.")
    is_current: bool | None = Field(None, description="true: each congress's current session.")


def _sessions(request: HttpRequest) -> QuerySet[Session]:
    later = Session.objects.filter(term_id=OuterRef("term_id"), number__gt=OuterRef("number"))
    return (
        Session.objects.visible_to(_user(request))
        .select_related("term__jurisdiction")
        .annotate(is_current=Q(term__is_current=True) & ~Exists(later))
    )


@router.get(
    "/sessions",
    response={200: list[SessionItem], **LIST_ERRORS},
    summary="List sessions (次会议)",
    description="The sessions of the congresses you may see, newest first; the `session` "
    "filter of the suggestions list takes these ids. " + PAGED,
    operation_id="list_sessions",
)
@paginate(Pages, page_size=50, max_page_size=200)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> QuerySet[Session]:
    qs = _sessions(request)
    if filters.term is not None:
        qs = qs.filter(term_id=filters.term)
    if filters.jurisdiction is not None:
        qs = qs.filter(term__jurisdiction_id=filters.jurisdiction)
    if filters.is_current is not None:
        qs = qs.filter(is_current=filters.is_current)  # type: ignore[misc]  # the annotation
    return qs.order_by("term__jurisdiction_id", "-term__number", "-number", "id")


@router.get(
    "/sessions/{int:session_id}",
    response={200: SessionItem, **ONE_ERRORS},
    summary="One session",
    description="404 when it does not exist or belongs to a congress you may not see.",
    operation_id="get_session",
)
def get_session(request: HttpRequest, session_id: int) -> Session:
    return _one(_sessions(request), session_id)
