from __future__ import annotations

from django.urls import path

from samordning import views

urlpatterns = [
    path("saker/<int:case_id>/samordning/", views.samordning_page, name="samordning"),
    path("saker/<int:case_id>/samordning/koordinering/", views.coordination_new, name="samordning-koordinering"),
    path(
        "saker/<int:case_id>/samordning/barnekoordinator/",
        views.barnekoordinator_new,
        name="samordning-barnekoordinator",
    ),
    path(
        "saker/<int:case_id>/samordning/barnekoordinator/avslutt/",
        views.barnekoordinator_end,
        name="samordning-barnekoordinator-slutt",
    ),
    path("saker/<int:case_id>/individuell-plan/", views.ip_page, name="individuell-plan"),
    path("saker/<int:case_id>/individuell-plan.json", views.ip_json, name="individuell-plan-json"),
    path("saker/<int:case_id>/individuell-plan.pdf", views.ip_pdf, name="individuell-plan-pdf"),
    path("saker/<int:case_id>/individuell-plan/merk/", views.ip_mark, name="individuell-plan-merk"),
]
