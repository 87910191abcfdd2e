"""The delivery log and the inbox, read in the admin (what was sent, to whom, with what result)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.notifications.models import Delivery, Notification, Preference, RecordedMessage


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "last_error", "next_try_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "recipient__real_name")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "suggestion")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("created_at", "channel", "status", "attempts", "next_try_at", "last_error")
    list_filter = ("status", "channel")
    raw_id_fields = ("notification",)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "digest", "updated_at")
    raw_id_fields = ("user",)


@admin.register(RecordedMessage)
class RecordedMessageAdmin(ReadOnly):
    list_display = ("created_at", "channel", "to", "text")
    list_filter = ("channel",)
