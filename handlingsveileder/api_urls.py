from __future__ import annotations

from django.urls import path

from handlingsveileder import api

urlpatterns = [
    path("handlingsveiledere/", api.GuideListView.as_view(), name="api-hv-list"),
    path("handlingsveiledere/<int:guide_id>/", api.GuideDetailView.as_view(), name="api-hv-guide"),
    path("handlingsveileder-versjoner/<int:version_id>/", api.VersionDetailView.as_view(), name="api-hv-version"),
    path("saker/<int:case_id>/trinn/", api.CaseStepsView.as_view(), name="api-hv-case-steps"),
    path("saker/<int:case_id>/trinn/<int:step_id>/", api.CaseStepActionView.as_view(), name="api-hv-case-step"),
]
