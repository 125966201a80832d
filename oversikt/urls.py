from __future__ import annotations

from django.urls import path

from oversikt import views

urlpatterns = [
    path("varsler/", views.notifications, name="notifications"),
    path("varsler/innstillinger/", views.notification_settings, name="notification-settings"),
    path("varsler/alle-lest/", views.notifications_read_all, name="notifications-read-all"),
    path("varsler/<int:notification_id>/", views.notification_open, name="notification-open"),
    path("varsler/<int:notification_id>/lest/", views.notification_read, name="notification-read"),
    path("oversikt/", views.overview, name="overview"),
    path("oversikt/eksport.csv", views.overview_export_csv, name="overview-export-csv"),
    path("oversikt/eksport.xlsx", views.overview_export_xlsx, name="overview-export-xlsx"),
    path("oversikt/kontroll/", views.overview_detect, name="overview-detect"),
]
