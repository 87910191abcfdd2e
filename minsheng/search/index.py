"""The Django side of search: what goes into each scope's index, keeping it in step, and the
querysets that search.

- **public**: only the redacted public text of a published, non-confidential record: the
  title, body and reviewed replies exactly as the permalink shows them
  (`disclosure.workflow.public_text`; a masked span is ＊＊＊ there, so it is never indexed).
  A record enters on `publish` and leaves on every other state (`withdraw`, `reopen`, a
  confidential mark): the `publication_changed` signal, after the commit. The list still joins
  the public query, so a stale entry would find nothing.
- **staff**: every suggestion's title and body, on each save; what a person is shown is always
  filtered through `Suggestion.objects.visible_to(user)`.

Bulk loads (the demo, the bench, an existing database) run `rebuild`; `minsheng search
rebuild` does it from the console.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from minsheng.search import backends, tokens

log = logging.getLogger(__name__)

_suspended: ContextVar[bool] = ContextVar("minsheng_search_suspended", default=False)
CHUNK = 500


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """No indexing per change inside (the demo and the bench rebuild the index after)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def is_suspended() -> bool:
    return _suspended.get()


def available() -> bool:
    return backends.supported(connection.vendor)


def _write(scope: str, pk: int, columns: list[list[str]]) -> None:
    statements, params = backends.upsert_sql(connection.vendor, scope, columns)
    with connection.cursor() as cursor:
        for sql, extra in zip(statements, params, strict=True):
            cursor.execute(sql, [pk, *extra])


def _delete(scope: str, pks: Iterable[int]) -> None:
    sql = backends.delete_sql(connection.vendor, scope)
    with connection.cursor() as cursor:
        for pk in pks:
            cursor.execute(sql, [pk])


# --- public ---------------------------------------------------------------------------------------


def public_texts(pub: Any, title: str, body: str, replies: dict[int, str]) -> list[str]:
    """The title, body and replies as the public sees them ('' for a piece not shown)."""
    from minsheng.disclosure.workflow import public_text

    shown_replies = []
    for key in pub.shown:
        if key.startswith("reply:"):
            rid = int(key.removeprefix("reply:"))
            if rid in replies:
                text = public_text(pub, key, replies[rid])
                if text:
                    shown_replies.append(text)
    return [
        public_text(pub, "title", title) or "",
        public_text(pub, "body", body) or "",
        "\n".join(shown_replies),
    ]


def _public_batch(pubs: list[Any]) -> None:
    from minsheng.suggestions.models import Reply

    wanted = [
        int(k.removeprefix("reply:")) for p in pubs for k in p.shown if k.startswith("reply:")
    ]
    replies = dict(
        Reply.objects.filter(pk__in=wanted, state=Reply.State.SENT).values_list("pk", "text")
    )
    for pub in pubs:
        texts = public_texts(pub, pub.suggestion.title, pub.suggestion.body, replies)
        _write("public", pub.pk, [tokens.index_tokens(t) for t in texts])


def _public_rows() -> QuerySet[Any]:
    from minsheng.disclosure.models import Publication

    return (
        Publication.objects.public()
        .select_related("suggestion")
        .only(
            "pk",
            "spans",
            "summaries",
            "fingerprints",
            "shown",
            "suggestion__title",
            "suggestion__body",
        )
        .order_by("pk")
    )


def index_publication(pk: int) -> None:
    """Bring one record's public entry up to date: indexed while published, gone otherwise."""
    if not available():
        return
    pubs = list(_public_rows().filter(pk=pk))
    with transaction.atomic():
        if pubs:
            _public_batch(pubs)
        else:
            _delete("public", [pk])


# --- staff ----------------------------------------------------------------------------------------


def index_suggestion(pk: int, title: str, body: str) -> None:
    if available():
        _write("staff", pk, [tokens.index_tokens(title), tokens.index_tokens(body)])


def drop_suggestion(pk: int) -> None:
    if available():
        _delete("staff", [pk])


def drop_publication(pk: int) -> None:
    if available():
        _delete("public", [pk])


# --- rebuilding -----------------------------------------------------------------------------------


def is_empty() -> bool:
    with connection.cursor() as cursor:
        for scope in backends.SCOPES:
            cursor.execute(f"SELECT 1 FROM {backends.table(scope)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return False
    return True


def rebuild(scopes: Iterable[str] = ("public", "staff")) -> dict[str, int]:
    """Empty each scope's table and index everything again, in one transaction."""
    from minsheng.suggestions.models import Suggestion

    counts: dict[str, int] = {}
    if not available():
        return counts
    with transaction.atomic():
        for scope in scopes:
            with connection.cursor() as cursor:
                cursor.execute(backends.clear_sql(scope))
            count = 0
            if scope == "public":
                batch: list[Any] = []
                for pub in _public_rows().iterator(chunk_size=CHUNK):
                    batch.append(pub)
                    if len(batch) >= CHUNK:
                        _public_batch(batch)
                        count += len(batch)
                        batch = []
                _public_batch(batch)
                count += len(batch)
            else:
                rows = Suggestion.objects.order_by("pk").values_list("pk", "title", "body")
                for pk, title, body in rows.iterator(chunk_size=CHUNK):
                    index_suggestion(pk, title, body)
                    count += 1
            counts[scope] = count
    return counts


# --- searching ------------------------------------------------------------------------------------


# The best matches a search lists (ranked by the index alone, then narrowed by the page's own
# query): enough for any person paging through results, bounded for a word in every text.
MAX_HITS = 2000


def ranked_ids(scope: str, query: tokens.Query, limit: int = MAX_HITS) -> list[int]:
    """The ids of the best matches, best first, from the index alone: the database never has
    to choose between the index and a table to start from (SQLite, joining, may start from
    the table and rank each row again)."""
    if not query or not available():
        return []
    found = backends.match(connection.vendor, scope, query, "0")
    key = "rowid" if connection.vendor == "sqlite" else "id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key} FROM {found.table} WHERE {found.where} "  # noqa: S608
            f"ORDER BY {found.rank}, {key} DESC LIMIT %s",
            [*found.where_params, *found.rank_params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


class Ranked:
    """A list page's rows in the index's order, as a sequence the Paginator can count and
    slice: `ids` are the best matches that the page's own query allows; a slice fetches only
    its rows (one query), in that order."""

    def __init__(self, rows: QuerySet[Any], ids: list[int]) -> None:
        self.rows = rows
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Any]:
        wanted = self.ids[index]
        if not wanted:
            return []
        found = {row["pk"]: row for row in self.rows.filter(pk__in=wanted)}
        return [found[pk] for pk in wanted if pk in found]


def search_public(
    rows: QuerySet[Any],
    query: tokens.Query,
    fields: tuple[str, ...],
    checked: QuerySet[Any] | None = None,
    *,
    narrowed: bool = True,
) -> Ranked:
    """The public rows (a Publication queryset, already filtered) that match, best first:
    the index ranks (at most MAX_HITS), the queryset keeps those it allows (one query over
    the primary key: `checked`, the same rows written so that the database looks the ranked
    ids up instead of walking an index of every public row), a page reads its own rows.

    `narrowed=False` (no filter beside the search): the index holds only published records
    (kept in step on every publication change), so its ids are the matches and their count;
    the page's own rows are still read through `checked`, which leaves out anything no longer
    public (one query fewer over up to MAX_HITS ids)."""
    ranked = ranked_ids("public", query)
    if not ranked:
        return Ranked(rows.none().values(*fields), [])
    by_id = rows if checked is None else checked
    if not narrowed:
        return Ranked(by_id.order_by().values(*fields), ranked)
    allowed = set(by_id.filter(pk__in=ranked).order_by().values_list("pk", flat=True))
    return Ranked(by_id.order_by().values(*fields), [pk for pk in ranked if pk in allowed])


def staff_ids(query: tokens.Query) -> RawSQL | None:
    """The ids of the suggestions whose title or body match, as a subquery for `pk__in`
    (None when the query has no words)."""
    if not query or not available():
        return None
    found = backends.match(connection.vendor, "staff", query, "suggestions_suggestion.id")
    return RawSQL(found.ids, found.ids_params)  # noqa: S611


def staff_rank(query: tokens.Query) -> RawSQL | None:
    """An ordering for a list of suggestions searched for `query` (lower first): 0 the title
    holds the query's run exactly, 1 the title holds every word, 2 the rest (a body hit, a
    deputy's name, a number). Each set is one IN (…) subquery, evaluated once per query; the
    list breaks ties newest first. bm25 is not used here: per row, it would recount each
    word's documents."""
    if not query or not available():
        return None
    vendor = connection.vendor
    exact_sql, exact_params = backends.title_ids(vendor, "staff", query, exact=True)
    all_sql, all_params = backends.title_ids(vendor, "staff", query, exact=False)
    outer = '"suggestions_suggestion"."id"'
    return RawSQL(  # noqa: S611
        f"CASE WHEN {outer} IN ({exact_sql}) THEN 0 WHEN {outer} IN ({all_sql}) THEN 1 ELSE 2 END",
        [*exact_params, *all_params],
    )
