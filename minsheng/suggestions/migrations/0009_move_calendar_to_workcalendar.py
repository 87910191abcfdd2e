"""The working-day calendar moves to its own app (`minsheng.workcalendar`), rows kept: the tables
are renamed, the models leave this app's state (the calendar's 0001 adopts them), and their
content types follow, so permissions and admin history stay attached."""

from django.db import migrations


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in ("calendarday", "calendaryear"):
        if not types.filter(app_label="workcalendar", model=model).exists():
            types.filter(app_label="suggestions", model=model).update(app_label="workcalendar")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in ("calendarday", "calendaryear"):
        if not types.filter(app_label="suggestions", model=model).exists():
            types.filter(app_label="workcalendar", model=model).update(app_label="suggestions")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("suggestions", "0008_submission_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("CalendarDay", "workcalendar_calendarday"),
                migrations.AlterModelTable("CalendarYear", "workcalendar_calendaryear"),
            ],
            state_operations=[
                migrations.DeleteModel("CalendarDay"),
                migrations.DeleteModel("CalendarYear"),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
