"""Absolute session lifetime, the session list, «logg ut overalt», and ending sessions
when a user is deactivated or loses the last membership."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti.models import Membership, SecurityEvent, SecurityEventKind, UserSession
from bti.security import sessions
from tests.bti.security_helpers import PASSWORD


def logged_in(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.django_db
def test_it_ends_a_session_after_the_absolute_lifetime_however_active(personas, settings):
    client = logged_in(personas["barnehagelaerer"])
    session = client.session
    session["login_at"] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session["last_seen"] = time.time()
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_it_lists_the_users_own_sessions(personas):
    user = personas["barnehagelaerer"]
    first, second = logged_in(user), logged_in(user)
    logged_in(personas["styrer"])
    page = second.get(reverse("security-overview"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    assert "denne" in page.content.decode()
    assert first.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_it_logs_out_everywhere(personas):
    user = personas["barnehagelaerer"]
    first, second = logged_in(user), logged_in(user)
    other = logged_in(personas["styrer"])
    response = second.post(reverse("logout-everywhere"))
    assert response["Location"] == reverse("login")
    assert first.get(reverse("home")).status_code == 302
    assert second.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user=user, ended_at__isnull=True).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSIONS_ENDED, user_id=user.pk).exists()


@pytest.mark.django_db
def test_it_needs_post_to_log_out_everywhere(personas, login):
    assert login(personas["barnehagelaerer"]).get(reverse("logout-everywhere")).status_code == 405


@pytest.mark.django_db
def test_it_ends_all_sessions_when_a_user_is_deactivated(personas):
    user = personas["barnehagelaerer"]
    client = logged_in(user)
    sessions.deactivate_user(actor=personas["sysadmin"], user=user)
    assert client.get(reverse("home")).status_code == 302
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.django_db
def test_only_an_administrator_may_deactivate_a_user(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sessions.deactivate_user(actor=personas["styrer"], user=personas["barnehagelaerer"])
    with pytest.raises(PermissionDenied):
        sessions.end_sessions(actor=personas["styrer"], user=personas["barnehagelaerer"], reason="x")


@pytest.mark.django_db
def test_it_ends_sessions_when_the_last_membership_ends(personas):
    user = personas["barnehagelaerer"]
    client = logged_in(user)
    memberships = list(Membership.objects.filter(user=user))
    assert memberships
    yesterday = timezone.localdate() - timedelta(days=1)
    memberships[0].valid_until = yesterday
    memberships[0].save()
    if len(memberships) > 1:
        assert sessions.after_membership_change(user=user) is False
        Membership.objects.filter(user=user).update(valid_until=yesterday)
    assert sessions.after_membership_change(user=user) is True
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_keeps_sessions_while_a_membership_remains(personas):
    user = personas["barnehagelaerer"]
    client = logged_in(user)
    assert sessions.after_membership_change(user=user) is False
    assert client.get(reverse("home")).status_code == 200
