from __future__ import annotations

from django.urls import path

from samordning import api

urlpatterns = [
    path("saker/<int:case_id>/samordning/", api.SamordningView.as_view(), name="api-samordning"),
    path("saker/<int:case_id>/barnekoordinator/", api.BarnekoordinatorView.as_view(), name="api-barnekoordinator"),
    path(
        "saker/<int:case_id>/barnekoordinator/avslutt/",
        api.BarnekoordinatorEndView.as_view(),
        name="api-barnekoordinator-slutt",
    ),
    path("saker/<int:case_id>/individuell-plan/", api.IndividualPlanView.as_view(), name="api-individuell-plan"),
]
