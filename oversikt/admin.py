"""Admin for what a system administrator sets up: the kommune's follow-up limits.
Notifications and alarms are listed read-only (they name cases by number only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oversikt.models import Alarm, FollowUpSettings


@admin.register(FollowUpSettings)
class FollowUpSettingsAdmin(admin.ModelAdmin[FollowUpSettings]):
    list_display = ["kommune", "level", "inactivity_days", "handover_days", "leader_grace_days"]
    list_filter = ["kommune"]


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin[Alarm]):
    list_display = ["key", "rule", "kommune", "detected_at", "leader_notified_at", "resolved_at"]
    list_filter = ["kommune", "rule"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
