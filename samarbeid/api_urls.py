"""API routes of samarbeid, included under /api/v1/ by bti/api_urls.py."""

from __future__ import annotations

from django.urls import path

from samarbeid import api

urlpatterns = [
    path("cases/<int:case_id>/goals/", api.GoalsApi.as_view(), name="api-goals"),
    path("cases/<int:case_id>/measures/", api.MeasuresApi.as_view(), name="api-measures"),
    path(
        "cases/<int:case_id>/measures/<int:measure_id>/status/",
        api.MeasureStatusApi.as_view(),
        name="api-measure-status",
    ),
    path(
        "cases/<int:case_id>/measures/<int:measure_id>/evaluations/",
        api.EvaluationsApi.as_view(),
        name="api-evaluations",
    ),
    path("cases/<int:case_id>/meetings/", api.MeetingsApi.as_view(), name="api-meetings"),
    path(
        "cases/<int:case_id>/meetings/<int:meeting_id>/referat/",
        api.MeetingReferatApi.as_view(),
        name="api-meeting-referat",
    ),
    path(
        "cases/<int:case_id>/meetings/<int:meeting_id>/change/",
        api.MeetingChangeApi.as_view(),
        name="api-meeting-change",
    ),
    path(
        "cases/<int:case_id>/meetings/<int:meeting_id>/cancel/",
        api.MeetingCancelApi.as_view(),
        name="api-meeting-cancel",
    ),
    path("cases/<int:case_id>/transitions/", api.TransitionsApi.as_view(), name="api-transitions"),
    path(
        "cases/<int:case_id>/transitions/<int:transition_id>/accept/",
        api.TransitionAnswerApi.as_view(),
        {"answer": "accept"},
        name="api-transition-accept",
    ),
    path(
        "cases/<int:case_id>/transitions/<int:transition_id>/decline/",
        api.TransitionAnswerApi.as_view(),
        {"answer": "decline"},
        name="api-transition-decline",
    ),
    path("cases/<int:case_id>/pdf-jobs/", api.PdfJobsApi.as_view(), name="api-pdf-jobs"),
    path("pdf-jobs/<int:job_id>/", api.PdfJobApi.as_view(), name="api-pdf-job"),
    path("pdf-jobs/<int:job_id>/pdf/", api.PdfJobDownloadApi.as_view(), name="api-pdf-job-download"),
    path("pdf-jobs/<int:job_id>/retry/", api.PdfJobRetryApi.as_view(), name="api-pdf-job-retry"),
    path("catalogue/", api.CatalogueApi.as_view(), name="api-catalogue"),
]
