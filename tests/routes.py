"""Every route the suite requests as every persona.

A route with URL parameters needs an entry in ``SAMPLE_KWARGS`` (a function that builds
an object the demo personas can reach and returns the kwargs); the guard test fails on a
route that has neither, so a new page cannot escape the whole-site checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def _consent_case(personas: dict[str, Any]) -> Any:
    from tests.consent.helpers import case_in_state

    return case_in_state(personas, "valid")


def _consent_case_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": _consent_case(personas).case.pk}


def _consent_withdraw_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    ctx = _consent_case(personas)
    return {"case_id": ctx.case.pk, "consent_id": ctx.consent.pk}


def _drofting_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    return {"drofting_id": _consent_case(personas).drofting.pk}


def _review_mark_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    from bti.innsyn import record_access

    ctx = _consent_case(personas)
    record_access(user=personas["ppt"], obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
    from bti.models import AccessLogEntry

    return {"entry_id": AccessLogEntry.objects.filter(case_id=ctx.case.pk).latest("pk").pk}


# url name -> builder(personas) -> kwargs
SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # consent (issue #6)
    "samtykke": _consent_case_kwargs,
    "samtykke-trekk": _consent_withdraw_kwargs,
    "melding-barnevern": _consent_case_kwargs,
    "anonym-drofting": _consent_case_kwargs,
    "samtykke-logg": _consent_case_kwargs,
    "innsyn": _consent_case_kwargs,
    "innsyn-pdf": _consent_case_kwargs,
    "innsyn-json": _consent_case_kwargs,
    "drofting-les": _drofting_kwargs,
    "tilgangskontroll-merk": _review_mark_kwargs,
}

# Routes not fetched as HTML pages by the whole-site test (with the reason).
NOT_PAGES = {
    "logout": "POST only",
    "healthz": "JSON, tested in test_health.py",
    "api-schema": "API schema, tested in the API tests",
    "api-docs": "Swagger UI loads from the API, tested in the API tests",
    "tilgangskontroll-merk": "POST only, tested in tests/consent",
    "innsyn-pdf": "PDF download, tested in tests/consent (slow to render for every persona)",
    "innsyn-json": "JSON download, tested in tests/consent",
}


def iter_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> list[tuple[str, str, Any]]:
    """(qualified name, route, callback) for every pattern, admin excluded."""
    resolver = resolver or get_resolver()
    found: list[tuple[str, str, Any]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += iter_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            found.append((name, prefix + str(pattern.pattern), pattern.callback))
    return found
