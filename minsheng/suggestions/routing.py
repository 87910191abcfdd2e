"""Where assignment starts from: the routing table's proposal for a suggestion."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from minsheng.suggestions.models import Assignment, RoutingRule, Suggestion
from minsheng.suggestions.workflow import UnitPlan


def find_rule(suggestion: Suggestion, region: str = "") -> RoutingRule | None:
    """The most specific rule: category and region, then category, then the parent category."""
    category = suggestion.category
    region = region or suggestion.lead_deputy.constituency
    while category is not None:
        rules = RoutingRule.objects.filter(
            jurisdiction_id=suggestion.jurisdiction_id, category=category
        ).select_related("lead_unit")
        found = rules.filter(region=region).first() if region else None
        found = found or rules.filter(region="").first()
        if found is not None:
            return found
        category = category.parent
    return None


def propose(suggestion: Suggestion) -> list[UnitPlan]:
    """Default units with modes (lead first); empty when no rule matches."""
    rule = find_rule(suggestion)
    if rule is None:
        return []
    plan = [UnitPlan(rule.lead_unit, Assignment.Mode.LEAD)]
    plan += [
        UnitPlan(unit, Assignment.Mode.JOINT)
        for unit in rule.joint_units.filter(is_active=True).exclude(pk=rule.lead_unit_id)
    ]
    return plan


def proposer(rules: Iterable[RoutingRule]) -> Callable[[Suggestion], list[UnitPlan]]:
    """`propose` over rules already loaded (with lead_unit, category__parent and joint_units
    prefetched): the same choice of rule, no query per suggestion. For pages with many rows."""
    table = {(r.category_id, r.region): r for r in rules}

    def propose_one(suggestion: Suggestion) -> list[UnitPlan]:
        region = suggestion.lead_deputy.constituency
        category = suggestion.category
        rule = None
        while category is not None and rule is None:
            rule = (table.get((category.pk, region)) if region else None) or table.get(
                (category.pk, "")
            )
            category = category.parent
        if rule is None:
            return []
        plan = [UnitPlan(rule.lead_unit, Assignment.Mode.LEAD)]
        plan += [
            UnitPlan(unit, Assignment.Mode.JOINT)
            for unit in rule.joint_units.all()
            if unit.is_active and unit.pk != rule.lead_unit_id
        ]
        return plan

    return propose_one
