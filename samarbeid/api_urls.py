"""API routes of samarbeid, included under /api/v1/ by bti/api_urls.py."""

from __future__ import annotations

from django.urls import path

from samarbeid import api

urlpatterns = [
    path("saker/<int:case_id>/mal/", api.GoalsApi.as_view(), name="api-goals"),
    path("saker/<int:case_id>/tiltak/", api.MeasuresApi.as_view(), name="api-measures"),
    path(
        "saker/<int:case_id>/tiltak/<int:measure_id>/status/", api.MeasureStatusApi.as_view(), name="api-measure-status"
    ),
    path(
        "saker/<int:case_id>/tiltak/<int:measure_id>/evalueringer/",
        api.EvaluationsApi.as_view(),
        name="api-evaluations",
    ),
    path("saker/<int:case_id>/moter/", api.MeetingsApi.as_view(), name="api-meetings"),
    path(
        "saker/<int:case_id>/moter/<int:meeting_id>/referat/",
        api.MeetingReferatApi.as_view(),
        name="api-meeting-referat",
    ),
    path("saker/<int:case_id>/overganger/", api.TransitionsApi.as_view(), name="api-transitions"),
    path(
        "saker/<int:case_id>/overganger/<int:transition_id>/godta/",
        api.TransitionAnswerApi.as_view(),
        {"answer": "godta"},
        name="api-transition-accept",
    ),
    path(
        "saker/<int:case_id>/overganger/<int:transition_id>/avslaa/",
        api.TransitionAnswerApi.as_view(),
        {"answer": "avslaa"},
        name="api-transition-decline",
    ),
    path("saker/<int:case_id>/utskrifter/", api.PdfJobsApi.as_view(), name="api-pdf-jobs"),
    path("utskrifter/<int:job_id>/", api.PdfJobApi.as_view(), name="api-pdf-job"),
    path("utskrifter/<int:job_id>/pdf/", api.PdfJobDownloadApi.as_view(), name="api-pdf-job-download"),
    path("tiltaksoversikt/", api.CatalogueApi.as_view(), name="api-catalogue"),
]
