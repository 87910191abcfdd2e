"""The routing table (where assignment starts from) and its history.

The tables keep their names from when they lived in the suggestions app (`db_table`), so moving
them here changed no data.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation, User
from minsheng.suggestions.models import Category, Suggestion


class RoutingRule(models.Model):
    """Default units for a category (optionally a region): where assignment starts from.
    Staff confirm or change the proposal; every change is kept in RoutingRuleChange."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="routing_rules", verbose_name=_("jurisdiction")
    )
    category = models.ForeignKey(
        Category, models.CASCADE, related_name="routing_rules", verbose_name=_("category")
    )
    region = models.CharField(
        _("region"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty for the whole jurisdiction; otherwise a delegation or area."),
    )
    lead_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="+",
        verbose_name=_("default lead unit"),
        limit_choices_to={"is_handling_unit": True},
    )
    joint_units = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("default joint units"),
        limit_choices_to={"is_handling_unit": True},
    )
    pinned = models.BooleanField(
        _("pinned"),
        default=False,
        db_default=False,  # rows written by code that predates the field stay valid
        help_text=_(
            "A pinned rule always gives the default units for its category; an unpinned one is "
            "used only when the recommender has no model yet."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        # Moved from the suggestions app without touching the data (migrations
        # suggestions 0004 and insight 0001 change only Django's state).
        db_table = "suggestions_routingrule"
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing table")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "category", "region"], name="routing_unique_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.region} → {self.lead_unit}"

    def snapshot(self) -> dict[str, Any]:
        return {
            "category": str(self.category),
            "region": self.region,
            "lead_unit": str(self.lead_unit),
            "joint_units": sorted(str(u) for u in self.joint_units.all()) if self.pk else [],
            "pinned": self.pinned,
        }


class RoutingRuleChange(models.Model):
    """The history of the routing table (append-only)."""

    rule = models.ForeignKey(RoutingRule, models.SET_NULL, null=True, related_name="changes")
    jurisdiction = models.ForeignKey(Jurisdiction, models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    change = models.CharField(max_length=10)  # created / changed / deleted
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        db_table = "suggestions_routingrulechange"
        ordering = ["-changed_at"]
        verbose_name = _("routing table change")
        verbose_name_plural = _("routing table changes")

    def __str__(self) -> str:
        return f"{self.change} {self.changed_at:%Y-%m-%d %H:%M}"


class RoutingFeedback(models.Model):
    """What the default proposal was when staff assigned a suggestion, and what they chose:
    the accuracy of the recommender in use (accepted as is, chosen among the top 3)."""

    class Source(models.TextChoices):
        MODEL = "model", _("Recommender")
        COLD_START = "cold_start", _("Recommender (from duty descriptions)")
        PINNED = "pinned", _("Pinned rule")
        TABLE = "table", _("Routing table")
        NONE = "none", _("No proposal")

    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="routing_feedback", verbose_name=_("suggestion")
    )
    jurisdiction = models.ForeignKey(Jurisdiction, models.CASCADE, related_name="+")
    source = models.CharField(_("proposal from"), max_length=12, choices=Source.choices)
    model_version = models.CharField(_("model version"), max_length=40, blank=True)
    # [[unit id, score], …] best first; the proposal's lead unit is the first.
    recommended = models.JSONField(_("recommended units"), default=list, blank=True)
    proposed_unit = models.ForeignKey(
        Organisation, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_unit = models.ForeignKey(
        Organisation, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted = models.BooleanField(_("accepted as is"), default=False)
    in_top3 = models.BooleanField(_("among the top 3"), default=False)
    by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing feedback")
        verbose_name_plural = _("routing feedback")
        indexes = [models.Index(fields=["jurisdiction", "at"], name="routing_feedback_at_idx")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.source} {self.accepted}"
