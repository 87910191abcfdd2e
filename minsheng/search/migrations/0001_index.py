"""The search tables: an FTS5 virtual table per scope on SQLite, a tsvector table with a GIN
index per scope on PostgreSQL (minsheng/search/backends.py). Another database gets none and the
search finds nothing."""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from minsheng.search import backends

    for sql in backends.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    from minsheng.search import backends

    for sql in backends.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
