"""Administration of micro-wishes: browse-only for the superuser (a wish changes through its
page's actions; the wisher's contact details are shown to the operator as to staff)."""

from __future__ import annotations

from django.contrib import admin

from minsheng.suggestions.admin import SuperuserReadOnlyAdmin
from minsheng.wishes.models import Wish


@admin.register(Wish)
class WishAdmin(SuperuserReadOnlyAdmin):
    list_display = ["title", "community", "state", "posted_at", "claimed_by"]
    list_filter = ["state", "jurisdiction"]
    search_fields = ["title", "description"]
    list_select_related = ["community", "claimed_by"]
