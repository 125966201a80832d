"""Headers and cookies (ASVS V3), and the API schema: no endpoint without authentication."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.bti.security_helpers import PASSWORD

# Endpoints that may be called without logging in (none today).
PUBLIC_API_ENDPOINTS: set[str] = set()


@pytest.mark.django_db
def test_it_sends_the_security_headers_on_pages(personas, login):
    response = login(personas["barnehagelaerer"]).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"].startswith("no-store")


@pytest.mark.django_db
def test_it_sets_httponly_samesite_cookies(personas):
    client = Client()
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": personas["barnehagelaerer"].email, "password": PASSWORD})
    session_cookie = response.cookies["bti_session"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_production_settings_make_cookies_secure_and_send_hsts():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "HTTPS": "1",
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEYS": "3q2c6uO5nB6oUM2WbV0oz3aHcM2q2iu8Qm2Zz1x9bXc=",
        "CASE_KEY_MASTER": "3q2c6uO5nB6oUM2WbV0oz3aHcM2q2iu8Qm2Zz1x9bXc=",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='bti.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_NAME)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True", "__Host-bti_session"]


def test_it_keeps_personal_data_out_of_urls():
    """No route takes a fødselsnummer, name or e-mail as a URL parameter."""
    import re

    from tests.routes import iter_patterns

    params = [(route, p) for _n, route, _c in iter_patterns() for p in re.findall(r"<([^>]+)>", route)]
    bad = [
        route for route, p in params if p.startswith("str:") or any(w in p for w in ("fnr", "email", "navn", "name"))
    ]
    assert not bad


def test_no_template_or_script_uses_browser_storage():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p)
        for pattern in ("static/js/**/*.js", "**/templates/**/*.html")
        for p in root.glob(pattern)
        if "node_modules" not in p.parts and ("localStorage" in p.read_text() or "sessionStorage" in p.read_text())
    ]
    assert not offenders


@pytest.mark.django_db
def test_the_openapi_schema_has_no_endpoint_without_authentication(personas, login):
    schema = login(personas["barnehagelaerer"]).get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    anonymous = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            security = operation.get("security", schema.get("security", []))
            if not security or {} in security:
                anonymous.append(f"{method.upper()} {path}")
    assert set(anonymous) <= PUBLIC_API_ENDPOINTS, f"API endpoints open without login: {anonymous}"


@pytest.mark.django_db
def test_the_schema_itself_needs_a_login(client):
    assert client.get(reverse("api-schema")).status_code in {401, 403}
    assert client.get(reverse("api-docs")).status_code in {401, 403}


@pytest.mark.django_db
def test_it_refuses_an_open_redirect_after_login(personas, client):
    response = client.post(
        reverse("login") + "?next=https://ond.example/",
        {"username": personas["barnehagelaerer"].email, "password": PASSWORD, "next": "https://ond.example/"},
    )
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_it_escapes_script_in_the_login_form(personas, client):
    response = client.post(reverse("login"), {"username": "<script>alert(1)</script>", "password": "x"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
