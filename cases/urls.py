from __future__ import annotations

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("saker/ny/", views.undring_new, name="undring_new"),
    path("saker/mine/", views.my_cases, name="my_cases"),
    path("saker/enhet/", views.unit_cases, name="unit_cases"),
    path("saker/delt/", views.shared_cases, name="shared_cases"),
    path("saker/<int:case_id>/", views.case_detail, name="case_detail"),
    path("saker/<int:case_id>/deling/", views.sharing, name="sharing"),
    path("saker/<int:case_id>/identifiser/", views.identify, name="identify"),
    path("saker/<int:case_id>/beslutning/", views.decision, name="decision"),
    path("saker/<int:case_id>/niva/", views.level, name="level"),
    path("saker/<int:case_id>/avslutt/", views.close, name="close"),
    path("saker/<int:case_id>/gjenapne/", views.reopen, name="reopen"),
    path("saker/<int:case_id>/foresatte/ny/", views.guardian_add, name="guardian_add"),
]
