"""Every page as every persona: never a 500, exactly one <h1>, the security headers on."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.routes import NOT_PAGES, SAMPLE_KWARGS, iter_patterns

H1 = re.compile(r"<h1[\s>]")


def page_urls(personas) -> list[str]:
    urls = []
    for name, route, _cb in iter_patterns():
        if name in NOT_PAGES or route.startswith("api/"):
            continue
        kwargs = SAMPLE_KWARGS[name](personas) if "<" in route else {}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.mark.django_db
def test_it_serves_every_page_to_every_persona(personas):
    urls = page_urls(personas)
    assert "/" in urls
    people = [None, *personas.values()]
    for user in people:
        client = Client()
        if user is not None:
            client.force_login(user, backend="bti.auth_backends.EmailBackend")
        for url in urls:
            response = client.get(url)
            who = user.email if user else "anonym"
            assert response.status_code < 500, f"{url} as {who}: {response.status_code}"
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                body = response.content.decode()
                assert len(H1.findall(body)) == 1, f"{url} as {who} has {len(H1.findall(body))} <h1>"
                assert '<html lang="nb"' in body
            assert "unsafe-inline" not in response.get("Content-Security-Policy", "unsafe-inline")
            assert response["Cache-Control"].startswith("no-store")


@pytest.mark.django_db
def test_it_answers_unknown_urls_with_a_norwegian_404_page(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_unknown_urls_with_a_404_page_when_logged_in(personas, login):
    client = login(personas["barnehagelaerer"])
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_the_admin_for_system_administrators(personas, login):
    assert login(personas["barnehagelaerer"]).get("/admin/").status_code == 302
    client = login(personas["sysadmin"])
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:bti_user_changelist")).status_code == 200


@pytest.mark.django_db
def test_it_shows_min_side_with_the_users_units(personas, login):
    body = login(personas["barnehagelaerer"]).get(reverse("home")).content.decode()
    assert "Kari Nordmann" in body
    assert "Lia barnehage" in body
    assert "Pedagogisk leder" in body
    assert "Systemadministrasjon" not in body
