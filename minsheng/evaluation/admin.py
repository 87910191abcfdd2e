"""Configuring schemes in the admin: saving a changed scheme writes its next version (the one
edited stays as the years that use it scored); a definition that cannot be used (weights that do
not add up, an unknown indicator) is a form error with the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from minsheng.evaluation import schemes
from minsheng.evaluation.models import Scheme, StepTemplate, YearScheme


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "style", "jurisdiction", "created_at")
    list_filter = ("jurisdiction", "style", "code")
    readonly_fields = ("version", "created_by", "created_at")
    fields = (
        "jurisdiction",
        "code",
        "version",
        "name",
        "style",
        "definition",
        "description",
        "source",
        "created_by",
        "created_at",
    )

    def save_model(self, request: HttpRequest, obj: Scheme, form: Any, change: bool) -> None:
        user = request.user if request.user.is_authenticated else None
        if not change:
            obj.version = 1 + max(
                Scheme.objects.filter(jurisdiction=obj.jurisdiction, code=obj.code).values_list(
                    "version", flat=True
                ),
                default=0,
            )
            obj.created_by = user  # type: ignore[assignment]
            obj.save()
            return
        old = Scheme.objects.get(pk=obj.pk)
        new = schemes.revise(
            old,
            by=user,  # type: ignore[arg-type]
            name=obj.name,
            style=obj.style,
            definition=obj.definition,
            description=obj.description,
            source=obj.source,
        )
        obj.pk, obj.version = new.pk, new.version
        messages.info(
            request,
            _("Saved as version %(version)s; the years that used version %(old)s keep it.")
            % {"version": new.version, "old": old.version},
        )


@admin.register(YearScheme)
class YearSchemeAdmin(admin.ModelAdmin):
    list_display = ("year", "scheme", "jurisdiction")
    list_filter = ("jurisdiction",)


@admin.register(StepTemplate)
class StepTemplateAdmin(admin.ModelAdmin):
    """The steps a new campaign copies, in order (a campaign's own steps are edited on its
    page; their status changes only through the campaign's actions)."""

    list_display = (
        "position",
        "title",
        "code",
        "owner_organisation",
        "offset_days",
        "duration_days",
        "jurisdiction",
    )
    list_display_links = ("title",)
    list_editable = ("position", "offset_days", "duration_days")
    list_filter = ("jurisdiction",)
    ordering = ("jurisdiction", "position", "pk")
