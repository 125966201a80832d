from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse


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
    with mock.patch("bti.views.connection.cursor", side_effect=RuntimeError("db down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "feil"
