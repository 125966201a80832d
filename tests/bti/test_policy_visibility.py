"""The visibility SQL is compiled once per process; the user and the day are bound on every
call, and memberships are read once per request but never across requests (ADR 0012)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bti import policy
from bti.models import Membership
from tests.cases.helpers import undring

pytestmark = pytest.mark.django_db


def test_the_compiled_visibility_binds_each_user_and_today(personas):
    case = undring(personas)
    assert case in policy.cases_visible_to(personas["barnehagelaerer"])
    assert case in policy.cases_visible_to(personas["styrer"])
    assert case not in policy.cases_visible_to(personas["kontaktlaerer"])
    _sql, params = policy._compiled_visibility()
    assert policy._SQL_USER in params and policy._SQL_DAY in params
    bound = policy.visible_case_ids(personas["barnehagelaerer"]).params
    assert policy._SQL_USER not in bound and policy._SQL_DAY not in bound
    assert personas["barnehagelaerer"].pk in bound and timezone.localdate() in bound


def test_a_membership_that_ended_counts_on_the_next_request(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    page = reverse("cases:case_detail", kwargs={"case_id": case.pk})
    assert client.get(page).status_code == 200
    Membership.objects.filter(user=personas["barnehagelaerer"], unit=case.owner_unit).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(page).status_code == 404
    assert case not in policy.cases_visible_to(personas["barnehagelaerer"])


def test_memberships_are_cached_only_inside_a_request_scope(personas, django_assert_num_queries):
    user = personas["barnehagelaerer"]
    with django_assert_num_queries(2):
        policy.memberships(user)
        policy.memberships(user)
    with policy.request_scope(), django_assert_num_queries(1):
        policy.memberships(user)
        policy.memberships(user)
