"""The Django admin with step-up: administering users needs a recent second factor."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class SteppedUpAdminConfig(AdminConfig):
    default_site = "bti.security.admin_site.SteppedUpAdminSite"
