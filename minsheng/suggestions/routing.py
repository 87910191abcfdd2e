"""Where assignment starts from: the routing table's proposal for a suggestion."""

from __future__ import annotations

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
