"""Runs the access matrix of tests/consent/matrix.py (issue #6 point 10)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from bti.innsyn import record_access
from bti.models import AccessLogEntry
from tests.consent.helpers import STATES, barnevern_user, case_in_state, give_consent
from tests.consent.matrix import PERSONAS, ROWS, SESSION_ENDERS, Row
from tests.routes import iter_patterns


def test_it_has_a_matrix_row_for_every_route():
    covered = {row.route for row in ROWS}
    missing = sorted(name for name, _route, _cb in iter_patterns() if name not in covered)
    assert not missing, f"Add rows for these routes to tests/consent/matrix.py: {missing}"
    for row in ROWS:
        assert set(row.allow) == set(PERSONAS), f"Row {row.route} {row.method} must name every persona"


def _outcome(row: Row, response: Any, marker: str) -> bool:
    status = response.status_code
    assert status < 500, f"{row.route} answered {status}"
    assert status != 405, f"{row.route} does not accept {row.method}"
    if status in (403, 404, 401):
        return False
    if row.check == "any":
        return True
    if status in (301, 302):
        return "/logg-inn/" not in response["Location"]
    if row.check == "content":
        return status == 200 and marker in response.content.decode()
    return status < 500


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_it_allows_exactly_the_declared_cells(personas, state):
    people: dict[str, Any] = {**personas, "barnevern": barnevern_user(personas), "anonym": None}
    ctx = case_in_state(personas, state)
    ctx.extra["personas"] = personas
    ctx.extra["nav_consent"] = give_consent(
        personas, ctx.case, ctx.guardian, unit_name="NAV Eksempel", categories=("kartlegging",)
    )
    wrong: list[str] = []
    # Thirteen personas share one address: the API's rate limit is not what is tested here.
    no_throttle = mock.patch("rest_framework.throttling.SimpleRateThrottle.allow_request", return_value=True)
    no_throttle.start()
    for key in PERSONAS:
        user = people[key]
        client = Client()
        if user is not None:
            client.force_login(user, backend="bti.auth_backends.EmailBackend")
        for row in ROWS:
            if row.route == "tilgangskontroll-merk":
                record_access(user=personas["ppt"], obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
                ctx.extra["ppt_read"] = AccessLogEntry.objects.filter(case_id=ctx.case.pk).latest("pk")
            url = reverse(row.route, kwargs=row.kwargs(ctx))
            if row.query:
                url += "?" + row.query
            if row.method == "POST":
                if row.json:
                    response = client.post(url, data={}, content_type="application/json")
                else:
                    response = client.post(url, data=dict(row.data or {}))
            else:
                response = client.get(url)
            allowed = _outcome(row, response, row.marker(ctx))
            expected = state in row.allow[key]
            if allowed != expected:
                wrong.append(
                    f"{row.method} {row.route} [{row.check}] as {key} in state {state}: "
                    f"expected {'allowed' if expected else 'denied'}, got {response.status_code}"
                )
            if row.route in SESSION_ENDERS and user is not None:
                client.force_login(user, backend="bti.auth_backends.EmailBackend")
    no_throttle.stop()
    assert not wrong, "\n".join(wrong)
