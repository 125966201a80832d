"""Navigation flags for the case pages (Mine saker, Ny undring, Enhetens saker)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from bti import policy
from bti.models import MembershipRole


def _flags(user: Any) -> dict[str, bool]:
    roles = {role for _unit, role in policy.memberships(user) if role in policy.CASE_ROLES}
    return {"worker": bool(roles), "leader": MembershipRole.LEDER in roles}


def case_nav(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the one query runs only when a template shows the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"case_nav": {}}
    return {"case_nav": SimpleLazyObject(lambda: _flags(user))}
