"""Writes to the append-only security log (``bti.SecurityEvent``).

When the consent issue's access log (``bti.AccessLogEntry``) lands, ``record`` is the one
place to change: write the same fields there (or both) and keep the call sites.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from bti.security.models import SecurityEvent

log = logging.getLogger("bti.security")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    except Exception:  # noqa: BLE001 - the log must never break a request
        ip = request.META.get("REMOTE_ADDR")
    return ip or None


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    email: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    user_id = getattr(user, "pk", None) if user is not None else None
    event = SecurityEvent.objects.create(
        kind=kind,
        kommune_id=getattr(user, "kommune_id", None),
        user_id=user_id,
        email=(getattr(user, "email", "") or email or "")[:254],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
        path=(request.path if request is not None else "")[:200],
        detail=detail or {},
    )
    log.info("security event %s user=%s", kind, user_id)
    return event
