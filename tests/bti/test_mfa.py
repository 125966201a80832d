"""TOTP enrolment, the MFA gate after the password, recovery codes and step-up."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bti.models import SecurityEvent, SecurityEventKind
from tests.bti.security_helpers import PASSWORD, enrol, real_user, totp_code


@pytest.mark.django_db
def test_it_sends_a_user_without_a_device_to_enrolment_after_the_password(personas, client):
    user = real_user(personas)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa-verify"))
    assert client.get(response["Location"])["Location"].startswith(reverse("mfa-enrol"))


@pytest.mark.django_db
def test_it_enrols_totp_with_an_inline_svg_qr_code_and_shows_recovery_codes_once(personas, client):
    user = real_user(personas)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    page = client.get(reverse("mfa-enrol"))
    body = page.content.decode()
    assert '<svg role="img"' in body
    assert "style=" not in body.split('<div class="qr-code">')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in body.replace(" ", "")
    response = client.post(reverse("mfa-enrol"), {"code": totp_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_ENROLLED, user_id=user.pk).exists()


@pytest.mark.django_db
def test_it_refuses_a_wrong_enrolment_code_with_a_message(personas, client):
    user = real_user(personas)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    client.get(reverse("mfa-enrol"))
    response = client.post(reverse("mfa-enrol"), {"code": "000000"})
    assert response.status_code == 200
    assert "Koden stemmer ikke" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.django_db
def test_it_logs_in_with_password_and_code_and_refuses_a_replayed_code(personas, client):
    user = real_user(personas)
    device, _codes = enrol(client, user)
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 302
    code = totp_code(device, steps_ahead=1)
    response = client.post(reverse("mfa-verify"), {"code": code, "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    replay = client.post(reverse("mfa-verify"), {"code": code})
    assert replay.status_code == 200
    assert "feil eller allerede brukt" in replay.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_FAILED, user_id=user.pk).exists()


@pytest.mark.django_db
def test_it_accepts_a_recovery_code_only_once(personas, client):
    user = real_user(personas)
    _device, codes = enrol(client, user)
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa-verify"), {"code": codes[0]}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa-verify"), {"code": codes[0]}).status_code == 200


@pytest.mark.django_db
def test_it_does_not_let_a_password_alone_replace_an_enrolled_device(personas, client):
    user = real_user(personas)
    enrol(client, user)
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.get(reverse("mfa-enrol"))
    assert response["Location"].startswith(reverse("mfa-verify"))


@pytest.mark.django_db
def test_it_refuses_the_api_before_the_second_factor(personas, client):
    user = real_user(personas)
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.get("/api/v1/")
    assert response.status_code in {403, 404}


@pytest.mark.django_db
def test_it_exempts_demo_users_only_in_demo_mode(personas, login, settings):
    client = login(personas["barnehagelaerer"])
    assert client.get(reverse("home")).status_code == 200
    settings.DEMO_MODE = False
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_keeps_redirects_after_mfa_on_this_site(personas, client):
    user = real_user(personas)
    device, _codes = enrol(client, user)
    client.logout()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa-verify"), {"code": totp_code(device, 1), "next": "https://ond.example/"})
    assert response["Location"] == "/"


# --- step-up -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_asks_for_a_fresh_code_before_the_admin(personas, client):
    user = real_user(personas, "sysadmin")
    device, _codes = enrol(client, user)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session["mfa_at"] = time.time() - 3600
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security-step-up"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bekreft at det er deg" in page.content.decode()
    done = client.post(response["Location"], {"code": totp_code(device, 1), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.STEP_UP, user_id=user.pk).exists()


@pytest.mark.django_db
def test_it_asks_an_mfa_exempt_demo_user_for_the_password_before_the_admin(personas, login):
    client = login(personas["sysadmin"])
    assert client.get("/admin/").status_code == 200  # just logged in
    session = client.session
    session["auth_at"] = time.time() - 3600
    session.save()
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("security-step-up"))
    wrong = client.post(response["Location"], {"password": "feil"})
    assert "Feil passord" in wrong.content.decode()
    right = client.post(response["Location"], {"password": PASSWORD, "next": "/admin/"})
    assert right["Location"] == "/admin/"


@pytest.mark.django_db
def test_require_recent_auth_answers_the_api_with_403(personas, login, rf):
    from bti.security import require_recent_auth

    client = login(personas["barnehagelaerer"])
    request = rf.get("/api/v1/eksport/")
    request.user = personas["barnehagelaerer"]
    request.session = client.session
    request.session["auth_at"] = time.time() - 3600

    @require_recent_auth
    def export(request):
        raise AssertionError("must not run")

    response = export(request)
    assert response.status_code == 403
    assert "Bekreft innloggingen" in response.content.decode()
