"""The routing table moves to the insight app (minsheng/insight/models.py).

Only Django's state changes: the tables keep their names (the models set `db_table`), so no row
is copied and nothing is lost. insight 0001 adds the models to its state in the same run.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('suggestions', '0003_visibility_and_partial_uncertain_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='routingrulechange',
                    name='rule',
                ),
                migrations.RemoveField(
                    model_name='routingrulechange',
                    name='changed_by',
                ),
                migrations.RemoveField(
                    model_name='routingrulechange',
                    name='jurisdiction',
                ),
                migrations.DeleteModel(
                    name='RoutingRule',
                ),
                migrations.DeleteModel(
                    name='RoutingRuleChange',
                ),
            ],
            database_operations=[],
        ),
    ]
