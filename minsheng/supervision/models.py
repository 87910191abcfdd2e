"""Supervision (督办, DOMAIN.md §4–§5): key items with their supervisors by tier, supervision
records, and instructions with their "710" due dates.

- `Tier`: the seven "大督办" tiers, as data (names and duties editable).
- `KeyItem` (重点督办): one suggestion or a topic grouping several, proposed by staff, decided
  by the chair's council, supervised to a conclusion. Its actions are declared once in
  `actions.py` on the shared engine.
- `Supervisor`: a person on a key item at a tier, with a duty (领衔督办, 领办…).
- `Record`: a visit, face-to-face inquiry, meeting or reminder (催办), on a key item or on one
  suggestion (a special committee's counterpart supervision).
- `Instruction` (批示): asks a unit to respond by its 710 due date; open until the unit does.

Every change is one event in the shared hash-chained log (`minsheng.audit`), on the key item
and, for what concerns one suggestion, on the suggestion's timeline too.
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

if TYPE_CHECKING:
    from minsheng.people.permissions import Person


class Tier(models.Model):
    """One of the seven supervision tiers (DOMAIN.md §5). The numbers are fixed (a supervisor
    role names its tier by number); names and duties are editable."""

    number = models.PositiveSmallIntegerField(_("tier"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    duty = models.CharField(_("duty"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("supervision tier")
        verbose_name_plural = _("supervision tiers")

    def __str__(self) -> str:
        return f"{self.number} · {self.name}"


def warning_of(
    due: datetime.date | None,
    warn_from: datetime.date | None,
    today: datetime.date,
    *,
    running: bool,
) -> WarningColour:
    """The light of a running clock from its stored dates (as `Suggestion.warning`)."""
    if not running or due is None:
        return WarningColour.NONE
    if today > due:
        return WarningColour.RED
    if warn_from is not None and today >= warn_from:
        return WarningColour.YELLOW
    return WarningColour.GREEN


def clock_q(colour: str, today: datetime.date, running: Q, prefix: str = "") -> Q:
    """The rows of one colour, from stored `due` and `warn_from` (as `warning_q`)."""
    p = prefix
    if colour == WarningColour.RED:
        return running & Q(**{f"{p}due__lt": today})
    on_time = running & Q(**{f"{p}due__gte": today})
    if colour == WarningColour.YELLOW:
        return on_time & Q(**{f"{p}warn_from__lte": today})
    if colour == WarningColour.GREEN:
        return on_time & (Q(**{f"{p}warn_from__isnull": True}) | Q(**{f"{p}warn_from__gt": today}))
    if colour == WarningColour.NONE:
        return ~running | Q(**{f"{p}due__isnull": True})
    raise ValueError(f"unknown warning colour {colour!r}")


class KeyItemQuerySet(models.QuerySet["KeyItem"]):
    def visible_to(self, user: Person) -> KeyItemQuerySet:
        from minsheng.supervision.permissions import key_item_filter

        return self.filter(key_item_filter(user))

    def running(self) -> KeyItemQuerySet:
        return self.filter(state=KeyItem.State.SUPERVISING)

    def warning(self, colour: str, today: datetime.date) -> KeyItemQuerySet:
        return self.filter(clock_q(colour, today, Q(state=KeyItem.State.SUPERVISING)))


class KeyItem(models.Model):
    """A key suggestion or a key topic (重点督办建议 / 督办专题)."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Key suggestion")
        TOPIC = "topic", _("Key topic (several suggestions)")
        INTERNAL = "internal", _("A unit's internal key item")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SUPERVISING = "supervising", _("Under supervision")
        CONCLUDED = "concluded", _("Concluded")
        DROPPED = "dropped", _("Not chosen")

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="key_items", verbose_name=_("jurisdiction")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TOPIC)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    lead_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_key_items",
        verbose_name=_("lead unit"),
    )
    # Tier 7: a unit marks its own internal key item; only that unit and the office see it.
    owner_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="internal_key_items",
        verbose_name=_("unit (internal key item)"),
    )
    is_complex = models.BooleanField(
        _("complex"), default=False, help_text=_("Complex items show a result within a month.")
    )
    suggestions = models.ManyToManyField(
        Suggestion,
        through="KeyItemSuggestion",
        related_name="key_items",
        verbose_name=_("suggestions"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    decided_on = models.DateField(_("decided by the chair's council on"), null=True, blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=60, blank=True)
    due = models.DateField(_("conclude by"), null=True, blank=True)
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)
    summary = models.TextField(_("conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = KeyItemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("key item")
        verbose_name_plural = _("key items")
        indexes = [models.Index(fields=["jurisdiction", "year", "state"], name="keyitem_year_idx")]
        constraints = [
            # A decided item carries the council's decision date.
            models.CheckConstraint(
                condition=~Q(state__in=["supervising", "concluded"]) | Q(decided_on__isnull=False),
                name="keyitem_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="internal") | Q(owner_unit__isnull=False),
                name="keyitem_internal_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def warning(self, today: datetime.date) -> WarningColour:
        return warning_of(
            self.due, self.warn_from, today, running=self.state == self.State.SUPERVISING
        )


class KeyItemSuggestion(models.Model):
    key_item = models.ForeignKey(KeyItem, models.CASCADE, related_name="members")
    suggestion = models.ForeignKey(Suggestion, models.PROTECT, related_name="key_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion of a key item")
        verbose_name_plural = _("suggestions of key items")
        constraints = [
            models.UniqueConstraint(fields=["key_item", "suggestion"], name="keyitem_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.key_item} · {self.suggestion}"


class Supervisor(models.Model):
    """A person supervising a key item at one tier, with a duty."""

    class Duty(models.TextChoices):
        LEAD = "lead", _("Leads the supervision (领衔督办)")
        LEAD_HANDLING = "lead_handling", _("Leads the handling (领办)")
        SUPERVISE = "supervise", _("Supervises (督办)")
        TAKE_PART = "take_part", _("Takes part (参与)")

    key_item = models.ForeignKey(KeyItem, models.CASCADE, related_name="supervisors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="key_item_duties"
    )
    tier = models.ForeignKey(Tier, models.PROTECT, related_name="+", verbose_name=_("tier"))
    duty = models.CharField(_("duty"), max_length=16, choices=Duty.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tier__number", "pk"]
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        constraints = [
            models.UniqueConstraint(fields=["key_item", "user", "tier"], name="supervisor_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_duty_display()}"


class Record(models.Model):
    """A supervision activity: a visit, an inquiry, a meeting or a reminder (催办)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit (视察调研)")
        INQUIRY = "inquiry", _("Face-to-face inquiry (当面督办)")
        MEETING = "meeting", _("Meeting (座谈推进)")
        REMINDER = "reminder", _("Reminder (催办)")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        LETTER = "letter", _("By letter")

    jurisdiction = models.ForeignKey(Jurisdiction, models.CASCADE, related_name="+")
    key_item = models.ForeignKey(
        KeyItem, models.CASCADE, null=True, blank=True, related_name="records"
    )
    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, null=True, blank=True, related_name="supervision_records"
    )
    unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices, blank=True)
    happened_on = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=300)
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_item__isnull=False) | Q(suggestion__isnull=False),
                name="record_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


def document_path(instance: Document, filename: str) -> str:
    return f"supervision/{instance.key_item_id or 'records'}/{filename}"


class Document(models.Model):
    """A file of supervision: the council's decision on a key item, a record's papers
    (minutes, photos), or the papers of a unit's response to an instruction. Checked by
    content as every upload is (`suggestions.attachments`)."""

    key_item = models.ForeignKey(
        KeyItem, models.CASCADE, null=True, blank=True, related_name="documents"
    )
    record = models.ForeignKey(
        Record, models.CASCADE, null=True, blank=True, related_name="documents"
    )
    # The papers of a response (its key item is not set: they are not the decision's).
    instruction = models.ForeignKey(
        "Instruction", models.CASCADE, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision document")
        verbose_name_plural = _("supervision documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_item__isnull=False)
                | Q(record__isnull=False)
                | Q(instruction__isnull=False),
                name="document_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class InstructionQuerySet(models.QuerySet["Instruction"]):
    def open(self) -> InstructionQuerySet:
        return self.filter(state=Instruction.State.OPEN)

    def warning(self, colour: str, today: datetime.date) -> InstructionQuerySet:
        return self.filter(clock_q(colour, today, Q(state=Instruction.State.OPEN)))

    def left_open_at_year_end(self, year: int) -> InstructionQuerySet:
        """Instructions of `year` still open: the 清零销号 list."""
        return self.open().filter(issued_on__year=year)


class Instruction(models.Model):
    """A written instruction (批示) asking a unit to respond by its 710 due date."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the unit's response")
        RESPONDED = "responded", _("Responded")

    jurisdiction = models.ForeignKey(Jurisdiction, models.CASCADE, related_name="+")
    key_item = models.ForeignKey(
        KeyItem, models.CASCADE, null=True, blank=True, related_name="instructions"
    )
    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, null=True, blank=True, related_name="instructions"
    )
    unit = models.ForeignKey(
        Organisation, models.PROTECT, related_name="instructions", verbose_name=_("unit")
    )
    text = models.TextField(_("instruction"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    is_complex = models.BooleanField(_("complex"), default=False)
    due = models.DateField(_("respond by"))
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True
    )
    version = models.PositiveIntegerField(default=0)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    events = GenericRelation(
        "audit.Event", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = InstructionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        indexes = [models.Index(fields=["unit", "state", "due"], name="instruction_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_item__isnull=False) | Q(suggestion__isnull=False),
                name="instruction_has_subject",
            ),
            models.CheckConstraint(
                condition=~Q(state="responded") | ~Q(response=""),
                name="instruction_response_written",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def warning(self, today: datetime.date) -> WarningColour:
        return warning_of(self.due, self.warn_from, today, running=self.state == self.State.OPEN)
