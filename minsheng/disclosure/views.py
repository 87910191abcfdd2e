"""The public site (公开, no sign-in): the published suggestions with their redacted replies, one
suggestion's permalink, and the statistics. An unpublished, withheld, withdrawn or
confidential record by id is the same 404 as an id that never existed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minsheng.disclosure import caching, public
from minsheng.disclosure.permissions import get_public_publication

PAGE_SIZE = 20
OPTIONS_SECONDS = 3600  # a version's filter options; a new version is a new key


def _filters(
    request: HttpRequest, criteria: public.Criteria, names: tuple[str, ...] = public.FILTERS
) -> list[dict[str, object]]:
    """The filter bar: each list's options as HTML, kept in the cache under the event log's
    head (`caching.data_version`: every publication, withdrawal or change of a published
    record moves it), so a page between two changes reads no option list from the database."""
    from django.core.cache import cache
    from django.utils.translation import gettext as _

    labels = {
        "year": (_("Year"), _("All years")),
        "session": (_("Session"), _("All sessions")),
        "category": (_("Category"), _("All categories")),
        "unit": (_("Handling unit"), _("All units")),
        "delegation": (_("Delegation"), _("All delegations")),
    }
    version = caching.data_version(request)
    keys = {
        name: f"minsheng:public-options:{version}:{name}:{getattr(criteria, name)}"
        for name in names
    }
    options = cache.get_many(list(keys.values()))
    missing = [name for name in names if keys[name] not in options]
    if missing:
        found = public.choices(tuple(missing))
        # The options written once in Python: a template loop per <option> was most of the
        # page's time (60 units, 50 categories, the delegations).
        made = {keys[name]: _options(found[name], getattr(criteria, name)) for name in missing}
        cache.set_many(made, timeout=OPTIONS_SECONDS)
        options.update(made)
    return [
        {
            "name": name,
            "label": labels[name][0],
            "all": labels[name][1],
            "options": options[keys[name]],
        }
        for name in names
    ]


def _options(choices: list[tuple[int, str]], current: int | None) -> str:
    from minsheng.people.templatetags.pages import options

    return options(choices, current)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The published suggestions, newest first; with `q`, those matching it, best first, the
    words marked in the title and a snippet (minsheng/search). Any `q` at all gives a page."""
    criteria = public.Criteria.from_query(request.GET)
    page = Paginator(public.list_rows(criteria), PAGE_SIZE).get_page(request.GET.get("page"))
    query = criteria.query if criteria.q else None
    return render(
        request,
        "disclosure/public_list.html",
        {
            "page": page,
            "rows": public.labelled(list(page.object_list), query),
            "filters": _filters(request, criteria),
            "criteria": criteria,
            "search": True,
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_public_publication(pk)
    return render(request, "disclosure/public_detail.html", {"s": public.detail(pub)})


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    criteria = public.Criteria.from_query(request.GET)
    return render(
        request,
        "disclosure/statistics.html",
        {
            "stats": public.cached_statistics(criteria, caching.data_version(request)),
            "filters": _filters(request, criteria, ("year",)),
            "criteria": criteria,
        },
    )


@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    """民生实事: the practical-matter projects' progress, from the ledger (public fields only)."""
    from django.utils import timezone

    years = public.project_years()
    year = public._int(request.GET.get("year"))
    if year is None and years:
        year = years[0]
    page = Paginator(public.project_rows(year), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/projects.html",
        {
            "page": page,
            "rows": public.labelled_projects(list(page.object_list), timezone.localdate()),
            "years": years,
            "year": year,
        },
    )
