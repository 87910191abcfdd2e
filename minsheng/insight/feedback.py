"""Staff's choices against the default proposal: one RoutingFeedback row per assignment, written
after the assignment commits (whatever door it came through: the meeting page, the assign form,
the API), and the accuracy in use computed from them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.dispatch import receiver

from minsheng.insight.models import RoutingFeedback
from minsheng.insight.proposals import Proposer
from minsheng.suggestions.actions import suggestion_changed
from minsheng.suggestions.models import Assignment, Suggestion

__all__ = ["Accuracy", "accuracy", "record"]

log = logging.getLogger(__name__)
Source = RoutingFeedback.Source


def _chosen_lead(event: Any) -> int | None:
    units = (event.data or {}).get("units") or []
    for mode in (Assignment.Mode.LEAD, Assignment.Mode.SEPARATE):
        for pk, _name, unit_mode in units:
            if unit_mode == mode:
                return int(pk)
    return None


def record(suggestion: Suggestion, event: Any, proposer: Proposer | None = None) -> RoutingFeedback:
    proposer = proposer or Proposer(suggestion.jurisdiction_id)
    proposed = proposer.proposed(suggestion)
    lead = next((p.unit.pk for p in proposed.plan if p.mode == Assignment.Mode.LEAD), None)
    chosen = _chosen_lead(event)
    units = proposed.recommendation.units if proposed.recommendation else ()
    ranked = [u.label for u in units]
    top3 = ranked[:3] if ranked else ([lead] if lead else [])
    return RoutingFeedback.objects.create(
        suggestion=suggestion,
        jurisdiction_id=suggestion.jurisdiction_id,
        source=proposed.source,
        model_version=proposed.recommendation.model_version if proposed.recommendation else "",
        recommended=[[u.label, u.score] for u in units],
        proposed_unit_id=lead,
        chosen_unit_id=chosen,
        accepted=chosen is not None and chosen == lead,
        in_top3=chosen is not None and chosen in top3,
        by_id=getattr(event, "actor_id", None),
    )


@receiver(suggestion_changed, dispatch_uid="insight.record_routing_feedback")
def on_assigned(sender: Any, suggestion: Suggestion, event: Any, **kwargs: Any) -> None:
    if getattr(event, "action", None) != "assign":
        return
    try:
        record(suggestion, event)
    except Exception:  # noqa: BLE001 - the assignment committed; a lost figure must not undo it
        log.exception("routing feedback for suggestion %s failed", suggestion.pk)


@dataclass(frozen=True)
class Accuracy:
    source: str
    label: str
    total: int
    accepted: int
    in_top3: int

    @property
    def accepted_rate(self) -> float:
        return self.accepted / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.in_top3 / self.total if self.total else 0.0


def accuracy(jurisdiction_id: int, *, model_version: str | None = None) -> list[Accuracy]:
    """Accepted-as-is and top-3 rates per source of the proposal (one query)."""
    rows = RoutingFeedback.objects.filter(jurisdiction_id=jurisdiction_id)
    if model_version:
        rows = rows.filter(model_version=model_version)
    counted = (
        rows.values("source")
        .annotate(
            total=Count("pk"),
            accepted_n=Count("pk", filter=Q(accepted=True)),
            top3_n=Count("pk", filter=Q(in_top3=True)),
        )
        .order_by("source")
    )
    labels = dict(Source.choices)
    return [
        Accuracy(
            r["source"],
            str(labels.get(r["source"], r["source"])),
            r["total"],
            r["accepted_n"],
            r["top3_n"],
        )
        for r in counted
    ]
