"""The Django side of routing: load a jurisdiction's routing table and turn its proposals into
the workflow's unit plans (lead first). The rules themselves are `minsheng.insight.routing`."""

from __future__ import annotations

from collections.abc import Iterable

from minsheng.insight.models import RoutingRule
from minsheng.insight.routing import RoutingTable, Rule
from minsheng.people.models import Organisation
from minsheng.suggestions.models import Assignment, Category, Suggestion
from minsheng.suggestions.workflow import UnitPlan

__all__ = ["Proposer", "propose", "propose_many"]


class Proposer:
    """One jurisdiction's table and its units, loaded in three queries (or one, given the rules
    a page loads anyway, with lead_unit and joint_units), reused for every row."""

    def __init__(self, jurisdiction_id: int, rules: Iterable[RoutingRule] | None = None) -> None:
        if rules is None:
            rules = (
                RoutingRule.objects.filter(jurisdiction_id=jurisdiction_id)
                .select_related("lead_unit")
                .prefetch_related("joint_units")
            )
        self.units: dict[int, Organisation] = {}
        pure = []
        for r in rules:
            self.units[r.lead_unit_id] = r.lead_unit
            joint = [u for u in r.joint_units.all() if u.is_active]
            self.units.update((u.pk, u) for u in joint)
            pure.append(
                Rule(r.category_id, r.region, r.lead_unit_id, tuple(u.pk for u in joint), r.pk)
            )
        parents = dict(
            Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("id", "parent_id")
        )
        self.table = RoutingTable(pure, parents)

    def plan(self, suggestion: Suggestion, region: str = "") -> list[UnitPlan]:
        """Default units with modes (lead first); empty when no rule matches."""
        region = region or suggestion.lead_deputy.constituency
        proposal = self.table.propose(suggestion.category_id, region)
        if proposal is None:
            return []
        return [UnitPlan(self.units[proposal.lead_unit_id], Assignment.Mode.LEAD)] + [
            UnitPlan(self.units[pk], Assignment.Mode.JOINT) for pk in proposal.joint_unit_ids
        ]


def propose(suggestion: Suggestion) -> list[UnitPlan]:
    """The routing table's proposal for one suggestion (the assign form)."""
    return Proposer(suggestion.jurisdiction_id).plan(suggestion)


def propose_many(suggestions: Iterable[Suggestion]) -> dict[int, list[UnitPlan]]:
    """Proposals for many suggestions (the assignment meeting), one table per jurisdiction."""
    proposers: dict[int, Proposer] = {}
    found: dict[int, list[UnitPlan]] = {}
    for s in suggestions:
        if s.jurisdiction_id not in proposers:
            proposers[s.jurisdiction_id] = Proposer(s.jurisdiction_id)
        found[s.pk] = proposers[s.jurisdiction_id].plan(s)
    return found
