"""The whole log, browse only, for administrators (each app shows its own records' events
inline, scoped to what the person may see)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from minsheng.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "subject_type",
        "subject_id",
        "action",
        "from_state",
        "to_state",
        "actor",
        "seq",
    ]
    list_filter = ["subject_type", "action"]
    search_fields = ["note", "actor__real_name", "actor__username", "=subject_id", "=hash"]
    list_select_related = ["subject_type", "actor"]
    date_hierarchy = "at"
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        qs = super().get_queryset(request)
        # The log spans every jurisdiction and kind of record: administrators only.
        return qs if getattr(request.user, "is_superuser", False) else qs.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
