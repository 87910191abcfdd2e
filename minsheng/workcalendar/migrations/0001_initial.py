"""The calendar's models, adopted from the suggestions app, whose migration 0005 renamed their
tables to this app's names: state only, no table is created."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("suggestions", "0009_move_calendar_to_workcalendar"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("is_workday", models.BooleanField(verbose_name="working day")),
                        (
                            "note",
                            models.CharField(blank=True, max_length=100, verbose_name="note"),
                        ),
                    ],
                    options={
                        "verbose_name": "calendar day",
                        "verbose_name_plural": "calendar days",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="CalendarYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="year")),
                        (
                            "note",
                            models.CharField(blank=True, max_length=200, verbose_name="source"),
                        ),
                    ],
                    options={
                        "verbose_name": "entered calendar year",
                        "verbose_name_plural": "entered calendar years",
                        "ordering": ["year"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
