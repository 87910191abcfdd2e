"""Administration of the suggestions app.

Administrators edit the configuration here: rule sets and the category tree (the routing table
is in `minsheng/insight/admin.py`, the working-day calendar in `minsheng/workcalendar/admin.py`).
Suggestions and everything that happens to them are browse-only: a state changes only through
`workflow.py`, so no admin form, inline or bulk action may write one (CONVENTIONS habit 1).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.audit.models import Event
from minsheng.people.models import User
from minsheng.suggestions import signals, workflow
from minsheng.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Category,
    ContactLog,
    ExtensionRequest,
    JointOpinion,
    Rating,
    Reply,
    RuleSet,
    Suggestion,
)

# --- configuration ------------------------------------------------------------------------------


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["jurisdiction", *RuleSet.FIELDS]
        help_texts = {
            "reply_months": _("Natural months from assignment to the reply. Common practice: 3."),
            "reply_cap_months": _(
                "How far an approved extension may reach, in months from assignment. The law "
                "allows up to 6."
            ),
            "sign_days": _("Natural days a unit has to sign for an assignment. Common: 7."),
            "adjustment_workdays": _(
                "Working days after assignment in which a unit may ask for adjustment; a later "
                "request is not adjusted. Places use 3, 7 or 10."
            ),
            "joint_opinion_months": _(
                "Months a joint unit has to send its opinion to the lead unit. Common: 1."
            ),
            "rehandling_months": _(
                "Months to answer again after an unsatisfied rating. Places use half a month to "
                "2 months; common: 1."
            ),
            "rating_workdays": _(
                "Working days the deputy has to rate a reply; afterwards it is recorded as not "
                "rated, never as satisfied. Common: 20."
            ),
            "publication_workdays": _(
                "Working days after a reply within which it is published. Common: 20."
            ),
            "between_session_assign_workdays": _(
                "Working days to assign a suggestion made between sessions. Common: 5."
            ),
            "warning_workdays": _(
                "The yellow warning shows this many working days before a due date. Common: 5."
            ),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A zero limit would make every item overdue at once (deadlines.Rules refuses it).
        for name in RuleSet.FIELDS:
            value = data.get(name)
            if value is not None and value < 1:
                self.add_error(name, gettext("Enter at least 1."))
        return data


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = [
        "jurisdiction",
        "reply_months",
        "reply_cap_months",
        "sign_days",
        "adjustment_workdays",
        "rating_workdays",
        "rehandling_months",
        "warning_workdays",
        "updated_at",
    ]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["jurisdiction"]}),
        (
            _("Replying"),
            {
                "fields": [
                    "reply_months",
                    "reply_cap_months",
                    "rehandling_months",
                    "warning_workdays",
                ]
            },
        ),
        (
            _("Assignment"),
            {
                "fields": [
                    "between_session_assign_workdays",
                    "sign_days",
                    "adjustment_workdays",
                    "joint_opinion_months",
                ]
            },
        ),
        (_("After the reply"), {"fields": ["rating_workdays", "publication_workdays"]}),
        (
            _("Supervision (the “710” rule)"),
            {
                "fields": [
                    "instruction_days",
                    "instruction_complex_months",
                    "clearance_month",
                    "clearance_day",
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]
    actions = ["recompute_now"]

    def save_model(self, request: HttpRequest, obj: RuleSet, form: Any, change: bool) -> None:
        with signals.acting(request.user):
            super().save_model(request, obj, form, change)
        self.message_user(
            request, gettext("Open suggestions' due dates will be recomputed with these rules.")
        )

    def delete_model(self, request: HttpRequest, obj: RuleSet) -> None:
        with signals.acting(request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        with signals.acting(request.user):
            for obj in queryset:
                obj.delete()

    @admin.action(description=_("Recompute open items' due dates now"), permissions=["change"])
    def recompute_now(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        by = request.user if isinstance(request.user, User) else None
        changed = 0
        for rule_set in queryset:
            changed += workflow.recompute_due_dates(rule_set.jurisdiction_id, by=by)
        self.message_user(
            request,
            gettext("Due dates changed on %(count)s open suggestions.") % {"count": changed},
        )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["jurisdiction", "name", "parent", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parent, jurisdiction = data.get("parent"), data.get("jurisdiction")
        if parent is None or jurisdiction is None:
            return data
        if parent.jurisdiction_id != jurisdiction.pk:
            self.add_error("parent", gettext("The parent category belongs to another congress."))
            return data
        node: Category | None = parent
        while node is not None:
            if self.instance.pk and node.pk == self.instance.pk:
                self.add_error("parent", gettext("A category cannot be placed under itself."))
                break
            node = node.parent
        return data


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["__str__", "parent", "jurisdiction", "sort_order", "is_active", "used"]
    list_filter = ["jurisdiction", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent", "jurisdiction"]
    autocomplete_fields = ["parent"]
    ordering = ["jurisdiction", "parent__sort_order", "parent__name", "sort_order", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(n_suggestions=Count("suggestions"))

    @admin.display(description=_("suggestions"), ordering="n_suggestions")
    def used(self, obj: Any) -> int:
        return int(obj.n_suggestions)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only: no add, change or delete, and so no bulk action either."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserReadOnlyAdmin(ReadOnlyAdmin):
    """Browse only, for the superuser alone: the other apps' records (ledgers, supervision,
    micro-wishes, publication) are read and changed on their own pages, where every row is
    checked per person; the admin is the operator's window on them, not a second way in."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- suggestions and their record: browse only -------------------------------------------------


def visible_suggestions(request: HttpRequest) -> QuerySet[Suggestion]:
    return Suggestion.objects.visible_to(request.user)


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Rows of suggestions the person may see (an administrator sees everything)."""

    suggestion_path = "suggestion"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return qs
        ids = visible_suggestions(request).values("pk")
        return qs.filter(**{f"{self.suggestion_path}__in": ids})


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "mode", "state", "assigned_on", "sign_due", "signed_at", "replied_at"]
    readonly_fields = (
        "unit",
        "mode",
        "state",
        "assigned_on",
        "sign_due",
        "signed_at",
        "replied_at",
    )


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ["round", "assignment", "category", "state", "sent_at", "rating_due"]
    readonly_fields = ("round", "assignment", "category", "state", "sent_at", "rating_due")


class EventInline(GenericTabularInline):
    model = Event
    ct_field = "subject_type"
    ct_fk_field = "subject_id"
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["at", "action", "from_state", "to_state", "actor", "note"]
    readonly_fields = ("at", "action", "from_state", "to_state", "actor", "note")
    ordering = ["at", "id"]
    verbose_name_plural = _("timeline")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ScopedReadOnlyAdmin):
    suggestion_path = "pk"
    list_display = [
        "number_label",
        "title",
        "state",
        "jurisdiction",
        "session",
        "lead_deputy",
        "reply_due",
        "is_key",
    ]
    list_filter = [
        "state",
        "jurisdiction",
        "session",
        "source",
        "is_key",
        "is_complex",
        "is_confidential",
        "reply_due_uncertain",
    ]
    search_fields = ["title", "body", "lead_deputy__user__real_name", "=number"]
    list_select_related = ["jurisdiction", "session", "lead_deputy__user"]
    date_hierarchy = "created_at"
    inlines = [AssignmentInline, ReplyInline, EventInline]

    @admin.display(description=_("number"), ordering="number")
    def number_label(self, obj: Suggestion) -> str:
        return obj.display_number or "—"


@admin.register(Assignment)
class AssignmentAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "suggestion",
        "unit",
        "mode",
        "state",
        "assigned_on",
        "sign_due",
        "signed_at",
        "replied_at",
    ]
    list_filter = ["state", "mode", "suggestion__jurisdiction"]
    search_fields = ["suggestion__title", "unit__name"]
    list_select_related = ["suggestion", "unit"]


@admin.register(Reply)
class ReplyAdmin(ScopedReadOnlyAdmin):
    list_display = ["suggestion", "unit", "round", "category", "state", "sent_at", "rating_due"]
    list_filter = ["category", "state", "round", "suggestion__jurisdiction"]
    search_fields = ["suggestion__title", "assignment__unit__name", "text"]
    list_select_related = ["suggestion", "assignment__unit"]
    exclude = ["assignment"]
    readonly_fields = ["unit"]

    @admin.display(description=_("handling unit"))
    def unit(self, obj: Reply) -> str:
        return str(obj.assignment.unit)


@admin.register(Rating)
class RatingAdmin(ScopedReadOnlyAdmin):
    list_display = ["suggestion", "round", "overall", "process", "result", "rated_by", "rated_at"]
    list_filter = ["overall", "round", "suggestion__jurisdiction"]
    search_fields = ["suggestion__title", "reasons"]
    list_select_related = ["suggestion", "rated_by"]


@admin.register(ContactLog)
class ContactLogAdmin(ScopedReadOnlyAdmin):
    list_display = ["suggestion", "assignment", "round", "method", "stage", "contacted_on"]
    list_filter = ["method", "stage"]
    search_fields = ["suggestion__title", "summary", "people"]
    list_select_related = ["suggestion", "assignment__unit"]


@admin.register(JointOpinion)
class JointOpinionAdmin(ScopedReadOnlyAdmin):
    suggestion_path = "assignment__suggestion"
    list_display = ["assignment", "submitted_by", "submitted_at"]
    search_fields = ["assignment__suggestion__title", "text"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "suggestion",
        "assignment",
        "requested_until",
        "decision",
        "requested_at",
        "decided_at",
    ]
    list_filter = ["decision"]
    search_fields = ["suggestion__title", "reason"]


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(ScopedReadOnlyAdmin):
    suggestion_path = "assignment__suggestion"
    list_display = ["assignment", "proposed_unit", "decision", "requested_at", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["assignment__suggestion__title", "reason"]
