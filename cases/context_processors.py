"""Navigation flags for the main menu (Mine saker, Ny undring, Enhetens saker, Oversikt for ledere)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from bti import policy
from bti.models import AGGREGATE_ROLES, MembershipRole


def _flags(user: Any) -> dict[str, bool]:
    roles = {role for _unit, role in policy.memberships(user) if role in policy.CASE_ROLES}
    leader = MembershipRole.LEDER in roles
    # «Oversikt for ledere» for whoever ``policy.aggregate_scope`` lets in: a unit leader, or
    # a kommune role that sees aggregates (the kommunalsjef; roles read once per request, and
    # ``aggregate_scope`` reads the same). A case worker who is no unit leader is not asked
    # (no extra query on every case page; one holding a kommune role too finds it on Min side).
    overview = leader or (not roles and policy.has_kommune_role(user, user.kommune_id, AGGREGATE_ROLES))
    return {"worker": bool(roles), "leader": leader, "overview": overview}


def case_nav(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the one query runs only when a template shows the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"case_nav": {}}
    return {"case_nav": SimpleLazyObject(lambda: _flags(user))}
