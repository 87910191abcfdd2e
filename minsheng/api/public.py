"""/api/v1/public/: the public site (/gongkai/) as read-only JSON, no token needed.

Exactly what the public pages show, from the same queries (`disclosure/public.py`): the
published, non-confidential records with their redacted texts and reviewed replies, the
statistics, the practical-matter projects' public fields and the filter options. An id that
is not published (or confidential, withheld, withdrawn, missing) is the same 404.

Every operation is rate limited per address (`disclosure.throttle`, JSON 429 with
Retry-After) and sends ETag / Last-Modified with public caching for anonymous callers
(`disclosure.caching`, 304 to a matching conditional request).
"""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from minsheng.api.schemas import ERRORS
from minsheng.api.suggestions import MAX_ID, Pages
from minsheng.disclosure import caching, public, throttle
from minsheng.disclosure.caching import public_cache
from minsheng.disclosure.permissions import get_public_publication
from minsheng.search.tokens import MAX_QUERY_CHARS

router = Router(tags=["public"], auth=None)

# Each operation: counted against the API rate first (the outer decorator), then the
# conditional answer (304) and the public Cache-Control.
open_data = decorate_view(public_cache, throttle.limit("api", as_json=True))


class TooManyOut(Schema):
    detail: str = Field(description="Over the rate limit: wait and try again.")
    retry_after: int = Field(description="Seconds to wait (also the Retry-After header).")


TOO_MANY: dict[int, type[Schema]] = {429: TooManyOut}


class PublicFilters(Schema):
    year: int | None = Field(None, ge=1, le=9999, description="The suggestion's year.")
    session: int | None = Field(None, ge=1, le=MAX_ID, description="A session id.")
    category: int | None = Field(None, ge=1, le=MAX_ID, description="A category id.")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="The handling (lead) unit's id.")
    delegation: int | None = Field(None, ge=1, le=MAX_ID, description="A delegation's id.")
    result: str | None = Field(
        None, pattern="^[ABCD]$", description="Result category A, B, C or D."
    )
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_CHARS,
        description="Words to search for in the published title, suggestion and replies "
        "(as the public list's search box): the matching ones, most relevant first. Any "
        "text is accepted; one without words (punctuation only) matches nothing.",
    )

    def criteria(self) -> public.Criteria:
        return public.Criteria(
            year=self.year,
            session=self.session,
            category=self.category,
            unit=self.unit,
            delegation=self.delegation,
            result=self.result or "",
            q=" ".join((self.q or "").split()),
        )


class PublicItem(Schema):
    id: int
    url: str = Field(description="The permalink on the public site.")
    title: str = Field(description="Redacted.")
    number: str
    session: str
    category: str
    unit: str = Field(description="The handling (lead) unit.")
    delegation: str
    result: str = Field(description="A, B, C or D (empty before the reply's category is known).")
    result_label: str
    rating: str = Field(description="The deputy's rating (empty while awaited).")
    rating_label: str
    on_time: bool
    answered_on: datetime.date | None
    published_at: datetime.datetime | None


class PublicReply(Schema):
    unit: str | None
    mode: str = Field(description="lead, co or separate (主办, 协办, 分办).")
    result: str
    result_label: str
    round: int
    sent_at: datetime.datetime | None
    text: str = Field(description="Redacted, or the published summary.")
    summarised: bool


class PublicDetail(PublicItem):
    body: str = Field(description="Redacted.")
    submitted_at: datetime.datetime | None
    replies: list[PublicReply]


class UnitStatistics(Schema):
    unit_id: int | None
    unit: str | None = Field(alias="unit__name")
    total: int
    on_time: int
    a: int
    b: int
    c: int
    d: int
    satisfied: int
    basically: int
    unsatisfied: int
    not_rated: int
    on_time_share: str
    satisfaction_share: str


class Totals(Schema):
    total: int
    on_time: int
    a: int
    b: int
    c: int
    d: int
    satisfied: int
    basically: int
    unsatisfied: int
    not_rated: int
    rated: int
    awaiting: int
    on_time_share: str
    satisfaction_share: str


class StatisticsOut(Schema):
    totals: Totals
    per_unit: list[UnitStatistics]


class ProjectItem(Schema):
    title: str
    year: int
    unit: str = Field(description="The responsible unit.")
    progress: int = Field(description="Per cent.")
    status: str
    status_label: str
    ends_on: datetime.date | None = Field(description="Planned end.")
    done_on: datetime.date | None


class Choice(Schema):
    id: int
    name: str


class FiltersOut(Schema):
    year: list[Choice]
    session: list[Choice]
    category: list[Choice]
    unit: list[Choice]
    delegation: list[Choice]


class Labelled:
    """The page's rows, labelled once per page (the paginator slices, then asks)."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def all(self) -> "Labelled":
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        return [_with_url(row) for row in public.labelled(list(self.rows[s]))]


def _with_url(row: dict[str, Any]) -> dict[str, Any]:
    from django.urls import reverse

    return {**row, "url": reverse("disclosure:detail", args=[row["id"]])}


@router.get(
    "/suggestions",
    response={200: list[PublicItem], 422: ERRORS[422], **TOO_MANY},
    summary="The published suggestions (no token needed)",
    description="As the public list /gongkai/: newest publication first, the same filters; "
    "with `q`, the matches of a search, most relevant first (at most 2,000); "
    'paginated `?page=1&page_size=50` (at most 200): `{"items": [...], "count": N}`.',
    operation_id="list_public_suggestions",
)
@open_data
@paginate(Pages, page_size=50, max_page_size=200)
def list_public_suggestions(request: HttpRequest, filters: Query[PublicFilters]) -> Labelled:
    return Labelled(public.list_rows(filters.criteria()))


@router.get(
    "/suggestions/{int:publication_id}",
    response={200: PublicDetail, 404: ERRORS[404], **TOO_MANY},
    summary="One published suggestion with its replies (no token needed)",
    description="As the permalink /gongkai/{id}/. An id that is not published is the same "
    "404 as one that does not exist.",
    operation_id="get_public_suggestion",
)
@open_data
def get_public_suggestion(request: HttpRequest, publication_id: int) -> dict[str, Any]:
    if not 0 < publication_id <= MAX_ID:
        raise Http404
    found = public.detail(get_public_publication(publication_id))
    return {**found, "url": _with_url(found)["url"], "body": found["body"] or ""}


@router.get(
    "/statistics",
    response={200: StatisticsOut, 422: ERRORS[422], **TOO_MANY},
    summary="Statistics of the published suggestions (no token needed)",
    description="As /gongkai/tongji/: totals, on time, satisfaction, A/B/C/D and per unit; "
    "`?year=` as there.",
    operation_id="public_statistics",
)
@open_data
def public_statistics(
    request: HttpRequest, year: int | None = Query(None, ge=1, le=9999)
) -> dict[str, Any]:
    return public.cached_statistics(public.Criteria(year=year), caching.data_version(request))


@router.get(
    "/projects",
    response={200: list[ProjectItem], 422: ERRORS[422], **TOO_MANY},
    summary="The practical-matter projects' progress (no token needed)",
    description="As /gongkai/shishi/: the ledger's top-level 民生实事 projects with their "
    "public fields only (title, responsible unit, status, progress, planned end, done). "
    "`?year=` (default: every year). Paginated as the list.",
    operation_id="list_public_projects",
)
@open_data
@paginate(Pages, page_size=50, max_page_size=200)
def list_public_projects(
    request: HttpRequest, year: int | None = Query(None, ge=1, le=9999)
) -> Any:
    return Projects(public.project_rows(year))


class Projects(Labelled):
    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        return public.labelled_projects(list(self.rows[s]), timezone.localdate())


@router.get(
    "/filters",
    response={200: FiltersOut, **TOO_MANY},
    summary="The public list's filter options (no token needed)",
    description="The years, sessions, categories, units and delegations that occur among the "
    "published suggestions, with the ids the other operations take.",
    operation_id="public_filters",
)
@open_data
def public_filters(request: HttpRequest) -> dict[str, Any]:
    return {
        name: [{"id": pk, "name": label} for pk, label in options]
        for name, options in public.choices().items()
    }
