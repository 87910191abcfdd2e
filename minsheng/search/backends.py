"""The search index in each database: the SQL that stores a document's tokens and the SQL that
matches a query, for SQLite (an FTS5 virtual table) and PostgreSQL (a tsvector column with a
GIN index). Both receive the tokens already cut (tokens.py), so they agree on what matches;
only the ranking formula differs (bm25 with column weights, ts_rank_cd with weight classes).

Two scopes, one table each:

| scope | table | rowid / id | columns (weight) |
| --- | --- | --- | --- |
| `public` | `search_public` | publication id | title (10 / A), body (3 / B), replies (1 / C) |
| `staff` | `search_staff` | the suggestion's id | title (10 / A), body (2 / B) |

The public table holds only the redacted public text of published records (index.py); the
queries join it to the public list's own query, so a row that is no longer published is never
listed even if its entry were stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minsheng.search.tokens import Query, Term

SCOPES: dict[str, tuple[str, ...]] = {
    "public": ("title", "body", "replies"),
    "staff": ("title", "body"),
}
WEIGHTS: dict[str, tuple[float, ...]] = {"public": (10.0, 3.0, 1.0), "staff": (10.0, 2.0)}
# PostgreSQL's weight classes for the columns, in order.
CLASSES = "ABC"
# PostgreSQL keeps positions up to 16383 and 256 of them per lexeme; a gap keeps a phrase from
# running from one column into the next.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS = 255
PG_GAP = 8


def table(scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(scope)
    return f"search_{scope}"


def create_sql(vendor: str) -> list[str]:
    out = []
    for scope, columns in SCOPES.items():
        name = table(scope)
        if vendor == "sqlite":
            # The ascii tokenizer splits on ASCII spaces and punctuation only: every token
            # tokens.py wrote (Han bigrams, Tibetan or Uyghur words) stays one token, whatever
            # Unicode version SQLite was built with (unicode61 would split at combining marks).
            out.append(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
                f"{', '.join(columns)}, tokenize = 'ascii')"
            )
        elif vendor == "postgresql":
            out.append(
                f"CREATE TABLE IF NOT EXISTS {name} (id bigint PRIMARY KEY, doc tsvector NOT NULL)"
            )
            out.append(f"CREATE INDEX IF NOT EXISTS {name}_doc ON {name} USING gin (doc)")
    return out


def drop_sql(vendor: str) -> list[str]:
    if vendor not in ("sqlite", "postgresql"):
        return []
    return [f"DROP TABLE IF EXISTS {table(scope)}" for scope in SCOPES]


def supported(vendor: str) -> bool:
    return vendor in ("sqlite", "postgresql")


# --- writing ------------------------------------------------------------------------------------


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_document(columns: Sequence[Sequence[str]]) -> str:
    """A tsvector literal of the columns' tokens with their positions and weight classes
    (the parser never sees the text: the tokens are exactly tokens.py's)."""
    positions: dict[str, list[str]] = {}
    at = 1
    for column, tokens in enumerate(columns):
        weight = CLASSES[min(column, len(CLASSES) - 1)]
        for token in tokens:
            kept = positions.setdefault(token, [])
            if len(kept) < PG_MAX_POSITIONS:
                kept.append(f"{min(at, PG_MAX_POSITION)}{weight}")
            at += 1
        at += PG_GAP
    return " ".join(f"{_pg_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def upsert_sql(
    vendor: str, scope: str, columns: Sequence[Sequence[str]]
) -> tuple[list[str], list[list[str]]]:
    """The statements that replace one document (its id is the first parameter of each)."""
    name = table(scope)
    if vendor == "sqlite":
        names = SCOPES[scope]
        marks = ", ".join("%s" for _ in names)
        return (
            [
                f"DELETE FROM {name} WHERE rowid = %s",
                f"INSERT INTO {name} (rowid, {', '.join(names)}) VALUES (%s, {marks})",
            ],
            [[], [" ".join(tokens) for tokens in columns]],
        )
    return (
        [
            f"INSERT INTO {name} (id, doc) VALUES (%s, %s::tsvector) "
            "ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc"
        ],
        [[pg_document(columns)]],
    )


def delete_sql(vendor: str, scope: str) -> str:
    key = "rowid" if vendor == "sqlite" else "id"
    return f"DELETE FROM {table(scope)} WHERE {key} = %s"


def clear_sql(scope: str) -> str:
    return f"DELETE FROM {table(scope)}"


# --- matching -----------------------------------------------------------------------------------


def _fts_term(term: Term) -> str:
    quoted = '"' + " ".join(t.replace('"', '""') for t in term.tokens) + '"'
    return quoted + "*" if term.prefix else quoted


def fts_expression(query: Query, terms: tuple[Term, ...] | None = None) -> str:
    """An FTS5 MATCH expression of quoted strings only: whatever was typed, no FTS operator,
    column filter or prefix mark comes from the user."""
    return " AND ".join(_fts_term(t) for t in (query.terms if terms is None else terms))


def fts_boost(query: Query) -> str:
    return " OR ".join(_fts_term(t) for t in query.boosts)


def _pg_term(term: Term) -> str:
    if term.prefix:
        return _pg_lexeme(term.tokens[0]) + ":*"
    return "(" + " <-> ".join(_pg_lexeme(t) for t in term.tokens) + ")"


def pg_expression(query: Query) -> str:
    """A tsquery literal of quoted lexemes (cast with ::tsquery, never to_tsquery's parser)."""
    return " & ".join(_pg_term(t) for t in query.terms)


def pg_boost(query: Query) -> str:
    return " | ".join(_pg_term(t) for t in query.boosts)


# A text holding a query's run of words exactly (道路维修, not 道路…维修) ranks as if it
# matched this many times better.
BOOST = 3


def title_ids(vendor: str, scope: str, query: Query, *, exact: bool) -> tuple[str, list[str]]:
    """A SELECT of the ids whose title holds every term (exact: the query's runs as phrases,
    when it has any), for ordering a list that is not ranked by the match itself."""
    name = table(scope)
    terms = query.boosts if exact and query.boosts else query.terms
    if vendor == "sqlite":
        joiner = " OR " if exact and query.boosts else " AND "
        expression = "title : (" + joiner.join(_fts_term(t) for t in terms) + ")"
        return f"SELECT rowid FROM {name} WHERE {name} MATCH %s", [expression]

    def weighted(term: Term) -> str:
        if term.prefix:
            return _pg_lexeme(term.tokens[0]) + ":*A"
        return "(" + " <-> ".join(_pg_lexeme(t) + ":A" for t in term.tokens) + ")"

    joiner = " | " if exact and query.boosts else " & "
    return f"SELECT id FROM {name} WHERE doc @@ %s::tsquery", [
        joiner.join(weighted(t) for t in terms)
    ]


@dataclass(frozen=True)
class Match:
    """SQL fragments to join a scope's table into a query of the rows it indexes."""

    table: str
    join: str  # the table's key equals {outer}
    where: str
    where_params: list[str]
    rank: str  # lower ranks first
    rank_params: list[str]
    ids: str  # SELECT of the matching ids (for an IN (...) filter)
    ids_params: list[str]


def match(vendor: str, scope: str, query: Query, outer: str) -> Match:
    name = table(scope)
    if vendor == "sqlite":
        expression = fts_expression(query)
        weights = ", ".join(str(w) for w in WEIGHTS[scope])
        rank, rank_params = f"bm25({name}, {weights})", []
        if query.boosts:
            # bm25 is negative (lower is better): the exact run's rows are multiplied. The
            # IN (…) subquery is evaluated once for the whole query.
            rank = (
                f"{rank} * (CASE WHEN {name}.rowid IN (SELECT rowid FROM {name} WHERE "
                f"{name} MATCH %s) THEN {BOOST} ELSE 1 END)"
            )
            rank_params = [fts_boost(query)]
        return Match(
            table=name,
            join=f"{name}.rowid = {outer}",
            where=f"{name} MATCH %s",
            where_params=[expression],
            rank=rank,
            rank_params=rank_params,
            ids=f"SELECT rowid FROM {name} WHERE {name} MATCH %s",
            ids_params=[expression],
        )
    expression = pg_expression(query)
    rank, rank_params = f"-ts_rank_cd({name}.doc, %s::tsquery)", [expression]
    if query.boosts:
        rank = f"{rank} * (CASE WHEN {name}.doc @@ %s::tsquery THEN {BOOST} ELSE 1 END)"
        rank_params.append(pg_boost(query))
    return Match(
        table=name,
        join=f"{name}.id = {outer}",
        where=f"{name}.doc @@ %s::tsquery",
        where_params=[expression],
        rank=rank,
        rank_params=rank_params,
        ids=f"SELECT id FROM {name} WHERE doc @@ %s::tsquery",
        ids_params=[expression],
    )
