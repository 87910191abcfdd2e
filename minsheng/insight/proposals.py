"""The Django side of routing: the default units of a suggestion at assignment.

Where the proposal comes from, in order:
1. a **pinned** rule of the routing table for the suggestion's category (and region): staff
   pinned it, so it wins;
2. the **recommender** (`minsheng.insight.recommend`, trained by `minsheng insight train`): its
   best unit leads; the joint units of the table's rule for that category come with it when
   that rule names the same lead unit;
3. the routing table's (unpinned) rule, as before there was a model.
The rules themselves are `minsheng.insight.routing`; the model is loaded by
`minsheng.insight.adapter`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from minsheng.insight import adapter
from minsheng.insight.models import RoutingFeedback, RoutingRule
from minsheng.insight.recommend import Recommendation, RoutingModel
from minsheng.insight.routing import RoutingTable, Rule
from minsheng.people.models import Organisation
from minsheng.suggestions.models import Assignment, Category, Suggestion
from minsheng.suggestions.workflow import UnitPlan

__all__ = ["Proposed", "Proposer", "propose", "propose_many"]

Source = RoutingFeedback.Source


@dataclass(frozen=True)
class Proposed:
    plan: list[UnitPlan]
    source: str  # RoutingFeedback.Source
    recommendation: Recommendation | None  # with units limited to current handling units


class Proposer:
    """One jurisdiction's table, its units and its model, loaded once (three queries, or two
    given the rules a page loads anyway, with lead_unit and joint_units), reused for every row."""

    def __init__(
        self,
        jurisdiction_id: int,
        rules: Iterable[RoutingRule] | None = None,
        *,
        model: RoutingModel | None | bool = True,
    ) -> None:
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
                Rule(
                    r.category_id,
                    r.region,
                    r.lead_unit_id,
                    tuple(u.pk for u in joint),
                    r.pk,
                    pinned=r.pinned,
                )
            )
        parents = dict(
            Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("id", "parent_id")
        )
        self.table = RoutingTable(pure, parents)
        self.model: RoutingModel | None = (
            adapter.load_model(jurisdiction_id) if model is True else (model or None)
        )
        self.handling: dict[int, Organisation] = {}
        if self.model is not None:
            self.handling = {
                u.pk: u
                for u in Organisation.objects.handling_units().filter(
                    jurisdiction_id=jurisdiction_id
                )
            }

    def _rule_plan(self, rule: Rule) -> list[UnitPlan]:
        return [UnitPlan(self.units[rule.lead_unit_id], Assignment.Mode.LEAD)] + [
            UnitPlan(self.units[pk], Assignment.Mode.JOINT)
            for pk in rule.joint_unit_ids
            if pk != rule.lead_unit_id
        ]

    def recommendation(self, suggestion: Suggestion) -> Recommendation | None:
        if self.model is None:
            return None
        found = adapter.recommend(suggestion, self.model)
        if found is None:
            return None
        units = tuple(u for u in found.units if u.label in self.handling)[:3]
        return Recommendation(units, found.categories, found.model_version, found.cold_start)

    def proposed(self, suggestion: Suggestion, region: str = "") -> Proposed:
        region = region or suggestion.lead_deputy.constituency
        recommendation = self.recommendation(suggestion)
        pinned = self.table.find(suggestion.category_id, region, pinned_only=True)
        if pinned is not None:
            return Proposed(self._rule_plan(pinned), Source.PINNED, recommendation)
        rule = self.table.find(suggestion.category_id, region)
        if recommendation is not None and recommendation.units:
            best = recommendation.units[0].label
            plan = [UnitPlan(self.handling[best], Assignment.Mode.LEAD)]  # type: ignore[index]
            if rule is not None and rule.lead_unit_id == best:
                plan = self._rule_plan(rule)
            source = Source.COLD_START if recommendation.cold_start else Source.MODEL
            return Proposed(plan, source, recommendation)
        if rule is not None:
            return Proposed(self._rule_plan(rule), Source.TABLE, recommendation)
        return Proposed([], Source.NONE, recommendation)

    def plan(self, suggestion: Suggestion, region: str = "") -> list[UnitPlan]:
        """Default units with modes (lead first); empty when nothing proposes any."""
        return self.proposed(suggestion, region).plan


def propose(suggestion: Suggestion) -> list[UnitPlan]:
    """The default proposal for one suggestion (the assign form)."""
    return Proposer(suggestion.jurisdiction_id).plan(suggestion)


def propose_many(suggestions: Iterable[Suggestion]) -> dict[int, list[UnitPlan]]:
    """Proposals for many suggestions (the assignment meeting), one proposer per jurisdiction."""
    proposers: dict[int, Proposer] = {}
    found: dict[int, list[UnitPlan]] = {}
    for s in suggestions:
        if s.jurisdiction_id not in proposers:
            proposers[s.jurisdiction_id] = Proposer(s.jurisdiction_id)
        found[s.pk] = proposers[s.jurisdiction_id].plan(s)
    return found
