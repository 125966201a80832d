"""What every administration service shares: who administers which kommune, objects
looked up only inside that kommune, and the security event of each change."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from bti import policy
from bti.models import KommuneRole, Membership, Service, Unit, User
from bti.security import audit
from bti.security.models import SecurityEventKind

M = TypeVar("M", bound=models.Model)


def admin_kommune(actor: User) -> int:
    """The kommune the actor administers; PermissionDenied for anyone else."""
    kommune_id = policy.administered_kommune_id(actor)
    if kommune_id is None:
        raise PermissionDenied
    return kommune_id


def scoped(queryset: models.QuerySet[M], kommune_id: int, pk: Any) -> M:
    """One row of the kommune by id; 404 for a missing id and for another kommune's alike."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = queryset.filter(kommune_id=kommune_id, pk=key).first()
    if found is None:
        raise Http404
    return found


def staff_queryset(kommune_id: int) -> models.QuerySet[User]:
    """The kommune's people as its administrator sees them: never the system operators."""
    return User.objects.filter(kommune_id=kommune_id, is_staff=False, is_superuser=False)


def scoped_user(kommune_id: int, pk: Any) -> User:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = staff_queryset(kommune_id).filter(pk=key).first()
    if found is None:
        raise Http404
    return found


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def snap_user(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "title": user.title,
        "is_active": user.is_active,
    }


def snap_membership(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user_id,
        "unit": m.unit_id,
        "unit_name": m.unit.name,
        "role": m.role,
        "valid_from": _iso(m.valid_from),
        "valid_until": _iso(m.valid_until),
    }


def snap_kommune_role(r: KommuneRole) -> dict[str, Any]:
    return {"user": r.user_id, "role": r.role}


def snap_unit(u: Unit) -> dict[str, Any]:
    return {"name": u.name, "service": u.service_id, "is_active": u.is_active}


def snap_service(s: Service) -> dict[str, Any]:
    return {"name": s.name, "kind": s.kind, "category": s.category}


def record_change(
    *,
    actor: User,
    action: str,
    obj: str,
    obj_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    **extra: Any,
) -> None:
    """One security event per change: who (the event's user), what (action, object, id),
    before and after. ``request`` only adds the address and browser to the event."""
    detail: dict[str, Any] = {"action": action, "object": obj, "id": obj_id, "before": before, "after": after}
    detail.update(extra)
    audit.record(SecurityEventKind.ADMIN_CHANGE, request=request, user=actor, detail=detail)
