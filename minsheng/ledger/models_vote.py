"""The practical-matter vote (群众提、代表定、政府办、人大评, DOMAIN.md §7), optional per congress:
a congress uses it by opening a `VoteRound`.

- `VoteRound`: one year's vote, collecting → vetting → voting → closed → adopted.
- `Candidate`: a proposed project (from the public, a deputy or a department, entered by staff
  with its source), vetted (shortlisted or not, with a reason); its tallies are stored once,
  at close, in the same transaction that closes the round, and never change after.
- `Ballot`: one deputy's choice on one candidate (for, against, abstain): one row per deputy
  and candidate (the database says so), changed in place until the round closes.
- `Satisfaction`: a deputy's year-end rating of a project the vote adopted, one per deputy
  and item.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Deputy, Jurisdiction, Organisation


class VoteRound(models.Model):
    class State(models.TextChoices):
        COLLECTING = "collecting", _("Collecting proposals")
        VETTING = "vetting", _("Vetting")
        VOTING = "voting", _("Voting")
        CLOSED = "closed", _("Closed")
        ADOPTED = "adopted", _("Adopted")

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="vote_rounds", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    winners = models.PositiveSmallIntegerField(_("projects to adopt"), default=10)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.COLLECTING
    )
    version = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("practical-matter vote")
        verbose_name_plural = _("practical-matter votes")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "title"], name="vote_round_unique_title"
            ),
            models.CheckConstraint(condition=Q(winners__gte=1), name="vote_round_winners_1"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def results_out(self) -> bool:
        """The tallies are shown only once the round is closed (never while voting)."""
        return self.state in (self.State.CLOSED, self.State.ADOPTED)


class Candidate(models.Model):
    class Origin(models.TextChoices):
        PUBLIC = "public", _("The public")
        DEPUTY = "deputy", _("A deputy")
        DEPARTMENT = "department", _("A government department")

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Not vetted yet")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        REJECTED = "rejected", _("Not shortlisted")

    round = models.ForeignKey(VoteRound, models.CASCADE, related_name="candidates")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    origin = models.CharField(_("proposed by"), max_length=12, choices=Origin.choices)
    source_note = models.CharField(_("about the source"), max_length=200, blank=True)
    budget = models.DecimalField(
        _("estimated budget (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="vote_candidates",
        verbose_name=_("responsible unit proposed"),
    )
    vetting = models.CharField(
        _("vetting"), max_length=12, choices=Vetting.choices, default=Vetting.PENDING
    )
    vetting_reason = models.TextField(_("vetting note"), blank=True)
    # Stored once at close (null before): the published result.
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    elected = models.BooleanField(default=False)
    ledger_item = models.OneToOneField(
        "ledger.LedgerItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="vote_candidate",
        verbose_name=_("ledger item"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")
        constraints = [
            models.CheckConstraint(
                condition=~Q(vetting="rejected") | ~Q(vetting_reason=""),
                name="candidate_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Ballot(models.Model):
    round = models.ForeignKey(VoteRound, models.CASCADE, related_name="ballots")
    deputy = models.ForeignKey(Deputy, models.PROTECT, related_name="vote_ballots")
    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="ballots")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "deputy", "candidate"], name="one_ballot_per_deputy_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} · {self.candidate_id} · {self.choice}"


class Satisfaction(models.Model):
    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    item = models.ForeignKey(
        "ledger.LedgerItem", models.CASCADE, related_name="satisfaction_ratings"
    )
    deputy = models.ForeignKey(Deputy, models.PROTECT, related_name="vote_ratings")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.UniqueConstraint(fields=["item", "deputy"], name="one_rating_per_deputy_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.rating}"
