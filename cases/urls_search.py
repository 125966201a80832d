"""Search (``/sok/``) without a namespace: ``bti/urls.py`` includes it by name, so the
core's urlconf imports no feature app."""

from __future__ import annotations

from django.urls import path

from cases import views_search

urlpatterns = [
    path("sok/", views_search.search, name="search"),
]
