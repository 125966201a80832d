from __future__ import annotations

from django.urls import path

from bti.security import views

urlpatterns = [
    path("sikkerhet/", views.overview, name="security-overview"),
    path("sikkerhet/tofaktor/", views.mfa_verify, name="mfa-verify"),
    path("sikkerhet/tofaktor/registrer/", views.mfa_enrol, name="mfa-enrol"),
    path("sikkerhet/gjenopprettingskoder/", views.recovery_codes_new, name="mfa-recovery-codes"),
    path("sikkerhet/bekreft/", views.step_up, name="security-step-up"),
    path("sikkerhet/logg-ut-overalt/", views.logout_everywhere, name="logout-everywhere"),
    path("sikkerhet/passnokkel/registrer/valg/", views.passkey_register_options, name="passkey-register-options"),
    path("sikkerhet/passnokkel/registrer/", views.passkey_register, name="passkey-register"),
    path("sikkerhet/passnokkel/valg/", views.passkey_auth_options, name="passkey-auth-options"),
    path("sikkerhet/passnokkel/bekreft/", views.passkey_authenticate, name="passkey-authenticate"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("oidc/<slug:slug>/", views.oidc_start, name="oidc-start"),
    path("innbygger/", views.citizen_home, name="citizen-home"),
    path("innbygger/logg-inn/", views.citizen_login, name="citizen-login"),
    path("innbygger/logg-ut/", views.citizen_logout, name="citizen-logout"),
]
