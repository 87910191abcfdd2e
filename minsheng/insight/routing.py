"""The routing table as pure data: which units a suggestion goes to by default.

A rule maps a category, optionally narrowed to a region (a delegation or area), to a lead unit
and joint units. The most specific rule wins: the category with the region, then the category for
the whole jurisdiction, then the same for the parent category, and so on up the tree. Staff
confirm or change the proposal at the assignment meeting; nothing here decides for them.

Pure module: no Django, no database (CONVENTIONS: insight/ is a framework-free core with a thin
Django adapter, `minsheng.insight.proposals`). Build one `RoutingTable` per jurisdiction and
reuse it for every suggestion of a meeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Proposal", "Rule", "RoutingTable"]


@dataclass(frozen=True)
class Rule:
    category_id: int
    region: str  # "" for the whole jurisdiction
    lead_unit_id: int
    joint_unit_ids: tuple[int, ...] = ()
    rule_id: int | None = None
    pinned: bool = False  # wins over the recommender


@dataclass(frozen=True)
class Proposal:
    """The default units: one lead unit and the joint units (never the lead unit again)."""

    lead_unit_id: int
    joint_unit_ids: tuple[int, ...]
    rule: Rule


class RoutingTable:
    """Rules by (category, region), with the category tree to walk up."""

    def __init__(self, rules: Iterable[Rule], parents: Mapping[int, int | None]) -> None:
        self._rules: dict[tuple[int, str], Rule] = {}
        for rule in rules:
            self._rules[(rule.category_id, rule.region.strip())] = rule
        self._parents = dict(parents)

    def __len__(self) -> int:
        return len(self._rules)

    def _ancestry(self, category_id: int | None) -> Iterable[int]:
        seen: set[int] = set()
        while category_id is not None and category_id not in seen:  # a loop in bad data ends
            seen.add(category_id)
            yield category_id
            category_id = self._parents.get(category_id)

    def find(
        self, category_id: int | None, region: str = "", *, pinned_only: bool = False
    ) -> Rule | None:
        """The most specific rule for the category and region (only pinned ones if asked),
        or None."""
        region = region.strip()
        for category in self._ancestry(category_id):
            for key in ((category, region), (category, "")) if region else ((category, ""),):
                rule = self._rules.get(key)
                if rule is not None and (rule.pinned or not pinned_only):
                    return rule
        return None

    def propose(
        self, category_id: int | None, region: str = "", *, pinned_only: bool = False
    ) -> Proposal | None:
        rule = self.find(category_id, region, pinned_only=pinned_only)
        if rule is None:
            return None
        joint = tuple(dict.fromkeys(u for u in rule.joint_unit_ids if u != rule.lead_unit_id))
        return Proposal(rule.lead_unit_id, joint, rule)
