from __future__ import annotations

from django.urls import path

from arkiv import views

urlpatterns = [
    path("saker/<int:case_id>/lagring/", views.case_storage, name="case-storage"),
    path("kommune/innstillinger/oppbevaring/", views.retention, name="arkiv-retention"),
    path(
        "kommune/innstillinger/oppbevaring/<int:service_id>/fjern/",
        views.retention_remove,
        name="arkiv-retention-remove",
    ),
    path("kommune/innstillinger/sletting/", views.kassasjon, name="arkiv-kassasjon"),
    path("kommune/innstillinger/arkivlevering/", views.deliveries, name="arkiv-deliveries"),
    path(
        "kommune/innstillinger/arkivlevering/<int:delivery_id>/send-igjen/",
        views.delivery_retry,
        name="arkiv-delivery-retry",
    ),
]
