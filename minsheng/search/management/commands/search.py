"""`minsheng search rebuild [--scope public|staff]`: empty the search index and index every
published record's public text and every suggestion again (after a bulk load, a restore, or to
put a stale index right). `minsheng search query TEXT [--scope …]` prints the best matches'
ids (for checking the index from the console)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from minsheng.search import backends, index, tokens


class Command(BaseCommand):
    help = "Rebuild the search index (rebuild) or try a query (query TEXT)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="index everything again")
        rebuild.add_argument("--scope", choices=sorted(backends.SCOPES), action="append")
        query = sub.add_parser("query", help="print the ids of the best matches")
        query.add_argument("text")
        query.add_argument("--scope", choices=sorted(backends.SCOPES), default="public")
        query.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if not index.available():
            raise CommandError(f"search is not available on {connection.vendor}")
        if options["action"] == "rebuild":
            began = time.perf_counter()
            counts = index.rebuild(options["scope"] or tuple(backends.SCOPES))
            took = time.perf_counter() - began
            for scope, count in counts.items():
                self.stdout.write(f"{scope}: {count:,} indexed")
            self.stdout.write(f"in {took:.1f} s")
            return
        query = tokens.parse(options["text"])
        if not query:
            self.stdout.write("(no words in the query)")
            return
        found = backends.match(connection.vendor, options["scope"], query, "0")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {'rowid' if connection.vendor == 'sqlite' else 'id'}, {found.rank} "  # noqa: S608
                f"FROM {found.table} WHERE {found.where} ORDER BY 2 LIMIT %s",
                [*found.rank_params, *found.where_params, options["limit"]],
            )
            for pk, rank in cursor.fetchall():
                self.stdout.write(f"{pk}\t{rank:.3f}")
