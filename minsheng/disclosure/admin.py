"""Administration of publication: browse-only for the superuser (review, masking, publishing and
withdrawal happen on the staff pages, /gongkai/staff/, through the one runner)."""

from __future__ import annotations

from django.contrib import admin

from minsheng.disclosure.models import Publication
from minsheng.suggestions.admin import SuperuserReadOnlyAdmin


@admin.register(Publication)
class PublicationAdmin(SuperuserReadOnlyAdmin):
    list_display = ["suggestion", "state", "due", "published_at", "withdrawn_at"]
    list_filter = ["state", "year", "jurisdiction"]
    search_fields = ["suggestion__title"]
    list_select_related = ["suggestion"]
