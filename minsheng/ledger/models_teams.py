"""Supervision teams (督查督导组) and rectification (整改), DOMAIN.md §7, issue 9 point 4.

- `Team`: a jurisdiction's team for a year, with its leader, its members (`TeamMember`, each a
  leader or a member) and the ledger items it covers.
- `Inspection`: one visit of a team to an item (date, place, who took part, notes, evidence).
- `Rectification` (整改事项): each finding of an inspection, with the problem found, the unit
  and person who must fix it and a due date: `open → reported → closed`, or `reopened` (sent
  back with a reason) and reported again. Its lights are the shared ones (`clock_q` /
  `warning_of`) over the stored `due` and `warn_from` (the rule set's yellow working days).
  A finding *is* its rectification row: the problem text is the finding.
- `TeamEvidence`: files behind an inspection or a rectification report.

Every state change is one event in the shared log through the declarations in
`actions_teams.py`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation
from minsheng.suggestions.models import WarningColour
from minsheng.supervision.models import clock_q, warning_of

if TYPE_CHECKING:
    from minsheng.people.permissions import Person

__all__ = [
    "Inspection",
    "Rectification",
    "RectificationQuerySet",
    "Team",
    "TeamEvidence",
    "TeamMember",
    "TeamQuerySet",
]


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: Person) -> TeamQuerySet:
        from minsheng.ledger.permissions_teams import team_filter

        return self.filter(team_filter(user))


class Team(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="ledger_teams", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("team leader")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMember",
        related_name="ledger_teams",
        verbose_name=_("members"),
    )
    items = models.ManyToManyField(
        "ledger.LedgerItem", blank=True, related_name="teams", verbose_name=_("items covered")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name", "pk"]
        verbose_name = _("supervision team")
        verbose_name_plural = _("supervision teams")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "name"], name="team_name_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["team", "role", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class Inspection(models.Model):
    team = models.ForeignKey(Team, models.PROTECT, related_name="inspections")
    item = models.ForeignKey(
        "ledger.LedgerItem", models.PROTECT, related_name="inspections", verbose_name=_("item")
    )
    on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["item", "on"], name="inspection_item_idx")]

    def __str__(self) -> str:
        return f"{self.team} · {self.on}"


def open_q(prefix: str = "") -> Q:
    """Rectifications whose clock runs: not closed."""
    return ~Q(**{f"{prefix}state": Rectification.State.CLOSED})


class RectificationQuerySet(models.QuerySet["Rectification"]):
    def visible_to(self, user: Person) -> RectificationQuerySet:
        from minsheng.ledger.permissions_teams import rectification_filter

        return self.filter(rectification_filter(user))

    def warning(self, colour: str, today: datetime.date) -> RectificationQuerySet:
        return self.filter(clock_q(colour, today, open_q()))


class Rectification(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("To rectify")
        REPORTED = "reported", _("Reported, to accept")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Sent back")

    item = models.ForeignKey(
        "ledger.LedgerItem", models.PROTECT, related_name="rectifications", verbose_name=_("item")
    )
    inspection = models.ForeignKey(Inspection, models.PROTECT, related_name="rectifications")
    team = models.ForeignKey(Team, models.PROTECT, related_name="rectifications")
    problem = models.TextField(_("problem found"))
    owner_unit = models.ForeignKey(
        Organisation, models.PROTECT, related_name="rectifications", verbose_name=_("owner unit")
    )
    owner_person = models.CharField(_("person responsible"), max_length=60, blank=True)
    due = models.DateField(_("due"))
    # Derived and stored: the rule set's yellow working days before `due`.
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    version = models.PositiveIntegerField(default=0)
    report = models.TextField(_("what was fixed"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopen_reason = models.TextField(_("why it was sent back"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [
            models.Index(fields=["state", "due"], name="rect_state_due_idx"),
            models.Index(fields=["owner_unit", "state"], name="rect_unit_idx"),
            models.Index(fields=["team", "state"], name="rect_team_idx"),
            models.Index(fields=["item", "state"], name="rect_item_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_on__isnull=False),
                name="rect_closed_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.problem[:60]

    @property
    def running(self) -> bool:
        return self.state != self.State.CLOSED

    def warning(self, today: datetime.date) -> WarningColour:
        return warning_of(self.due, self.warn_from, today, running=self.running)


def team_evidence_path(instance: TeamEvidence, filename: str) -> str:
    return f"ledger/{instance.item_id}/teams/{filename}"


class TeamEvidence(models.Model):
    """A file behind an inspection or a rectification report, checked by content as every
    upload is; downloaded only by who may see the inspection or the rectification."""

    item = models.ForeignKey("ledger.LedgerItem", models.CASCADE, related_name="team_evidence")
    inspection = models.ForeignKey(
        Inspection, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    rectification = models.ForeignKey(
        Rectification, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(upload_to=team_evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(rectification__isnull=False),
                name="team_evidence_belongs",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
