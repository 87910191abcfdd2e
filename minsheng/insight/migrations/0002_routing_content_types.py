"""Permissions and admin history follow the routing table to the insight app.

The content types of RoutingRule and RoutingRuleChange are renamed from the suggestions app to
insight, so the permissions given to groups and users (change_routingrule…) and the admin's log
entries keep pointing at them. On a new database there is nothing to rename yet.
"""

from django.db import migrations

MODELS = ("routingrule", "routingrulechange")


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="insight", model=model).exists():
            ContentType.objects.filter(app_label="suggestions", model=model).update(
                app_label="insight"
            )


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="suggestions", model=model).exists():
            ContentType.objects.filter(app_label="insight", model=model).update(
                app_label="suggestions"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("insight", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
