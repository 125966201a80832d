"""Django admin for the core. Reached only by system administrators (``is_staff``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, KommuneRole, Korus, KorusKommune, KorusMember, Membership, Service, Unit, User

admin.site.site_header = _("BTI-samhandling – systemadministrasjon")
admin.site.site_title = _("BTI-samhandling")


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin[Kommune]):
    list_display = ["name", "number"]
    search_fields = ["name", "number"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "kind", "category", "kommune"]
    list_filter = ["kommune", "kind", "category"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "service", "kommune", "is_active"]
    list_filter = ["kommune", "service__kind", "is_active"]
    search_fields = ["name"]
    exclude = ["kommune"]


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    exclude = ["kommune"]


class KommuneRoleInline(admin.TabularInline[KommuneRole, User]):
    model = KommuneRole
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "kommune", "is_active", "is_staff"]
    list_filter = ["kommune", "is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    inlines = [MembershipInline, KommuneRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "kommune")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "unit", "role", "valid_from", "valid_until"]
    list_filter = ["role", "kommune"]
    exclude = ["kommune"]


# --- Security (issue 8) ------------------------------------------------------------------

from bti.security.models import OidcProvider, SecurityEvent  # noqa: E402


@admin.register(OidcProvider)
class OidcProviderAdmin(admin.ModelAdmin[OidcProvider]):
    list_display = ["name", "kind", "kommune", "issuer", "is_active"]
    list_filter = ["kind", "kommune", "is_active"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    """Read-only: the table is append-only in the database too."""

    list_display = ["at", "kind", "email", "ip", "path"]
    list_filter = ["kind", "kommune"]
    search_fields = ["email"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class KorusKommuneInline(admin.TabularInline[KorusKommune, Korus]):
    model = KorusKommune
    extra = 0


class KorusMemberInline(admin.TabularInline[KorusMember, Korus]):
    model = KorusMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Korus)
class KorusAdmin(admin.ModelAdmin[Korus]):
    list_display = ["name"]
    inlines = [KorusKommuneInline, KorusMemberInline]
