from __future__ import annotations

from django.urls import path

from undersokelse import views

urlpatterns = [
    path("undersokelse/", views.survey_home, name="survey-home"),
    path("undersokelse/kommuner/<int:kommune_id>/", views.kommune_rounds, name="survey-kommune"),
    path("undersokelse/kommuner/<int:kommune_id>/ny/", views.round_new, name="survey-round-new"),
    path("undersokelse/runder/<int:round_id>/", views.round_detail, name="survey-round"),
    path("undersokelse/runder/<int:round_id>/rediger/", views.round_edit, name="survey-round-edit"),
    path("undersokelse/runder/<int:round_id>/apne/", views.round_action, {"action": "open"}, name="survey-round-open"),
    path(
        "undersokelse/runder/<int:round_id>/avslutt/",
        views.round_action,
        {"action": "close"},
        name="survey-round-close",
    ),
    path(
        "undersokelse/runder/<int:round_id>/paminnelse/",
        views.round_action,
        {"action": "remind"},
        name="survey-round-remind",
    ),
    path("undersokelse/runder/<int:round_id>/svar/", views.answer, name="survey-answer"),
    path("undersokelse/runder/<int:round_id>/resultater/", views.results, name="survey-results"),
    path("undersokelse/runder/<int:round_id>/rapport/pdf/", views.report_pdf, name="survey-report-pdf"),
    path("undersokelse/runder/<int:round_id>/rapport/csv/", views.report_csv, name="survey-report-csv"),
]
