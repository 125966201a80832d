"""Every route the suite requests as every persona.

A route with URL parameters needs an entry in ``SAMPLE_KWARGS`` (a function that builds
an object the demo personas can reach and returns the kwargs); the guard test fails on a
route that has neither, so a new page cannot escape the whole-site checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def _notification(personas: dict[str, Any]) -> dict[str, Any]:
    from oversikt.models import Notification, NotificationKind

    user = personas["barnehagelaerer"]
    n = Notification.objects.create(kommune_id=user.kommune_id, user=user, kind=NotificationKind.ALARM, text="Test")
    return {"notification_id": n.pk}


def _case_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    """A nivå 1 case of Lia barnehage with a few log entries, handover proposed to the school."""
    from cases.models import Case
    from tests.cases.helpers import case_on_level

    case = Case.objects.filter(owner_unit__name="Lia barnehage", level=1).first()
    if case is None:
        case = case_on_level(personas, 1)
        from stafettlogg import services as log_services

        log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text="Samtale i dag.")
        log_services.handover_propose(
            actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
        )
    return {"case_id": case.pk}


def _entry_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    from stafettlogg.models import Entry

    kwargs = _case_kwargs(personas)
    entry = Entry.objects.filter(case_id=kwargs["case_id"]).order_by("seq").first()
    assert entry is not None
    return {**kwargs, "entry_id": entry.pk}


_CASE_ROUTES = [
    "cases:case_detail",
    "cases:sharing",
    "cases:identify",
    "cases:decision",
    "cases:level",
    "cases:close",
    "cases:reopen",
    "cases:guardian_add",
    "stafettlogg:timeline",
    "stafettlogg:note_add",
    "stafettlogg:handover_propose",
    "stafettlogg:handover_accept",
    "stafettlogg:handover_decline",
    "stafettlogg:handover_withdraw",
]

# url name -> builder(personas) -> kwargs
SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = dict.fromkeys(_CASE_ROUTES, _case_kwargs)
SAMPLE_KWARGS["stafettlogg:entry_correct"] = _entry_kwargs
SAMPLE_KWARGS["notification-open"] = _notification

# Routes not fetched as HTML pages by the whole-site test (with the reason).
NOT_PAGES = {
    "logout": "POST only",
    "healthz": "JSON, tested in test_health.py",
    "ping": "plain text, the benchmark's bare view",
    "api-schema": "API schema, tested in the API tests",
    "api-docs": "Swagger UI loads from the API, tested in the API tests",
    "notification-read": "POST only, tested in tests/oversikt",
    "notifications-read-all": "POST only, tested in tests/oversikt",
    "overview-detect": "POST only, tested in tests/oversikt",
    "overview-export-csv": "file download, tested in tests/oversikt",
    "overview-export-xlsx": "file download, tested in tests/oversikt",
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
