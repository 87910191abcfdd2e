"""Django's `flush`, able to empty the event log on SQLite.

SQLite empties a table with DELETE, which the log's trigger refuses (minsheng/audit/triggers.py);
this lifts that one trigger inside the flush's transaction and puts it back before the commit,
so no other statement ever sees the log without it. PostgreSQL flushes with TRUNCATE, which the
row triggers do not see: there the command is Django's own."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from minsheng.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        lift = triggers.drop_delete_sql(connection.vendor)
        if not lift or triggers.TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for sql in lift:
                cursor.execute(sql)
            super().handle(**options)
            with connection.cursor() as again:
                for sql in triggers.create_delete_sql(connection.vendor):
                    again.execute(sql)
