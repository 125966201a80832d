"""Pages of plans, meetings, transitions, printing and closing (under /saker/<id>/...)."""

from __future__ import annotations

from django.urls import path

from samarbeid import views

urlpatterns = [
    path("saker/<int:case_id>/plan/", views.plan, name="case-plan"),
    path("saker/<int:case_id>/plan/mal/ny/", views.goal_new, name="case-goal-new"),
    path("saker/<int:case_id>/plan/tiltak/ny/", views.measure_new, name="case-measure-new"),
    path("saker/<int:case_id>/plan/tiltak/<int:measure_id>/status/", views.measure_status, name="case-measure-status"),
    path("saker/<int:case_id>/plan/tiltak/<int:measure_id>/evaluer/", views.evaluate, name="case-measure-evaluate"),
    path("saker/<int:case_id>/moter/", views.meetings, name="case-meetings"),
    path("saker/<int:case_id>/moter/<int:meeting_id>/", views.meeting, name="case-meeting"),
    path("saker/<int:case_id>/moter/<int:meeting_id>/kalender.ics", views.meeting_calendar, name="case-meeting-ics"),
    path("saker/<int:case_id>/moter/<int:meeting_id>/endre/", views.meeting_change, name="case-meeting-change"),
    path("saker/<int:case_id>/moter/<int:meeting_id>/avlys/", views.meeting_cancel, name="case-meeting-cancel"),
    path("saker/<int:case_id>/overgang/", views.transition, name="case-transition"),
    path(
        "saker/<int:case_id>/overgang/<int:transition_id>/svar/", views.transition_answer, name="case-transition-answer"
    ),
    path(
        "saker/<int:case_id>/overgang/<int:transition_id>/trekk-tilbake/",
        views.transition_withdraw,
        name="case-transition-withdraw",
    ),
    path("saker/<int:case_id>/utskrift/", views.print_case, name="case-print"),
    path("saker/<int:case_id>/avslutning/", views.close, name="case-close"),
    path("utskrift/<int:job_id>/", views.print_job, name="print-job"),
    path("utskrift/<int:job_id>/last-ned/", views.print_job_download, name="print-job-download"),
    path("utskrift/<int:job_id>/prov-igjen/", views.print_job_retry, name="print-job-retry"),
    path("moter/", views.my_meetings, name="my-meetings"),
    path("overganger/", views.incoming_transitions, name="incoming-transitions"),
    path("tiltaksoversikt/", views.catalogue, name="catalogue"),
    path("tiltaksoversikt/ny/", views.catalogue_edit, name="catalogue-new"),
    path("tiltaksoversikt/<int:item_id>/endre/", views.catalogue_edit, name="catalogue-edit"),
    path("mine-loggforinger/", views.my_old_entries, name="my-old-entries"),
]
