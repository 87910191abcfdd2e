"""The routing table and its history, moved from the suggestions app (suggestions 0004).

State only: the tables `suggestions_routingrule`, `suggestions_routingrule_joint_units` and
`suggestions_routingrulechange` already exist and keep their names and rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0002_role_job_title_label'),
        ('suggestions', '0004_move_routing_to_insight'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RoutingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.CharField(blank=True, help_text='Leave empty for the whole jurisdiction; otherwise a delegation or area.', max_length=60, verbose_name='region')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routing_rules', to='suggestions.category', verbose_name='category')),
                        ('joint_units', models.ManyToManyField(blank=True, limit_choices_to={'is_handling_unit': True}, related_name='+', to='people.organisation', verbose_name='default joint units')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routing_rules', to='people.jurisdiction', verbose_name='jurisdiction')),
                        ('lead_unit', models.ForeignKey(limit_choices_to={'is_handling_unit': True}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.organisation', verbose_name='default lead unit')),
                    ],
                    options={
                        'verbose_name': 'routing rule',
                        'verbose_name_plural': 'routing table',
                        'db_table': 'suggestions_routingrule',
                    },
                ),
                migrations.CreateModel(
                    name='RoutingRuleChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('changed_at', models.DateTimeField(auto_now_add=True)),
                        ('change', models.CharField(max_length=10)),
                        ('before', models.JSONField(null=True)),
                        ('after', models.JSONField(null=True)),
                        ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.jurisdiction')),
                        ('rule', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='changes', to='insight.routingrule')),
                    ],
                    options={
                        'verbose_name': 'routing table change',
                        'verbose_name_plural': 'routing table changes',
                        'db_table': 'suggestions_routingrulechange',
                        'ordering': ['-changed_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='routingrule',
                    constraint=models.UniqueConstraint(fields=('jurisdiction', 'category', 'region'), name='routing_unique_rule'),
                ),
            ],
            database_operations=[],
        ),
    ]
