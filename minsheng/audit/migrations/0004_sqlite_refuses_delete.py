"""SQLite refuses DELETE of an event too, as PostgreSQL does (minsheng/audit/triggers.py)."""

from django.db import migrations

from minsheng.audit import triggers


def create(apps, schema_editor):
    for sql in triggers.create_delete_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in triggers.drop_delete_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [migrations.RunPython(create, drop)]
