"""Step-up where docs/security.md says (issue 20, item 5): innsyn packages, exports of the
overview, PDFs of a case's log and user administration need a second factor (or, for an
exempt demo user, the password) within STEP_UP_MINUTES, on the pages and in the API.

The first test walks the URL resolver: a route that looks like one of those kinds must be
guarded or listed in ``NOT_STEP_UP`` with the reason, so a later route is caught too."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bti.security.stepup import requires_step_up
from tests.bti.security_helpers import real_user
from tests.routes import iter_patterns

# A route is of a step-up kind when its name or path says export, print, PDF, innsyn,
# spreadsheet, or administration of users and access.
SENSITIVE = re.compile(
    r"innsyn|eksport|export|\.csv|\.xlsx|\.pdf|pdf|utskrift|print|"
    r"administrasjon|admin|bruker|users|tilknytning|membership|import",
    re.IGNORECASE,
)

# Routes that match the pattern but produce nothing about a person (with the reason).
NOT_STEP_UP = {
    "hv-guide-pdf": "a handlingsveileder as PDF: the kommune's guidance, no personal data",
    "hv-export": "a handlingsveileder version as JSON: guidance, no personal data",
    "hv-import": "imports a handlingsveileder (fagadministrator): guidance, no personal data",
    "print-job": "progress of an ordered PDF (no content; the download is guarded)",
    "api-pdf-job": "progress of an ordered PDF (no content; the download is guarded)",
}


def test_every_export_print_innsyn_and_user_admin_route_needs_step_up():
    missing = [
        f"{name} ({route})"
        for name, route, callback in iter_patterns()
        if SENSITIVE.search(f"{name} {route}") and name not in NOT_STEP_UP and not requires_step_up(callback)
    ]
    assert not missing, (
        "These routes export, print, give an innsyn package or administer users without step-up. "
        "Add bti.security.require_recent_auth (pages) or permission_classes = STEP_UP_PERMISSIONS "
        f"(API), or list them in NOT_STEP_UP with the reason: {missing}"
    )


def _admin_pages() -> list[str]:
    """Every admin page without URL parameters: the index, each changelist and add form."""
    admin = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "admin")
    names: list[str] = []

    def walk(resolver: URLResolver) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.pattern.converters
                and (pattern.name == "index" or pattern.name.endswith(("_changelist", "_add")))
            ):
                names.append(f"admin:{pattern.name}")

    walk(admin)
    return names


@pytest.mark.django_db
def test_every_admin_page_needs_step_up(personas):
    from django.contrib import admin

    from bti.security.admin_site import SteppedUpAdminSite

    assert isinstance(admin.site, SteppedUpAdminSite)
    client = _client(personas["sysadmin"], age_seconds=3600)
    pages = _admin_pages()
    assert "admin:bti_user_changelist" in pages and "admin:bti_membership_add" in pages
    unguarded = [name for name in pages if not client.get(reverse(name))["Location"].startswith("/sikkerhet/bekreft/")]
    assert not unguarded, f"Admin pages without step-up: {unguarded}"


def test_the_exemptions_name_existing_routes():
    names = {name for name, _route, _cb in iter_patterns()}
    assert set(NOT_STEP_UP) <= names, set(NOT_STEP_UP) - names


# --- Each guarded route with a login 60 minutes old, and fresh -----------------------------


@dataclass
class Guarded:
    route: str
    persona: str
    build: Callable[[dict[str, Any]], dict[str, Any]]
    check: Callable[[Any], bool]
    method: str = "GET"
    data: dict[str, Any] | None = None
    query: str = ""

    @property
    def api(self) -> bool:
        return self.route.startswith("api-")


def _consent_case(personas: dict[str, Any]) -> dict[str, Any]:
    from tests.consent.helpers import case_in_state

    return {"case_id": case_in_state(personas, "valid").case.pk}


def _plan_case(personas: dict[str, Any]) -> dict[str, Any]:
    from tests.samarbeid.helpers import plan_case

    return {"case_id": plan_case(personas)["case"].pk}


def _done_job(personas: dict[str, Any]) -> dict[str, Any]:
    from samarbeid.models import PdfJob, PdfJobStatus
    from tests.samarbeid.helpers import plan_case

    case = plan_case(personas)["case"]
    name = default_storage.save("pdf/stepup-test.pdf", ContentFile(b"%PDF-1.4 STEPUP-MARKER"))
    job = PdfJob.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        requested_by=personas["barnehagelaerer"],
        kind="logg",
        status=PdfJobStatus.DONE,
        file_name=name,
        expires_at=timezone.now() + timedelta(minutes=15),
        # Rendered with what the owner reads (everything): the download's consent check passes.
        params={"categories": ["*"]},
    )
    return {"job_id": job.pk}


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _has(marker: bytes) -> Callable[[Any], bool]:
    return lambda response: response.status_code == 200 and marker in _body(response)


GUARDED = [
    Guarded("innsyn", "barnehagelaerer", _consent_case, _has(b"Emma Eksempel")),
    Guarded("innsyn-json", "barnehagelaerer", _consent_case, _has(b"Emma Eksempel")),
    Guarded("innsyn-pdf", "barnehagelaerer", _consent_case, _has(b"%PDF")),
    Guarded("api-innsyn", "barnehagelaerer", _consent_case, _has(b"Emma Eksempel")),
    Guarded("overview-export-csv", "kommunalsjef", lambda p: {}, _has(b"Del;Gruppe;Verdi")),
    Guarded("overview-export-xlsx", "kommunalsjef", lambda p: {}, _has(b"PK")),
    Guarded(
        "api-overview", "kommunalsjef", lambda p: {}, lambda r: r.status_code == 200 and isinstance(r.json(), list)
    ),
    Guarded("case-print", "barnehagelaerer", _plan_case, _has(b"Skriv ut")),
    Guarded("case-print", "barnehagelaerer", _plan_case, _has(b"%PDF"), method="POST", data={"kind": "logg"}),
    Guarded("print-job-download", "barnehagelaerer", _done_job, _has(b"STEPUP-MARKER")),
    Guarded("api-pdf-job-download", "barnehagelaerer", _done_job, _has(b"STEPUP-MARKER")),
    Guarded(
        "api-pdf-jobs",
        "barnehagelaerer",
        _plan_case,
        lambda r: r.status_code == 202 and r.json()["status"] in {"queued", "done", "running"},
        method="POST",
        data={"kind": "logg"},
    ),
]


def _client(user: Any, *, age_seconds: float) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    session = client.session
    at = time.time() - age_seconds
    session["auth_at"] = at
    session["mfa_at"] = at
    session.save()
    return client


def _request(client: Client, g: Guarded, kwargs: dict[str, Any]) -> Any:
    url = reverse(g.route, kwargs=kwargs or None) + (f"?{g.query}" if g.query else "")
    if g.method == "POST":
        if g.api:
            return client.post(url, data=g.data or {}, content_type="application/json")
        return client.post(url, data=g.data or {}, HTTP_REFERER=url)
    return client.get(url)


def _assert_refused(g: Guarded, response: Any) -> None:
    if g.api:
        assert response.status_code == 403, (g.route, response.status_code)
        assert "Bekreft innloggingen" in response.json()["detail"]
    else:
        assert response.status_code == 302, (g.route, response.status_code)
        assert response["Location"].startswith(reverse("security-step-up") + "?next=")
    assert b"Emma Eksempel" not in _body(response)
    assert b"%PDF" not in _body(response)


@pytest.mark.django_db
@pytest.mark.parametrize("g", GUARDED, ids=lambda g: f"{g.method}-{g.route}")
def test_it_asks_for_step_up_with_a_login_60_minutes_old(personas, g, settings):
    assert settings.STEP_UP_MINUTES < 60
    kwargs = g.build(personas)
    from bti.models import AccessLogEntry

    reads = AccessLogEntry.objects.count()
    stale = _request(_client(personas[g.persona], age_seconds=3600), g, kwargs)
    _assert_refused(g, stale)
    assert AccessLogEntry.objects.count() == reads, "a refused request must read nothing"
    fresh = _request(_client(personas[g.persona], age_seconds=60), g, kwargs)
    assert g.check(fresh), (g.route, fresh.status_code, _body(fresh)[:300])


@pytest.mark.django_db
def test_a_real_user_needs_a_recent_second_factor_not_just_a_recent_password(personas):
    user = real_user(personas)
    kwargs = _consent_case(personas)
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["auth_at"] = time.time()  # a fresh password …
    session["mfa_at"] = time.time() - 3600  # … but a second factor an hour old
    session.save()
    response = client.get(reverse("innsyn-json", kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security-step-up"))
    assert client.get(reverse("api-innsyn", kwargs=kwargs)).status_code == 403


@pytest.mark.django_db
def test_the_admin_needs_step_up(personas):
    stale = _client(personas["sysadmin"], age_seconds=3600).get(reverse("admin:bti_user_changelist"))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("security-step-up"))
    fresh = _client(personas["sysadmin"], age_seconds=60).get(reverse("admin:bti_user_changelist"))
    assert fresh.status_code == 200
    assert personas["barnehagelaerer"].email in fresh.content.decode()


@pytest.mark.django_db
def test_an_api_token_cannot_take_an_innsyn_package(personas):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=personas["barnehagelaerer"])
    kwargs = _consent_case(personas)
    response = Client().get(reverse("api-innsyn", kwargs=kwargs), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "API-nøkkel" in response.json()["detail"]
    assert b"Emma Eksempel" not in response.content


@pytest.mark.django_db
def test_after_the_step_up_the_user_lands_on_the_download(personas):
    kwargs = _consent_case(personas)
    client = _client(personas["barnehagelaerer"], age_seconds=3600)
    url = reverse("innsyn-json", kwargs=kwargs)
    step_up = client.get(url)["Location"]
    confirmed = client.post(step_up, {"password": "test-passord-123", "next": url})
    assert confirmed["Location"] == url
    assert "Emma Eksempel" in client.get(url).content.decode()
