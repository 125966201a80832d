from __future__ import annotations

from django.urls import path

from implementering import views

urlpatterns = [
    path("innforing/", views.project, name="impl-project"),
    path("innforing/prosjekt/", views.project_save, name="impl-project-save"),
    path("innforing/medlem/", views.member_add, name="impl-member-add"),
    path("innforing/aktivitet/", views.item_add, name="impl-item-add"),
    path("innforing/aktivitet/<int:item_id>/status/", views.item_status, name="impl-item-status"),
    path("innforing/kartlegging/", views.kartlegging, name="impl-kartlegging"),
    path("innforing/opplaering/", views.training, name="impl-training"),
    path("innforing/tilbakemeldinger/", views.feedback_inbox, name="impl-feedback-inbox"),
    path("innforing/tilbakemeldinger/<uuid:feedback_id>/svar/", views.feedback_reply, name="impl-feedback-reply"),
    path("tilbakemelding/", views.feedback, name="feedback"),
]
