from __future__ import annotations

from django.urls import path

from consent import api

urlpatterns = [
    path("saker/<int:case_id>/samtykker/", api.ConsentListView.as_view(), name="api-samtykker"),
    path(
        "saker/<int:case_id>/samtykker/<int:consent_id>/trekk-tilbake/",
        api.ConsentWithdrawView.as_view(),
        name="api-samtykke-trekk",
    ),
    path("saker/<int:case_id>/samtykke-logg/", api.TimelineView.as_view(), name="api-samtykke-logg"),
    path("saker/<int:case_id>/innsyn/", api.InnsynView.as_view(), name="api-innsyn"),
    path("saker/<int:case_id>/melding-barnevern/", api.MeldingView.as_view(), name="api-melding-barnevern"),
    path("saker/<int:case_id>/anonym-drofting/", api.DroftingCreateView.as_view(), name="api-anonym-drofting"),
    path("drofting/<int:drofting_id>/", api.DroftingReadView.as_view(), name="api-drofting"),
    path("drofting/<int:drofting_id>/bekreft/", api.DroftingConfirmView.as_view(), name="api-drofting-bekreft"),
    path("saker/<int:case_id>/tilganger/", api.GrantListView.as_view(), name="api-tilganger"),
    path(
        "saker/<int:case_id>/tilganger/<int:grant_id>/avslutt/", api.GrantEndView.as_view(), name="api-tilgang-avslutt"
    ),
    path("kommune/innsyn/sok/", api.PersonSearchView.as_view(), name="api-innsyn-person-sok"),
    path("kommune/innsyn/barn/<int:child_id>/", api.PersonInnsynView.as_view(), name="api-innsyn-person"),
    path("tilgangskontroll/", api.ReviewView.as_view(), name="api-tilgangskontroll"),
]
