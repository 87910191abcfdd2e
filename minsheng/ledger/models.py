"""Ledgers (清单台账, DOMAIN.md §7): items of work tracked to their effect.

- `LedgerItem`: a practical-matter project, a piece of the four duties' work, a B commitment…
  with its responsibility chain, dates, its "710" pace and child items. Its *status* (not
  started, in progress, done, lagging, stopped) is never typed: it follows from the stored
  progress, the next open deadline and the life state (`progress.status_of`, and
  `LedgerItemQuerySet.status` for the same rule as a query).
- `Milestone`: a dated step with its weight (the weights of an item add up to 100).
- `ProgressUpdate`: the responsible unit's report (date, percent, narrative, evidence), which
  may mark milestones done.
- `ChangeRequest`: a change of scope, dates, owners or milestones, approved by the item's owner
  at the congress; the approval applies it and the event log keeps the before and after.

Every change is one event in the shared hash-chained log (`minsheng.audit`) through the engine
declarations in `actions.py`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation
from minsheng.suggestions.models import Suggestion, WarningColour
from minsheng.supervision.models import clock_q, warning_of

if TYPE_CHECKING:
    from minsheng.people.permissions import Person


class Status(models.TextChoices):
    """An item's status, derived (never stored as typed)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    LAGGING = "lagging", _("Lagging")
    STOPPED = "stopped", _("Stopped")


class LedgerItemQuerySet(models.QuerySet["LedgerItem"]):
    def visible_to(self, user: Person) -> LedgerItemQuerySet:
        from minsheng.ledger.permissions import item_filter

        return self.filter(item_filter(user))

    def status(self, status: str, today: datetime.date) -> LedgerItemQuerySet:
        return self.filter(status_q(status, today))

    def running(self) -> LedgerItemQuerySet:
        return self.filter(running_q())

    def warning(self, colour: str, today: datetime.date) -> LedgerItemQuerySet:
        return self.filter(clock_q(colour, today, running_q()))


def stopped_q() -> Q:
    return Q(state=LedgerItem.State.STOPPED) | Q(all_stopped=True)


def running_q() -> Q:
    """Items whose clock runs: not stopped and not done."""
    return ~stopped_q() & Q(progress__lt=100)


def status_q(status: str, today: datetime.date) -> Q:
    """The rows of one status: the same rule as `progress.status_of`, as a query."""
    running = running_q()
    lagging = running & Q(due__lt=today)
    if status == Status.STOPPED:
        return stopped_q()
    if status == Status.DONE:
        return ~stopped_q() & Q(progress__gte=100)
    if status == Status.LAGGING:
        return lagging
    not_started = running & ~Q(due__lt=today) & Q(reported_on__isnull=True, progress=0)
    if status == Status.NOT_STARTED:
        return not_started
    if status == Status.IN_PROGRESS:
        return running & ~Q(due__lt=today) & ~Q(reported_on__isnull=True, progress=0)
    raise ValueError(f"unknown status {status!r}")


class LedgerItem(models.Model):
    class Kind(models.TextChoices):
        PRACTICAL = "practical", _("Practical-matter project")
        LEGISLATION = "legislation", _("Legislation or legislative research")
        INSPECTION = "inspection", _("Law-enforcement inspection")
        INVESTIGATION = "investigation", _("Special investigation")
        DECISION = "decision", _("Major decision")
        APPOINTMENT = "appointment", _("Appointment: research and supervision")
        COMMITMENT = "commitment", _("B commitment")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        """The life state the engine keeps; the status shown is derived from it and the
        progress and dates."""

        ACTIVE = "active", _("Active")
        STOPPED = "stopped", _("Stopped")

    class Pace(models.TextChoices):
        """The "710" class (DOMAIN.md §4): its due date comes from the rule set."""

        ORDINARY = "ordinary", _("Ordinary: done within 7 days")
        COMPLEX = "complex", _("Complex: a result within 1 month")
        YEAR = "year", _("Cleared by the year's end")

    class Source(models.TextChoices):
        SUGGESTION = "suggestion", _("A deputy's suggestion")
        COMMUNITY = "community", _("A community need")
        PLAN = "plan", _("A work plan")
        VOTE = "vote", _("The deputies' vote")
        OTHER = "other", _("Other")

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="ledger_items", verbose_name=_("jurisdiction")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.PLAN
    )
    source_suggestion = models.ForeignKey(
        Suggestion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("source suggestion"),
    )
    source_note = models.CharField(_("about the source"), max_length=200, blank=True)
    # A B commitment (`commitments.py`): the category-B reply whose promise this item tracks.
    source_reply = models.ForeignKey(
        "suggestions.Reply",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("promised in the reply"),
    )
    # The responsibility chain.
    lead_leader = models.CharField(_("lead leader"), max_length=60, blank=True)
    leader_in_charge = models.CharField(_("leader in charge"), max_length=60, blank=True)
    responsible_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("responsible unit"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    co_units = models.ManyToManyField(
        Organisation, blank=True, related_name="co_ledger_items", verbose_name=_("co-units")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_ledger_items",
        verbose_name=_("owner at the congress"),
    )
    budget = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    pace = models.CharField(_("710 class"), max_length=10, choices=Pace.choices, default=Pace.YEAR)
    weight = models.PositiveSmallIntegerField(
        _("weight in the parent item"), default=1, help_text=_("How much it counts in its parent.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    # Derived and stored (recomputed with every change, `workflow.refresh`):
    pace_due = models.DateField(_("710 due date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    due = models.DateField(_("next deadline"), null=True, blank=True)
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)
    reported_on = models.DateField(_("last progress report"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    all_stopped = models.BooleanField(default=False)  # a parent all of whose children stopped
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = LedgerItemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("ledger item")
        verbose_name_plural = _("ledger items")
        indexes = [
            models.Index(fields=["jurisdiction", "year", "kind"], name="ledger_year_kind_idx"),
            models.Index(fields=["responsible_unit", "year"], name="ledger_unit_idx"),
            models.Index(fields=["due", "progress"], name="ledger_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="ledger_progress_0_100"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="ledger_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="ledger_not_its_own_parent"
            ),
            # Signing a B reply twice (or two requests at once) never makes a second commitment.
            models.UniqueConstraint(
                fields=["source_reply"],
                condition=Q(source_reply__isnull=False),
                name="ledger_one_commitment_per_reply",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_stopped(self) -> bool:
        return self.state == self.State.STOPPED or self.all_stopped

    def status(self, today: datetime.date) -> Status:
        from minsheng.ledger.progress import status_of

        return status_of(
            stopped=self.is_stopped,
            progress=self.progress,
            due=self.due,
            reported_on=self.reported_on,
            today=today,
        )

    def warning(self, today: datetime.date) -> WarningColour:
        return warning_of(
            self.due,
            self.warn_from,
            today,
            running=not self.is_stopped and self.progress < 100,
        )


class Milestone(models.Model):
    item = models.ForeignKey(LedgerItem, models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"))
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    position = models.PositiveSmallIntegerField(default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_in = models.ForeignKey(
        "ProgressUpdate",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones_done",
        verbose_name=_("reported done in"),
    )

    class Meta:
        ordering = ["item", "position", "due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="milestone_weight_0_100"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    item = models.ForeignKey(LedgerItem, models.CASCADE, related_name="updates")
    on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    narrative = models.TextField(_("progress"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        ordering = ["item", "on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="update_percent_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.percent}%"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"ledger/{instance.item_id}/{filename}"


class Evidence(models.Model):
    """A file behind a progress report (photos, minutes, acceptance papers), checked by content
    as every upload is (`suggestions.attachments`)."""

    item = models.ForeignKey(LedgerItem, models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ChangeRequest(models.Model):
    """A change of an item's scope, dates, owners or milestones, waiting for its owner."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    item = models.ForeignKey(LedgerItem, models.CASCADE, related_name="change_requests")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # {field: [before, after]} in the JSON form the event log keeps (`changes.as_json`).
    changes = models.JSONField(default=dict)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "-requested_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state="pending"),
                name="one_pending_change_per_item",
            ),
            models.CheckConstraint(
                condition=Q(state="pending")
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="change_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_state_display()}"


# --- B commitments (`commitments.py`) -------------------------------------------------------------


class FollowUpReply(models.Model):
    """The unit's second reply (二次答复) on a B commitment: drafted by a clerk, signed by the
    unit head, sent to the deputy in the same letter layout as the first reply. Category A
    (solved) closes the commitment as solved; C (conditions do not allow) stops it, unsolved.
    A reopened commitment gets its next round."""

    class Category(models.TextChoices):
        A = "A", _("A · solved or basically solved")
        C = "C", _("C · cannot be solved now (conditions do not allow)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Signed and sent")

    item = models.ForeignKey(LedgerItem, models.CASCADE, related_name="follow_ups")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    category = models.CharField(_("result category"), max_length=1, choices=Category.choices)
    text = models.TextField(_("reply text"))
    contact_method = models.CharField(_("how the deputy was contacted"), max_length=12)
    contacted_on = models.DateField(_("contacted on"))
    contact_leader = models.CharField(_("responsible leader"), max_length=50)
    contact_leader_phone = models.CharField(_("leader's phone"), max_length=30)
    case_officer = models.CharField(_("case officer"), max_length=50)
    case_officer_phone = models.CharField(_("case officer's phone"), max_length=30)
    # 发文字号, as on the first reply letter; printed on the second reply's letter.
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["item", "round"]
        verbose_name = _("second reply")
        verbose_name_plural = _("second replies")
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="follow_up_one_per_round"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sent_at__isnull=False, signed_by__isnull=False),
                name="follow_up_sent_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.round} · {self.category}"


from minsheng.ledger.models_teams import *  # noqa: E402, F403
from minsheng.ledger.models_vote import Ballot, Candidate, Satisfaction, VoteRound  # noqa: E402, F401
