"""Lockout after five wrong passwords, API throttling, and the append-only security log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from bti.models import SecurityEvent, SecurityEventKind
from tests.bti.security_helpers import PASSWORD


def wrong(client, email, times):
    return [client.post(reverse("login"), {"username": email, "password": "feil-passord-x"}) for _ in range(times)]


@pytest.mark.django_db
def test_it_locks_the_account_after_five_wrong_passwords_with_a_norwegian_message(personas, client):
    email = personas["barnehagelaerer"].email
    responses = wrong(client, email, 5)
    assert all(r.status_code == 200 for r in responses[:4])
    assert responses[4].status_code == 429
    body = responses[4].content.decode()
    assert "midlertidig låst" in body
    assert "15 minutter" in body
    # Even the right password is refused while locked.
    locked = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT, email=email).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED, email=email).count() >= 5


@pytest.mark.django_db
def test_it_does_not_lock_after_four_failures_and_resets_on_success(personas, client):
    email = personas["barnehagelaerer"].email
    wrong(client, email, 4)
    assert client.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    client.logout()
    wrong(client, email, 4)
    assert client.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_it_locks_only_the_attacked_account(personas, client):
    wrong(client, personas["barnehagelaerer"].email, 5)
    other = client.post(reverse("login"), {"username": personas["styrer"].email, "password": PASSWORD})
    assert other.status_code == 302


@pytest.mark.django_db
def test_it_logs_login_and_logout(personas, client):
    user = personas["barnehagelaerer"]
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    client.post(reverse("logout"))
    kinds = list(SecurityEvent.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    assert SecurityEventKind.LOGIN in kinds
    assert SecurityEventKind.LOGOUT in kinds
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN).get()
    assert event.ip == "127.0.0.1"
    assert event.kommune_id == user.kommune_id


@pytest.mark.django_db
def test_it_logs_denied_access_from_the_policy_and_403(personas, login):
    from django.http import Http404

    from bti.policy import access_case

    user = personas["utenforstaaende"]
    with pytest.raises(Http404):
        access_case(user, 999999)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_DENIED, user_id=user.pk).exists()
    client = login(personas["barnehagelaerer"])
    client.get("/admin/")  # not staff: the admin redirects to its login, no 403
    from bti.views import permission_denied

    request = client.get(reverse("home")).wsgi_request
    assert permission_denied(request).status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_DENIED, detail__status=403).exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_change_or_delete_security_events(personas):
    event = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, email="x@example.no")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(email="endret@example.no")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()
    assert SecurityEvent.objects.get(pk=event.pk).email == "x@example.no"


@pytest.mark.django_db
def test_it_throttles_the_api(personas, login, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}
    UserRateThrottle.THROTTLE_RATES = rates  # type: ignore[assignment]
    try:
        client = login(personas["barnehagelaerer"])
        statuses = [client.get(reverse("api-schema")).status_code for _ in range(5)]
    finally:
        UserRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        cache.clear()
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
