from __future__ import annotations

from django.urls import path

from cases import views_log as views

app_name = "stafettlogg"

urlpatterns = [
    path("saker/<int:case_id>/logg/", views.timeline, name="timeline"),
    path("saker/<int:case_id>/logg/ny/", views.note_add, name="note_add"),
    path("saker/<int:case_id>/logg/<int:entry_id>/korriger/", views.entry_correct, name="entry_correct"),
    path("saker/<int:case_id>/stafettholder/foresla/", views.handover_propose, name="handover_propose"),
    path("saker/<int:case_id>/stafettholder/kandidater/", views.handover_candidates, name="handover_candidates"),
    path("saker/<int:case_id>/stafettholder/godta/", views.handover_accept, name="handover_accept"),
    path("saker/<int:case_id>/stafettholder/avsla/", views.handover_decline, name="handover_decline"),
    path("saker/<int:case_id>/stafettholder/trekk/", views.handover_withdraw, name="handover_withdraw"),
]
