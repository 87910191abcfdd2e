"""The yearly evaluation campaign (代表建议评估, DOMAIN.md §6): the steps a congress works
through, each with an owner, planned dates, a status driven by declared actions
(`campaign_actions.py`), notes and documents; and the deputies' opinion forms.

- `StepTemplate`: the congress's editable, ordered list of steps a new campaign copies (the
  14 steps of `campaign_template.DEFAULT_STEPS` until staff change them in the admin).
- `Campaign`: one evaluation (year, title, the scheme it uses, the period whose replies it
  looks at). Its progress is read from its steps; every change is an event on it in the
  shared hash-chained log (`minsheng.audit`), with the step as the event's part.
- `CampaignStep`: its status is never typed: `start`, `finish`, `skip`, `reopen` move it. The
  planned end and the yellow-warning day are stored (`warn_from`) so the overdue steps of every
  campaign are one indexed query (`clock_q`, the shared warning vocabulary).
- `OpinionForm` / `OpinionItem`: the form a deputy who had a reply in the period gets (one
  overall rating, and one per suggestion replied to), submitted once and editable until the
  opinions step closes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Jurisdiction, Organisation
from minsheng.suggestions.models import WarningColour
from minsheng.supervision.models import warning_of

__all__ = [
    "OPINIONS_STEP",
    "Campaign",
    "CampaignStep",
    "Opinion",
    "OpinionForm",
    "OpinionItem",
    "StepDocument",
    "StepTemplate",
    "running_step_q",
]

OPINIONS_STEP = "collect_opinions"  # the step whose action sends the deputies' forms


class StepTemplate(models.Model):
    """One step of the template a new campaign copies (editable and ordered in the admin)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    offset_days = models.PositiveSmallIntegerField(
        _("starts (days after the campaign starts)"), default=0
    )
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"), default=7)

    class Meta:
        verbose_name = _("campaign step template")
        verbose_name_plural = _("campaign step templates")
        ordering = ["jurisdiction", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Campaign(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="+", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=150)
    scheme = models.ForeignKey(
        "evaluation.Scheme",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("scheme"),
    )
    # The replies the campaign looks at (the deputies asked for their opinion had one in it).
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    starts_on = models.DateField(_("starts"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["jurisdiction", "-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "title"], name="campaign_unique_title"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="campaign_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignStep(models.Model):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    OPEN_STATES = (State.NOT_STARTED, State.IN_PROGRESS)
    CLOSED_STATES = (State.DONE, State.SKIPPED)

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_steps",
        verbose_name=_("owner (person)"),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_steps",
        verbose_name=_("owner (organisation)"),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    # Stored with the planned end (the shared warning vocabulary: yellow from N working days
    # before, red after), so "what is overdue" is one indexed query.
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.NOT_STARTED
    )
    version = models.PositiveIntegerField(default=0)
    started_on = models.DateField(_("started"), null=True, blank=True)
    finished_on = models.DateField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign step")
        verbose_name_plural = _("campaign steps")
        ordering = ["campaign", "position", "pk"]
        indexes = [
            models.Index(fields=["state", "planned_end"], name="campaign_step_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="campaign_step_order"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="campaign_step_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["done", "skipped"]) | Q(finished_on__isnull=False),
                name="campaign_step_finished_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def warning(self, today: datetime.date) -> WarningColour:
        return warning_of(self.planned_end, self.warn_from, today, running=self.is_open)

    def days_late(self, today: datetime.date) -> int:
        """Days past the planned end: finished late, or still open after it (0: on time)."""
        if self.state == self.State.SKIPPED:
            return 0
        end = self.finished_on if self.state == self.State.DONE else today
        if end is None:
            return 0
        return max(0, (end - self.planned_end).days)

    def start_late(self, today: datetime.date) -> int:
        """Days a step that has not started is behind its planned start."""
        if self.state != self.State.NOT_STARTED:
            return 0
        return max(0, (today - self.planned_start).days)


def running_step_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": [s.value for s in CampaignStep.OPEN_STATES]})


def document_path(instance: StepDocument, filename: str) -> str:
    return f"evaluation/campaigns/{instance.campaign_id}/{filename}"


class StepDocument(models.Model):
    """A file of a step (the plan, minutes, the report), checked by content as every upload is
    (`suggestions.attachments`)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="documents")
    step = models.ForeignKey(CampaignStep, models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign document")
        verbose_name_plural = _("campaign documents")
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Opinion(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASICALLY = "basically", _("Basically satisfied (基本满意)")
    UNSATISFIED = "unsatisfied", _("Unsatisfied (不满意)")


class OpinionForm(models.Model):
    """The opinion form one deputy got in one campaign."""

    class State(models.TextChoices):
        SENT = "sent", _("Waiting for the answer")
        SUBMITTED = "submitted", _("Answered")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="opinion_forms")
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="opinion_forms",
        verbose_name=_("deputy"),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    version = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    edited_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    handling = models.CharField(
        _("the handling"), max_length=12, choices=Opinion.choices, blank=True
    )
    communication = models.CharField(
        _("the communication"), max_length=12, choices=Opinion.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("deputy's opinion form")
        verbose_name_plural = _("deputies' opinion forms")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "deputy"], name="opinion_once_per_deputy"),
            models.CheckConstraint(
                condition=Q(state="sent")
                | (Q(submitted_at__isnull=False) & ~Q(handling="") & ~Q(communication="")),
                name="opinion_submitted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.deputy}"


class OpinionItem(models.Model):
    """The deputy's opinion on one suggestion of theirs that had a reply in the period."""

    form = models.ForeignKey(OpinionForm, models.CASCADE, related_name="items")
    suggestion = models.ForeignKey(
        "suggestions.Suggestion", models.CASCADE, related_name="+", verbose_name=_("suggestion")
    )
    handling = models.CharField(
        _("the handling"), max_length=12, choices=Opinion.choices, blank=True
    )
    communication = models.CharField(
        _("the communication"), max_length=12, choices=Opinion.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("opinion on a suggestion")
        verbose_name_plural = _("opinions on suggestions")
        ordering = ["form", "suggestion_id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "suggestion"], name="opinion_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.suggestion_id}"
