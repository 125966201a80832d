"""System administrators grant edit rights on a guide here («Objekttillatelser», django-guardian).
The content itself is edited in the app's own editor, which keeps published versions immutable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from handlingsveileder.models import Handlingsveileder, LevelLabel


@admin.register(Handlingsveileder)
class HandlingsveilederAdmin(GuardedModelAdmin):
    list_display = ["name", "service", "category", "kommune"]
    list_filter = ["kommune", "category"]
    readonly_fields = ["kommune", "service"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LevelLabel)
class LevelLabelAdmin(admin.ModelAdmin[LevelLabel]):
    list_display = ["kommune", "level", "label"]
    list_filter = ["kommune"]
