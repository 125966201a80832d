"""Admin site whose every view needs recent authentication (``require_recent_auth``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from bti.security.stepup import require_recent_auth


class SteppedUpAdminSite(admin.AdminSite):
    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        return super().admin_view(require_recent_auth(view), cacheable)
