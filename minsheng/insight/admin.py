"""Administration of the routing table: every change is kept, with before, after and who."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.insight.models import RoutingFeedback, RoutingRule, RoutingRuleChange
from minsheng.suggestions.admin import SuperuserReadOnlyAdmin


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["jurisdiction", "category", "region", "lead_unit", "joint_units", "pinned"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        jurisdiction = data.get("jurisdiction")
        category, lead = data.get("category"), data.get("lead_unit")
        joint = list(data.get("joint_units") or [])
        if jurisdiction is None:
            return data
        if category is not None and category.jurisdiction_id != jurisdiction.pk:
            self.add_error("category", gettext("The category belongs to another congress."))
        for field, units in (("lead_unit", [lead] if lead else []), ("joint_units", joint)):
            for unit in units:
                if unit.jurisdiction_id != jurisdiction.pk or not unit.is_handling_unit:
                    self.add_error(
                        field,
                        gettext("%(unit)s is not a handling unit of this congress.")
                        % {"unit": unit},
                    )
        if lead is not None and lead in joint:
            self.add_error("joint_units", gettext("The lead unit cannot also be a joint unit."))
        return data


class RoutingRuleChangeInline(admin.TabularInline):
    model = RoutingRuleChange
    fk_name = "rule"
    extra = 0
    can_delete = False
    fields = ["changed_at", "change", "changed_by", "before_text", "after_text"]
    readonly_fields = ("changed_at", "change", "changed_by", "before_text", "after_text")
    ordering = ["-changed_at", "-id"]
    verbose_name_plural = _("history of this rule")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("before"))
    def before_text(self, obj: RoutingRuleChange) -> str:
        return snapshot_text(obj.before)

    @admin.display(description=_("after"))
    def after_text(self, obj: RoutingRuleChange) -> str:
        return snapshot_text(obj.after)


def snapshot_text(snapshot: dict[str, Any] | None) -> str:
    if not snapshot:
        return "—"
    joint = gettext(", ").join(snapshot.get("joint_units") or []) or "—"
    region = snapshot.get("region") or gettext("whole jurisdiction")
    return gettext("%(category)s (%(region)s): lead %(lead)s; joint %(joint)s") % {
        "category": snapshot.get("category"),
        "region": region,
        "lead": snapshot.get("lead_unit"),
        "joint": joint,
    }


def record_routing_change(
    rule: RoutingRule,
    *,
    by: Any,
    change: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> RoutingRuleChange | None:
    """Append one row to the routing table's history (nothing when nothing changed)."""
    if change == "changed" and before == after:
        return None
    return RoutingRuleChange.objects.create(
        rule=rule if change != "deleted" else None,
        jurisdiction_id=rule.jurisdiction_id,
        changed_by=by if getattr(by, "pk", None) else None,
        change=change,
        before=before,
        after=after,
    )


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = [
        "category",
        "region",
        "lead_unit",
        "joint_list",
        "pinned",
        "jurisdiction",
        "updated_at",
    ]
    list_filter = ["jurisdiction", ("lead_unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["category__name", "category__parent__name", "region", "lead_unit__name"]
    list_select_related = ["category__parent", "lead_unit", "jurisdiction"]
    autocomplete_fields = ["category", "lead_unit", "joint_units"]
    readonly_fields = ["updated_at"]
    inlines = [RoutingRuleChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoutingRule]:
        return super().get_queryset(request).prefetch_related("joint_units")

    @admin.display(description=_("default joint units"))
    def joint_list(self, obj: RoutingRule) -> str:
        return gettext(", ").join(str(u) for u in obj.joint_units.all()) or "—"

    def save_model(self, request: HttpRequest, obj: RoutingRule, form: Any, change: bool) -> None:
        # The joint units are saved later (save_related), so the snapshots are taken around both.
        obj._before_snapshot = (  # type: ignore[attr-defined]
            RoutingRule.objects.get(pk=obj.pk).snapshot() if change and obj.pk else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rule = form.instance
        record_routing_change(
            rule,
            by=request.user,
            change="changed" if change else "created",
            before=getattr(rule, "_before_snapshot", None),
            after=rule.snapshot(),
        )

    def delete_model(self, request: HttpRequest, obj: RoutingRule) -> None:
        before = obj.snapshot()
        super().delete_model(request, obj)
        record_routing_change(obj, by=request.user, change="deleted", before=before, after=None)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoutingRule]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)


@admin.register(RoutingRuleChange)
class RoutingRuleChangeAdmin(admin.ModelAdmin):
    list_display = [
        "changed_at",
        "jurisdiction",
        "change",
        "rule",
        "changed_by",
        "before_text",
        "after_text",
    ]
    list_filter = ["jurisdiction", "change"]
    search_fields = ["rule__category__name", "changed_by__real_name", "changed_by__username"]
    list_select_related = ["jurisdiction", "changed_by", "rule__category", "rule__lead_unit"]
    date_hierarchy = "changed_at"

    # The history is append-only: browse only, so no bulk action either.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("before"))
    def before_text(self, obj: RoutingRuleChange) -> str:
        return snapshot_text(obj.before)

    @admin.display(description=_("after"))
    def after_text(self, obj: RoutingRuleChange) -> str:
        return snapshot_text(obj.after)


@admin.register(RoutingFeedback)
class RoutingFeedbackAdmin(SuperuserReadOnlyAdmin):
    """What staff chose against each proposal (the accuracy in use and the next training's
    examples): browse-only, written by the assignment itself."""

    list_display = [
        "suggestion",
        "source",
        "proposed_unit",
        "chosen_unit",
        "accepted",
        "in_top3",
        "at",
    ]
    list_filter = ["source", "accepted", "in_top3", "jurisdiction"]
    search_fields = ["suggestion__title"]
    list_select_related = ["suggestion", "proposed_unit", "chosen_unit"]
