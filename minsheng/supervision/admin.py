"""Administration of supervision: the seven tiers' names and duties are configuration (edited
here; their numbers are fixed, a supervisor role names its tier by number); key items,
instructions and supervision records are browse-only (they change through the workflow)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.suggestions.admin import SuperuserReadOnlyAdmin
from minsheng.supervision.models import Instruction, KeyItem, Record, Tier


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "duty"]
    list_display_links = ["name"]
    readonly_fields = ["number"]
    fields = ["number", "name", "duty"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the seven tiers of DOMAIN §5 are loaded by the migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeyItem)
class KeyItemAdmin(SuperuserReadOnlyAdmin):
    list_display = ["title", "year", "kind", "state", "lead_unit", "due"]
    list_filter = ["state", "kind", "year", "jurisdiction"]
    search_fields = ["title", "decision_number"]
    list_select_related = ["lead_unit"]


@admin.register(Instruction)
class InstructionAdmin(SuperuserReadOnlyAdmin):
    list_display = ["__str__", "unit", "issued_on", "due", "state", "responded_at"]
    list_filter = ["state", "is_complex", "jurisdiction"]
    search_fields = ["text", "response", "unit__name"]
    list_select_related = ["unit"]


@admin.register(Record)
class RecordAdmin(SuperuserReadOnlyAdmin):
    list_display = ["__str__", "kind", "channel", "happened_on", "unit", "recorded_by"]
    list_filter = ["kind", "channel", "jurisdiction"]
    search_fields = ["notes", "participants"]
    list_select_related = ["unit", "recorded_by"]
