"""Who sees and does what in the implementation support (on top of ``bti.policy``).

* The BTI-koordinator runs it all for their own kommune.
* Kommune leaders (kommunalsjef, analytiker) read the project, plan and kartlegging.
* Unit leaders see and register training for their own units and answer feedback to them.
* Everyone working in the kommune can send feedback and read answers to their own.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bti import policy
from bti.models import AGGREGATE_ROLES, KommuneRoleKind, MembershipRole


def is_koordinator(user: Any) -> bool:
    return bool(user.kommune_id) and policy.has_kommune_role(user, user.kommune_id, (KommuneRoleKind.BTI_KOORDINATOR,))


def may_read_project(user: Any) -> bool:
    return bool(user.kommune_id) and policy.has_kommune_role(user, user.kommune_id, AGGREGATE_ROLES)


def led_unit_ids(user: Any) -> set[int]:
    """Units the user leads today (from the request's memberships, no extra query)."""
    if not getattr(user, "kommune_id", None):
        return set()
    return {unit_id for unit_id, role in policy.memberships(user) if role == MembershipRole.LEDER}


def require(condition: bool) -> None:
    if not condition:
        raise Http404
