"""The database refuses to rewrite an event (minsheng/audit/triggers.py says what and why)."""

from django.db import migrations

from minsheng.audit import triggers


def create(apps, schema_editor):
    for sql in triggers.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in triggers.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_genesis_head")]

    operations = [migrations.RunPython(create, drop)]
