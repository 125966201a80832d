"""All API routes under /api/v1/. Each app adds its routes through its ``api_urls.py``."""

from __future__ import annotations

from django.urls import include, path

from bti import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("", include("cases.api_urls")),
    path("", include("handlingsveileder.api_urls")),
    path("", include("samarbeid.api_urls")),
    path("", include("oversikt.api_urls")),
    path("", include("consent.api_urls")),
    path("", include("kommuneadmin.api_urls")),
    path("", include("samordning.api_urls")),
    path("", include("undersokelse.api_urls")),
    path("", include("implementering.api_urls")),
    path("", include("arkiv.api_urls")),
    path("", include("familie.api_urls")),
]
