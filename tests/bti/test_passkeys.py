"""WebAuthn passkeys as a second factor: register after TOTP, use instead of a code;
wrong origin, wrong RP ID, replayed challenge and a cloned key refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bti.models import SecurityEvent, SecurityEventKind, WebAuthnCredential
from tests.bti.security_helpers import PASSWORD, enrol, real_user
from tests.passkey_authenticator import SoftAuthenticator


def post_json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def register(client, authenticator, **kwargs):
    options = client.get(reverse("passkey-register-options")).json()
    return post_json(client, reverse("passkey-register"), authenticator.create(options, **kwargs))


@pytest.fixture
def enrolled(personas, client):
    user = real_user(personas)
    enrol(client, user)
    return user, client


@pytest.mark.django_db
def test_it_registers_a_passkey_and_uses_it_instead_of_a_code(enrolled):
    user, client = enrolled
    authenticator = SoftAuthenticator()
    response = register(client, authenticator)
    assert response.status_code == 200, response.content
    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    page = client.get(reverse("mfa-verify"))
    assert "Bruk passnøkkel" in page.content.decode()
    options = client.get(reverse("passkey-auth-options")).json()
    done = post_json(client, reverse("passkey-authenticate") + "?next=/", authenticator.get(options))
    assert done.status_code == 200, done.content
    assert done.json()["redirect"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_VERIFIED, detail__device="passkey").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"origin": "https://ond.example"}, {"rp_id": "ond.example"}])
def test_it_refuses_a_registration_for_another_origin_or_rp(enrolled, bad):
    _user, client = enrolled
    response = register(client, SoftAuthenticator(), **bad)
    assert response.status_code == 400
    assert "kunne ikke registreres" in response.json()["detail"]
    assert not WebAuthnCredential.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_assertion_from_another_origin_a_replay_and_a_cloned_key(enrolled):
    user, client = enrolled
    authenticator = SoftAuthenticator()
    register(client, authenticator)
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})

    options = client.get(reverse("passkey-auth-options")).json()
    wrong_origin = post_json(
        client, reverse("passkey-authenticate"), authenticator.get(options, origin="https://ond.example")
    )
    assert wrong_origin.status_code == 400

    options = client.get(reverse("passkey-auth-options")).json()
    good = authenticator.get(options)
    assert post_json(client, reverse("passkey-authenticate"), good).status_code == 200
    # The same signed answer again: the challenge was used up.
    assert post_json(client, reverse("passkey-authenticate"), good).status_code == 400

    options = client.get(reverse("passkey-auth-options")).json()
    cloned = post_json(client, reverse("passkey-authenticate"), authenticator.get(options, counter=1))
    assert cloned.status_code == 400
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_FAILED, user_id=user.pk).count() >= 2


@pytest.mark.django_db
def test_adding_a_passkey_needs_a_logged_in_user_with_mfa(personas, client):
    assert client.get(reverse("passkey-register-options")).status_code == 302
    user = real_user(personas)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("passkey-register-options"))["Location"].startswith(reverse("mfa-verify"))


@pytest.mark.django_db
def test_it_refuses_garbage_without_a_500(enrolled):
    _user, client = enrolled
    client.get(reverse("passkey-register-options"))
    assert (
        client.post(reverse("passkey-register"), data="ikke json", content_type="application/json").status_code == 400
    )
    response = client.post(reverse("passkey-authenticate"), data="{}", content_type="application/json")
    assert response.status_code == 400
