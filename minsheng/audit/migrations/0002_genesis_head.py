"""The chain's head before the first event: seq 0 and the genesis hash."""

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_event_log")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
