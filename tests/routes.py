"""Every route the suite requests as every persona.

A route with URL parameters needs an entry in ``SAMPLE_KWARGS`` (a function that builds
an object the demo personas can reach and returns the kwargs); the guard test fails on a
route that has neither, so a new page cannot escape the whole-site checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


# url name -> builder(personas) -> kwargs
def _notification(personas: dict[str, Any]) -> dict[str, Any]:
    from oversikt.models import Notification, NotificationKind

    user = personas["barnehagelaerer"]
    n = Notification.objects.create(kommune_id=user.kommune_id, user=user, kind=NotificationKind.ALARM, text="Test")
    return {"notification_id": n.pk}


SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "notification-open": _notification,
}

# Routes not fetched as HTML pages by the whole-site test (with the reason).
NOT_PAGES = {
    "logout": "POST only",
    "healthz": "JSON, tested in test_health.py",
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
