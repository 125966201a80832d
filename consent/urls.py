from __future__ import annotations

from django.urls import path

from consent import views, views_grants

urlpatterns = [
    path("saker/<int:case_id>/samtykke/", views.consent_page, name="samtykke"),
    path(
        "saker/<int:case_id>/samtykke/<int:consent_id>/trekk-tilbake/",
        views.consent_withdraw,
        name="samtykke-trekk",
    ),
    path("saker/<int:case_id>/melding-barnevern/", views.melding_page, name="melding-barnevern"),
    path("saker/<int:case_id>/anonym-drofting/", views.drofting_page, name="anonym-drofting"),
    path("saker/<int:case_id>/innsyn/", views.innsyn_page, name="innsyn"),
    path("saker/<int:case_id>/innsyn.pdf", views.innsyn_pdf, name="innsyn-pdf"),
    path("saker/<int:case_id>/innsyn.json", views.innsyn_json, name="innsyn-json"),
    path("kommune/innsyn/", views.person_innsyn_search, name="innsyn-person-sok"),
    path("kommune/innsyn/barn/<int:child_id>/", views.person_innsyn_page, name="innsyn-person"),
    path("kommune/innsyn/barn/<int:child_id>/innsyn.pdf", views.person_innsyn_pdf, name="innsyn-person-pdf"),
    path("kommune/innsyn/barn/<int:child_id>/innsyn.json", views.person_innsyn_json, name="innsyn-person-json"),
    path("drofting/<int:drofting_id>/", views.drofting_read, name="drofting-les"),
    path("drofting/<int:drofting_id>/bekreft/", views.drofting_confirm, name="drofting-bekreft"),
    path("saker/<int:case_id>/tilgang/", views_grants.grant_page, name="case-access-grants"),
    path("saker/<int:case_id>/tilgang/<int:grant_id>/avslutt/", views_grants.grant_end, name="case-access-grant-end"),
    path("tilgangskontroll/", views.review_page, name="tilgangskontroll"),
    path("tilgangskontroll/<int:entry_id>/gjennomgatt/", views.review_mark, name="tilgangskontroll-merk"),
]
