"""Administration of the ledgers: browse-only for the superuser (items, change requests,
supervision teams, rectifications and the vote change through their own pages and actions)."""

from __future__ import annotations

from django.contrib import admin

from minsheng.ledger.models import ChangeRequest, LedgerItem, Rectification, Team, VoteRound
from minsheng.suggestions.admin import SuperuserReadOnlyAdmin


@admin.register(LedgerItem)
class LedgerItemAdmin(SuperuserReadOnlyAdmin):
    list_display = ["title", "kind", "year", "responsible_unit", "source"]
    list_filter = ["kind", "year", "source", "jurisdiction"]
    search_fields = ["title", "description"]
    list_select_related = ["responsible_unit"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SuperuserReadOnlyAdmin):
    list_display = ["item", "state", "requested_by", "requested_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["item", "requested_by"]


@admin.register(Team)
class TeamAdmin(SuperuserReadOnlyAdmin):
    list_display = ["name", "year", "leader", "created_at"]
    list_filter = ["year", "jurisdiction"]
    search_fields = ["name"]
    list_select_related = ["leader"]


@admin.register(Rectification)
class RectificationAdmin(SuperuserReadOnlyAdmin):
    list_display = ["__str__", "owner_unit", "due", "state", "closed_on"]
    list_filter = ["state"]
    search_fields = ["problem", "report"]
    list_select_related = ["owner_unit"]


@admin.register(VoteRound)
class VoteRoundAdmin(SuperuserReadOnlyAdmin):
    list_display = ["title", "year", "state", "opens_at", "closes_at"]
    list_filter = ["state", "year", "jurisdiction"]
    search_fields = ["title"]
