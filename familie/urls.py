from __future__ import annotations

from django.urls import path

from familie import views

urlpatterns = [
    path("familie/", views.home, name="familie-home"),
    path("familie/test-idporten/", views.demo_login, name="familie-demo-login"),
    path("familie/sak/<int:case_id>/", views.case_page, name="familie-case"),
    path("familie/sak/<int:case_id>/samtykke/", views.consent_page, name="familie-consent"),
    path(
        "familie/sak/<int:case_id>/samtykke/<int:consent_id>/trekk/",
        views.consent_withdraw,
        name="familie-consent-withdraw",
    ),
    path(
        "familie/sak/<int:case_id>/samtykke/<int:consent_id>/forny/",
        views.consent_renew,
        name="familie-consent-renew",
    ),
    path("familie/sak/<int:case_id>/hvem-har-lest/", views.reads_page, name="familie-reads"),
    path("familie/sak/<int:case_id>/hvem-har-lest/<int:entry_id>/spor/", views.ask_why, name="familie-ask"),
    path("familie/sak/<int:case_id>/meldinger/", views.messages_page, name="familie-messages"),
    path("familie/ny-undring/", views.concern, name="familie-concern"),
    path("familie/sporsmal/", views.questions, name="familie-questions"),
    path("saker/<int:case_id>/familie/", views.panel, name="familie-panel"),
    path("saker/<int:case_id>/familie/foreldreansvar/", views.status_change, name="familie-status"),
    path("saker/<int:case_id>/familie/adresse/", views.address_protect, name="familie-address"),
    path("saker/<int:case_id>/familie/hold-tilbake/", views.entry_hold, name="familie-hold"),
    path("saker/<int:case_id>/familie/melding/", views.message_reply, name="familie-message-reply"),
    path("saker/<int:case_id>/familie/lesetilgang/", views.read_grant, name="familie-read-grant"),
    path("saker/<int:case_id>/familie/innlogging/", views.member_register, name="familie-member"),
]
