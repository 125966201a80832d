from __future__ import annotations

from django.urls import path

from arkiv import api

urlpatterns = [
    path("cases/<int:case_id>/lagring/", api.CaseStorageView.as_view(), name="api-case-storage"),
    path("kommune/oppbevaring/", api.RetentionView.as_view(), name="api-arkiv-retention"),
    path(
        "kommune/oppbevaring/<int:service_id>/", api.RetentionServiceView.as_view(), name="api-arkiv-retention-service"
    ),
]
