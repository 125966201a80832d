"""All API routes under /api/v1/. Each app adds its routes through its ``api.py``."""

from __future__ import annotations

from django.urls import include, path

from bti import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("", include("consent.api_urls")),
]
