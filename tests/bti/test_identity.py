"""One identity for a login (issue 20, item 1): the lockout counts a person, not a spelling."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from bti.identity import normalise_email
from bti.models import SecurityEvent, SecurityEventKind, User
from tests.bti.security_helpers import PASSWORD

SIV = "siv.skog@eksempel.kommune.no"
SPELLINGS = [
    "SIV.SKOG@EKSEMPEL.KOMMUNE.NO",
    "Siv.Skog@Eksempel.Kommune.No",
    "  siv.skog@eksempel.kommune.no  ",
    "ｓｉｖ.ｓｋｏｇ＠ｅｋｓｅｍｐｅｌ.ｋｏｍｍｕｎｅ.ｎｏ",  # full-width (NFKC)
]


def siv():
    return User.objects.get(email=SIV)


def wrong(client, email, times=1):
    return [client.post(reverse("login"), {"username": email, "password": "feil-passord-x"}) for _ in range(times)]


def test_normalise_email_folds_case_width_and_space():
    assert {normalise_email(s) for s in SPELLINGS} == {SIV}
    assert normalise_email("Straße@x.no") == "strasse@x.no"
    assert normalise_email(None) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_it_refuses_another_spelling_while_the_account_is_locked(personas, client, spelling):
    assert siv().check_password(PASSWORD)
    responses = wrong(client, SIV, 5)
    assert responses[-1].status_code == 429
    locked = client.post(reverse("login"), {"username": spelling, "password": PASSWORD})
    assert locked.status_code == 429
    assert "midlertidig låst" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_counts_failures_in_different_spellings_as_one_person(personas, client):
    for spelling in [SIV, *SPELLINGS]:
        wrong(client, spelling)
    locked = client.post(reverse("login"), {"username": SIV, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    failed = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED)
    assert set(failed.values_list("email", flat=True)) == {SIV}


@pytest.mark.django_db
def test_it_locks_the_admin_login_by_the_same_key(personas, client):
    wrong(client, SIV, 5)
    response = client.post(reverse("admin:login"), {"username": SIV.upper(), "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_it_logs_in_with_any_spelling_of_the_address(personas, client, spelling):
    response = client.post(reverse("login"), {"username": spelling, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(siv().pk)


@pytest.mark.django_db
def test_it_stores_a_new_user_in_the_normalised_form(personas):
    user = User.objects.create_user("  Ny.Ansatt@EKSEMPEL.kommune.no ", PASSWORD, full_name="Ny Ansatt")
    assert user.email == "ny.ansatt@eksempel.kommune.no"
    assert User.objects.get_by_natural_key("NY.ANSATT@eksempel.kommune.no") == user


def _admin_add(email: str, name: str) -> dict[str, str]:
    data = {
        "email": email,
        "full_name": name,
        "password1": "et-langt-passord-123",
        "password2": "et-langt-passord-123",
        "usable_password": "true",
    }
    for prefix in ("memberships", "kommune_roles"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


@pytest.mark.django_db
def test_the_admin_stores_a_new_user_in_the_normalised_form(personas, login):
    client = login(personas["sysadmin"])
    response = client.post(reverse("admin:bti_user_add"), _admin_add("Ola.Admin@Eksempel.Kommune.NO", "Ola Admin"))
    assert response.status_code == 302
    assert User.objects.filter(email="ola.admin@eksempel.kommune.no").exists()
    # The same person cannot get a second account in another spelling.
    again = client.post(reverse("admin:bti_user_add"), _admin_add("OLA.ADMIN@eksempel.kommune.no", "Ola Admin 2"))
    assert again.status_code == 200
    assert "finnes allerede" in again.content.decode()
    assert User.objects.filter(full_name__startswith="Ola Admin").count() == 1


@pytest.mark.django_db
def test_the_oidc_match_uses_the_normalised_address(oidc_providers, personas, client):
    from tests.bti.test_oidc import run_flow

    oidc_providers["server"].claims = {"oid": "oid-siv", "email": "  SIV.Skog@Eksempel.Kommune.NO", "amr": ["mfa"]}
    assert run_flow(client, "entra-eksempel").status_code == 302
    assert client.session["_auth_user_id"] == str(siv().pk)


def _migration():
    return importlib.import_module("bti.migrations.0009_normalise_user_emails")


@pytest.mark.django_db
def test_the_migration_normalises_existing_addresses(personas):
    user = siv()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bti_user SET email = %s WHERE id = %s", [" SIV.Skog@Eksempel.Kommune.NO ", user.pk])
    _migration().normalise_emails(apps, None)
    user.refresh_from_db()
    assert user.email == SIV


@pytest.mark.django_db
def test_the_migration_stops_on_two_accounts_of_one_person(personas):
    user = siv()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bti_user (password, last_login, is_superuser, email, full_name, title, is_active, "
            "is_staff, is_demo, date_joined) VALUES ('', NULL, false, %s, 'Dobbel', '', true, false, false, now())",
            ["ｓｉｖ.ｓｋｏｇ@eksempel.kommune.no"],
        )
    with pytest.raises(RuntimeError, match=str(user.pk)):
        _migration().normalise_emails(apps, None)
