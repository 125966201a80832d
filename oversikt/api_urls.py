from __future__ import annotations

from django.urls import path

from oversikt import api

urlpatterns = [
    path("varsler/", api.NotificationListView.as_view(), name="api-notifications"),
    path("varsler/antall-uleste/", api.UnreadCountView.as_view(), name="api-notifications-unread"),
    path("varsler/<int:notification_id>/lest/", api.NotificationReadView.as_view(), name="api-notification-read"),
    path("oversikt/", api.AggregatesView.as_view(), name="api-overview"),
]
