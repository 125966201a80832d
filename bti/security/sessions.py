"""Session bookkeeping: the session list, «logg ut overalt», and ending every session of a
user who is deactivated or loses the last membership.

Ending a session deletes it from the session store, so the next request carrying its
cookie is anonymous: no per-request query is needed to enforce it.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from bti.security import audit
from bti.security.models import SecurityEventKind, UserSession


def _store(session_key: str) -> Any:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def start(request: HttpRequest, user: Any, *, method: str = "password") -> UserSession | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
    record, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "kommune_id": getattr(user, "kommune_id", None),
            "ip": audit.client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "method": method,
            "ended_at": None,
            "end_reason": "",
        },
    )
    return record


def mark_ended(session_key: str, *, reason: str) -> None:
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )


def active_sessions(user: Any) -> list[UserSession]:
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return list(UserSession.objects.filter(user=user, ended_at__isnull=True, created_at__gte=cutoff))


@transaction.atomic
def end_sessions(*, actor: Any, user: Any, reason: str, request: HttpRequest | None = None) -> int:
    """End every open session of ``user`` (the user themself or an administrator)."""
    if actor is not None and actor.pk != user.pk and not actor.is_staff:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    open_sessions = list(UserSession.objects.select_for_update().filter(user=user, ended_at__isnull=True))
    for record in open_sessions:
        _store(record.session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in open_sessions]).update(ended_at=timezone.now(), end_reason=reason)
    audit.record(
        SecurityEventKind.SESSIONS_ENDED,
        request=request,
        user=user,
        detail={"reason": reason, "count": len(open_sessions), "actor_id": getattr(actor, "pk", None)},
    )
    return len(open_sessions)


@transaction.atomic
def deactivate_user(*, actor: Any, user: Any, request: HttpRequest | None = None) -> None:
    """Deactivate a user and end all their sessions at once."""
    if not actor.is_staff:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    end_sessions(actor=actor, user=user, reason="deactivated", request=request)


def has_active_membership(user: Any) -> bool:
    from bti.models import Membership

    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exists()
    )


def after_membership_change(*, user: Any, request: HttpRequest | None = None) -> bool:
    """Call this from every service that ends or removes a membership (no signals): a user
    left without any active membership is logged out everywhere. Returns True if so.
    System administrators and kommune-level roles keep their sessions."""
    if user.is_staff or user.kommune_roles.exists() or has_active_membership(user):
        return False
    end_sessions(actor=None, user=user, reason="no_membership", request=request)
    return True
