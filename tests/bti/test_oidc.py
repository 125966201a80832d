"""OpenID Connect against a local provider: staff (Entra ID) and citizens (ID-porten)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from bti.models import SecurityEvent, SecurityEventKind


def run_flow(client: Client, slug: str, *, tamper_state: bool = False) -> Any:
    """Start at the app, follow the provider's authorize redirect, return the callback response."""
    start = client.get(reverse("oidc-start", args=[slug]))
    assert start.status_code == 302
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    callback = urlsplit(authorize.headers["Location"])
    assert callback.path == reverse("oidc-callback")
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    if tamper_state:
        query["state"] = "forfalsket"
    return client.get(callback.path, query)


@pytest.mark.django_db
def test_it_logs_in_an_existing_staff_user_by_email(oidc_providers, personas, client):
    server = oidc_providers["server"]
    server.claims = {"oid": "oid-kari", "email": "Kari.Nordmann@eksempel.kommune.no", "amr": ["pwd", "mfa"]}
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["barnehagelaerer"].pk)
    assert client.session["mfa_via"] == "oidc"
    assert "Kari Nordmann" in client.get(reverse("home")).content.decode()
    # The oid is linked: the next login works without the e-mail claim.
    client.logout()
    server.claims = {"oid": "oid-kari"}
    run_flow(client, "entra-eksempel")
    assert client.session["_auth_user_id"] == str(personas["barnehagelaerer"].pk)
    assert server.token_requests[-1]["client_secret"] == server.client_secret


@pytest.mark.django_db
def test_it_refuses_an_unknown_staff_user_and_creates_nobody(oidc_providers, personas, client, django_user_model):
    oidc_providers["server"].claims = {"oid": "oid-x", "email": "ukjent@eksempel.kommune.no"}
    before = django_user_model.objects.count()
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 403
    assert "ingen brukerkonto" in response.content.decode()
    assert django_user_model.objects.count() == before
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OIDC_REFUSED, detail__reason="unknown user").exists()


@pytest.mark.django_db
def test_it_refuses_a_user_of_another_kommune(oidc_providers, personas, client):
    oidc_providers["server"].claims = {"oid": "oid-jon", "email": personas["utenforstaaende"].email}
    assert run_flow(client, "entra-eksempel").status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_still_asks_for_a_second_factor_without_mfa_in_the_token(oidc_providers, personas, client, settings):
    user = personas["barnehagelaerer"]
    user.is_demo = False
    user.save()
    oidc_providers["server"].claims = {"oid": "oid-kari", "email": user.email, "amr": ["pwd"]}
    run_flow(client, "entra-eksempel")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa-verify"))


@pytest.mark.django_db
def test_it_lets_a_citizen_in_on_loa_high_without_staff_rights(oidc_providers, personas, client):
    oidc_providers["server"].claims = {"pid": "01010750160", "acr": "idporten-loa-high"}
    response = run_flow(client, "idporten-eksempel")
    assert response["Location"] == reverse("citizen-home")
    assert "_auth_user_id" not in client.session
    assert "01010750160" not in str(dict(client.session))
    # The citizen's landing page is the family portal (issue 14): a pid registered on no case
    # gets the portal's plain message, no case and no staff page.
    landing = client.get(reverse("citizen-home"), follow=True)
    assert landing.redirect_chain[-1][0] == reverse("familie-home")
    assert "Vi fant ingen sak der du er registrert" in landing.content.decode()
    assert client.get(reverse("home")).status_code == 302  # staff pages need a staff login


@pytest.mark.django_db
def test_it_refuses_a_citizen_on_loa_substantial(oidc_providers, client):
    oidc_providers["server"].claims = {"pid": "01010750160", "acr": "idporten-loa-substantial"}
    response = run_flow(client, "idporten-eksempel")
    assert response.status_code == 403
    assert "for lavt sikkerhetsnivå" in response.content.decode()
    assert "citizen" not in client.session
    assert client.get(reverse("citizen-home")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"aud": "en-annen-klient"}, "wrong audience"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired token"),
        ({"iss": "http://127.0.0.1:1"}, "wrong issuer"),
        ({"nonce": "feil"}, "nonce mismatch"),
    ],
)
def test_it_refuses_invalid_id_tokens(oidc_providers, personas, client, change, reason):
    oidc_providers["server"].claims = {"email": personas["barnehagelaerer"].email, **change}
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OIDC_REFUSED, detail__reason=reason).exists()


@pytest.mark.django_db
def test_it_refuses_a_token_with_a_bad_signature(oidc_providers, personas, client):
    server = oidc_providers["server"]
    server.claims = {"email": personas["barnehagelaerer"].email}
    server.sign_with_wrong_key = True
    assert run_flow(client, "entra-eksempel").status_code == 403
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(detail__reason="bad signature").exists()


@pytest.mark.django_db
def test_it_refuses_a_forged_state(oidc_providers, personas, client):
    oidc_providers["server"].claims = {"email": personas["barnehagelaerer"].email}
    response = run_flow(client, "entra-eksempel", tamper_state=True)
    assert response.status_code == 400
    assert "Start innloggingen på nytt" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_refuses_a_callback_without_a_started_flow(oidc_providers, client):
    response = client.get(reverse("oidc-callback"), {"code": "x", "state": "y"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_it_answers_an_unknown_provider_with_404(client):
    assert client.get(reverse("oidc-start", args=["finnes-ikke"])).status_code == 404


@pytest.mark.django_db
def test_it_keeps_an_open_redirect_out_of_next(oidc_providers, personas, client):
    oidc_providers["server"].claims = {"email": personas["barnehagelaerer"].email, "amr": ["mfa"]}
    start = client.get(reverse("oidc-start", args=["entra-eksempel"]) + "?next=https://ond.example/")
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(authorize.headers["Location"])
    response = client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_it_shows_the_sso_buttons_on_the_login_page(oidc_providers, client):
    body = client.get(reverse("login")).content.decode()
    assert "Logg inn med Microsoft" in body
    assert reverse("citizen-login") in body


# --- What the library (Authlib) does for us, proven against the local provider (issue 20) --


@pytest.mark.django_db
def test_it_sends_state_nonce_and_an_s256_code_challenge(oidc_providers, personas, client):
    start = client.get(reverse("oidc-start", args=["idporten-eksempel"]))
    params = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["acr_values"] == "idporten-loa-high"
    assert params["redirect_uri"].endswith(reverse("oidc-callback"))


@pytest.mark.django_db
def test_it_follows_a_key_rotation_at_the_provider(oidc_providers, personas, client):
    server = oidc_providers["server"]
    server.claims = {"oid": "oid-kari", "email": personas["barnehagelaerer"].email, "amr": ["mfa"]}
    assert run_flow(client, "entra-eksempel").status_code == 302
    client.logout()
    server.rotate_key()  # new kid: the cached key set no longer has it
    assert run_flow(client, "entra-eksempel").status_code == 302
    assert client.session["_auth_user_id"] == str(personas["barnehagelaerer"].pk)


@pytest.mark.django_db
@pytest.mark.parametrize("algorithm", ["HS256", "none"])
def test_it_refuses_a_token_signed_with_the_client_secret_or_not_at_all(oidc_providers, personas, client, algorithm):
    server = oidc_providers["server"]
    server.claims = {"email": personas["barnehagelaerer"].email, "amr": ["mfa"]}
    server.algorithm = algorithm
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OIDC_REFUSED).exists()


@pytest.mark.django_db
def test_it_allows_a_little_clock_skew(oidc_providers, personas, client):
    now = int(time.time())
    oidc_providers["server"].claims = {
        "email": personas["barnehagelaerer"].email,
        "iat": now + 20,  # the provider's clock is 20 s ahead
        "exp": now + 300,
    }
    assert run_flow(client, "entra-eksempel").status_code == 302
    assert client.session["_auth_user_id"] == str(personas["barnehagelaerer"].pk)


@pytest.mark.django_db
def test_a_callback_cannot_be_replayed(oidc_providers, personas, client):
    oidc_providers["server"].claims = {"email": personas["barnehagelaerer"].email}
    start = client.get(reverse("oidc-start", args=["entra-eksempel"]))
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(authorize.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    assert client.get(callback.path, query).status_code == 302
    client.logout()
    again = client.get(callback.path, query)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session
