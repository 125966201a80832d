from __future__ import annotations

from django.urls import path

from implementering import api

urlpatterns = [
    path("innforing/", api.ProjectView.as_view(), name="api-impl-project"),
    path("innforing/medlemmer/", api.MembersView.as_view(), name="api-impl-members"),
    path("innforing/aktiviteter/", api.ItemsView.as_view(), name="api-impl-items"),
    path("innforing/aktiviteter/<int:item_id>/status/", api.ItemStatusView.as_view(), name="api-impl-item-status"),
    path("innforing/kartlegging/", api.KartleggingView.as_view(), name="api-impl-kartlegging"),
    path("innforing/opplaering/", api.TrainingView.as_view(), name="api-impl-training"),
    path("innforing/tilbakemeldinger/", api.InboxView.as_view(), name="api-impl-inbox"),
    path(
        "innforing/tilbakemeldinger/<uuid:feedback_id>/svar/", api.ReplyView.as_view(), name="api-impl-feedback-reply"
    ),
    path("tilbakemeldinger/", api.FeedbackView.as_view(), name="api-feedback"),
    path("tilbakemeldinger/kode/", api.FeedbackByCodeView.as_view(), name="api-feedback-by-code"),
]
