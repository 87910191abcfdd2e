"""The routing table moved from the suggestions app to insight with its rows, joint units,
history and permissions (the migrations change only Django's state)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from minsheng.insight.models import RoutingRule, RoutingRuleChange


def _move_and_before(executor):
    graph = executor.loader.graph
    move = next(
        p.key
        for p in graph.node_map[("insight", "0001_initial")].parents
        if p.key[0] == "suggestions"
    )
    before = next(p.key for p in graph.node_map[move].parents if p.key[0] == "suggestions")
    return before


@pytest.mark.django_db(transaction=True)
def test_existing_rules_history_and_permissions_survive_the_move():
    executor = MigrationExecutor(connection)
    before = _move_and_before(executor)
    executor.migrate([before, ("insight", None)])
    old = executor.loader.project_state([before]).apps
    jurisdiction = old.get_model("people", "Jurisdiction").objects.create(code="mv", name="迁移省")
    organisation = old.get_model("people", "Organisation")
    lead = organisation.objects.create(jurisdiction=jurisdiction, name="交通运输厅")
    joint = organisation.objects.create(jurisdiction=jurisdiction, name="财政厅")
    category = old.get_model("suggestions", "Category").objects.create(
        jurisdiction=jurisdiction, name="交通运输"
    )
    rule = old.get_model("suggestions", "RoutingRule").objects.create(
        jurisdiction=jurisdiction, category=category, lead_unit=lead
    )
    rule.joint_units.add(joint)
    old.get_model("suggestions", "RoutingRuleChange").objects.create(
        rule=rule, jurisdiction=jurisdiction, change="created", after={"lead_unit": "交通运输厅"}
    )
    # As on a database made before the move: the content type is the suggestions app's.
    content_types = old.get_model("contenttypes", "ContentType").objects
    content_types.filter(app_label="insight").delete()
    content_type, _ = content_types.get_or_create(app_label="suggestions", model="routingrule")

    call_command("migrate", verbosity=0)

    moved = RoutingRule.objects.get(pk=rule.pk)
    assert moved.lead_unit_id == lead.pk and moved.category_id == category.pk
    assert list(moved.joint_units.values_list("pk", flat=True)) == [joint.pk]
    assert RoutingRuleChange.objects.get().rule_id == rule.pk
    content_type.refresh_from_db()
    assert content_type.app_label == "insight"  # permissions given on it still apply
