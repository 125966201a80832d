"""Login, logout, idle timeout and bad input on the login page."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

PASSWORD = "test-passord-123"


@pytest.mark.django_db
def test_it_logs_in_by_email_and_lands_on_min_side(personas, client):
    response = client.post(reverse("login"), {"username": "Kari.Nordmann@eksempel.kommune.no", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Kari Nordmann" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password"),
    [("kari.nordmann@eksempel.kommune.no", "feil-passord"), ("ukjent@eksempel.kommune.no", PASSWORD), ("", "")],
)
def test_it_refuses_bad_credentials_with_a_norwegian_message(personas, client, email, password):
    response = client.post(reverse("login"), {"username": email, "password": password})
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Feil e-post eller passord" in body) or ("Feltet er påkrevd" in body) or ("Dette feltet er påkrevd" in body)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_does_not_say_which_part_was_wrong(personas, client):
    wrong_password = client.post(
        reverse("login"), {"username": "kari.nordmann@eksempel.kommune.no", "password": "x" * 12}
    )
    unknown_user = client.post(reverse("login"), {"username": "nobody@eksempel.kommune.no", "password": "x" * 12})
    assert wrong_password.context["form"].non_field_errors() == unknown_user.context["form"].non_field_errors()


@pytest.mark.django_db
def test_it_refuses_demo_users_when_demo_mode_is_off(personas, client, settings):
    settings.DEMO_MODE = False
    response = client.post(reverse("login"), {"username": "kari.nordmann@eksempel.kommune.no", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_ends_a_demo_session_when_demo_mode_is_turned_off(personas, login, settings):
    client = login(personas["barnehagelaerer"])
    settings.DEMO_MODE = False
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_refuses_deactivated_users(personas, client):
    user = personas["barnehagelaerer"]
    user.is_active = False
    user.save()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_requires_login_everywhere_but_public_pages(client):
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200


@pytest.mark.django_db
def test_it_logs_out_by_post(personas, login):
    client = login(personas["barnehagelaerer"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_logs_out_after_the_idle_timeout(personas, login, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client = login(personas["barnehagelaerer"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith("/logg-inn/")
    assert "ikke har vært aktiv på 30 minutter" in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_an_active_session(personas, login):
    client = login(personas["barnehagelaerer"])
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_it_explains_a_tampered_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": "kari.nordmann@eksempel.kommune.no", "password": PASSWORD, "csrfmiddlewaretoken": "tuklet"},
    )
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.content.decode()


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2(settings):
    from bti.settings import PASSWORD_HASHERS

    assert PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_it_ignores_an_offsite_next(personas, client):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "kari.nordmann@eksempel.kommune.no", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")
