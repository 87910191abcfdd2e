from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import (
    ApiToken,
    Deputy,
    Jurisdiction,
    Organisation,
    Role,
    Session,
    Term,
    User,
)

admin.site.site_header = _("Minsheng administration")
admin.site.site_title = _("Minsheng")


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "real_name", "mobile", "jurisdiction", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "jurisdiction", "roles__kind"]
    search_fields = ["username", "real_name", "mobile"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        (_("Minsheng"), {"fields": ["real_name", "mobile", "phone", "jurisdiction", "language"]}),
    ]
    inlines = [RoleInline]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "jurisdiction",
        "parent",
        "counterpart_committee",
        "is_handling_unit",
        "is_active",
    ]
    list_filter = ["jurisdiction", "kind", "is_handling_unit", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "counterpart_committee"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "number", "start_date", "end_date", "is_current"]
    list_filter = ["jurisdiction", "is_current"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "number", "start_date", "end_date"]
    list_filter = ["term__jurisdiction"]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["user", "term", "delegation", "constituency", "occupation", "is_active"]
    list_filter = ["term", "delegation", "is_active"]
    search_fields = ["user__real_name", "user__username", "occupation"]
    autocomplete_fields = ["user", "delegation"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "jurisdiction", "organisation", "supervisor_tier", "is_active"]
    list_filter = ["kind", "jurisdiction", "supervisor_tier", "is_active"]
    search_fields = ["user__real_name", "user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "hint", "created_at", "last_used_at"]
    search_fields = ["user__username", "name"]
    readonly_fields = ["hint", "created_at", "last_used_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Tokens are issued on the settings page or by `minsheng api_token`, which show the
        # secret once; an admin form could not.
        return False
