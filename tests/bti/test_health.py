"""/healthz (never slow, never 200 while a part is down) and the error pages that render
without the database (docs/reliability.md)."""

from __future__ import annotations

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from bti import views


@pytest.mark.django_db
def test_it_reports_health_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client):
    with mock.patch("bti.views._broker_status", return_value="feil"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "feil"


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_down(client):
    with mock.patch("bti.views._database_status", return_value="feil"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "feil", "broker": "ok", "status": "feil"}


@pytest.mark.django_db
def test_it_answers_503_within_two_seconds_when_a_check_hangs(client):
    """A database that hangs (a pool waiting for a connection) is down for the load balancer
    after the deadline, not after the pool's timeout, and never reported healthy."""

    def hang() -> str:
        time.sleep(5)
        return "ok"

    client.get(reverse("healthz"))  # a process's first request pays for imports; not what we time
    with mock.patch("bti.views._database_status", hang), mock.patch("bti.views._broker_status", hang):
        start = time.perf_counter()
        response = client.get(reverse("healthz"))
        elapsed = time.perf_counter() - start
    assert response.status_code == 503
    assert response.json() == {"database": "feil", "broker": "feil", "status": "feil"}
    assert elapsed < 2.0, elapsed


def test_it_answers_503_for_a_real_broker_that_is_not_there():
    """The real check, against a port where nothing listens: «feil» in well under 2 s."""
    from bti.celery import app

    real = app.connection_for_write
    with mock.patch.object(app, "connection_for_write", lambda: real("redis://127.0.0.1:1/0")):
        start = time.perf_counter()
        status = views._checks_in_time({"broker": views._broker_status}, views.HEALTH_DEADLINE_SECONDS)
    assert status == {"broker": "feil"}
    assert time.perf_counter() - start < 2.0


@pytest.fixture
def database_down(personas):
    """Every new database connection is refused (as while PostgreSQL restarts)."""
    logged_in = Client(raise_request_exception=False)
    logged_in.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    connection.close()
    refused = psycopg.OperationalError("connection refused: the database system is starting up")
    with mock.patch.object(type(connections["default"]), "get_new_connection", side_effect=refused):
        yield logged_in
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_503_page_in_the_sites_layout_without_the_database(database_down):
    response = database_down.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Tjenesten er midlertidig utilgjengelig" in body
    assert "Det du allerede har lagret, er tatt vare på" in body
    assert body.count("<h1") == 1
    assert "css/app.css" in body and "site-header" in body and "Tilgjengelighetserklæring" in body
    assert "Kari Nordmann" not in body  # no user, no session: nothing read from the database


@pytest.mark.django_db(transaction=True)
def test_it_answers_the_api_with_503_json_without_the_database(database_down):
    response = database_down.get("/api/v1/cases/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "Vi får ikke kontakt med databasen akkurat nå. Det du allerede har lagret, er tatt vare på. "
        "Sendte du nettopp et skjema, ble det ikke lagret: gå tilbake og send det igjen om litt."
    }


@pytest.mark.django_db(transaction=True)
def test_it_renders_the_500_page_without_the_database(database_down):
    request = RequestFactory().get("/saker/1/")
    try:
        raise RuntimeError("a bug, not the database")
    except RuntimeError:
        response = views.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Noe gikk galt" in body and "Feilkode" in body and "css/app.css" in body
