"""The public site's queries (公开), shared by its pages, the bench and (next) the feeds and the
public API. Only published, non-confidential records are read (`Publication.objects.public()`),
and only the fields in `LIST_FIELDS`: never a reply's contact phones, a deputy's contact
details, a withheld reason or an unreviewed piece. Every text shown passes through
`workflow.public_text` (spans applied, summaries, reviewed pieces only).

A list page is one query for the rows shown (with the names it displays), one count over the
`pub_public_*` indexes, and the filter bar's five bounded choice lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.safestring import mark_safe

from minsheng.disclosure.caching import kept
from minsheng.disclosure.models import Publication
from minsheng.disclosure.workflow import public_text
from minsheng.search import highlight, tokens
from minsheng.suggestions.numbers import format_number

LIST_FIELDS = (
    "pk",
    "published_at",
    "answered_on",
    "year",
    "result",
    "rating",
    "on_time",
    "spans",
    "summaries",
    "fingerprints",
    "shown",
    "suggestion__title",
    "suggestion__series",
    "suggestion__number",
    "session__name",
    "category__name",
    "unit__name",
    "delegation__name",
)
FILTERS = ("year", "session", "category", "unit", "delegation")


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@dataclass
class Criteria:
    year: int | None = None
    session: int | None = None
    category: int | None = None
    unit: int | None = None
    delegation: int | None = None
    result: str = ""
    q: str = ""  # the search box (minsheng/search): ranked by relevance when it has words

    @cached_property
    def query(self) -> tokens.Query:
        return tokens.parse(self.q)

    @classmethod
    def from_query(cls, query: Any) -> Criteria:
        """Unknown or malformed values are ignored: a public URL never answers 500."""
        result = str(query.get("result", "") or "")
        return cls(
            year=_int(query.get("year")),
            session=_int(query.get("session")),
            category=_int(query.get("category")),
            unit=_int(query.get("unit")),
            delegation=_int(query.get("delegation")),
            result=result if result in ("A", "B", "C", "D") else "",
            q=" ".join(str(query.get("q", "") or "")[: tokens.MAX_QUERY_CHARS].split()),
        )

    @property
    def narrowed(self) -> bool:
        """Any filter beside the search box."""
        return any(
            value not in (None, "")
            for value in (
                self.year,
                self.session,
                self.category,
                self.unit,
                self.delegation,
                self.result,
            )
        )

    def apply(self, rows: QuerySet[Publication]) -> QuerySet[Publication]:
        if self.year is not None:
            rows = rows.filter(year=self.year)
        if self.session is not None:
            rows = rows.filter(session_id=self.session)
        if self.category is not None:
            rows = rows.filter(category_id=self.category)
        if self.unit is not None:
            rows = rows.filter(unit_id=self.unit)
        if self.delegation is not None:
            rows = rows.filter(delegation_id=self.delegation)
        if self.result:
            rows = rows.filter(result=self.result)
        return rows


def public_rows(criteria: Criteria) -> Any:
    """The list's rows, newest publication first, as dicts of LIST_FIELDS; with a search, the
    matching ones, best first (a query without words matches nothing)."""
    if criteria.q:
        from minsheng.search.index import search_public

        rows = criteria.apply(Publication.objects.public())
        # The same rows, with the flag compared as an expression (`+ 0`), which no index
        # answers: SQLite then looks up the ranked ids by primary key instead of walking a
        # `pub_public_*` index of every published record (36 ms → a few at 100,000).
        checked = criteria.apply(
            Publication.objects.alias(flag=F("public") + 0).filter(
                flag=1, suggestion__is_confidential=False
            )
        )
        return search_public(
            rows,
            criteria.query,
            (*LIST_FIELDS, "suggestion__body"),
            checked,
            narrowed=criteria.narrowed,
        )
    return (
        criteria.apply(Publication.objects.public())
        .order_by("-published_at", "-pk")
        .values(*LIST_FIELDS)
    )


def newest_rows(criteria: Criteria, fields: tuple[str, ...] = LIST_FIELDS) -> QuerySet[Any]:
    """The published records the criteria select, newest publication first (the feed): with
    a search, those among the index's best matches (at most `search.index.MAX_HITS`)."""
    rows = criteria.apply(Publication.objects.public())
    if criteria.q:
        from minsheng.search.index import ranked_ids

        rows = rows.filter(pk__in=ranked_ids("public", criteria.query))
    return rows.order_by("-published_at", "-pk").values(*fields)


def public_count(criteria: Criteria) -> int:
    """How many records the list (without a search) shows: counted on the records' own
    `public` flag over the `pub_public_*` indexes, as the statistics and the filter options
    are. The rows themselves are also checked against the suggestion's confidential mark
    (`Publication.objects.public()`); a record whose suggestion is marked confidential loses
    its flag when the disclosure hook runs, right after that change commits. Counting through
    the suggestions instead read every published suggestion's row (270 ms at 100,000)."""
    return criteria.apply(Publication.objects.filter(public=1)).count()


class Counted:
    """The list's rows for the Paginator: slices from the query, the count from
    `public_count` (a sequence the Paginator can count and slice, as `search.index.Ranked`)."""

    def __init__(self, rows: QuerySet[Any], criteria: Criteria) -> None:
        self.rows = rows
        self.criteria = criteria

    @cached_property
    def _count(self) -> int:
        return public_count(self.criteria)

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[Any]:
        return list(self.rows[index])


def list_rows(criteria: Criteria) -> Any:
    """`public_rows` as a list page pages through it: counted by `public_count` (or, with a
    search, by the index's hits)."""
    rows = public_rows(criteria)
    return rows if criteria.q else Counted(rows, criteria)


def _title(row: dict[str, Any]) -> str:
    probe = Publication(
        spans=row["spans"], summaries={}, fingerprints=row["fingerprints"], shown=row["shown"]
    )
    found = public_text(probe, "title", row["suggestion__title"])
    return found if found is not None else ""


def _probe(row: dict[str, Any]) -> Publication:
    return Publication(
        spans=row["spans"],
        summaries=row["summaries"],
        fingerprints=row["fingerprints"],
        shown=row["shown"],
    )


def _snippets(rows: list[dict[str, Any]], query: tokens.Query) -> dict[int, str]:
    """Per row, a marked window of its public body, or of a reply when the body has no hit
    (the page's replies in one query, only for those rows)."""
    from minsheng.suggestions.models import Reply

    bodies = {}
    for row in rows:
        bodies[row["pk"]] = public_text(_probe(row), "body", row["suggestion__body"]) or ""
    missing = {
        row["pk"]: [int(k.removeprefix("reply:")) for k in row["shown"] if k.startswith("reply:")]
        for row in rows
        if not highlight.spans(bodies[row["pk"]], query.marks)
    }
    wanted = [rid for ids in missing.values() for rid in ids]
    texts = dict(
        Reply.objects.filter(pk__in=wanted, state=Reply.State.SENT).values_list("pk", "text")
        if wanted
        else ()
    )
    out = {}
    for row in rows:
        probe = _probe(row)
        replies = [
            public_text(probe, f"reply:{rid}", texts[rid])
            for rid in missing.get(row["pk"], ())
            if rid in texts
        ]
        out[row["pk"]] = highlight.snippet([bodies[row["pk"]], *replies], query.marks)
    return out


def labelled(rows: list[dict[str, Any]], query: tokens.Query | None = None) -> list[dict[str, Any]]:
    """Display values prepared once in Python (no lookups in the template's row loop). The
    stored review data is dropped from each row once the public title is made. With a search
    query, the title is marked (`title_html`, escaped) and a `snippet` shows the first hit."""
    results = result_labels()
    ratings = dict(Publication.Rating.choices)
    snippets = _snippets(rows, query) if query else {}
    out = []
    for row in rows:
        title = _title(row)
        out.append(
            {
                "id": row["pk"],
                "title": title,
                # Escaped by highlight (every character of the title and the query) but the <mark>s.
                "title_html": mark_safe(highlight.mark(title, query.marks)) if query else "",  # noqa: S308
                "snippet": mark_safe(snippets.get(row["pk"], "")),  # noqa: S308
                "number": format_number(row["suggestion__series"], row["suggestion__number"]),
                "session": row["session__name"] or "",
                "category": row["category__name"] or "",
                "unit": row["unit__name"] or "",
                "delegation": row["delegation__name"] or "",
                "result": row["result"],
                "result_label": results.get(row["result"], ""),
                "rating": row["rating"],
                "rating_label": str(ratings.get(row["rating"], "")) if row["rating"] else "",
                "on_time": row["on_time"],
                "answered_on": row["answered_on"],
                "published_at": row["published_at"],
            }
        )
    return out


def result_labels() -> dict[str, str]:
    from minsheng.suggestions.models import Reply

    return {k: str(v) for k, v in Reply.Category.choices}


def choices(names: tuple[str, ...] = FILTERS) -> dict[str, list[tuple[int, str]]]:
    """The filter bar's options: only values that occur among published records (bounded
    lists: years, sessions, categories, units, delegations). Each is a DISTINCT over one of
    the `pub_public_*` indexes (the record's own `public` flag: the hook withdraws a record
    whose suggestion is marked confidential), then the names of those few ids."""
    from minsheng.people.models import Organisation, Session
    from minsheng.suggestions.models import Category

    # Without the model's default order, which DISTINCT would otherwise include (one option per
    # record instead of one per value).
    base = Publication.objects.filter(public=1).order_by()
    models: dict[str, Any] = {
        "session": Session,
        "category": Category,
        "unit": Organisation,
        "delegation": Organisation,
    }
    found: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        if name == "year":
            years = {y for y in base.values_list("year", flat=True).distinct() if y is not None}
            found[name] = [(y, str(y)) for y in sorted(years, reverse=True)]
            continue
        ids = base.exclude(**{f"{name}__isnull": True}).values(f"{name}_id").distinct()
        named = models[name].objects.filter(pk__in=ids).order_by().values_list("pk", "name")
        found[name] = sorted(named, key=lambda pair: (pair[1], pair[0]))
    return found


# --- statistics -----------------------------------------------------------------------------------

RATED = ("satisfied", "basically", "unsatisfied")


def statistics(criteria: Criteria) -> dict[str, Any]:
    """Totals, on time, satisfaction, A/B/C/D and per unit, over the published records that
    match the criteria: one grouped query over the `pub_public_unit` index (the record's own
    `public` flag, as the filter options)."""
    rows = criteria.apply(Publication.objects.filter(public=1))
    per_unit: list[dict[str, Any]] = [
        dict(row)
        for row in rows.values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(on_time=True)),
            a=Count("pk", filter=Q(result="A")),
            b=Count("pk", filter=Q(result="B")),
            c=Count("pk", filter=Q(result="C")),
            d=Count("pk", filter=Q(result="D")),
            satisfied=Count("pk", filter=Q(rating="satisfied")),
            basically=Count("pk", filter=Q(rating="basically")),
            unsatisfied=Count("pk", filter=Q(rating="unsatisfied")),
            not_rated=Count("pk", filter=Q(rating="not_rated")),
        )
        .order_by("-total", "unit__name")
    ]
    keys = ("total", "on_time", "a", "b", "c", "d", "satisfied", "basically", "unsatisfied")
    totals: dict[str, Any] = {key: sum(u[key] for u in per_unit) for key in (*keys, "not_rated")}
    rated = totals["satisfied"] + totals["basically"] + totals["unsatisfied"]
    totals["rated"] = rated
    totals["awaiting"] = totals["total"] - rated - totals["not_rated"]
    totals["on_time_share"] = _share(totals["on_time"], totals["total"])
    totals["satisfaction_share"] = _share(totals["satisfied"] + totals["basically"], rated)
    for unit in per_unit:
        unit["on_time_share"] = _share(unit["on_time"], unit["total"])
        unit_rated = unit["satisfied"] + unit["basically"] + unit["unsatisfied"]
        unit["satisfaction_share"] = _share(unit["satisfied"] + unit["basically"], unit_rated)
    return {"totals": totals, "per_unit": per_unit}


STATISTICS_SECONDS = 3600  # one version's figures; a new version is a new key


def cached_statistics(criteria: Criteria, version: int) -> dict[str, Any]:
    """`statistics`, kept in the cache under the event log's head (`caching.data_version`:
    every publication, withdrawal, rating or change of a published record moves it): one
    grouped query over every published record per version, not per visitor."""
    asked = (
        criteria.year,
        criteria.session,
        criteria.category,
        criteria.unit,
        criteria.delegation,
        criteria.result,
    )
    return kept("public-stats", version, asked, lambda: statistics(criteria), STATISTICS_SECONDS)


def _share(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{100 * part / whole:.1f}%"


# --- one published suggestion ---------------------------------------------------------------------

REPLY_FIELDS = (
    "pk",
    "text",
    "category",
    "round",
    "sent_at",
    "assignment__unit__name",
    "assignment__mode",
)


def detail(pub: Publication) -> dict[str, Any]:
    """Everything the permalink shows, redacted. The replies' contact names and phones are not
    read at all."""
    from minsheng.suggestions.models import Reply

    s = pub.suggestion
    reply_ids = [int(k.removeprefix("reply:")) for k in pub.shown if k.startswith("reply:")]
    results = result_labels()
    replies = []
    for r in (
        Reply.objects.filter(pk__in=reply_ids, state=Reply.State.SENT)
        .values(*REPLY_FIELDS)
        .order_by("round", "pk")
    ):
        text = public_text(pub, f"reply:{r['pk']}", r["text"])
        if text is None:
            continue
        replies.append(
            {
                "unit": r["assignment__unit__name"],
                "mode": r["assignment__mode"],
                "result": r["category"],
                "result_label": results.get(r["category"], ""),
                "round": r["round"],
                "sent_at": r["sent_at"],
                "text": text,
                "summarised": bool(pub.summaries.get(f"reply:{r['pk']}")),
            }
        )
    ratings = dict(Publication.Rating.choices)
    return {
        "id": pub.pk,
        "title": public_text(pub, "title", s.title) or "",
        "body": public_text(pub, "body", s.body),
        "number": s.display_number,
        "session": pub.session.name if pub.session else "",
        "category": pub.category.name if pub.category else "",
        "unit": pub.unit.name if pub.unit else "",
        "delegation": pub.delegation.name if pub.delegation else "",
        "result": pub.result,
        "result_label": results.get(pub.result, ""),
        "rating": pub.rating,
        "rating_label": str(ratings.get(pub.rating, "")) if pub.rating else "",
        "on_time": pub.on_time,
        "submitted_at": s.submitted_at,
        "answered_on": pub.answered_on,
        "published_at": pub.published_at,
        "replies": replies,
    }


# --- the practical-matter projects' progress (民生实事) -------------------------------------------

# What the public may know of a ledger item: never the people's names (lead leader, leader in
# charge, responsible person), the description, the location, the budget, the progress reports'
# texts or their evidence.
PROJECT_FIELDS = (
    "pk",
    "title",
    "year",
    "progress",
    "state",
    "all_stopped",
    "due",
    "ends_on",
    "done_on",
    "reported_on",
    "responsible_unit__name",
)


def project_rows(year: int | None) -> QuerySet[Any]:
    """The top-level practical-matter projects (民生实事) of the ledger, by year, as dicts of
    PROJECT_FIELDS only."""
    from minsheng.ledger.models import LedgerItem

    rows = LedgerItem.objects.filter(kind=LedgerItem.Kind.PRACTICAL, parent__isnull=True)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "pk").values(*PROJECT_FIELDS)


def project_years() -> list[int]:
    from minsheng.ledger.models import LedgerItem

    found = (
        LedgerItem.objects.filter(kind=LedgerItem.Kind.PRACTICAL, parent__isnull=True)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(found), reverse=True)


def labelled_projects(rows: list[dict[str, Any]], today: Any) -> list[dict[str, Any]]:
    from minsheng.ledger.models import Status
    from minsheng.ledger.progress import status_of

    labels = {k: str(v) for k, v in Status.choices}
    out = []
    for row in rows:
        status = status_of(
            stopped=row["state"] == "stopped" or row["all_stopped"],
            progress=row["progress"],
            due=row["due"],
            reported_on=row["reported_on"],
            today=today,
        )
        out.append(
            {
                "title": row["title"],
                "year": row["year"],
                "unit": row["responsible_unit__name"] or "",
                "progress": row["progress"],
                "status": str(status),
                "status_label": labels.get(str(status), ""),
                "ends_on": row["ends_on"],
                "done_on": row["done_on"],
            }
        )
    return out
