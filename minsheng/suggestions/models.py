"""Deputies' suggestions (代表建议) and everything that happens to them.

State fields here are a summary of the append-only event log (`minsheng.audit`, read here as
`suggestion.events`); only `workflow.py` changes them.
Deadline results are stored on the rows (and indexed) so "what is due" is one query.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Deputy, Jurisdiction, Organisation, Session, User
from minsheng.suggestions import deadlines
from minsheng.suggestions.numbers import format_number, parse_number

if TYPE_CHECKING:
    from minsheng.people.permissions import Person


def _positive() -> list[MinValueValidator]:
    return [MinValueValidator(1)]


class RuleSet(models.Model):
    """A jurisdiction's time limits (DOMAIN.md §4); editable by administrators."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, models.CASCADE, related_name="rule_set", verbose_name=_("jurisdiction")
    )
    reply_months = models.PositiveSmallIntegerField(
        _("reply within (months)"), default=3, validators=_positive()
    )
    reply_cap_months = models.PositiveSmallIntegerField(
        _("longest extension (months from assignment)"), default=6, validators=_positive()
    )
    sign_days = models.PositiveSmallIntegerField(
        _("sign for within (days)"), default=7, validators=_positive()
    )
    adjustment_workdays = models.PositiveSmallIntegerField(
        _("adjustment request window (working days)"), default=7, validators=_positive()
    )
    joint_opinion_months = models.PositiveSmallIntegerField(
        _("joint opinion within (months)"), default=1, validators=_positive()
    )
    rehandling_months = models.PositiveSmallIntegerField(
        _("re-handling reply within (months)"), default=1, validators=_positive()
    )
    rating_workdays = models.PositiveSmallIntegerField(
        _("rating window (working days)"), default=20, validators=_positive()
    )
    publication_workdays = models.PositiveSmallIntegerField(
        _("publish within (working days)"), default=20, validators=_positive()
    )
    between_session_assign_workdays = models.PositiveSmallIntegerField(
        _("assign between-session suggestions within (working days)"),
        default=5,
        validators=_positive(),
    )
    warning_workdays = models.PositiveSmallIntegerField(
        _("yellow warning (working days before due)"), default=5, validators=_positive()
    )
    instruction_days = models.PositiveSmallIntegerField(
        _("ordinary instruction done within (days)"),
        default=7,
        validators=_positive(),
        help_text=_("The “710” rule: an ordinary supervision instruction is done in 7 days."),
    )
    instruction_complex_months = models.PositiveSmallIntegerField(
        _("complex instruction shows a result within (months)"),
        default=1,
        validators=_positive(),
        help_text=_("The “710” rule: a complex instruction shows a result within 1 month."),
    )
    clearance_month = models.PositiveSmallIntegerField(
        _("year-end clearance: month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The month of the clearance day (清零销号). Common: 12."),
    )
    clearance_day = models.PositiveSmallIntegerField(
        _("year-end clearance: day"),
        default=31,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Every instruction of the year is cleared (清零销号) by this day."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_cap_months__gte=models.F("reply_months")),
                name="ruleset_cap_not_below_reply",
            ),
            # deadlines.Rules refuses a limit below 1: a zero would make everything overdue.
            models.CheckConstraint(
                condition=Q(
                    reply_months__gte=1,
                    reply_cap_months__gte=1,
                    sign_days__gte=1,
                    adjustment_workdays__gte=1,
                    joint_opinion_months__gte=1,
                    rehandling_months__gte=1,
                    rating_workdays__gte=1,
                    publication_workdays__gte=1,
                    between_session_assign_workdays__gte=1,
                    warning_workdays__gte=1,
                ),
                name="ruleset_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.jurisdiction)

    def clean(self) -> None:
        super().clean()
        try:
            datetime.date(2000, self.clearance_month or 12, self.clearance_day or 31)
        except ValueError:
            raise ValidationError({"clearance_day": _("This month has no such day.")}) from None

    FIELDS = (
        "reply_months",
        "reply_cap_months",
        "sign_days",
        "adjustment_workdays",
        "joint_opinion_months",
        "rehandling_months",
        "rating_workdays",
        "publication_workdays",
        "between_session_assign_workdays",
        "warning_workdays",
        "instruction_days",
        "instruction_complex_months",
        "clearance_month",
        "clearance_day",
    )

    def to_rules(self) -> deadlines.Rules:
        return deadlines.Rules(**{name: getattr(self, name) for name in self.FIELDS})

    @classmethod
    def rules_for(cls, jurisdiction_id: int) -> deadlines.Rules:
        found = cls.objects.filter(jurisdiction_id=jurisdiction_id).first()
        return found.to_rules() if found else deadlines.Rules()


class CategoryQuerySet(models.QuerySet["Category"]):
    def visible_to(self, user: Person) -> CategoryQuerySet:
        """The category trees of the jurisdictions this person may see."""
        from minsheng.people import permissions

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(jurisdiction_id__in=permissions.jurisdiction_ids(user))


class Category(models.Model):
    """The editable category tree of suggestions (e.g. 交通运输 › 农村公路)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.CASCADE, related_name="categories", verbose_name=_("jurisdiction")
    )
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["jurisdiction", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "parent", "name"], name="category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class NumberSeries(models.Model):
    """The last number given in one series, locked while the next is taken: gapless, unique."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="number_series")
    series = models.CharField(max_length=10)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "series"], name="number_series_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.series} {self.last_number}"


class DeclineReason(models.TextChoices):
    """What is not accepted as a suggestion (DOMAIN.md §2)."""

    PERSONAL = "personal", _("The deputy's or relatives' personal matter")
    LITIGATION = "litigation", _("A matter in litigation or arbitration")
    COMPLAINT = "complaint", _("A report, appeal or accusation")
    RELAYED = "relayed", _("A relayed letter or visit from the public")
    ACADEMIC = "academic", _("Academic discussion, advertising or product promotion")
    NO_CONTENT = "no_content", _("No concrete content")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the region's or organs' powers")
    UNLAWFUL = "unlawful", _("Breaks the law")
    OTHER = "other", _("Other reason (explained in the note)")


class WarningColour(models.TextChoices):
    """The reply clock's light for a suggestion in handling (none once it stops running)."""

    NONE = "none", _("No warning")
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


def in_handling_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": IN_HANDLING_STATES})


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """In handling and past its reply due date (the due day itself is still in time)."""
    return in_handling_q(prefix) & Q(**{f"{prefix}reply_due__lt": today})


def warning_q(colour: str, today: datetime.date, prefix: str = "") -> Q:
    """The rows whose `Suggestion.warning(today)` is `colour`, from the stored dates.

    `prefix` lets a query on another model ask about its suggestion ("suggestion__")."""
    p = prefix
    if colour == WarningColour.RED:
        return overdue_q(today, p)
    running = in_handling_q(p) & Q(**{f"{p}reply_due__gte": today})
    if colour == WarningColour.YELLOW:
        return running & Q(**{f"{p}warn_from__lte": today})
    if colour == WarningColour.GREEN:
        return running & (Q(**{f"{p}warn_from__isnull": True}) | Q(**{f"{p}warn_from__gt": today}))
    if colour == WarningColour.NONE:
        return ~in_handling_q(p) | Q(**{f"{p}reply_due__isnull": True})
    raise ValueError(f"unknown warning colour {colour!r}")


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    """The query vocabulary of suggestions: every list, panel, export and the API speak it."""

    def visible_to(self, user: Person) -> SuggestionQuerySet:
        from minsheng.suggestions.permissions import visible_filter

        # visible_filter is made of EXISTS subqueries: no join repeats a row, so no DISTINCT.
        return self.filter(visible_filter(user))

    def in_handling(self) -> SuggestionQuerySet:
        return self.filter(in_handling_q())

    def open(self) -> SuggestionQuerySet:
        """Registered or in handling: on the office's desk."""
        return self.filter(state__in=Suggestion.OPEN_STATES)

    def overdue(self, today: datetime.date) -> SuggestionQuerySet:
        return self.filter(overdue_q(today))

    def warning(self, colour: str, today: datetime.date) -> SuggestionQuerySet:
        return self.filter(warning_q(colour, today))

    def due_for_unit(self, unit_ids: Any) -> SuggestionQuerySet:
        """In handling with an active assignment of one of these units: what they must answer."""
        active = Assignment.objects.filter(
            suggestion=models.OuterRef("pk"), unit_id__in=unit_ids
        ).exclude(state=Assignment.State.CANCELLED)
        return self.in_handling().filter(models.Exists(active))

    def assigned_to(self, unit_id: Any) -> SuggestionQuerySet:
        """With an active (not cancelled) assignment of this unit, in any state."""
        active = Assignment.objects.filter(suggestion=models.OuterRef("pk"), unit_id=unit_id)
        return self.filter(models.Exists(active.exclude(state=Assignment.State.CANCELLED)))

    def with_number(self, text: str) -> SuggestionQuerySet:
        """The suggestions a typed number (第0012号, 闭第3号, 12) names; none if it is no number."""
        parsed = parse_number(text)
        return self.filter(parsed.q()) if parsed else self.none()

    def uncertain_due(self) -> SuggestionQuerySet:
        """In handling with a reply due date in a year whose calendar is not entered."""
        return self.in_handling().filter(reply_due_uncertain=True)


class Suggestion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        HANDLING = "handling", _("Being handled")
        ANSWERED = "answered", _("Answered")
        REHANDLING = "rehandling", _("Re-handling")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged")

    class Source(models.TextChoices):
        IN_SESSION = "in_session", _("During the session")
        BETWEEN_SESSIONS = "between_sessions", _("Between sessions")
        FROM_PROPOSAL = "from_proposal", _("Converted from a proposal")

    # "In handling": assigned to units and not yet answered (the reply clock runs). The one
    # definition every list, count, warning and rule uses, through the queryset methods.
    IN_HANDLING = (State.ASSIGNED, State.HANDLING, State.REHANDLING)
    OPEN_STATES = (State.REGISTERED, *IN_HANDLING)

    jurisdiction = models.ForeignKey(
        Jurisdiction, models.PROTECT, related_name="suggestions", verbose_name=_("jurisdiction")
    )
    session = models.ForeignKey(
        Session, models.PROTECT, related_name="suggestions", verbose_name=_("session")
    )
    series = models.CharField(_("number series"), max_length=10, default="S")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"))
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.IN_SESSION
    )
    lead_deputy = models.ForeignKey(
        Deputy, models.PROTECT, related_name="led_suggestions", verbose_name=_("lead deputy")
    )
    created_by = models.ForeignKey(
        User, models.PROTECT, related_name="created_suggestions", verbose_name=_("created by")
    )
    is_complex = models.BooleanField(_("complex"), default=False)
    is_key = models.BooleanField(_("key suggestion"), default=False)
    is_confidential = models.BooleanField(_("confidential (涉密)"), default=False)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_suggestions",
        verbose_name=_("merged into"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    version = models.PositiveIntegerField(default=0, editable=False)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    state_note = models.TextField(_("note on the last decision"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Stored deadline results (deadlines.py): "what is due" is one indexed query.
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    assign_due_uncertain = models.BooleanField(
        _("assignment date in an unknown calendar year"), default=False
    )
    reply_due = models.DateField(_("reply due"), null=True, blank=True, db_index=True)
    reply_due_uncertain = models.BooleanField(
        _("due date in an unknown calendar year"), default=False
    )
    warn_from = models.DateField(_("yellow warning from"), null=True, blank=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    # The suggestion's timeline; `Event.objects.filter(suggestion=…)` works through it too.
    events = GenericRelation(
        "audit.Event",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="suggestion",
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "series", "number"], name="suggestion_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
                name="suggestion_merged_has_target",
            ),
            # Registering gives the number; only what was never registered (a merge or a term's
            # end straight from submitted, a withdrawal, a decline) may be closed without one.
            models.CheckConstraint(
                condition=~Q(
                    state__in=["registered", "assigned", "handling", "answered", "rehandling"]
                )
                | Q(number__isnull=False, registered_at__isnull=False),
                name="suggestion_registered_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="suggestion_declined_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "reply_due"], name="sugg_due_idx"),
            models.Index(fields=["jurisdiction", "state", "warn_from"], name="sugg_warn_idx"),
            models.Index(fields=["session", "series", "number"], name="sugg_number_idx"),
            # Behind the lists' sorts (filters.SORTS; every order ends on the primary key).
            models.Index(fields=["created_at", "id"], name="sugg_created_idx"),
            models.Index(fields=["series", "number", "id"], name="sugg_series_number_idx"),
            # A period's submissions (hot topics, the dashboards' time series).
            models.Index(fields=["jurisdiction", "submitted_at"], name="sugg_submitted_idx"),
            # The staff banner's count of due dates in a year whose calendar is not entered: a
            # partial index (a boolean filter is written as the bare column, which no index
            # can seek), covering so that SQLite prefers it to sugg_visible_idx.
            models.Index(
                fields=["jurisdiction", "state", "reply_due_uncertain"],
                condition=Q(reply_due_uncertain=True),
                name="sugg_uncertain_idx",
            ),
            # Every column visible_filter reads for a broad grant (staff, supervisors) and the ties
            # it tests after it (lead deputy, author): a count of what someone
            # may see reads this index, not the wide rows (the body).
            models.Index(
                fields=[
                    "jurisdiction",
                    "state",
                    "lead_deputy",
                    "created_by",
                    # A supervisor's grant reads these two as well (permissions.visible_filter).
                    "is_confidential",
                    "registered_at",
                ],
                name="sugg_visible_idx",
            ),
            # The warning lights (supervision/lights.py, the overview): the state and clocks,
            # the numbers (the overdue list's order) and the columns a broad grant's
            # visibility reads, so the board's grouped counts and the overview's tiles read
            # this index, not the wide rows. Not a partial index of the rows in handling:
            # SQLite cannot match `state IN (?, ?, ?)` with bound values to one.
            models.Index(
                fields=[
                    "state",
                    "reply_due",
                    "warn_from",
                    "series",
                    "number",
                    "jurisdiction",
                    "created_by",
                    "lead_deputy",
                    "is_confidential",
                    "registered_at",
                    "session",
                ],
                name="sugg_lights_idx",
            ),
            # "The deputy of a merged suggestion sees the one it was merged into": a person's
            # merged suggestions without reading every row they lead (merges are few).
            models.Index(
                fields=["lead_deputy", "merged_into"],
                condition=Q(merged_into__isnull=False),
                name="sugg_merged_lead_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.title}"

    @property
    def display_number(self) -> str:
        return format_number(self.series, self.number)

    def warning(self, today: datetime.date) -> WarningColour:
        """The reply clock's colour from the stored due dates (no calendar needed); the same
        rule as `warning_q`, which finds the rows of one colour."""
        if self.state not in IN_HANDLING_STATES or self.reply_due is None:
            return WarningColour.NONE
        if today > self.reply_due:
            return WarningColour.RED
        if self.warn_from is not None and today >= self.warn_from:
            return WarningColour.YELLOW
        return WarningColour.GREEN


IN_HANDLING_STATES: tuple[str, ...] = tuple(Suggestion.IN_HANDLING)


class CoSigner(models.Model):
    """A co-signing deputy (附议/联名代表) of a joint suggestion; each confirms."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUSED = "refused", _("Declined to co-sign")

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(Deputy, models.PROTECT, related_name="cosigned")
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_once"),
            models.CheckConstraint(
                condition=Q(state="invited") | Q(answered_at__isnull=False),
                name="cosigner_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class Assignment(models.Model):
    """One unit's part in handling a suggestion (交办)."""

    class Mode(models.TextChoices):
        LEAD = "lead", _("Lead (主办)")
        JOINT = "joint", _("Joint (会办)")
        SEPARATE = "separate", _("Separate (分办)")

    class State(models.TextChoices):
        AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting sign-for")
        SIGNED = "signed", _("Signed for")
        ADJUSTMENT_REQUESTED = "adjustment_requested", _("Adjustment requested")
        REPLIED = "replied", _("Replied")
        CANCELLED = "cancelled", _("Cancelled (moved)")

    ACTIVE_STATES = (
        State.AWAITING_SIGNATURE,
        State.SIGNED,
        State.ADJUSTMENT_REQUESTED,
        State.REPLIED,
    )

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assignments", verbose_name=_("handling unit")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    state = models.CharField(
        _("state"), max_length=22, choices=State.choices, default=State.AWAITING_SIGNATURE
    )
    assigned_on = models.DateField(_("assigned on"))
    assigned_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    sign_due = models.DateField(_("sign for by"))
    sign_due_uncertain = models.BooleanField(default=False)
    adjustment_until = models.DateField(_("adjustment window ends"))
    adjustment_until_uncertain = models.BooleanField(default=False)
    joint_opinion_due = models.DateField(_("joint opinion due"), null=True, blank=True)
    joint_opinion_due_uncertain = models.BooleanField(default=False)
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    signed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Events acted on this assignment (`s.events.filter(assignment=a)`).
    events = GenericRelation(
        "audit.Event",
        content_type_field="part_type",
        object_id_field="part_id",
        related_query_name="assignment",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["suggestion", "mode", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"],
                condition=~Q(state="cancelled"),
                name="assignment_one_active_per_unit",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(mode="lead") & ~Q(state="cancelled"),
                name="assignment_one_lead",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["signed", "replied"]) | Q(signed_at__isnull=False),
                name="assignment_signed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="replied") | Q(replied_at__isnull=False),
                name="assignment_replied_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="assignment_inbox_idx"),
            # The warning board's grouped counts join each suggestion in handling to its
            # answering units: read from this index alone (supervision/lights.py).
            models.Index(
                fields=["suggestion", "unit", "mode", "state"], name="assignment_lights_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_mode_display()}"


class StaffDecidedRequest(models.Model):
    """A unit's request that congress staff decide (adjustment, extension): who asked, who
    decided, when and with what note. The decision values are the subclass's own."""

    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        abstract = True


class AdjustmentRequest(StaffDecidedRequest):
    """A unit's request to be relieved of (or moved from) an assignment; staff decide."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        KEPT = "kept", _("Kept with the unit")
        MOVED = "moved", _("Moved to another unit")

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="adjustment_requests")
    reason = models.TextField(_("reason"))
    proposed_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed unit"),
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)

    class Meta:
        verbose_name = _("adjustment request")
        verbose_name_plural = _("adjustment requests")
        constraints = [
            # The assignment waits in "adjustment requested" until staff decide: one at a time.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(decision="pending"),
                name="adjustment_one_pending_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="adjustment_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_decision_display()}"


class ContactLog(models.Model):
    """沟通联系: the unit talked with the deputy. A reply without one is refused."""

    class Method(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Face to face")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        SITE_VISIT = "site_visit", _("Site visit")
        MEETING = "meeting", _("Meeting")
        ONLINE = "online", _("Online")

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before handling (办前问需)")
        DURING = "during", _("During handling (办中互商)")
        AFTER = "after", _("After handling (办后问效)")

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="contacts")
    round = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(_("method"), max_length=15, choices=Method.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.BEFORE)
    contacted_on = models.DateField(_("date"))
    people = models.CharField(_("people present"), max_length=200)
    summary = models.TextField(_("summary"))
    logged_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact log")
        verbose_name_plural = _("contact logs")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_method_display()}"


class JointOpinion(models.Model):
    """会办意见: a joint unit's written opinion to the lead unit."""

    assignment = models.OneToOneField(Assignment, models.CASCADE, related_name="joint_opinion")
    text = models.TextField(_("opinion"))
    submitted_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint opinion")
        verbose_name_plural = _("joint opinions")

    def __str__(self) -> str:
        return str(self.assignment)


class ExtensionRequest(StaffDecidedRequest):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="extension_requests")
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="extension_requests")
    requested_until = models.DateField(_("extend to"))
    reason = models.TextField(_("reason"))
    deputy_told = models.BooleanField(_("the deputy has been told why"), default=False)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # One due date per suggestion, so one extension waits for a decision at a time.
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(decision="pending"),
                name="extension_one_pending_per_suggestion",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="extension_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.requested_until}"


class Reply(models.Model):
    """A unit's reply letter in one round (答复)."""

    class Category(models.TextChoices):
        A = "A", _("A · solved or basically solved")
        B = "B", _("B · being solved or planned")
        C = "C", _("C · to be solved later (conditions do not allow now)")
        D = "D", _("D · kept for reference")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Signed and sent")

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    category = models.CharField(_("result category"), max_length=1, choices=Category.choices)
    text = models.TextField(_("reply text"))
    plan = models.TextField(_("plan and steps (B)"), blank=True)
    target_date = models.DateField(_("target date (B)"), null=True, blank=True)
    contact_leader = models.CharField(_("responsible leader"), max_length=50)
    contact_leader_phone = models.CharField(_("leader's phone"), max_length=30)
    case_officer = models.CharField(_("case officer"), max_length=50)
    case_officer_phone = models.CharField(_("case officer's phone"), max_length=30)
    # 发文字号, e.g. 江交函〔2026〕12号: the unit's own register; printed on the letter.
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    # The reply norms (答复规范, DOMAIN §3): the unit's reasons where a finding of the checker
    # does not apply, and the findings as they stood when the head signed (null: signed before
    # the checker, or not checked). Written by the insight app's hook; the workflow reads neither.
    norm_justification = models.TextField(_("why a reply-norm finding does not apply"), blank=True)
    norm_check = models.JSONField(_("reply-norm check at signing"), null=True, blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    rating_due = models.DateField(_("rating window ends"), null=True, blank=True, db_index=True)
    rating_due_uncertain = models.BooleanField(
        _("rating window ends in an unknown calendar year"), default=False
    )
    publication_due = models.DateField(_("publish by"), null=True, blank=True)
    publication_due_uncertain = models.BooleanField(
        _("publication date in an unknown calendar year"), default=False
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "round"], name="reply_one_per_assignment_round"
            ),
            models.CheckConstraint(
                condition=~Q(category="B") | ~Q(plan="") | Q(state="draft"),
                name="reply_b_has_plan",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sent_at__isnull=False, signed_by__isnull=False),
                name="reply_sent_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion.display_number} · {self.assignment.unit} · {self.category}"


class Rating(models.Model):
    """The lead deputy's rating of a sent reply; 'not rated' when the window passes."""

    class Overall(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied (满意)")
        BASICALLY = "basically", _("Basically satisfied (基本满意)")
        UNSATISFIED = "unsatisfied", _("Unsatisfied (不满意)")
        NOT_RATED = "not_rated", _("Not rated (window passed)")

    RATED = (Overall.SATISFIED, Overall.BASICALLY, Overall.UNSATISFIED)
    PART_CHOICES = [(k, v) for k, v in Overall.choices if k != "not_rated"]

    reply = models.OneToOneField(Reply, models.CASCADE, related_name="rating")
    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(default=1)
    overall = models.CharField(_("overall"), max_length=12, choices=Overall.choices)
    process = models.CharField(
        _("handling process"), max_length=12, choices=PART_CHOICES, blank=True
    )
    result = models.CharField(_("result"), max_length=12, choices=PART_CHOICES, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    rated_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(overall="unsatisfied") | ~Q(reasons=""),
                name="rating_unsatisfied_has_reasons",
            ),
            models.CheckConstraint(
                condition=Q(overall="not_rated") | Q(rated_by__isnull=False),
                name="rating_rated_has_rater",
            ),
        ]

    def __str__(self) -> str:
        return self.get_overall_display()


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.suggestion_id}/{filename}"


class Attachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class SubmissionKey(models.Model):
    """One creation per key: the one-time token of a new-suggestion form, or an API client's
    `Idempotency-Key`. The unique constraint is the guarantee: a second post of the same key
    waits for the first one's transaction and then fails to insert, so two concurrent posts
    cannot both create (see `minsheng/suggestions/idempotency.py`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # "form:<token>", or "api:<endpoint>:<Idempotency-Key>" (up to 64 characters).
    key = models.CharField(max_length=160)
    # For the API: a hash of the request body, so a key reused for another body is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What another API create made under this key (a key item, a supervision record…): the
    # same guarantee for every create endpoint, without this app knowing their models.
    created_type = models.ForeignKey(
        "contenttypes.ContentType", models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")
        ]

    def __str__(self) -> str:
        return self.key
